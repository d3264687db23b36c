#!/bin/sh
# Exercise: verifychain replays every transaction from genesis and refuses bad spends
# Run by 'make exercise EX=04-verifychain' in a fresh directory, with $BIN chapter 4's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# Bad blocks are mined by forge.c, a small program built here from the chapter's sources.
set -u
fail() {
    echo "expected $*"
    exit 1
}

run() {
    "$BIN" "$@" >/dev/null 2>err || fail "'$*' to succeed: $(cat err)"
}

# verifychain must succeed and print "OK: N blocks".
verify_ok() {
    "$BIN" verifychain >out 2>err
    status=$?
    [ $status = 0 ] || fail "'verifychain' on a sound chain of $1 blocks to exit 0, got $status: $(cat err)"
    grep -q "^OK: $1 blocks\$" out || fail "'verifychain' to print 'OK: $1 blocks', got: $(cat out)"
}

# A chain with a block from 'forge $1' ($2 says what is wrong with it): verifychain must exit 1
# and name the bad transaction.
verify_bad() {
    cp sound.db blockchain.db
    ./forge "$1" >ids 2>err || fail "forge $1 to mine its block: $(cat err)"
    "$BIN" verifychain >out 2>err
    status=$?
    [ $status = 1 ] || fail "'verifychain' to exit 1 on a chain where $2, got $status: $(cat out err)"
    grep -q '^error: ' err || fail "'error: ...' on stderr when $2, got: $(cat err)"
    grep -q -F -f ids err || fail "the error when $2 to name the transaction, $(cat ids), got: $(cat err)"
    grep -q '^OK' out && fail "no 'OK' when $2, got: $(cat out)"
    return 0
}

run createblockchain -address Ivan
run send -from Ivan -to Pedro -amount 3
verify_ok 2
cp blockchain.db sound.db

# forge.c calls the chapter's functions: build it with every source of the chapter but main.c.
sources=
for f in "$CHAPTER"/*.c; do
    [ "${f##*/}" = main.c ] || sources="$sources $f"
done
# shellcheck disable=SC2046,SC2086 # split on purpose: lists of files and of flags
cc -std=c11 -D_GNU_SOURCE -o forge "$ROOT/tests/exercises/04-verifychain/forge.c" $sources "$ROOT"/common/*.c \
    -I"$CHAPTER" -I"$ROOT/common" $(pkg-config --cflags --libs glib-2.0 gio-2.0 nettle hogweed) \
    -lgmp -lgdbm 2>cc.log ||
    fail "forge.c to build against the chapter's sources (blockchain_open, blockchain_mine_block ...):
$(head -n 20 cc.log)"

verify_bad missing "an input spends an output of a transaction that does not exist"
verify_bad index "an input spends output 5 of a transaction with two"
verify_bad double "an input spends an output already spent in an earlier block"
verify_bad twice "two transactions of one block spend the same output"
verify_bad mint "a transaction creates 107 coins out of 7"
verify_bad thief "Mallory spends Pedro's output"

# Sound chains pass: several inputs, change, paying oneself.
cp sound.db blockchain.db
run send -from Ivan -to Pedro -amount 1
run send -from Pedro -to Helen -amount 4
run send -from Helen -to Helen -amount 4
run send -from Ivan -to Ivan -amount 6
verify_ok 6
exit 0
