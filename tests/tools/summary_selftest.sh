#!/bin/sh
# summary_selftest.sh: proves tools/summary.sh counts every kind of step, so that the last line
# of 'make check' cannot say "0 failed" while a step failed. Each case is a directory of the
# files the check target writes; the case names the line summary.sh must print and its exit
# status. Run by 'sh tools/docs.sh check' (and so by 'make check').
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# case NAME EXPECTED-LINE EXPECTED-EXIT FILE=CONTENT...
case_() {
    name=$1 want=$2 want_rc=$3
    shift 3
    d=$work/$name
    mkdir -p "$d"
    for spec in "$@"; do
        printf '%s\n' "${spec#*=}" > "$d/${spec%%=*}"
    done
    out=$(sh "$top/tools/summary.sh" "$d")
    rc=$?
    last=$(printf '%s\n' "$out" | tail -n 1)
    if [ "$last" != "$want" ] || [ "$rc" -ne "$want_rc" ]; then
        echo "summary selftest: $name: got '$last' (exit $rc), want '$want' (exit $want_rc)" >&2
        status=1
    fi
}

case_ all-pass "check: 15 passed, 0 failed" 0 \
    tests-ch.status=0 "tests-ch.cunit=2 0 10 0 50 0" \
    docs-check.status=0 "docs-check.counts=1 0" doc-commands.status=0 "doc-commands.counts=4 0"
case_ cunit-failure "check: 8 passed, 2 failed" 1 \
    tests-ch.status=1 "tests-ch.cunit=2 1 10 2 50 3"
case_ docs-check-failure "check: 10 passed, 1 failed" 1 \
    tests-ch.status=0 "tests-ch.cunit=2 0 10 0 50 0" docs-check.status=2 "docs-check.counts=0 1"
case_ doc-command-failure "check: 3 passed, 1 failed" 1 \
    doc-commands.status=1 "doc-commands.counts=3 1"
case_ build-failure "check: 10 passed, 1 failed" 1 \
    tests-a.status=0 "tests-a.cunit=2 0 10 0 50 0" tests-b.status=2
case_ crash-after-counts "check: 10 passed, 1 failed" 1 \
    tests-a.status=139 "tests-a.cunit=2 0 10 0 50 0"
case_ skipped "check: 9 passed, 0 failed, 1 skipped" 0 \
    tests-ch.status=0 "tests-ch.cunit=2 0 10 0 50 0 1"
if [ $status -eq 0 ]; then
    echo "summary: selftest: every failing step was counted"
fi
exit $status
