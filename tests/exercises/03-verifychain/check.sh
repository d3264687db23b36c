#!/bin/sh
# Exercise: verifychain checks every block's proof of work and link, down to genesis
# Run by 'make exercise EX=03-verifychain' in a fresh directory, with $BIN chapter 3's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# Bad blocks are written by forge.c, a small program built here from the chapter's sources.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# verifychain must succeed and print "OK: N blocks".
verify_ok() {
    "$BIN" verifychain >out 2>err
    status=$?
    [ $status = 0 ] || fail "'verifychain' on a sound chain of $1 blocks to exit 0, got $status: $(cat err)"
    grep -q "^OK: $1 blocks\$" out || fail "'verifychain' to print 'OK: $1 blocks', got: $(cat out)"
}

# verifychain must fail (exit 1), naming the bad block $1 (or $3) on stderr.
verify_bad() {
    "$BIN" verifychain >out 2>err
    status=$?
    [ $status = 1 ] || fail "'verifychain' to exit 1 on a chain with $2, got $status: $(cat out err)"
    grep -q '^error: ' err || fail "'error: ...' on stderr for a chain with $2, got: $(cat err)"
    grep -q -e "$1" -e "${3:-$1}" err || fail "the error for a chain with $2 to name the bad block $1, got: $(cat err)"
    grep -q '^OK' out && fail "no 'OK' for a chain with $2, got: $(cat out)"
    return 0
}

for data in one two; do
    "$BIN" addblock -data "$data" >/dev/null 2>err || fail "'addblock -data $data' to succeed: $(cat err)"
done
verify_ok 3
cp blockchain.db sound.db

# forge.c calls the chapter's functions: build it with every source of the chapter but main.c.
sources=
for f in "$CHAPTER"/*.c; do
    [ "${f##*/}" = main.c ] || sources="$sources $f"
done
# shellcheck disable=SC2046,SC2086 # split on purpose: lists of files and of flags
cc -std=c11 -D_GNU_SOURCE -o forge "$ROOT/tests/exercises/03-verifychain/forge.c" $sources "$ROOT"/common/*.c \
    -I"$CHAPTER" -I"$ROOT/common" $(pkg-config --cflags --libs glib-2.0 gio-2.0 nettle hogweed) \
    -lgmp -lgdbm 2>cc.log ||
    fail "forge.c to build against the chapter's sources (blockchain_open, block_new, bc_store_put ...):
$(head -n 20 cc.log)"

# A block that was never mined, with a mined block on top of it.
unmined=$(./forge unmined "never mined") || fail "forge to write an unmined block"
"$BIN" addblock -data three >/dev/null 2>err || fail "'addblock -data three' to succeed: $(cat err)"
verify_bad "$unmined" "an unmined block under its tip"

# A block whose parent is not in the database.
cp sound.db blockchain.db
dangling=$(./forge dangling "lost parent") || fail "forge to write a block with a missing parent"
# Naming the block whose parent is missing, or the missing parent, will do.
verify_bad "$dangling" "a block whose parent is missing" \
    5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a

cp sound.db blockchain.db
"$BIN" addblock -data four >/dev/null 2>err || fail "'addblock -data four' to succeed: $(cat err)"
verify_ok 4
exit 0
