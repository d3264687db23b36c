#!/bin/sh
# Exercise: an 'unban' command that lifts a ban from a stopped node's peers file
# Run by 'make exercise EX=08-unban' in a fresh directory, with $BIN chapter 8's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"

# ---- a chain (NODE_ID 1 only names files; it never listens) ----
W=1
CW=$(NODE_ID=$W "$BIN" createwallet | sed -n 's/^Your new address: //p')
NODE_ID=$W "$BIN" createblockchain -address "$CW" >/dev/null || fail "createblockchain to succeed"
cp "blockchain_$W.db" chain.db

# ---- node C bans 127.0.0.1: ten pings before any version, 10 points each ----
start_node C
# One ping frame with a nonce of 0: magic, "ping" NUL-padded to 12 bytes, length 8, the first 4
# bytes of SHA-256d of the payload, the payload (8 zero bytes).
ping='\274\103\010\331ping\0\0\0\0\0\0\0\0\010\0\0\0\176\360\312\142\0\0\0\0\0\0\0\0'
frames=$ping$ping$ping$ping$ping$ping$ping$ping$ping$ping
bash -c 'printf "$1" >"/dev/tcp/127.0.0.1/$2"' sh "$frames" "$C_port" 2>/dev/null ||
    fail "to reach node C on 127.0.0.1:$C_port"
wait_for C.log "banned 127.0.0.1 for" "$C_pid" "node C to ban 127.0.0.1 after ten pings before the handshake"
kill -TERM "$C_pid"
wait "$C_pid"

# ---- the exercise ----
out=$(NODE_ID=$C_port "$BIN" unban -ip 127.0.0.2 2>&1) &&
    fail "'unban -ip 127.0.0.2' to fail: that address is not banned; it said: $out"
case $out in error:*) ;; *) fail "an 'error: ...' line for an address that is not banned, got: $out" ;; esac
out=$(NODE_ID=$C_port "$BIN" unban -ip 127.0.0.1 2>&1) ||
    fail "'unban -ip 127.0.0.1' to succeed on the stopped node C; it said: $out"

# C again, on its port, from the same files: a node dialling from 127.0.0.1 must be let in.
NODE_ID=$C_port BC_CENTRAL_NODE=localhost:$C_port "$BIN" startnode >C2.log 2>&1 &
C2_pid=$!
pids="$pids $C2_pid"
wait_for C2.log "listening on" "$C2_pid" "node C to start again"
start_node N -connect "127.0.0.1:$C_port"
# (A banned address is refused as it connects, before any message.)
# (A message line names a peer by where it listens; the connection line says where it came from.)
wait_for C2.log "connected peer [0-9]* (127.0.0.1:[0-9]*, inbound)" "$C2_pid" \
    "node C, restarted after 'unban', to take a connection from 127.0.0.1"
wait_for C2.log "received version from " "$C2_pid" \
    "node C, restarted after 'unban', to hear a version from the node dialling from 127.0.0.1"
! grep -q "refused connection from 127.0.0.1" C2.log ||
    fail "node C to let 127.0.0.1 in after 'unban'; its log: $(cat C2.log)"

# Stop the nodes still running and wait for them, so that none writes into the directory as
# it is removed.
for p in $pids; do
    kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
done
exit 0
