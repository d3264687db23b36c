#!/bin/sh
# Adds up the CUnit counts that each test runner wrote ("suites failed tests failed asserts
# failed") and prints them in CUnit's own summary layout, then one plain line.
# Fails when a results file is missing (a runner crashed) or any test failed.
status=0
for f in "$@"; do
    [ -s "$f" ] || { echo "summary: $f is missing: a test runner did not finish" >&2; status=1; }
done
cat "$@" 2>/dev/null | awk -v n="$#" '
    { s += $1; sf += $2; t += $3; tf += $4; a += $5; af += $6; runs++ }
    END {
        printf "\nAll runners (%d):\n", runs
        printf "Run Summary:    Type  Total    Ran Passed Failed Inactive\n"
        printf "              suites %6d %6d    n/a %6d        0\n", s, s, sf
        printf "               tests %6d %6d %6d %6d        0\n", t, t, t - tf, tf
        printf "             asserts %6d %6d %6d %6d      n/a\n", a, a, a - af, af
        printf "\ncheck: %d passed, %d failed\n", t - tf, tf
        exit (tf > 0 || sf > 0 || runs < n)
    }' || status=1
exit $status
