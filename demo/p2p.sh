#!/usr/bin/env bash
# demo/p2p.sh: five chapter 10 nodes on 127.0.0.30 to 127.0.0.34 play a network with no centre.
#
#   make demo-p2p             (builds chapter 10, then runs this script)
#   bash demo/p2p.sh          (builds $BUILD/10-daemon/blockchain first if it is missing)
#
# The nodes (NODE_ID, the address it listens on, its wallet):
#   3010 seed     127.0.0.30:3010   the only address any other node is given
#   3011 miner1   127.0.0.31:3011   M1; mines as soon as one transaction waits
#   3012 miner2   127.0.0.32:3012   M2; mines when two wait (the article's rule)
#   3013 wallet   127.0.0.33:3013   ALICE (the genesis reward) and CAROL
#   3014 node     127.0.0.34:3014   BOB
# The scenario: the five find each other from the seed; ALICE pays twice while every node runs,
# each payment handed to the wallet node through its control socket (node_3013.sock);
# the seed stops; the network splits in two, each half mines a block at height 3 and one half a
# block at height 4; the halves meet and every node follows the branch with more work; the seed
# comes back and catches up; every node's view of every balance is checked against the figures
# this script computes from what happened. Ports 3016 and 3017 serve the cut-off half.
#
# Settings (environment):
#   BUILD=build-san   the build directory to take the program from ('make demo-p2p' passes its
#                     own); build by default
#   DEMO_OUT=DIR      where the node logs are left: $BUILD/demo-p2p by default (emptied first)
#   DEMO_KEEP=1       keep the temporary directory (databases, wallets) too
#   DEMO_TIMEOUT=20   seconds to wait for any one event before giving up
#
# Exits 0 when every node's view of every balance is the expected one, non-zero otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
BIN=$ROOT/$BUILD/10-daemon/blockchain
TIMEOUT=${DEMO_TIMEOUT:-20}
if ! [[ $TIMEOUT =~ ^[1-9][0-9]*$ ]]; then
    echo "demo-p2p: DEMO_TIMEOUT must be a whole number of seconds, not '$TIMEOUT'" >&2
    exit 2
fi
OUTDIR=${DEMO_OUT:-$ROOT/$BUILD/demo-p2p}

SEED=3010 MINER1=3011 MINER2=3012 WALLET=3013 NODE=3014
IDS=("$SEED" "$MINER1" "$MINER2" "$WALLET" "$NODE")
declare -A NAME=([$SEED]=seed [$MINER1]=miner1 [$MINER2]=miner2 [$WALLET]=wallet [$NODE]=node)
# Where each node listens: 127.0.0.3x, so that nothing here meets 'make demo' (ports 3000-3005).
declare -A HOME_ADDR=()
for id in "${IDS[@]}"; do HOME_ADDR[$id]=127.0.0.$((id - 2980)):$id; done
# The cut-off half listens on ports nobody has heard of, so nobody dials it.
CUT_WALLET=127.0.0.33:3016 CUT_MINER2=127.0.0.32:3017

# The article's difficulty, whatever the caller's environment says; a node given no -connect
# would dial BC_CENTRAL_NODE: the seed here, never localhost:3000.
export BC_TARGET_BITS=16 BC_CENTRAL_NODE=127.0.0.30:3010
unset NODE_ID BC_TEST_MINING_THRESHOLD BC_PING_INTERVAL_S BC_PEER_TIMEOUT_S BC_CONNECT_TIMEOUT_S

# ---------------------------------------------------------------------------------------
# Narration: every line is tagged with the node it concerns.

say() { # say ID TEXT...
    printf '%-12s %s\n' "${NAME[$1]} $1" "${*:2}"
}

step() {
    printf '\n== %s\n' "$*"
}

indent() {
    sed 's/^/             /'
}

die() {
    printf '\ndemo-p2p FAILED: %s\n' "$*" >&2
    exit 1
}

# ---------------------------------------------------------------------------------------
# Commands. All nodes share one directory: their files differ by NODE_ID.

WORK=
OUT= # the output of the last command run by cli

