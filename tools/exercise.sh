#!/bin/sh
# exercise.sh: the chapters' exercises, each checked by one command.
#
#   sh tools/exercise.sh list            every exercise and its title
#   sh tools/exercise.sh check EX        builds EX's chapter and runs its check (make exercise EX=...)
#   sh tools/exercise.sh verify [EX...]  proves each exercise honest, in a scratch copy of the
#                                        project: its check fails on the chapter as it is, fails
#                                        with each wrong solution docs/solutions/wrong/EX--*.patch,
#                                        and passes once docs/solutions/EX.patch is applied
#
# An exercise EX = NN-slug belongs to chapters/NN-*. Its check is tests/exercises/EX/check.sh:
# it runs in a fresh temporary directory, finds the chapter's binary in $BIN, may use the
# chapter's sources under $CHAPTER, exits 0 when the exercise is solved, and otherwise says
# what it expected. The reference solution, for teachers, is docs/solutions/EX.patch
# (apply with 'patch -p1' at the top of the project). A wrong solution a learner could
# plausibly write, docs/solutions/wrong/EX--WHAT.patch, says in its first lines what it gets
# wrong; the check must refuse it. What several checks share lives in tests/exercises/lib/,
# which a check sources from "$ROOT/tests/exercises/lib/".
#
# BUILD (default build) is the build directory, as for make; 'make exercise' passes its own.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
BUILD=${BUILD:-build}

chapter_of() { # EX -> chapters/NN-name
    set -- "$(printf '%s' "$1" | cut -c1-2)"
    ls -d chapters/"$1"-* 2>/dev/null | head -n 1
}

title_of() { # EX -> the first line of its check's "# Exercise:" comment
    sed -n 's/^# Exercise: //p' "tests/exercises/$1/check.sh" | head -n 1
}

check() { # EX: 0 when solved, 1 when not, 2 no such exercise, 4 the chapter does not build
    ex=$1
    [ -f "tests/exercises/$ex/check.sh" ] || { echo "no exercise '$ex' (see 'make exercises')" >&2; return 2; }
    chapter=$(chapter_of "$ex")
    [ -n "$chapter" ] || { echo "no chapter for exercise '$ex'" >&2; return 2; }
    name=$(basename "$chapter")
    log=$ROOT/$BUILD/exercise-$ex.log
    if ! make --no-print-directory BUILD="$BUILD" "ch$(printf '%s' "$ex" | cut -c1-2)" >"$log" 2>&1; then
        echo "exercise $ex: the chapter does not build; see $BUILD/exercise-$ex.log" >&2
        tail -n 20 "$log" >&2
        return 4
    fi
    work=$(mktemp -d "${TMPDIR:-/tmp}/exercise-$ex.XXXXXX") || return 1
    (cd "$work" && BIN="$ROOT/$BUILD/$name/blockchain" CHAPTER="$ROOT/$chapter" ROOT="$ROOT" \
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

# The scratch copies start from a template holding the build tools and libbc-common built
# once (a solution changes only its chapter), and the wrong and right solutions of EX start
# from the copy in which the chapter was built as it is: 'cp -a' keeps the files' times, so
# make rebuilds only what a patch touched.
make_template() {
    template=$(mktemp -d "${TMPDIR:-/tmp}/exercise-verify.XXXXXX") || return 1
    mkdir -p "$template/chapters" "$template/tests/exercises"
    cp -r Makefile mk common tools "$template/"
    cp -r tests/exercises/lib "$template/tests/exercises/"
    if ! (cd "$template" && make --no-print-directory BUILD=build common) >"$template/common.log" 2>&1; then
        echo "verify: libbc-common does not build:" >&2
        tail -n 15 "$template/common.log" >&2
        return 1
    fi
}

# A scratch copy of FROM (the template, or a copy with EX's chapter built), in $scratch; from
# the template it gets EX's chapter and check.
scratch_for() { # EX FROM
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/exercise-verify.XXXXXX") || return 1
    cp -a "$2/." "$scratch/"
    if [ "$2" = "$template" ]; then
        cp -r "$(chapter_of "$1")" "$scratch/chapters/"
        cp -r "tests/exercises/$1" "$scratch/tests/exercises/"
    fi
}

# Runs EX's check in the scratch copy with PATCH applied (none: '-'): 0 solved, 1 not
# solved, 3 the patch does not apply, 4 the chapter does not build (a check that fails
# because nothing builds proves nothing). Its output goes to $scratch/LABEL.log.
try_with() { # EX PATCH LABEL
    if [ "$2" != - ] && ! (cd "$scratch" && patch -p1 -s <"$2") >"$scratch/$3.log" 2>&1; then
        return 3
    fi
    (cd "$scratch" && BUILD=build sh tools/exercise.sh check "$1") >>"$scratch/$3.log" 2>&1
    case $? in 0) return 0 ;; 4) return 4 ;; *) return 1 ;; esac
}

