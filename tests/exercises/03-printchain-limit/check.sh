#!/bin/sh
# Exercise: printchain -limit N prints only the N newest blocks
# Run by 'make exercise EX=03-printchain-limit' in a fresh directory, with $BIN chapter 3's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

for data in one two three; do
    "$BIN" addblock -data "$data" >/dev/null 2>err || fail "'addblock -data $data' to succeed: $(cat err)"
done

# printchain ARGS... must print blocks with exactly these Data values, '|' between them.
printchain() {
    want=$1
    shift
    "$BIN" printchain "$@" >out 2>err
    status=$?
    [ $status = 0 ] || fail "'printchain $*' to exit 0, got $status: $(cat err)"
    got=$(sed -n 's/^Data: //p' out | paste -s -d '|' -)
    [ "$got" = "$want" ] || fail "'printchain $*' to print the blocks '$want', newest first, got '$got'"
    [ "$(grep -c '^PoW: true$' out)" = "$(printf '%s' "$want" | awk -F '|' '{ print NF }')" ] ||
        fail "'printchain $*' to print each block whole, PoW line included, got:
$(cat out)"
}

printchain "three|two" -limit 2
printchain "three" -limit 1
printchain "three" --limit=1
printchain "three|two|one|Genesis Block" -limit 4
printchain "three|two|one|Genesis Block" -limit 100
printchain "three|two|one|Genesis Block"

for limit in 0 -3 x ""; do
    "$BIN" printchain -limit "$limit" >out 2>err
    status=$?
    [ $status = 2 ] || fail "'printchain -limit \"$limit\"' to be a usage error (exit 2), got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr for 'printchain -limit \"$limit\"', got: $(cat err)"
    [ ! -s out ] || fail "nothing on stdout for 'printchain -limit \"$limit\"', got: $(cat out)"
done
"$BIN" printchain -limit >out 2>err
status=$?
[ $status = 2 ] || fail "'printchain -limit' without a number to be a usage error (exit 2), got $status"
exit 0
