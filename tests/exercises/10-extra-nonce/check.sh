#!/bin/sh
# Exercise: when every nonce is tried, mine on a new coinbase (an extra nonce)
# Run by 'make exercise EX=10-extra-nonce' in a fresh directory, with $BIN chapter 10's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
# Stop the nodes and wait for them on every exit, so that none writes into the directory as it
# is removed.
trap 'for p in $pids; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT

# A nonce space of 2^9 (BC_TEST_NONCE_BITS=9) at 18 bits: one template in 512 has a nonce below
# the target, so the miner runs out of nonces about 512 times before it finds a block, each
# time in well under a millisecond of hashing.
export BC_TARGET_BITS=18 BC_TEST_MINING_THRESHOLD=1 BC_TEST_NONCE_BITS=9
W=1
A=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
BC_TARGET_BITS=8 NODE_ID=$W "$BIN" createblockchain -address "$A" >/dev/null ||
    fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db

# The first template has a nonce in 1 of 512 runs; the check then starts again on a fresh copy
# of the chain, at most three times.
attempt=0
while :; do
    attempt=$((attempt + 1))
    start_node "M$attempt" -miner "$B" -threads 2
    log=M$attempt.log
    pid=$(eval echo "\$M${attempt}_pid")
    mport=$(eval echo "\$M${attempt}_port")
    NODE_ID=$W BC_CENTRAL_NODE="localhost:$mport" "$BIN" send -from "$A" -to "$B" -amount 1 \
        >/dev/null || fail "send to reach the miner"
    wait_for "$log" 'mining a block at height 1' "$pid" "the miner to start mining on the transaction"
    i=0
    while ! grep -q '] mined block' "$log" && [ $i -lt 200 ]; do
        alive "$pid" || break
        sleep 0.1
        i=$((i + 1))
    done
    grep -q '] mined block' "$log" || fail "a block mined within 20 s; the nonces run out about
512 times first, and each time the miner must go on with a new header (here $(grep -c 'tried every nonce' "$log")
times 'tried every nonce'). The log ends with:
$(tail -n 8 "$log")"
    grep -q 'tried every nonce' "$log" && break
    [ $attempt -lt 3 ] || fail "a line 'tried every nonce up to 511 for the block at height 1:
mining on a new coinbase' each time every nonce of 0 to 2^BC_TEST_NONCE_BITS - 1 was tried
(BC_TEST_NONCE_BITS=9 here); three blocks were mined without one:
$(grep 'mined block' M*.log)"
    kill -TERM "$pid" && wait "$pid"
done
line=$(grep 'tried every nonce' "$log" | head -n 1)
case $line in
*"] tried every nonce up to 511 for the block at height 1: mining on a new coinbase") ;;
*) fail "the line 'tried every nonce up to 511 for the block at height 1: mining on a new coinbase'
(up to 2^9 - 1 with BC_TEST_NONCE_BITS=9), got: $line" ;;
esac
kill -TERM "$pid" && wait "$pid" || fail "the node to stop cleanly on SIGTERM; its log ends with:
$(tail -n 5 "$log")"
pids=""
# The block is on the chain and its proof of work holds.
out=$(NODE_ID=$mport "$BIN" printchain 2>&1) || fail "printchain to succeed, it said: $out"
[ "$(printf '%s\n' "$out" | grep -c '^PoW: true')" -eq 2 ] ||
    fail "two blocks with 'PoW: true' in printchain (genesis and the mined one), got:
$(printf '%s\n' "$out" | grep -e '^====' -e '^PoW')"
exit 0
