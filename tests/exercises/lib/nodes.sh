# lib/nodes.sh: what the chapter 7 exercise checks share, sourced by their check.sh:
# fail, and running nodes on free ports with logs, waiting for a log line with a deadline, and
# always stopping them. Uses $BIN, chapter 7's blockchain.
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

