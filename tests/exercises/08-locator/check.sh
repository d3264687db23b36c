#!/bin/sh
# Exercise: log the block locator a node sends with getblocks, with the height of each hash
# Run by 'make exercise EX=08-locator' in a fresh directory, with $BIN chapter 8's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"

# ---- a chain of height 20 for node N, and the same with one block more for node C ----
# (NODE_ID 1 only names files; it never listens.)
W=1
CW=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
TO=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null || fail "createblockchain to succeed"
i=1
while [ $i -le 21 ]; do
    [ $i -eq 21 ] && cp "blockchain_$W.db" short.db
    NODE_ID=$W "$BIN" send -from "$CW" -to "$TO" -amount 1 -mine >/dev/null ||
        fail "send -mine number $i to succeed"
    i=$((i + 1))
done

# ---- the exercise: N, at height 20, syncs from C, at 21 ----
cp "blockchain_$W.db" chain.db
start_node C
cp short.db chain.db
start_node N -connect "localhost:$C_port"
wait_for N.log 'added block .* at height 21' "$N_pid" "node N to sync the block it lacks from C"
# The last 10 heights one by one, then steps of 2 and 4, then genesis.
want="locator of 13 hashes: heights 20 19 18 17 16 15 14 13 12 11 9 5 0"
grep -q "\] $want\$" N.log || fail "node N to log the locator it sent C, as
    [$N_port] $want
its log:
$(cat N.log)"
# Stop the nodes still running and wait for them, so that none writes into the directory as
# it is removed.
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
exit 0
