#!/bin/sh
# Exercise: new transactions join the block -retemplate SECONDS later instead of at once
# Run by 'make exercise EX=10-retemplate' in a fresh directory, with $BIN chapter 10's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
# Stop the nodes and wait for them on every exit, so that none writes into the directory as it
# is removed.
trap 'for p in $pids; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT

# ---- a chain where A and B each have coins of their own, so that both can pay at once ----
export BC_TARGET_BITS=8 BC_TEST_MINING_THRESHOLD=1
W=1
A=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
C=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
NODE_ID=$W "$BIN" send -from "$A" -to "$B" -amount 1 -mine >/dev/null || fail "send -mine to succeed"
cp "blockchain_$W.db" chain.db

help=$("$BIN" startnode --help 2>&1)
printf '%s\n' "$help" | grep -q -- '-retemplate' || fail "'startnode --help' to list -retemplate, got:
$help"

# A miner at 32 bits (minutes a block: it is still searching when the check is done).
BC_TARGET_BITS=32
start_node M -miner "$C" -threads 1 -retemplate 2
BC_TARGET_BITS=8
pay() { # FROM: one coin to C, handed to the miner
    NODE_ID=$W BC_CENTRAL_NODE="localhost:$M_port" "$BIN" send -from "$1" -to "$C" -amount 1 \
        >/dev/null || fail "send from $1 to reach the miner"
}
# With nothing under way, the first transaction is mined at once (within 1 s: nothing to lose).
pay "$A"
wait_for M.log 'accepted transaction' "$M_pid" "the miner to accept the first transaction"
start=$(date +%s%N)
wait_for M.log 'mining a block at height 2 with 2 transactions' "$M_pid" \
    "the miner to start mining on the first transaction"
took=$((($(date +%s%N) - start) / 1000000))
[ $took -lt 1000 ] || fail "the first transaction mined at once, with no work under way to lose;
its template came $took ms after it. The log ends with:
$(tail -n 6 M.log)"
# The second waits about 2 s for its template, and the work on the first goes on meanwhile.
pay "$B"
wait_for M.log 'accepted transaction' "$M_pid" "the miner to accept the second transaction"
i=0
while [ "$(grep -c 'accepted transaction' M.log)" -lt 2 ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
done
[ "$(grep -c 'accepted transaction' M.log)" -eq 2 ] ||
    fail "the miner to accept the second transaction; its log ends with:
$(tail -n 8 M.log)"
start=$(date +%s%N)
i=0
while ! grep -q 'with 3 transactions' M.log && [ $i -lt 80 ]; do
    sleep 0.1
    i=$((i + 1))
done
took=$((($(date +%s%N) - start) / 1000000))
grep -q 'mining a block at height 2 with 3 transactions' M.log ||
    fail "a new template with both transactions ('mining a block at height 2 with 3 transactions')
about 2 s after the second came (-retemplate 2); none in 8 s. The log ends with:
$(tail -n 8 M.log)"
[ $took -ge 1500 ] || fail "the second transaction to wait about 2 s for its template
(-retemplate 2); it was mined after $took ms. The log ends with:
$(tail -n 8 M.log)"
# The old work was abandoned once, for the new template, not before.
[ "$(grep -c 'abandoned the work on a block at height 2' M.log)" -eq 1 ] ||
    fail "the work on the first template abandoned once, when the new template came; got:
$(grep -e abandoned -e 'mining a block' M.log)"
exit 0
