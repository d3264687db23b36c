#!/bin/sh
# Exercise: every node passes new transactions on, not only the central one
# Run by 'make exercise EX=07-relay-tx' in a fresh directory, with $BIN chapter 7's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
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
# The central node C, a plain node N and a miner M. N introduces itself to C; M knows only N
# (N is its "central" node), so C never hears of M: a transaction reaches M only if N passes
# it on to every node it knows, not only to the central one.
start_node C
start_node N
wait_for C.log "received version from localhost:$N_port" "$C_pid" "the central node to hear from node N"
central_C=$central
central=localhost:$N_port
start_node M -miner "$MW"
central=$central_C
wait_for N.log "received version from localhost:$M_port" "$N_pid" "node N to hear from the miner"

# Two transactions handed to N, not to the central node.
send() { # FROM TO: sends 1 coin through node N
    NODE_ID=$W BC_CENTRAL_NODE=localhost:$N_port "$BIN" send -from "$1" -to "$2" -amount 1 \
        >/dev/null || fail "send -from $1 -to $2 -amount 1 through node N to succeed"
}
send "$A1" "$CW"
send "$A2" "$CW"
wait_for N.log 'accepted transaction .* (2 in the mempool)' "$N_pid" "node N to accept both transactions"

# N passes them on to C and to the miner, which mines them; the block comes back to N.
wait_for C.log 'accepted transaction .* (2 in the mempool)' "$C_pid" \
    "the central node to get both transactions from N (N must pass them on)"
wait_for M.log 'mined block .* at height 3 with 3 transactions' "$M_pid" \
    "the miner, which only node N knows, to get both transactions from N and mine them"
wait_for N.log 'added block .* at height 3' "$N_pid" "node N to get the new block"
exit 0
