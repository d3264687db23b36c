#!/bin/sh
# Exercise: gc deletes the block records that the tip does not reach
# Run by 'make exercise EX=03-gc' in a fresh directory, with $BIN chapter 3's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# Orphan blocks are written, and records counted, by store.c, a small program built here
# from the chapter's sources.
set -u
fail() {
    echo "expected $*"
    exit 1
}

for data in one two; do
    "$BIN" addblock -data "$data" >/dev/null 2>err || fail "'addblock -data $data' to succeed: $(cat err)"
done
"$BIN" printchain >chain 2>err || fail "'printchain' to succeed: $(cat err)"

# gc on a chain without orphans removes nothing.
"$BIN" gc >out 2>err
status=$?
[ $status = 0 ] || fail "'gc' to exit 0, got $status: $(cat err)"
grep -q '^Removed 0 block' out || fail "'gc' on a chain without orphans to print 'Removed 0 blocks', got: $(cat out)"

# store.c calls the chapter's functions: build it with every source of the chapter but main.c.
sources=
for f in "$CHAPTER"/*.c; do
    [ "${f##*/}" = main.c ] || sources="$sources $f"
done
# shellcheck disable=SC2046,SC2086 # split on purpose: lists of files and of flags
cc -std=c11 -D_GNU_SOURCE -o store "$ROOT/tests/exercises/03-gc/store.c" $sources "$ROOT"/common/*.c \
    -I"$CHAPTER" -I"$ROOT/common" $(pkg-config --cflags --libs glib-2.0 gio-2.0 nettle hogweed) \
    -lgmp -lgdbm 2>cc.log ||
    fail "store.c to build against the chapter's sources (block_new, bc_store_put ...):
$(head -n 20 cc.log)"

[ "$(./store count)" = 3 ] || fail "3 block records after two addblocks, got $(./store count)"
# Two crashes between the block's write and the tip's: two orphans, each mined on the tip,
# neither reachable from it.
orphan1=$(./store orphan "lost one") || fail "store.c to write an orphan block"
orphan2=$(./store orphan "lost two") || fail "store.c to write an orphan block"
[ "$(./store count)" = 5 ] || fail "5 block records with the orphans, got $(./store count)"
"$BIN" printchain >after 2>err || fail "'printchain' to succeed with orphans in the file: $(cat err)"
cmp -s chain after || fail "orphans not to change what 'printchain' shows"

"$BIN" gc >out 2>err
status=$?
[ $status = 0 ] || fail "'gc' to exit 0, got $status: $(cat err)"
grep -q '^Removed 2 block' out || fail "'gc' to print 'Removed 2 blocks', got: $(cat out)"
[ "$(./store count)" = 3 ] || fail "3 block records left after gc, got $(./store count)"
for orphan in "$orphan1" "$orphan2"; do
    ./store has "$orphan" && fail "gc to delete the orphan block $orphan"
done
sed -n 's/^Hash: //p' chain >hashes
while read -r hash; do
    ./store has "$hash" || fail "gc to keep the chain's block $hash"
done <hashes
"$BIN" printchain >after 2>err || fail "'printchain' to succeed after gc: $(cat err)"
cmp -s chain after || fail "gc not to change what 'printchain' shows"

"$BIN" gc >out 2>err || fail "a second 'gc' to succeed: $(cat err)"
grep -q '^Removed 0 block' out || fail "a second 'gc' to print 'Removed 0 blocks', got: $(cat out)"
"$BIN" addblock -data three >/dev/null 2>err || fail "'addblock' to work after gc: $(cat err)"
[ "$(./store count)" = 4 ] || fail "4 block records after one more addblock, got $(./store count)"
exit 0
