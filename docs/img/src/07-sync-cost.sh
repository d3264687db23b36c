#!/usr/bin/env bash
# 07-sync-cost.sh: how 07-sync-cost.tsv was measured (run from the top of the repository):
#     make ch07 && bash docs/img/src/07-sync-cost.sh > docs/img/src/07-sync-cost.tsv
# A central node with a chain of N blocks (N = 50, 100, 200, 400, mined at BC_TARGET_BITS=4 so
# that making them is quick), and a fresh node that starts from the genesis block and syncs from
# it, until its log says "added block ... at height N". Two figures, each the median of RUNS
# runs (default 5): the wall-clock seconds from the fresh node's start ("before"), and the CPU
# seconds the two nodes used meanwhile ("before, CPU"), which depend far less on what else the
# machine runs. Ports PORT and PORT+1 (default 4710). Prints a TSV, its header line first.
# LABEL names the columns (default "before"); the table in the repository joins two runs:
# "before", chapter 7 before its transaction index (commit 98f8347), and "after" (LABEL=after),
# the chapter as it is: join -t "$(printf '\t')" before.tsv after.tsv.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
BIN=${BIN:-$ROOT/build/07-network/blockchain}
RUNS=${RUNS:-5}
LABEL=${LABEL:-before}
PORT=${PORT:-4710}
FRESH=$((PORT + 1))
export BC_TARGET_BITS=4 BC_CENTRAL_NODE=localhost:$PORT
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"

now() { date +%s%N; }

# The CPU time process PID has used so far, in milliseconds (utime + stime, /proc/PID/stat).
cpu_ms() {
    local ticks
    ticks=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }')
    echo $((ticks * 1000 / $(getconf CLK_TCK)))
}

median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
seconds() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }

ADDR=$(NODE_ID=$PORT "$BIN" createwallet | sed 's/^Your new address: //')
NODE_ID=$PORT "$BIN" createblockchain -address "$ADDR" > /dev/null
cp "blockchain_$PORT.db" genesis.db
height=0
printf 'blocks\t%s\t%s, CPU\n' "$LABEL" "$LABEL"
for n in 50 100 200 400; do
    while ((height < n)); do
        NODE_ID=$PORT "$BIN" send -from "$ADDR" -to "$ADDR" -amount 1 -mine > /dev/null
        height=$((height + 1))
    done
    times=() cpus=()
    for ((run = 0; run < RUNS; run++)); do
        NODE_ID=$PORT "$BIN" startnode > central.log 2>&1 &
        central=$!
        until grep -q "listening on" central.log; do sleep 0.01; done
        central_cpu=$(cpu_ms $central)
        cp genesis.db "blockchain_$FRESH.db"
        start=$(now)
        NODE_ID=$FRESH "$BIN" startnode > fresh.log 2>&1 &
        fresh=$!
        until grep -q "added block [0-9a-f]* at height $n\$" fresh.log; do
            kill -0 $fresh 2>/dev/null || { cat fresh.log >&2; exit 1; }
            sleep 0.02
        done
        times+=($((($(now) - start) / 1000000)))
        cpus+=($(($(cpu_ms $fresh) + $(cpu_ms $central) - central_cpu)))
        kill -TERM $fresh $central
        wait $fresh $central || true
    done
    printf '%d\t%s\t%s\n' "$n" "$(seconds "$(median "${times[@]}")")" "$(seconds "$(median "${cpus[@]}")")"
done
