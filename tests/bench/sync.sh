#!/bin/sh
# sync.sh: a fresh chapter 7 node syncs from a central node over loopback, one message per
# connection as the article has it; prints blocks/s per chain length and writes
# $BUILD/bench/ch07_sync.tsv.
#   sh tests/bench/sync.sh [BUILD] [HEIGHTS...]     (default: build 1000 10000)
# The chains are bench_chain's (run 'make bench' once first: it builds them under
# $BUILD/bench/chains). Ports 3900 and 3901, away from the tests' 3000-3005.
# BC_SYNC_PROGRAM overrides the program (e.g. another build of chapter 7); BC_SYNC_REINDEX=1 runs
# its reindexutxo on each copied chain first (for a program that keeps the set in blockchain_*.db).
set -eu
BUILD=${1:-build}
[ $# -gt 0 ] && shift
HEIGHTS=${*:-1000 10000}
PROGRAM=${BC_SYNC_PROGRAM:-$BUILD/07-network/blockchain}
PROGRAM=$(cd "$(dirname "$PROGRAM")" && pwd)/$(basename "$PROGRAM")
CHAINS=$BUILD/bench/chains
OUT=$BUILD/bench
TIMEOUT=${BC_SYNC_TIMEOUT:-240}
mkdir -p "$OUT"
TSV=$OUT/ch07_sync${BC_SYNC_SUFFIX:-}.tsv
printf 'height\tseconds\tblocks_per_s\tpeak_rss_kib\n' >"$TSV"
latest=$(ls -d "$CHAINS"/v*-0 2>/dev/null | sort -V | tail -1)
[ -n "$latest" ] || { echo "error: no chains in $CHAINS: run 'make bench' first" >&2; exit 1; }
version=$(basename "$latest" | sed 's/-0$//')

copy_node() { # FROM_DIR TO_DIR NODE
    mkdir -p "$2"
    for f in blockchain chainstate; do
        [ -f "$1/${f}_3000.db" ] && cp "$1/${f}_3000.db" "$2/${f}_$3.db"
    done
    cp "$1/wallet_3000.dat" "$2/wallet_$3.dat"
    if [ "${BC_SYNC_REINDEX:-0}" = 1 ]; then
        (cd "$2" && NODE_ID=$3 BC_TARGET_BITS=8 "$PROGRAM" reindexutxo >/dev/null)
    fi
}

echo "chapter 7 network sync ($PROGRAM)"
printf '  %8s %10s %10s %12s\n' height seconds blocks/s 'peak RSS MiB'
for n in $HEIGHTS; do
    [ -d "$CHAINS/$version-$n" ] || { echo "error: no chain of $n blocks in $CHAINS" >&2; exit 1; }
    dir=$(mktemp -d)
    copy_node "$CHAINS/$version-$n" "$dir/central" 3900
    copy_node "$CHAINS/$version-0" "$dir/fresh" 3901
    export BC_TARGET_BITS=8 BC_CENTRAL_NODE=localhost:3900
    (cd "$dir/central" && NODE_ID=3900 exec "$PROGRAM" startnode >"$dir/central.log" 2>&1) &
    central=$!
    i=0
    until grep -q "listening on" "$dir/central.log" 2>/dev/null; do
        i=$((i + 1)); [ $i -lt 200 ] || { echo "error: central did not start" >&2; exit 1; }
        sleep 0.05
    done
    start=$(date +%s.%N)
    (cd "$dir/fresh" && NODE_ID=3901 exec "$PROGRAM" startnode >"$dir/fresh.log" 2>&1) &
    fresh=$!
    deadline=$(( $(date +%s) + TIMEOUT ))
    until grep -q "at height $n\$" "$dir/fresh.log" 2>/dev/null; do
        if [ "$(date +%s)" -gt "$deadline" ] || ! kill -0 "$fresh" 2>/dev/null; then
            echo "error: no height $n after ${TIMEOUT}s; last: $(tail -1 "$dir/fresh.log")" >&2
            break
        fi
        sleep 0.02
    done
    end=$(date +%s.%N)
    # The syncing node's peak resident set, from the kernel, before it stops.
    rss=$(awk '/^VmHWM:/ {print $2}' "/proc/$fresh/status" 2>/dev/null || true)
    kill -TERM "$fresh" "$central" 2>/dev/null || true
    wait "$fresh" "$central" 2>/dev/null || true
    secs=$(echo "$end - $start" | bc -l)
    rate=$(echo "$n / $secs" | bc -l)
    printf '  %8d %10.2f %10.1f %12.1f\n' "$n" "$secs" "$rate" "$(echo "${rss:-0} / 1024" | bc -l)"
    printf '%d\t%.3f\t%.1f\t%s\n' "$n" "$secs" "$rate" "${rss:-0}" >>"$TSV"
    rm -rf "$dir"
done
echo "  (written to $TSV)"
