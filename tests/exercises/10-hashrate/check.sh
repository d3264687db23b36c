#!/bin/sh
# Exercise: a mining node logs its hash rate, 'mining at X kH/s', every -hashrate SECONDS
# Run by 'make exercise EX=10-hashrate' in a fresh directory, with $BIN chapter 10's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
# Stop the nodes and wait for them on every exit, so that none writes into the directory as it
# is removed.
trap 'for p in $pids; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done' EXIT

# ---- a chain at 8 bits, and a miner that mines on it at 32 bits ----
# At 32 bits one thread needs 2^32 hashes on average, minutes: the miner is still searching
# when the check has read its lines (it stops the node, found block or not).
export BC_TARGET_BITS=8 BC_TEST_MINING_THRESHOLD=1
W=1
A=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db

help=$("$BIN" startnode --help 2>&1)
printf '%s\n' "$help" | grep -q -- '-hashrate' || fail "'startnode --help' to list -hashrate, got:
$help"

BC_TARGET_BITS=32
start_node M -miner "$B" -threads 1 -hashrate 1
BC_TARGET_BITS=8
# Not mining yet (nothing to mine): no rate to tell.
sleep 2.5
grep -q 'mining at' M.log && fail "no 'mining at' line while the node has nothing to mine, got:
$(grep 'mining at' M.log)"

NODE_ID=$W BC_CENTRAL_NODE="localhost:$M_port" "$BIN" send -from "$A" -to "$B" -amount 1 >/dev/null ||
    fail "send to reach the miner"
wait_for M.log 'mining a block at height 1' "$M_pid" "the miner to start mining on the transaction"
# Each time a line comes, the CPU time the node has used so far (all its threads, in clock
# ticks): the nonces a thread tries are in proportion to the CPU time it gets, however busy the
# machine is, so the rate of each interval divided by the CPU time of that interval stays about
# the same from line to line, while a total divided by the interval keeps growing.
cpu() { awk '{ print $14 + $15 }' "/proc/$M_pid/stat"; }
samples=""
seen=0
i=0
while [ $seen -lt 8 ] && [ $i -lt 400 ]; do
    n=$(grep -c 'mining at' M.log)
    while [ "$n" -gt $seen ]; do # two lines between polls: the first gets no ticks of its own
        samples="$samples $(cpu)"
        seen=$((seen + 1))
    done
    sleep 0.05
    i=$((i + 1))
done
lines=$(grep 'mining at' M.log)
[ $seen -ge 8 ] || fail "a line 'mining at X kH/s' every second while mining; in 20 s got:
$lines"
rates=$(printf '%s\n' "$lines" | sed -n 's/.*mining at \([0-9][0-9]*\) kH\/s$/\1/p' | head -n 8)
[ "$(printf '%s\n' "$rates" | grep -c .)" -eq 8 ] ||
    fail "every line as 'mining at X kH/s' (X a whole number), got:
$lines"
# The first line may cover less than a whole second of work; the others do.
for r in $(printf '%s\n' "$rates" | sed 1d); do
    # One thread of SHA-256: more than 0.1 MH/s on any machine, less than 10 GH/s on every one.
    [ "$r" -ge 100 ] && [ "$r" -le 10000000 ] ||
        fail "a plausible rate for one thread (100 to 10,000,000 kH/s), got $r in:
$lines"
done
# Lines 2 to 8: the rate over the CPU ticks of its interval. Intervals in which the node got
# under 5 ticks (the machine too busy to tell) are left out.
spread=$(printf '%s\n%s\n' "$(echo $rates)" "$(echo $samples)" | awk '
    NR == 1 { for (i = 1; i <= NF; i++) rate[i] = $i }
    NR == 2 { for (i = 1; i <= NF; i++) cpu[i] = $i }
    END {
        n = 0
        for (i = 2; i <= 8; i++) {
            ticks = cpu[i] - cpu[i - 1]
            if (ticks < 5) continue
            e = rate[i] / ticks
            if (n == 0 || e < lo) lo = e
            if (n == 0 || e > hi) hi = e
            n++
        }
        if (n < 4 || lo <= 0) print "unknown"; else printf "%.2f\n", hi / lo
    }')
[ "$spread" != unknown ] || fail "the node to get some CPU time: the machine was too busy to
tell (run the check again)"
awk -v s="$spread" 'BEGIN { exit !(s <= 2.5) }' ||
    fail "the rate of the last second in each line, not a total that grows: per CPU tick of
its interval, the lines differ by $spread times (at most 2.5 for rates; a total divided by one
second grows with every line):
$lines"
grep -q '] mined block' M.log && fail "the miner still searching at 32 bits (it found a block: run the check again)"
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
exit 0
