#!/usr/bin/env bash
# demo/run.sh: plays the chapter 7 article's scenario ("Результат") with three real nodes.
#
#   make demo                 (builds everything, then runs this script)
#   make demo CH=08           the same scenario on chapter 8's peer-to-peer node
#   bash demo/run.sh          (builds $BUILD/07-network/blockchain first if it is missing)
#
# NODE 3000 is the central node, NODE 3001 a wallet node, NODE 3002 a miner. Everything
# happens in a fresh temporary directory with the article's mining difficulty.
#
# Settings (environment):
#   CH=08             the chapter whose program plays it: 07 (the default), 08, 09 or 10, whose nodes
#                     dial BC_CENTRAL_NODE when given no -connect, so the same commands work
#   DEMO_PORT=4000    use ports 4000, 4001, 4002 instead of 3000, 3001, 3002
#   BUILD=build-san   the build directory to take the program from ('make demo' passes its
#                     own, so 'make demo SANITIZE=1' runs build-san's); build by default
#   DEMO_KEEP=1       keep the temporary directory (node logs, databases) when the demo ends;
#                     without it the directory is removed, after a failure too (the failure
#                     shows the last lines of each node's log first)
#   DEMO_TIMEOUT=20   seconds to wait for any one event before giving up
#   DEMO_OUT=DIR      where the run's picture goes (scenario.svg, scenario.html, the logs):
#                     build/demo by default
#
# Exits 0 when every balance at the end matches the article, non-zero otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
CH=${CH:-07}
case $CH in
7 | 07 | 07-network) CH=07 CHAPTER=07-network ;;
8 | 08 | 08-peer-to-peer) CH=08 CHAPTER=08-peer-to-peer ;;
9 | 09 | 09-consensus) CH=09 CHAPTER=09-consensus ;;
10 | 10-daemon) CH=10 CHAPTER=10-daemon ;;
*)
    echo "demo: CH must be 07, 08, 09 or 10 (the chapters with a network), not '$CH'" >&2
    exit 2
    ;;
