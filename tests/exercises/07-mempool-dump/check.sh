#!/bin/sh
# Exercise: on SIGUSR1 a node logs the transactions waiting in its mempool, and keeps running
# Run by 'make exercise EX=07-mempool-dump' in a fresh directory, with $BIN chapter 7's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"

# ---- a chain where two wallets hold coins (NODE_ID 1 only names files; it never listens) ----
W=1
address() { NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p'; }
CW=$(address) && A1=$(address) && A2=$(address) || fail "createwallet to succeed"
NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null &&
    NODE_ID=$W "$BIN" send -from "$CW" -to "$A1" -amount 3 -mine >/dev/null &&
    NODE_ID=$W "$BIN" send -from "$CW" -to "$A2" -amount 3 -mine >/dev/null ||
    fail "createblockchain and two sends with -mine to succeed"
cp "blockchain_$W.db" chain.db

# ---- the exercise ----
start_node C
kill -USR1 "$C_pid"
wait_for C.log 'mempool: 0 transactions' "$C_pid" "'mempool: 0 transactions' after SIGUSR1 to a node with an empty mempool"

send() { # FROM TO: sends 1 coin through the central node
    NODE_ID=$W BC_CENTRAL_NODE=$central "$BIN" send -from "$1" -to "$2" -amount 1 >/dev/null ||
        fail "send -from $1 -to $2 -amount 1 to succeed"
}
send "$A1" "$CW"
wait_for C.log 'accepted transaction .* (1 in the mempool)' "$C_pid" "the node to accept the first transaction"
send "$A2" "$CW"
wait_for C.log 'accepted transaction .* (2 in the mempool)' "$C_pid" "the node to accept the second transaction"
tx1=$(sed -n 's/.*accepted transaction \([0-9a-f]*\) (1 in the mempool).*/\1/p' C.log)
tx2=$(sed -n 's/.*accepted transaction \([0-9a-f]*\) (2 in the mempool).*/\1/p' C.log)

kill -USR1 "$C_pid"
wait_for C.log 'mempool: 2 transactions' "$C_pid" "'mempool: 2 transactions' after SIGUSR1"
# Then one line per transaction ID, oldest first.
sed -n '/mempool: 2 transactions/,$p' C.log | sed -n '2,3s/^\[[0-9]*\] *//p' >listed
printf '%s\n%s\n' "$tx1" "$tx2" >expected
i=0
while [ $i -lt 50 ] && ! cmp -s expected listed; do
    sleep 0.1
    sed -n '/mempool: 2 transactions/,$p' C.log | sed -n '2,3s/^\[[0-9]*\] *//p' >listed
    i=$((i + 1))
done
cmp -s expected listed || fail "the two transaction IDs after 'mempool: 2 transactions', oldest first:
$(cat expected)
got
$(cat listed)"

alive "$C_pid" || fail "the node to keep running after SIGUSR1"
kill -TERM "$C_pid"
wait "$C_pid"
status=$?
[ $status = 0 ] || fail "the node to stop with exit 0 on SIGTERM, got $status"
exit 0
