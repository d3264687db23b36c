#!/bin/sh
# Exercise: validateaddress checks an address and prints the public key hash inside it
# Run by 'make exercise EX=05-validateaddress' in a fresh directory, with $BIN chapter 5's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] || fail "createwallet to print 'Your new address: ...'"
"$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
# The genesis output is locked to A's public key hash: printchain shows it as the Script.
hash=$("$BIN" printchain | sed -n 's/^ *Script: *//p' | head -n 1)

# Checking an address needs neither a wallet nor a chain.
mkdir elsewhere && cd elsewhere || exit 1
out=$("$BIN" validateaddress -address "$A" 2>err)
status=$?
[ $status = 0 ] || fail "'validateaddress -address $A' to exit 0, got $status: $(cat err)"
case $out in
*"$hash"*) ;;
*) fail "its output to show A's public key hash $hash (the Script of the output paying A), got: $out" ;;
esac

# A typo in the last character breaks the checksum.
last=$(printf '%s' "$A" | tail -c 1)
if [ "$last" = z ]; then other=y; else other=z; fi
typo="$(printf '%s' "$A" | sed 's/.$//')$other"
"$BIN" validateaddress -address "$typo" >out 2>err
status=$?
[ $status = 1 ] || fail "'validateaddress -address $typo' (a typo) to exit 1, got $status"
grep -q '^error: invalid address' err || fail "'error: invalid address ...' on stderr for $typo, got: $(cat err)"
[ ! -s out ] || fail "nothing on stdout for an invalid address, got: $(cat out)"

"$BIN" validateaddress >/dev/null 2>&1
status=$?
[ $status = 2 ] || fail "'validateaddress' without -address to be a usage error (exit 2), got $status"
exit 0
