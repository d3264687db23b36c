#!/bin/sh
# exercise.sh: the chapters' exercises, each checked by one command.
#
#   sh tools/exercise.sh list            every exercise and its title
#   sh tools/exercise.sh check EX        builds EX's chapter and runs its check (make exercise EX=...)
#   sh tools/exercise.sh verify [EX...]  proves each exercise honest, in a scratch copy of the
#                                        project: its check fails on the chapter as it is, and
#                                        passes once docs/solutions/EX.patch is applied
#
# An exercise EX = NN-slug belongs to chapters/NN-*. Its check is tests/exercises/EX/check.sh:
# it runs in a fresh temporary directory, finds the chapter's binary in $BIN, may use the
# chapter's sources under $CHAPTER, exits 0 when the exercise is solved, and otherwise says
# what it expected. The reference solution, for teachers, is docs/solutions/EX.patch
# (apply with 'patch -p1' at the top of the project). What several checks share lives in
# tests/exercises/lib/, which a check sources from "$ROOT/tests/exercises/lib/".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

chapter_of() { # EX -> chapters/NN-name
    set -- "$(printf '%s' "$1" | cut -c1-2)"
    ls -d chapters/"$1"-* 2>/dev/null | head -n 1
}

title_of() { # EX -> the first line of its check's "# Exercise:" comment
    sed -n 's/^# Exercise: //p' "tests/exercises/$1/check.sh" | head -n 1
}

check() { # EX: 0 when solved
    ex=$1
    [ -f "tests/exercises/$ex/check.sh" ] || { echo "no exercise '$ex' (see 'make exercises')" >&2; return 2; }
    chapter=$(chapter_of "$ex")
    [ -n "$chapter" ] || { echo "no chapter for exercise '$ex'" >&2; return 2; }
    name=$(basename "$chapter")
    if ! make --no-print-directory "ch$(printf '%s' "$ex" | cut -c1-2)" >"$ROOT/build/exercise-$ex.log" 2>&1; then
        echo "exercise $ex: the chapter does not build; see build/exercise-$ex.log" >&2
        tail -n 20 "$ROOT/build/exercise-$ex.log" >&2
        return 1
    fi
    work=$(mktemp -d)
    (cd "$work" && BIN="$ROOT/build/$name/blockchain" CHAPTER="$ROOT/$chapter" ROOT="$ROOT" \
        BC_TARGET_BITS=${BC_TARGET_BITS:-8} sh "$ROOT/tests/exercises/$ex/check.sh")
    status=$?
    rm -rf "$work"
    if [ $status = 0 ]; then
        echo "exercise $ex: solved"
    else
        echo "exercise $ex: not solved yet ($(title_of "$ex"))"
    fi
    return $status
}

exercises() {
    for d in tests/exercises/*/; do
        if [ -f "$d/check.sh" ]; then basename "$d"; fi
    done
}

verify() { # EX...: each must fail as is and pass with its solution
    bad=0 n=0
    for ex in "$@"; do
        n=$((n + 1))
        patch_file="$ROOT/docs/solutions/$ex.patch"
        if [ ! -f "$patch_file" ]; then
            echo "verify $ex: no solution at docs/solutions/$ex.patch"
            bad=$((bad + 1))
            continue
        fi
        chapter=$(chapter_of "$ex")
        scratch=$(mktemp -d)
        mkdir -p "$scratch/chapters" "$scratch/tests/exercises" "$scratch/build"
        cp -r Makefile mk common tools "$scratch/"
        cp -r "$chapter" "$scratch/chapters/"
        cp -r "tests/exercises/$ex" tests/exercises/lib "$scratch/tests/exercises/"
        if (cd "$scratch" && sh tools/exercise.sh check "$ex") >"$scratch/before.log" 2>&1; then
            echo "verify $ex: FAIL: the check passes without the solution"
            bad=$((bad + 1))
        elif ! (cd "$scratch" && patch -p1 -s <"$patch_file") >"$scratch/patch.log" 2>&1; then
            echo "verify $ex: FAIL: the solution does not apply:"
            sed 's/^/    /' "$scratch/patch.log"
            bad=$((bad + 1))
        elif ! (cd "$scratch" && sh tools/exercise.sh check "$ex") >"$scratch/after.log" 2>&1; then
            echo "verify $ex: FAIL: the check fails with the solution:"
            tail -n 15 "$scratch/after.log" | sed 's/^/    /'
            bad=$((bad + 1))
        else
            echo "verify $ex: ok (fails as is, passes with the solution)"
        fi
        rm -rf "$scratch"
    done
    echo "exercises: $((n - bad)) passed, $bad failed"
    [ $bad = 0 ]
}

case "${1:-list}" in
list)
    for ex in $(exercises); do printf '%-28s %s\n' "$ex" "$(title_of "$ex")"; done ;;
check)
    [ $# = 2 ] || { echo "usage: make exercise EX=NN-name (see 'make exercises')" >&2; exit 2; }
    mkdir -p build
    check "$2" ;;
verify)
    shift
    # shellcheck disable=SC2046
    if [ $# = 0 ]; then set -- $(exercises); fi
    verify "$@" ;;
*)
    echo "usage: $0 list | check EX | verify [EX...]" >&2
    exit 2 ;;
esac
