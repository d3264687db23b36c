#!/bin/sh
# Exercise: getblock -hash HASH prints the one block with that hash
# Run by 'make exercise EX=03-getblock' in a fresh directory, with $BIN chapter 3's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

for data in one two; do
    "$BIN" addblock -data "$data" >/dev/null 2>err || fail "'addblock -data $data' to succeed: $(cat err)"
done
"$BIN" printchain >chain 2>err || fail "'printchain' to succeed: $(cat err)"
# Newest first: two, one, genesis.
two=$(sed -n 's/^Hash: //p' chain | sed -n 1p)
one=$(sed -n 's/^Hash: //p' chain | sed -n 2p)
genesis=$(sed -n 's/^Hash: //p' chain | sed -n 3p)

"$BIN" getblock -hash "$one" >out 2>err
status=$?
[ $status = 0 ] || fail "'getblock -hash $one' to exit 0, got $status: $(cat err)"
[ "$(sed -n 's/^Hash: //p' out)" = "$one" ] || fail "'getblock -hash $one' to print that one block, got:
$(cat out)"
[ "$(sed -n 's/^Data: //p' out)" = one ] || fail "the block found by 'getblock' to say 'Data: one', got:
$(cat out)"
[ "$(sed -n 's/^Prev. hash: //p' out)" = "$genesis" ] || fail "the block found by 'getblock' to show its Prev. hash $genesis, got:
$(cat out)"
grep -q '^PoW: true$' out || fail "'getblock' to print the block as printchain does, 'PoW: true' included, got:
$(cat out)"
"$BIN" getblock -hash "$genesis" >out 2>err || fail "'getblock -hash $genesis' (genesis) to succeed: $(cat err)"
[ "$(sed -n 's/^Data: //p' out)" = "Genesis Block" ] || fail "'getblock' on the genesis hash to print 'Data: Genesis Block', got:
$(cat out)"
"$BIN" getblock --hash="$two" >out 2>err || fail "'getblock --hash=$two' to succeed: $(cat err)"
[ "$(sed -n 's/^Data: //p' out)" = two ] || fail "'getblock --hash=$two' to print block 'two', got:
$(cat out)"

missing=7777777777777777777777777777777777777777777777777777777777777777
"$BIN" getblock -hash $missing >out 2>err
status=$?
[ $status = 1 ] || fail "'getblock' with a hash no block has to exit 1, got $status"
grep -q '^error: no block' err || fail "'error: no block ...' on stderr for a hash no block has, got: $(cat err)"
[ ! -s out ] || fail "nothing on stdout for a hash no block has, got: $(cat out)"

# Not a hash at all: a usage error, found before the database is opened.
mkdir empty && cd empty || exit 1
short=$(printf '%s' "$one" | cut -c2-)
for hash in xyz "$short" "${one}0" "g$short" ""; do
    "$BIN" getblock -hash "$hash" >out 2>err
    status=$?
    [ $status = 2 ] || fail "'getblock -hash \"$hash\"' (not 64 hex digits) to be a usage error (exit 2), got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr for 'getblock -hash \"$hash\"', got: $(cat err)"
    [ ! -s out ] || fail "nothing on stdout for 'getblock -hash \"$hash\"', got: $(cat out)"
done
"$BIN" getblock >out 2>err
status=$?
[ $status = 2 ] || fail "'getblock' without -hash to be a usage error (exit 2), got $status"
[ ! -e blockchain.db ] || fail "no database created by a usage error, but 'getblock' made blockchain.db"
cd .. || exit 1

"$BIN" --help >out 2>&1
grep -q getblock out || fail "'blockchain --help' to list getblock, got:
$(cat out)"
exit 0
