#!/bin/sh
# Exercise: a mining node logs its hash rate, 'mining at X kH/s', every -hashrate SECONDS
# Run by 'make exercise EX=10-hashrate' in a fresh directory, with $BIN chapter 10's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
# Stop the nodes and wait for them on every exit, so that none writes into the directory as it
# is removed.
trap 'for p in $pids; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT

# ---- a chain at 8 bits, and a miner that mines on it at 32 bits ----
# At 32 bits one thread needs 2^32 hashes on average, minutes: the miner is still searching
# when the check has read its lines (it stops the node, found block or not).
export BC_TARGET_BITS=8 BC_TEST_MINING_THRESHOLD=1
W=1
A=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db

help=$("$BIN" startnode --help 2>&1)
printf '%s\n' "$help" | grep -q -- '-hashrate' || fail "'startnode --help' to list -hashrate, got:
$help"

BC_TARGET_BITS=32
start_node M -miner "$B" -threads 1 -hashrate 1
BC_TARGET_BITS=8
# Not mining yet (nothing to mine): no rate to tell.
sleep 2.5
grep -q 'mining at' M.log && fail "no 'mining at' line while the node has nothing to mine, got:
$(grep 'mining at' M.log)"

NODE_ID=$W BC_CENTRAL_NODE="localhost:$M_port" "$BIN" send -from "$A" -to "$B" -amount 1 >/dev/null ||
    fail "send to reach the miner"
wait_for M.log 'mining a block at height 1' "$M_pid" "the miner to start mining on the transaction"
i=0
while [ "$(grep -c 'mining at' M.log)" -lt 6 ] && [ $i -lt 120 ]; do
    sleep 0.1
    i=$((i + 1))
done
lines=$(grep 'mining at' M.log)
[ "$(printf '%s\n' "$lines" | grep -c .)" -ge 6 ] ||
    fail "a line 'mining at X kH/s' every second while mining; in 12 s got:
$lines"
# The first line may cover less than a whole second of work; the second and the sixth do.
rates=$(printf '%s\n' "$lines" | sed -n 's/.*mining at \([0-9][0-9]*\) kH\/s$/\1/p')
[ "$(printf '%s\n' "$rates" | grep -c .)" -ge 6 ] ||
    fail "every line as 'mining at X kH/s' (X a whole number), got:
$lines"
second=$(printf '%s\n' "$rates" | sed -n 2p)
sixth=$(printf '%s\n' "$rates" | sed -n 6p)
# One thread of SHA-256: more than 0.1 MH/s on any machine, less than 10 GH/s on every one.
for r in "$second" "$sixth"; do
    [ "$r" -ge 100 ] && [ "$r" -le 10000000 ] ||
        fail "a plausible rate for one thread (100 to 10,000,000 kH/s), got $r in:
$lines"
done
# The rate of each second, not the hashes since the start divided by one second: the sixth
# line is then three times the second or more. (A rate that doubles in four seconds on its
# own would take a machine whose other work ended just then.)
[ "$sixth" -le $((second * 2)) ] ||
    fail "the rate of the last second in each line, not a total that grows: the sixth line
($sixth kH/s) is more than twice the second ($second kH/s):
$lines"
grep -q '] mined block' M.log && fail "the miner still searching at 32 bits (it found a block: run the check again)"
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
exit 0