esac
BIN=$ROOT/$BUILD/$CHAPTER/blockchain
TIMEOUT=${DEMO_TIMEOUT:-20}
if ! [[ $TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
    echo "demo: DEMO_TIMEOUT must be a whole number of seconds, not '$TIMEOUT'" >&2
    exit 2
fi

CENTRAL=${DEMO_PORT:-3000}
if ! [[ $CENTRAL =~ ^[0-9]+$ ]] || ((CENTRAL < 1 || CENTRAL > 65533)); then
    echo "demo: DEMO_PORT must be a port number from 1 to 65533, not '$CENTRAL'" >&2
    exit 2
fi
WALLET=$((CENTRAL + 1))
MINER=$((CENTRAL + 2))

# Every node learns the central node's address from here (the article hard-codes
# localhost:3000). The article's difficulty: no BC_TARGET_BITS.
export BC_CENTRAL_NODE=localhost:$CENTRAL
unset BC_TARGET_BITS NODE_ID

# ---------------------------------------------------------------------------------------
# Narration: every line is tagged with the node it concerns, like the article's "NODE 3000".

say() { # say PORT TEXT...
    printf 'NODE %-5s  %s\n' "$1" "${*:2}"
}

step() {
    printf '\n== %s\n' "$*"
}

indent() {
    sed 's/^/            /'
}

die() {
    printf '\ndemo FAILED: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------
# Running commands. All nodes share one directory: their files differ by NODE_ID.

WORK=
OUT= # the output of the last command run by cli

# cli PORT ARGS...: runs "blockchain ARGS" as node PORT and shows the command and its output.
cli() {
    local port=$1
    shift
    say "$port" "\$ blockchain $*"
    if ! OUT=$(cd "$WORK" && NODE_ID=$port "$BIN" "$@" 2>&1); then
        printf '%s\n' "$OUT" | indent
        die "node $port: 'blockchain $*' failed"
    fi
    printf '%s\n' "$OUT" | indent
}

# shell PORT COMMAND...: a plain shell command in the work directory, shown like cli's.
shell() {
    local port=$1
    shift
    say "$port" "\$ $*"
    (cd "$WORK" && "$@") || die "node $port: '$*' failed"
}

# new_wallet PORT: creates a wallet on node PORT and sets ADDRESS to its address.
ADDRESS=
new_wallet() {
    cli "$1" createwallet
    ADDRESS=${OUT#Your new address: }
    [[ $ADDRESS != "$OUT" && -n $ADDRESS ]] || die "node $1: createwallet printed no address"
}

# check_balance PORT NAME ADDRESS EXPECTED: asks node PORT for a balance, fails on a mismatch.
check_balance() {
    cli "$1" getbalance -address "$3"
    [[ $OUT == "Balance of '$3': $4" ]] || die "$2 has ${OUT##*: } coins, the article says $4"
}

# ---------------------------------------------------------------------------------------
# Nodes in the background. PID[port] is the process of a running node, LOG[port] its log.

declare -A PID=() LOG=()

# start_node PORT NAME [-miner ADDRESS]: runs "blockchain startnode" as node PORT, its
# output going to WORK/PORT-NAME.log, and waits until it listens.
start_node() {
    local port=$1 name=$2
    shift 2
    LOG[$port]=$WORK/$port-$name.log
    say "$port" "\$ blockchain startnode $*    (in the background, log: ${LOG[$port]##*/})"
    (cd "$WORK" && NODE_ID=$port exec "$BIN" startnode "$@") >"${LOG[$port]}" 2>&1 &
    PID[$port]=$!
    wait_log "$port" "listening on localhost:$port"
}

# wait_log PORT REGEX: waits until a line of node PORT's log matches REGEX (grep -E), and
# shows that line. Fails when the node exits first or after TIMEOUT seconds.
wait_log() {
    local port=$1 regex=$2 line
    local deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS <= deadline)); do
        if line=$(grep -E -m1 -e "$regex" "${LOG[$port]}"); then
            say "$port" "$line"
            return 0
        fi
        if ! kill -0 "${PID[$port]}" 2>/dev/null; then
            local status=0
            wait "${PID[$port]}" || status=$?
            unset "PID[$port]"
            show_log "$port"
            die "node $port exited (status $status) before its log showed '$regex'"
        fi
        sleep 0.1
    done
    show_log "$port"
    die "node $port: no '$regex' in its log after ${TIMEOUT} s"
}

show_log() {
    printf '\n--- last lines of %s\n' "${LOG[$1]}" >&2
    tail -n 20 "${LOG[$1]}" | indent >&2
}

# stop_node PORT: SIGTERM, like Ctrl-C in the article's terminal; waits for the exit and
# checks it is a clean one (the node closes its database before exiting 0).
stop_node() {
    local port=$1 status=0
    say "$port" "(stopping: kill -TERM ${PID[$port]})"
    kill -TERM "${PID[$port]}" 2>/dev/null || true
    if ! wait_exit "${PID[$port]}" "$TIMEOUT"; then
        kill -KILL "${PID[$port]}" 2>/dev/null || true
        show_log "$port"
        die "node $port did not stop within ${TIMEOUT} s of SIGTERM (killed)"
    fi
    wait "${PID[$port]}" || status=$?
    unset "PID[$port]"
    if ((status != 0)); then
        show_log "$port"
        die "node $port exited with status $status after SIGTERM, expected 0"
    fi
}

# wait_exit PID SECONDS: true once PID has exited, false if it still runs after SECONDS.
wait_exit() {
    local deadline=$((SECONDS + $2))
    while kill -0 "$1" 2>/dev/null; do
        ((SECONDS <= deadline)) || return 1
        sleep 0.1
    done
}

# Whatever happens (success, failure, Ctrl-C), stop the nodes this script started.
cleanup() {
    local status=$? port
    for port in "${!PID[@]}"; do
        kill -TERM "${PID[$port]}" 2>/dev/null || continue
        if ! wait_exit "${PID[$port]}" 5; then
            echo "demo: node $port ignored SIGTERM for 5 s, killing it" >&2
            kill -KILL "${PID[$port]}" 2>/dev/null || true
        fi
        wait "${PID[$port]}" 2>/dev/null || true
    done
    if [[ -n $WORK ]]; then
        if [[ ${DEMO_KEEP:-0} == 1 ]]; then
            echo "demo: node logs and databases kept in $WORK (rm -rf it when done)" >&2
        else
            if ((status != 0)); then
                for port in "${!LOG[@]}"; do show_log "$port"; done
            fi
            rm -rf "$WORK"
            echo "demo: removed $WORK (DEMO_KEEP=1 keeps it)"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "demo: interrupted" >&2; exit 130' INT
trap 'echo "demo: terminated" >&2; exit 143' TERM

# port_busy PORT: true when something on this machine listens on PORT.
port_busy() {
    if command -v ss >/dev/null; then
        [[ -n $(ss -Hltn "sport = :$1") ]]
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# ---------------------------------------------------------------------------------------
# Before starting: the program, free ports, a fresh directory.

if [[ ! -x $BIN ]]; then
    echo "demo: $BIN is missing, building it (make ch$CH BUILD=$BUILD)"
    make -C "$ROOT" --no-print-directory BUILD="$BUILD" "ch$CH" ||
        die "building chapter $CH into $BUILD/ failed (the lines above say why)"
    [[ -x $BIN ]] || die "make ch$CH BUILD=$BUILD did not make $BIN"
fi
for port in "$CENTRAL" "$WALLET" "$MINER"; do
    if port_busy "$port"; then
        die "port $port is busy: stop what uses it (ss -ltnp shows it)" \
            "or set DEMO_PORT=... (e.g. DEMO_PORT=4000)"
    fi
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blockchain-demo.XXXXXX")
START=$SECONDS

echo "The article's network scenario on chapter $CH ($CHAPTER): central node $CENTRAL, wallet node $WALLET, miner $MINER."
echo "Working directory: $WORK, node logs in PORT-ROLE.log there"
echo "(removed after a success unless DEMO_KEEP=1; kept after a failure)"
echo "BC_CENTRAL_NODE=$BC_CENTRAL_NODE, article difficulty (16 bits)"

# ---------------------------------------------------------------------------------------
# The scenario, step by step as in the article.

step "1. The central node creates a wallet and the blockchain; its genesis block is saved"
new_wallet "$CENTRAL"
CENTRAL_ADDR=$ADDRESS
cli "$CENTRAL" createblockchain -address "$CENTRAL_ADDR"
shell "$CENTRAL" cp "blockchain_$CENTRAL.db" blockchain_genesis.db

step "2. The wallet node creates four addresses"
new_wallet "$WALLET"
WALLET_1=$ADDRESS
new_wallet "$WALLET"
WALLET_2=$ADDRESS
new_wallet "$WALLET"
WALLET_3=$ADDRESS
new_wallet "$WALLET"
WALLET_4=$ADDRESS

step "3. The central node sends 10 coins to WALLET_1 and WALLET_2, mining each block itself"
cli "$CENTRAL" send -from "$CENTRAL_ADDR" -to "$WALLET_1" -amount 10 -mine
cli "$CENTRAL" send -from "$CENTRAL_ADDR" -to "$WALLET_2" -amount 10 -mine
start_node "$CENTRAL" central

step "4. The wallet node starts from the genesis block and downloads the chain"
shell "$WALLET" cp blockchain_genesis.db "blockchain_$WALLET.db"
start_node "$WALLET" wallet
wait_log "$WALLET" "added block [0-9a-f]+ at height 1\b"
wait_log "$WALLET" "added block [0-9a-f]+ at height 2\b"
stop_node "$WALLET"
check_balance "$WALLET" WALLET_1 "$WALLET_1" 10
check_balance "$WALLET" WALLET_2 "$WALLET_2" 10
check_balance "$WALLET" CENTRAL "$CENTRAL_ADDR" 10

step "5. The miner node creates its wallet, starts from the genesis block and syncs"
new_wallet "$MINER"
MINER_ADDR=$ADDRESS
shell "$MINER" cp blockchain_genesis.db "blockchain_$MINER.db"
start_node "$MINER" miner -miner "$MINER_ADDR"
wait_log "$MINER" "added block [0-9a-f]+ at height 1\b"
wait_log "$MINER" "added block [0-9a-f]+ at height 2\b"

step "6. The wallet node sends two transactions to the central node (no -mine)"
cli "$WALLET" send -from "$WALLET_1" -to "$WALLET_3" -amount 1
cli "$WALLET" send -from "$WALLET_2" -to "$WALLET_4" -amount 1

step "7. The miner mines them into a new block; the central node receives it"
wait_log "$MINER" "mined block [0-9a-f]+ at height 3 with 3 transactions"
wait_log "$CENTRAL" "added block [0-9a-f]+ at height 3\b"

step "8. The wallet node starts again, downloads the new block, stops"
start_node "$WALLET" wallet-again
wait_log "$WALLET" "added block [0-9a-f]+ at height 3\b"
stop_node "$WALLET"

# ---------------------------------------------------------------------------------------
# The balances on the wallet node, next to the article's.

NAMES=(WALLET_1 WALLET_2 WALLET_3 WALLET_4 MINER CENTRAL)
ADDRS=("$WALLET_1" "$WALLET_2" "$WALLET_3" "$WALLET_4" "$MINER_ADDR" "$CENTRAL_ADDR")
ARTICLE=(9 9 1 1 10 10)
GOT=()
for i in "${!NAMES[@]}"; do
    cli "$WALLET" getbalance -address "${ADDRS[$i]}"
    GOT[i]=${OUT##*: }
done

step "The central node and the miner stop too (each closes its database and exits 0)"
stop_node "$MINER"
stop_node "$CENTRAL"

step "Balances on node $WALLET after the scenario ($((SECONDS - START)) s)"
printf '%-9s %-36s %8s %5s\n' name address article got
mismatches=0
for i in "${!NAMES[@]}"; do
    mark=ok
    if [[ ${GOT[i]} != "${ARTICLE[i]}" ]]; then
        mark="<-- differs"
        mismatches=$((mismatches + 1))
    fi
    printf '%-9s %-36s %8s %5s  %s\n' "${NAMES[i]}" "${ADDRS[i]}" "${ARTICLE[i]}" "${GOT[i]}" "$mark"
done

# ---------------------------------------------------------------------------------------
# The run drawn from the nodes' logs (demo/picture.sh), where it outlives the work directory.

# Chapter 7's picture stays in build/demo when chapter 8's is drawn: that one goes to build/demo-08.
PICTURES=${DEMO_OUT:-$ROOT/${BUILD:-build}/demo$([[ $CH == 07 ]] || echo "-$CH")}
{
    printf 'name\taddress\tarticle\tgot\n'
    for i in "${!NAMES[@]}"; do
        printf '%s\t%s\t%s\t%s\n' "${NAMES[i]}" "${ADDRS[i]}" "${ARTICLE[i]}" "${GOT[i]}"
    done
} > "$WORK/balances.tsv"
LOGS=("$WORK/$CENTRAL-central.log" "$WORK/$WALLET-wallet.log" "$WORK/$MINER-miner.log"
    "$WORK/$WALLET-wallet-again.log")
# The picture pairs each "[ID] sent CMD to ADDR: ..." line with its "[ID] received CMD from
# ADDR: ..." line (tools/logseq.awk); logs without such lines would give a picture of no arrows.
echo
if grep -Eq '^\[[0-9]+\] sent [a-z]+ to ' "${LOGS[@]}"; then
    bash "$ROOT/demo/picture.sh" "$PICTURES" \
        "$WALLET=wallet node;$CENTRAL=central node;$MINER=miner" "$WORK/balances.tsv" \
        "${LOGS[@]}" || die "cannot draw the run"
    echo "The run, drawn from the nodes' logs: $PICTURES/scenario.html (and scenario.svg)"
else
    echo "No picture of the run: these logs have no '[ID] sent CMD to ADDR: ...' lines to draw"
fi
((mismatches == 0)) || die "$mismatches balance(s) differ from the article's"
echo
echo "All balances match the article."
