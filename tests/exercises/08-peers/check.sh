#!/bin/sh
# Exercise: a 'peers' command that prints the address book, peers_<NODE_ID>.dat
# Run by 'make exercise EX=08-peers' in a fresh directory, with $BIN chapter 8's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"

# ---- a chain (NODE_ID 1 only names files; it never listens, so it has no address book) ----
W=1
CW=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null || fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db

# A node that was never started has an empty book: no lines, and no error.
out=$(NODE_ID=$W "$BIN" peers 2>&1) || fail "'peers' to succeed on a node with no peers file; it said: $out"
[ -z "$out" ] || fail "'peers' to print nothing for a node with no peers file, got: $out"

# ---- a node N that knows two others, C and M, stopped so that its book is on disk ----
before=$(date +%s)
start_node C
start_node M
start_node N -connect "localhost:$C_port" -connect "localhost:$M_port"
i=0
while [ "$(grep -c 'received verack' N.log)" -lt 2 ] && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
done
[ "$(grep -c 'received verack' N.log)" -ge 2 ] || fail "node N to shake hands with C and M; its log: $(tail -n 12 N.log)"
kill -TERM "$N_pid"
wait "$N_pid"
after=$(date +%s)

out=$(NODE_ID=$N_port "$BIN" peers 2>&1) || fail "'peers' to succeed on node N; it said: $out"
# Each line "HOST:PORT seen SECONDS", SECONDS since 1970 within this run.
for peer in "localhost:$C_port" "localhost:$M_port"; do
    line=$(printf '%s\n' "$out" | grep "^$peer seen ") ||
        fail "a line '$peer seen SECONDS' in the output of 'peers', got:
$out"
    seen=${line##* }
    case $seen in '' | *[!0-9]*) fail "a number of seconds after 'seen', got: $line" ;; esac
    [ "$seen" -ge $((before - 5)) ] && [ "$seen" -le $((after + 5)) ] ||
        fail "'$peer' seen during this run (between $before and $after), got: $line"
done
[ "$(printf '%s\n' "$out" | wc -l)" -eq 2 ] || fail "two lines from 'peers' (C and M), got:
$out"
# Stop the nodes still running and wait for them, so that none writes into the directory as
# it is removed.
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
exit 0