# cli ID ARGS...: runs "blockchain ARGS" as node ID and shows the command and its output.
cli() {
    local id=$1
    shift
    say "$id" "\$ blockchain $*"
    if ! OUT=$(cd "$WORK" && NODE_ID=$id "$BIN" "$@" 2>&1); then
        printf '%s\n' "$OUT" | indent
        [[ -z ${PID[$id]:-} ]] || show_log "$id"
        die "node $id: 'blockchain $*' failed"
    fi
    printf '%s\n' "$OUT" | indent
}

# quiet ID ARGS...: the same, shown only when it fails; the output in OUT.
quiet() {
    local id=$1
    shift
    if ! OUT=$(cd "$WORK" && NODE_ID=$id "$BIN" "$@" 2>&1); then
        say "$id" "\$ blockchain $*"
        printf '%s\n' "$OUT" | indent
        die "node $id: 'blockchain $*' failed"
    fi
}

# new_wallet ID VAR: creates a key pair in node ID's wallet and sets VAR to its address.
new_wallet() {
    cli "$1" createwallet
    local address=${OUT#Your new address: }
    [[ $address != "$OUT" && -n $address ]] || die "node $1: createwallet printed no address"
    printf -v "$2" '%s' "$address"
}

# ---------------------------------------------------------------------------------------
# Nodes in the background. PID[id] is a running node's process, LOG[id] its current log (one
# per start: N-ID-NAME-LABEL.log, N counting the starts), ARGS[id] the startnode options it was
# last started with, ENVS[id] the settings it runs with (NAME=VALUE words).

declare -A PID=() LOG=() ARGS=() ENVS=()
LOGS=() # every log, in the order the nodes were started

# start_node ID LABEL [STARTNODE OPTIONS...]: runs "blockchain startnode" as node ID and waits
# until it listens. The options are kept for restart_node.
start_node() {
    local id=$1 label=$2
    shift 2
    ARGS[$id]="$*"
    LOG[$id]=$WORK/$(printf '%02d' $((${#LOGS[@]} + 1)))-$id-${NAME[$id]}-$label.log
    LOGS+=("${LOG[$id]}")
    MARK[$id]=0
    say "$id" "\$ ${ENVS[$id]:+${ENVS[$id]} }blockchain startnode $*    (log: ${LOG[$id]##*/})"
    : >"${LOG[$id]}" # there before wait_log reads it
    # shellcheck disable=SC2086 # ENVS holds NAME=VALUE words, the options plain words
    (cd "$WORK" && NODE_ID=$id exec env ${ENVS[$id]:-} "$BIN" startnode "$@") >"${LOG[$id]}" 2>&1 &
    PID[$id]=$!
    local listen
    listen=$(sed -n 's/.*-listen \([^ ]*\).*/\1/p' <<<"$*")
    wait_log "$id" "listening on ${listen//./\\.} "
}

# restart_node ID LABEL: starts node ID again with the options it had.
restart_node() {
    # shellcheck disable=SC2086 # the options, split back into words
    start_node "$1" "$2" ${ARGS[$1]}
}

# mark ID: from now on wait_log looks at the lines node ID's log gets after this point only.
declare -A MARK=()
mark() {
    MARK[$1]=$(wc -l <"${LOG[$1]}")
}

# wait_log ID REGEX: waits until a line of node ID's current log (past its mark) matches REGEX
# (grep -E) and shows it; LINE is that line. Fails when the node exits first, or after TIMEOUT
# seconds.
LINE=
wait_log() {
    local id=$1 regex=$2
    local deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS <= deadline)); do
        if LINE=$(tail -n +$((${MARK[$id]:-0} + 1)) "${LOG[$id]}" | grep -E -m1 -e "$regex"); then
            say "$id" "${LINE#\[*\] }"
            return 0
        fi
        if ! kill -0 "${PID[$id]}" 2>/dev/null; then
            local status=0
            wait "${PID[$id]}" || status=$?
            unset "PID[$id]"
            show_log "$id"
            die "node $id exited (status $status) before its log showed '$regex'"
        fi
        sleep 0.05
    done
    show_log "$id"
    die "node $id: no '$regex' in its log after ${TIMEOUT} s"
}

# wait_lines ID REGEX N: as wait_log, for N lines that match, shown all.
wait_lines() {
    local id=$1 regex=$2 n=$3 lines
    local deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS <= deadline)); do
        lines=$(tail -n +$((${MARK[$id]:-0} + 1)) "${LOG[$id]}" | grep -E -e "$regex" || true)
        if (($(grep -c . <<<"$lines") >= n)); then
            while read -r LINE; do say "$id" "${LINE#\[*\] }"; done <<<"$lines"
            return 0
        fi
        wait_log "$id" "$regex" >/dev/null # fails when the node has exited
        sleep 0.05
    done
    show_log "$id"
    die "node $id: fewer than $n lines '$regex' in its log after ${TIMEOUT} s"
}

show_log() {
    printf '\n--- last lines of %s (message lines left out)\n' "${LOG[$1]##*/}" >&2
    grep -Ev '^\[[0-9]+\] (sent|received) ' "${LOG[$1]}" | tail -n 25 | indent >&2
}

# stop_node ID: SIGTERM; waits for the exit and checks it is a clean one (status 0: threads
# joined, database closed).
stop_node() {
    local id=$1 status=0
    say "$id" "(stopping: kill -TERM ${PID[$id]})"
    kill -TERM "${PID[$id]}" 2>/dev/null || true
    if ! wait_exit "${PID[$id]}" "$TIMEOUT"; then
        kill -KILL "${PID[$id]}" 2>/dev/null || true
        show_log "$id"
        die "node $id did not stop within ${TIMEOUT} s of SIGTERM (killed)"
    fi
    wait "${PID[$id]}" || status=$?
    unset "PID[$id]"
    if ((status != 0)); then
        show_log "$id"
        die "node $id exited with status $status after SIGTERM, expected 0"
    fi
}

# wait_exit PID SECONDS: true once PID has exited, false if it still runs after SECONDS.
wait_exit() {
    local deadline=$((SECONDS + $2))
    while kill -0 "$1" 2>/dev/null; do
        ((SECONDS <= deadline)) || return 1
        sleep 0.05
    done
}

# Whatever happens (success, failure, Ctrl-C), the nodes are stopped and waited for, and their
# logs are left in OUTDIR.
cleanup() {
    local status=$? id
    for id in "${!PID[@]}"; do
        kill -TERM "${PID[$id]}" 2>/dev/null || continue
        if ! wait_exit "${PID[$id]}" 5; then
            echo "demo-p2p: node $id ignored SIGTERM for 5 s, killing it" >&2
            kill -KILL "${PID[$id]}" 2>/dev/null || true
        fi
        wait "${PID[$id]}" 2>/dev/null || true
    done
    if [[ -n $WORK ]]; then
        rm -rf "$OUTDIR"
        mkdir -p "$OUTDIR"
        if ((${#LOGS[@]} > 0)); then cp "${LOGS[@]}" "$OUTDIR"/; fi
        echo "demo-p2p: the node logs are in $OUTDIR (one per start of a node)" >&2
        if [[ ${DEMO_KEEP:-0} == 1 ]]; then
            echo "demo-p2p: databases and wallets kept in $WORK (rm -rf it when done)" >&2
        else
            rm -rf "$WORK"
        fi
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'echo "demo-p2p: interrupted" >&2; exit 130' INT
trap 'echo "demo-p2p: terminated" >&2; exit 143' TERM

# ---------------------------------------------------------------------------------------
# What the logs say.

# wait_peers ID N: waits until node ID, asked through its control socket ('blockchain peers'),
# has N peers, and shows where they listen.
wait_peers() {
    local id=$1 n=$2 got=-1 list=
    local deadline=$((SECONDS + TIMEOUT))
    while ((SECONDS <= deadline)); do
        quiet "$id" peers
        list=$(sed -n 's/.*, listens on \([^,]*\),.*/\1/p' <<<"$OUT" | sort | paste -sd ' ')
        got=$(grep -c '^peer ' <<<"$OUT" || true)
        if ((got == n)); then
            say "$id" "\$ blockchain peers    ($n peer$( ((n == 1)) || echo s): $list)"
            return 0
        fi
        sleep 0.1
    done
    printf '%s\n' "$OUT" | indent
    show_log "$id"
    die "node $id has $got peers after ${TIMEOUT} s, expected $n"
}

# MINED[hash]: the wallet name of the miner that mined it; HASH_AT: the hash a wait_mined saw.
declare -A MINED=() MINED_BY_ID=()
HASH_AT=

# wait_mined ID HEIGHT: waits for miner ID to mine a block at HEIGHT; sets HASH_AT to its hash.
wait_mined() {
    wait_log "$1" "mined block [0-9a-f]{64} at height $2 "
    HASH_AT=$(sed -E 's/.*mined block ([0-9a-f]{64}) .*/\1/' <<<"$LINE")
    MINED[$HASH_AT]=${MINER_OF[$1]}
    MINED_BY_ID[$HASH_AT]=$1
}

# wait_block HASH HEIGHT ID...: waits until each node ID but the one that mined it has added
# block HASH to its chain.
wait_block() {
    local hash=$1 height=$2 id
    shift 2
    for id in "$@"; do
        [[ ${MINED_BY_ID[$hash]:-} == "$id" ]] ||
            wait_log "$id" "added block $hash at height $height\$"
    done
}

# ---------------------------------------------------------------------------------------
# Payments. The script keeps its own ledger of what it asked for (EXPECT[name]), to be
# compared with every node's view at the end.

declare -A EXPECT=() ADDR_OF=() MINER_OF=()

# pay ID FROM TO AMOUNT: FROM (a wallet name) pays TO AMOUNT coins, while node ID, which holds
# FROM's key, runs: 'blockchain send' hands the request to it through its control socket
# (node_ID.sock); the node signs the transaction, pools it and relays it to its peers.
pay() {
    local id=$1 from=$2 to=$3 amount=$4
    mark "$id"
    echo "$from pays $to $amount, handed to node $id through its control socket:"
    cli "$id" send -from "${ADDR_OF[$from]}" -to "${ADDR_OF[$to]}" -amount "$amount"
    [[ $OUT == *Success!* ]] || die "node $id: send printed no 'Success!'"
    wait_log "$id" "accepted transaction [0-9a-f]{64}"
    EXPECT[$from]=$((EXPECT[$from] - amount))
    EXPECT[$to]=$((EXPECT[$to] + amount))
}

# ---------------------------------------------------------------------------------------
# Before starting: the program, free ports, a fresh directory.

if [[ ! -x $BIN ]]; then
    echo "demo-p2p: $BIN is missing, building it (make ch10 BUILD=$BUILD)"
    make -C "$ROOT" --no-print-directory BUILD="$BUILD" ch10 ||
        die "building chapter 10 into $BUILD/ failed (the lines above say why)"
    [[ -x $BIN ]] || die "make ch10 BUILD=$BUILD did not make $BIN"
fi
# port_busy ADDRESS: true when something listens on ADDRESS (HOST:PORT), or on its port at all.
port_busy() {
    if command -v ss >/dev/null; then
        [[ -n $(ss -Hltn "sport = :${1##*:}") ]]
    else
        (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null
    fi
}
for address in "${HOME_ADDR[@]}" "$CUT_WALLET" "$CUT_MINER2"; do
    if port_busy "$address"; then
        die "$address is busy (another demo-p2p?): ss -ltnp shows what listens there"
    fi
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/blockchain-p2p.XXXXXX")
START=$SECONDS

echo "A network with no centre: five chapter 10 nodes on 127.0.0.30-34, ports 3010-3014."
echo "Working directory: $WORK; BC_TARGET_BITS=$BC_TARGET_BITS (the article's difficulty)"

step "1. Wallets: ALICE and CAROL on the wallet node, BOB on node $NODE, M1 and M2 on the miners"
new_wallet "$WALLET" ALICE
new_wallet "$WALLET" CAROL
new_wallet "$NODE" BOB
new_wallet "$MINER1" M1
new_wallet "$MINER2" M2
ADDR_OF=([ALICE]=$ALICE [BOB]=$BOB [CAROL]=$CAROL [M1]=$M1 [M2]=$M2)
MINER_OF=([$MINER1]=M1 [$MINER2]=M2)
for w in ALICE BOB CAROL M1 M2; do EXPECT[$w]=0; done

step "2. The seed creates the chain, its genesis block paying ALICE; every node starts from it"
cli "$SEED" createblockchain -address "$ALICE"
cli "$SEED" getbalance -address "$ALICE"
SUBSIDY=${OUT##*: } # the reward of a block: what the genesis block paid
[[ $SUBSIDY =~ ^[1-9][0-9]*$ ]] || die "the genesis block paid ALICE '$SUBSIDY'"
EXPECT[ALICE]=$SUBSIDY
for id in "$MINER1" "$MINER2" "$WALLET" "$NODE"; do
    cp "$WORK/blockchain_$SEED.db" "$WORK/blockchain_$id.db"
done
say "$SEED" "(blockchain_$SEED.db copied to every other node)"

step "3. Five nodes find each other: only the seed's address is given (-connect)"
start_node "$SEED" start -listen "${HOME_ADDR[$SEED]}"
# Miner 1 mines a block for every transaction; miner 2 waits for two, the article's rule, so
# that a single payment is mined by miner 1 alone and the demo knows who mines what.
ENVS[$MINER1]=BC_TEST_MINING_THRESHOLD=1
for id in "$MINER1" "$MINER2" "$WALLET" "$NODE"; do
    miner=()
    [[ -z ${MINER_OF[$id]:-} ]] || miner=(-miner "${ADDR_OF[${MINER_OF[$id]}]}" -threads 1)
    start_node "$id" start -listen "${HOME_ADDR[$id]}" -connect "${HOME_ADDR[$SEED]}" "${miner[@]}"
    wait_log "$id" "handshake done with peer [0-9]+ \(${HOME_ADDR[$SEED]//./\\.},"
done
echo "Each node asks its peers for the addresses they know (getaddr, addr) and dials them:"
for id in "${IDS[@]}"; do wait_peers "$id" 4; done

step "4. ALICE pays BOB 4, then CAROL 2, while every node runs; miner 1 mines each"
pay "$WALLET" ALICE BOB 4
wait_mined "$MINER1" 1
wait_block "$HASH_AT" 1 "${IDS[@]}"
pay "$WALLET" ALICE CAROL 2
wait_mined "$MINER1" 2
wait_block "$HASH_AT" 2 "${IDS[@]}"

step "5. The seed stops half-way; the four others stay connected to one another"
stop_node "$SEED"
for id in "$MINER1" "$MINER2" "$WALLET" "$NODE"; do wait_peers "$id" 3; done

step "6. The network splits: the wallet node and miner 2 restart on ports nobody knows,"
echo "   dialling only each other (-maxoutbound 0: not their address books)"
stop_node "$WALLET"
stop_node "$MINER2"
start_node "$MINER2" cut -listen "$CUT_MINER2" -connect "$CUT_WALLET" -maxoutbound 0 \
    -miner "$M2" -threads 1
start_node "$WALLET" cut -listen "$CUT_WALLET" -connect "$CUT_MINER2" -maxoutbound 0
wait_peers "$WALLET" 1
wait_peers "$MINER2" 1
wait_peers "$NODE" 1
wait_peers "$MINER1" 1

step "7. Each half mines a block at height 3; miner 1's half mines one more, at height 4"
pay "$WALLET" ALICE BOB 1
pay "$WALLET" CAROL BOB 1
wait_mined "$MINER2" 3
LOSER=$HASH_AT
wait_block "$LOSER" 3 "$MINER2" "$WALLET"
pay "$NODE" BOB ALICE 1
wait_mined "$MINER1" 3
wait_block "$HASH_AT" 3 "$MINER1" "$NODE"
pay "$NODE" BOB ALICE 1
wait_mined "$MINER1" 4
wait_block "$HASH_AT" 4 "$MINER1" "$NODE"

step "8. The halves meet: the wallet node and miner 2 restart where they were and find the"
echo "   others in their address books (the seed is gone); the branch with more work wins"
stop_node "$WALLET"
stop_node "$MINER2"
start_node "$MINER2" back -listen "${HOME_ADDR[$MINER2]}" -miner "$M2" -threads 1
start_node "$WALLET" back -listen "${HOME_ADDR[$WALLET]}"
for id in "$MINER2" "$WALLET"; do
    wait_log "$id" "stored block [0-9a-f]+ at height 3 on a side branch"
    wait_log "$id" "disconnected block ${LOSER:0:16} at height 3"
    wait_log "$id" "added block [0-9a-f]{64} at height 4\$"
    # The wallet node may get miner 2's next block with the rest: then they are not pooled again.
    [[ $id != "$MINER2" ]] || wait_lines "$id" "transaction [0-9a-f]+ back in the mempool" 2
done
echo "Miner 2's two payments are valid on the winning branch too: miner 2 mines them again"
wait_mined "$MINER2" 5
wait_block "$HASH_AT" 5 "$MINER1" "$MINER2" "$WALLET" "$NODE"

step "9. The seed comes back: it dials the addresses in its book and catches up"
restart_node "$SEED" back
wait_block "$HASH_AT" 5 "$SEED"

# ---------------------------------------------------------------------------------------
# Every node's view of every balance, and of the chain, against the script's figures.

step "10. Every node's view of the chain and of every balance, asked through its control socket"
echo "   while it runs (printchain, getbalance)"
declare -A VIEW=()
CHAIN=
for id in "${IDS[@]}"; do
    quiet "$id" printchain
    chain=$(sed -n 's/^============ Block \([0-9a-f]*\) .*/\1/p' <<<"$OUT")
    if [[ -z $CHAIN ]]; then
        CHAIN=$chain
    elif [[ $chain != "$CHAIN" ]]; then
        die "node $id ends on another chain than node ${IDS[0]}: $(tr '\n' ' ' <<<"$chain")"
    fi
    for w in ALICE BOB CAROL M1 M2; do
        quiet "$id" getbalance -address "${ADDR_OF[$w]}"
        VIEW[$id,$w]=${OUT##*: }
    done
    say "$id" "\$ blockchain printchain    ($(grep -c . <<<"$chain") blocks, the tip ${chain:0:16})"
    say "$id" "\$ blockchain getbalance -address ...    (for ALICE, BOB, CAROL, M1 and M2)"
done
mapfile -t BLOCKS <<<"$CHAIN"
echo "Every node ends on the same chain of ${#BLOCKS[@]} blocks (the genesis block and 5)."
((${#BLOCKS[@]} == 6)) || die "the chain has ${#BLOCKS[@]} blocks, expected 6"
for hash in "${BLOCKS[@]:0:${#BLOCKS[@]}-1}"; do # all but the genesis block, paid to ALICE
    [[ -n ${MINED[$hash]:-} ]] || die "block $hash is on the chain, yet no miner's log mined it"
    EXPECT[${MINED[$hash]}]=$((EXPECT[${MINED[$hash]}] + SUBSIDY))
done
[[ $CHAIN != *"$LOSER"* ]] || die "miner 2's first block $LOSER is still on the chain"

step "The nodes stop, each closing its database and exiting 0"
for id in "${IDS[@]}"; do stop_node "$id"; done

step "Balances after the scenario ($((SECONDS - START)) s): expected, then each node's view"
printf '%-6s %-35s %8s' wallet address expected
for id in "${IDS[@]}"; do printf ' %6s' "${NAME[$id]}"; done
printf '\n'
mismatches=0
for w in ALICE BOB CAROL M1 M2; do
    printf '%-6s %-35s %8s' "$w" "${ADDR_OF[$w]}" "${EXPECT[$w]}"
    mark=ok
    for id in "${IDS[@]}"; do
        printf ' %6s' "${VIEW[$id,$w]}"
        if [[ ${VIEW[$id,$w]} != "${EXPECT[$w]}" ]]; then
            mark="<-- differs"
            mismatches=$((mismatches + 1))
        fi
    done
    printf '  %s\n' "$mark"
done
((mismatches == 0)) || die "$mismatches balance view(s) differ from the expected figures"
echo
echo "Every node's view of every balance matches."
