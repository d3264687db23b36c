#!/bin/sh
# Exercise: the addr message: peers learned from the central node, working on without it
# Run by 'make exercise EX=07-addr' in a fresh directory, with $BIN chapter 7's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"

# ---- a chain where two wallets hold coins (NODE_ID 1 only names files; it never listens) ----
W=1
address() { NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p'; }
CW=$(address) && A1=$(address) && A2=$(address) && MW=$(address) || fail "createwallet to succeed"
NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null &&
    NODE_ID=$W "$BIN" send -from "$CW" -to "$A1" -amount 3 -mine >/dev/null &&
    NODE_ID=$W "$BIN" send -from "$CW" -to "$A2" -amount 3 -mine >/dev/null ||
    fail "createblockchain and two sends with -mine to succeed"
cp "blockchain_$W.db" chain.db

# ---- the exercise ----
# The central node C and a miner M, which introduces itself to C.
start_node C
start_node M -miner "$MW"
wait_for C.log "received version from localhost:$M_port" "$C_pid" "the central node to hear from the miner"

# A new node N introduces itself to C; C answers with addr, naming M; N introduces itself to M.
start_node N
wait_for C.log "received version from localhost:$N_port" "$C_pid" "the central node to hear from node N"
wait_for M.log "received version from localhost:$N_port" "$M_pid" \
    "the miner to hear from node N, which learned of it from the central node's addr message"

# The central node goes down.
kill -TERM "$C_pid"
wait "$C_pid"

# Two transactions handed straight to the miner: it mines them, and the block must reach N
# without the central node.
send() { # FROM TO: sends 1 coin through the miner
    NODE_ID=$W BC_CENTRAL_NODE=localhost:$M_port "$BIN" send -from "$1" -to "$2" -amount 1 \
        >/dev/null || fail "send -from $1 -to $2 -amount 1 through the miner to succeed"
}
send "$A1" "$CW"
send "$A2" "$CW"
wait_for M.log 'mined block .* at height 3 with 3 transactions' "$M_pid" "the miner to mine both transactions"
wait_for N.log 'added block .* at height 3' "$N_pid" \
    "node N to get the miner's block while the central node is down"

# N's chain has the block: stop N and read its balances.
kill -TERM "$N_pid"
wait "$N_pid"
balance_is() { # ADDRESS NAME N
    out=$(NODE_ID=$N_port "$BIN" getbalance -address "$1")
    [ "$out" = "Balance of '$1': $3" ] || fail "$2's balance on node N to be $3, got: $out"
}
balance_is "$MW" "the miner" 10
balance_is "$CW" "the central wallet" 26
exit 0
