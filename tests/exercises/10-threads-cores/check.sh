#!/bin/sh
# Exercise: startnode warns when -threads asks for more mining threads than there are cores
# Run by 'make exercise EX=10-threads-cores' in a fresh directory, with $BIN chapter 10's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
# Stop the nodes and wait for them on every exit, so that none writes into the directory as it
# is removed.
trap 'for p in $pids; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT

# The cores the miner may use: what 'nproc' counts (the CPUs this process may run on), as
# g_get_num_processors does.
cores=$(nproc)
more=$((cores + 1))
export BC_TARGET_BITS=8 BC_TEST_MINING_THRESHOLD=1
W=1
A=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db
want="warning: $more mining threads on $cores cores: the threads beyond the cores only take turns"

# One per core, or fewer: nothing to say. A node that does not mine starts no thread at all.
start_node ONE -miner "$B" -threads 1
start_node ALL -miner "$B" -threads "$cores"
start_node IDLE -threads "$more"
for n in ONE ALL IDLE; do
    grep -q 'warning' "$n.log" && fail "no warning from 'startnode $(
        case $n in ONE) echo "-miner ADDRESS -threads 1" ;; ALL) echo "-miner ADDRESS -threads $cores" ;;
        *) echo "-threads $more" ;; esac)' ($cores cores here), got:
$(grep warning "$n.log")"
done

# One more than the cores: the warning, and the node mines on them all the same.
start_node M -miner "$B" -threads "$more"
grep -qx -- "$want" M.log || fail "startnode -miner ADDRESS -threads $more on $cores cores to print
$want
before it runs; its log begins:
$(head -n 4 M.log)"
NODE_ID=$W BC_CENTRAL_NODE="localhost:$M_port" "$BIN" send -from "$A" -to "$B" -amount 1 \
    >/dev/null || fail "send to reach the miner"
wait_for M.log "mining a block at height 1 with 2 transactions on $more threads" "$M_pid" \
    "the node to mine on the $more threads it was asked for"
exit 0