verify() { # EX...: each must fail as is and with every wrong solution, and pass with its own
    passed=0 failed=0 exs=0
    template="" base="" scratch=""
    trap 'rm -rf "$template" "$base" "$scratch"' EXIT
    trap 'exit 130' INT TERM
    make_template || return 1
    for ex in "$@"; do
        exs=$((exs + 1))
        ok() { passed=$((passed + 1)); echo "verify $ex: ok: $1"; }
        bad() { failed=$((failed + 1)); echo "verify $ex: FAIL: $1"; }
        patch_file="$ROOT/docs/solutions/$ex.patch"
        if [ ! -f "$patch_file" ]; then
            bad "no solution at docs/solutions/$ex.patch"
            continue
        fi
        scratch_for "$ex" "$template" || return 1
        try_with "$ex" - as-is
        case $? in
        0) bad "the check passes on the chapter as it is" ;;
        4) bad "the chapter does not build:"; tail -n 15 "$scratch/as-is.log" | sed 's/^/    /' ;;
        *) ok "fails on the chapter as it is" ;;
        esac
        base=$scratch scratch=""
        for wrong in "$ROOT"/docs/solutions/wrong/"$ex"--*.patch; do
            [ -f "$wrong" ] || continue
            what=$(basename "$wrong" .patch)
            what=${what#"$ex"--}
            scratch_for "$ex" "$base" || return 1
            try_with "$ex" "$wrong" wrong
            case $? in
            0) bad "the check passes with the wrong solution '$what'" ;;
            3) bad "the wrong solution '$what' does not apply:"; sed 's/^/    /' "$scratch/wrong.log" ;;
            4) bad "the wrong solution '$what' does not build:"; tail -n 15 "$scratch/wrong.log" | sed 's/^/    /' ;;
            *) ok "fails with the wrong solution '$what'" ;;
            esac
            rm -rf "$scratch"
        done
        scratch_for "$ex" "$base" || return 1
        try_with "$ex" "$patch_file" solution
        case $? in
        0) ok "passes with the solution" ;;
        3) bad "the solution does not apply:"; sed 's/^/    /' "$scratch/solution.log" ;;
        *) bad "the check fails with the solution:"; tail -n 15 "$scratch/solution.log" | sed 's/^/    /' ;;
        esac
        rm -rf "$scratch" "$base"
        scratch="" base=""
    done
    # A wrong solution must belong to an exercise, or it would never be tried.
    for wrong in "$ROOT"/docs/solutions/wrong/*.patch; do
        [ -f "$wrong" ] || continue
        ex=$(basename "$wrong" .patch)
        ex=${ex%%--*}
        if [ ! -f "tests/exercises/$ex/check.sh" ]; then
            failed=$((failed + 1))
            echo "verify: FAIL: docs/solutions/wrong/$(basename "$wrong") names no exercise ('EX--what.patch')"
        fi
    done
    echo "exercises-verify: $exs exercises; check: $passed passed, $failed failed"
    [ $failed = 0 ]
}

case "${1:-list}" in
list)
    for ex in $(exercises); do printf '%-28s %s\n' "$ex" "$(title_of "$ex")"; done ;;
check)
    [ $# = 2 ] || { echo "usage: make exercise EX=NN-name (see 'make exercises')" >&2; exit 2; }
    mkdir -p "$BUILD"
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
