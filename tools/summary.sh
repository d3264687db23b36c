#!/bin/sh
# summary.sh DIR: the one summary of 'make check', from what each of its steps left in DIR
# (the Makefile's check target writes them):
#   NAME.status   the step's exit status (every step has one)
#   NAME.cunit    a CUnit runner's counts, "suites failed tests failed asserts failed [skipped]"
#                 (the chapters' runners, and fuzz-check, which counts a test per target);
#                 a skipped test (bc_test_skip: it cannot run here) is not counted as passed
#   NAME.counts   "passed failed" of a step that is not CUnit (docs-check, each doc command)
# It prints the CUnit counts in CUnit's own layout, one line per other step, then
# 'check: N passed, M failed', where N and M add up every test, every doc command, docs-check
# and every fuzz target. A step that exited non-zero without counting a failure (a chapter that
# does not build, a runner that crashed) counts as one failed check, so M is never 0 when a
# step failed. Exits 1 when M > 0.
dir=$1
[ -d "$dir" ] || { echo "summary: no $dir: run 'make check'" >&2; exit 1; }
for f in "$dir"/*.status; do
    name=$(basename "$f" .status)
    status=$(cat "$f")
    if [ -f "$dir/$name.cunit" ]; then
        set -- $(cat "$dir/$name.cunit")
        echo "$name cunit $status $*"
    elif [ -f "$dir/$name.counts" ]; then
        echo "$name counts $status $(cat "$dir/$name.counts")"
    else
        echo "$name none $status"
    fi
done | awk '
    $2 == "cunit" {
        runs++; s += $4; sf += $5; t += $6; tf += $7; a += $8; af += $9
        passed += $6 - $7 - $10; failed += $7; skipped += $10; counted = $7 + $5
        if ($10 > 0) skips[++nk] = sprintf("  %-16s %6d skipped: its log says why (SKIPPED:)", $1, $10)
    }
    $2 == "counts" {
        other[++n] = sprintf("  %-16s %6d passed, %d failed", $1, $4, $5)
        passed += $4; failed += $5; counted = $5
    }
    $2 == "none" { counted = 0 }
    $3 != 0 && counted == 0 {
        failed++
        lost[++nl] = sprintf("  %-16s exited %d before counting its failures: counted as 1 failed", $1, $3)
    }
    END {
        printf "\nAll runners (%d):\n", runs
        printf "Run Summary:    Type  Total    Ran Passed Failed Inactive\n"
        printf "              suites %6d %6d    n/a %6d        0\n", s, s, sf
        printf "               tests %6d %6d %6d %6d        0\n", t, t, t - tf, tf
        printf "             asserts %6d %6d %6d %6d      n/a\n", a, a, a - af, af
        if (n) print "\nOther checks:"
        for (i = 1; i <= n; i++) print other[i]
        for (i = 1; i <= nl; i++) print lost[i]
        if (nk) print "\nSkipped tests:"
        for (i = 1; i <= nk; i++) print skips[i]
        printf "\ncheck: %d passed, %d failed%s\n", passed, failed, skipped ? sprintf(", %d skipped", skipped) : ""
        exit failed > 0
    }'
