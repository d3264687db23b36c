#!/bin/sh
# Exercise: every node passes new transactions on, not only the central one
# Run by 'make exercise EX=07-relay-tx' in a fresh directory, with $BIN chapter 7's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# ---- nodes: free ports, logs, waiting with a deadline, always stopped ----
pids=""
trap 'for p in $pids; do kill "$p" 2>/dev/null; done' EXIT
trap 'exit 1' INT TERM HUP
port=$((10000 + $$ % 20000))

alive() { kill -0 "$1" 2>/dev/null; }

# wait_for LOG PATTERN PID WHAT: polls every 0.1 s, for up to 20 s, for a line of LOG.
wait_for() {
    i=0
    while [ $i -lt 200 ]; do
        grep -q -- "$2" "$1" && return 0
        alive "$3" || break
        sleep 0.1
        i=$((i + 1))
    done
    grep -q -- "$2" "$1" && return 0
    why="within 20 s"
    alive "$3" || why="(the node has exited)"
    fail "$4; got none $why, its log ends with:
$(tail -n 12 "$1")"
}

# start_node NAME [startnode options]: runs a node with a copy of chain.db on the next free
# port; sets NAME_port and NAME_pid. The first node started is the central one.
start_node() {
    name=$1
    shift
    while :; do
        port=$((port + 1))
        cp chain.db "blockchain_$port.db"
        NODE_ID=$port BC_CENTRAL_NODE=${central:-localhost:$port} \
            "$BIN" startnode "$@" >"$name.log" 2>&1 &
        pid=$!
        i=0
        while [ $i -lt 200 ] && alive $pid && ! grep -q 'listening on' "$name.log"; do
            sleep 0.1
            i=$((i + 1))
        done
        grep -q 'listening on' "$name.log" && break
        kill $pid 2>/dev/null
        grep -q 'is busy' "$name.log" || fail "node $name to start; its log says: $(cat "$name.log")"
        wait $pid 2>/dev/null
    done
    pids="$pids $pid"
    eval "${name}_port=$port ${name}_pid=$pid"
    central=${central:-localhost:$port}
}

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
# The central node C, a miner M and a plain node N; M and N introduce themselves to C.
start_node C
start_node M -miner "$MW"
wait_for C.log "received version from localhost:$M_port" "$C_pid" "the central node to hear from the miner"
start_node N
wait_for C.log "received version from localhost:$N_port" "$C_pid" "the central node to hear from node N"

# Two transactions handed to N, not to the central node.
send() { # FROM TO: sends 1 coin through node N
    NODE_ID=$W BC_CENTRAL_NODE=localhost:$N_port "$BIN" send -from "$1" -to "$2" -amount 1 \
        >/dev/null || fail "send -from $1 -to $2 -amount 1 through node N to succeed"
}
send "$A1" "$CW"
send "$A2" "$CW"
wait_for N.log 'accepted transaction .* (2 in the mempool)' "$N_pid" "node N to accept both transactions"

# N passes them on to C, C to the miner, which mines them; the block comes back to N.
wait_for C.log 'accepted transaction .* (2 in the mempool)' "$C_pid" \
    "the central node to get both transactions from N (N must pass them on)"
wait_for M.log 'mined block .* at height 3 with 3 transactions' "$M_pid" \
    "the miner to get both transactions and mine them"
wait_for N.log 'added block .* at height 3' "$N_pid" "node N to get the new block"
exit 0
