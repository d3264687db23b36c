#!/bin/sh
# Exercise: one log line that sums up each reorganisation: blocks off, blocks on, the fork point
# Run by 'make exercise EX=09-reorg-log' in a fresh directory, with $BIN chapter 9's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
. "$ROOT/tests/exercises/lib/fork.sh"

# The newest block of node ID's active chain, its first 16 hex digits.
tip_of() {
    NODE_ID=$1 "$BIN" printchain | sed -n 's/^============ Block \([0-9a-f]\{16\}\).*$/\1/p' | head -n 1
}

# B, at height 2 on its own blocks, met A at height 3 on a branch from genesis: two blocks off,
# three on, the fork point is genesis.
make_fork
tip=$(tip_of "$B_port")
want="reorganised: 2 blocks off, 3 on, fork at height 0, tip $tip at height 3"
n=$(grep -c "^\[$B_port\] reorganised: " "$B_log")
[ "$n" -eq 1 ] || fail "one 'reorganised:' line in node B's log, got $n; its log ends with:
$(grep -v ' sent \| received ' "$B_log" | tail -n 12)"
grep -q "^\[$B_port\] $want\$" "$B_log" || fail "node B to log
[$B_port] $want
got:
$(grep 'reorganised: ' "$B_log")"

# A block that only extends the tip is no reorganisation: no such line. A mines one more block
# (the wallet's key, in A's files), and B, restarted with its chain, takes it.
cp "wallet_$W.dat" "wallet_$A_port.dat"
NODE_ID=$A_port "$BIN" send -from "$CW" -to "$CW" -amount 1 -mine >/dev/null ||
    fail "'send -mine' on A's chain to succeed"
cp "$A_db" chain.db
start_node A2
cp "$B_db" chain.db
start_node B2 -connect "localhost:$A2_port"
wait_for B2.log 'added block .* at height 4$' "$B2_pid" "node B to take A's block 4"
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
if grep -q 'reorganised: ' B2.log; then
    fail "no 'reorganised:' line for a block that extends the tip, got:
$(grep 'reorganised: ' B2.log)"
fi
exit 0
