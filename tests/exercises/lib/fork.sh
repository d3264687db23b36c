# lib/fork.sh: what the chapter 9 exercise checks share, sourced after lib/nodes.sh: a fork
# made with the real program. make_fork mines two chains on one genesis offline with
# 'send -mine', A of 3 blocks and B of 2, then runs a node on each, B told of A: B takes its
# own two blocks off for A's three (more work) and stops with a side branch of two blocks.
# Sets A_db, B_db (the stopped nodes' chain files: NODE_ID=$A_port / $B_port), B_log,
# W (the NODE_ID whose wallet mined) and CW (its address).

# mine_offline N: N blocks on blockchain_$W.db, each with a payment of CW to itself.
mine_offline() {
    n=0
    while [ $n -lt "$1" ]; do
        NODE_ID=$W "$BIN" send -from "$CW" -to "$CW" -amount 1 -mine >/dev/null ||
            fail "'send -mine' to succeed"
        n=$((n + 1))
    done
}

make_fork() {
    W=1
    CW=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
    NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null || fail "createblockchain to succeed"
    cp "blockchain_$W.db" genesis.db
    cp "chainstate_$W.db" genesis-set.db
    mine_offline 3
    cp "blockchain_$W.db" a.db
    cp genesis.db "blockchain_$W.db"
    cp genesis-set.db "chainstate_$W.db"
    mine_offline 2
    cp "blockchain_$W.db" b.db
    : >A.log
    : >B.log # made before the nodes write them: start_node looks in them at once
    cp a.db chain.db
    start_node A
    cp b.db chain.db
    start_node B -connect "localhost:$A_port"
    wait_for B.log 'added block .* at height 3$' "$B_pid" "node B to take A's branch, height 3"
    for p in $A_pid $B_pid; do
        kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    pids=""
    A_db=blockchain_$A_port.db
    B_db=blockchain_$B_port.db
    B_log=B.log
}
