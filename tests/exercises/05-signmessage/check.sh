#!/bin/sh
# Exercise: signmessage and verifymessage prove who holds an address's key
# Run by 'make exercise EX=05-signmessage' in a fresh directory, with $BIN chapter 5's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] && [ -n "$B" ] || fail "createwallet to print 'Your new address: ...'"
text="I, the holder of A, owe Bob 3 coins"

sig=$("$BIN" signmessage -address "$A" -message "$text" 2>err)
status=$?
[ $status = 0 ] || fail "'signmessage -address A -message ...' to exit 0, got $status: $(cat err)"
[ "$(printf '%s\n' "$sig" | wc -l)" = 1 ] && printf '%s' "$sig" | grep -q '^[0-9a-f]\{2,\}$' ||
    fail "signmessage to print the signature as one line of lowercase hex, got: $sig"

# Whoever checks holds no wallet: the signature and the address must be enough.
mkdir verifier && cd verifier || exit 1
verify() { # ADDRESS MESSAGE SIGNATURE -> exit status
    "$BIN" verifymessage -address "$1" -message "$2" -signature "$3" >out 2>err
}
verify "$A" "$text" "$sig"
status=$?
[ $status = 0 ] || fail "verifymessage to accept A's signature of the message (exit 0), got $status: $(cat err)"

refused() { # WHAT ADDRESS MESSAGE SIGNATURE
    what=$1
    shift
    verify "$@"
    status=$?
    [ $status = 1 ] || fail "verifymessage to refuse $what with exit 1, got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr when refusing $what, got: $(cat err)"
}
refused "another message" "$A" "$text!" "$sig"
refused "A's signature presented as B's" "$B" "$text" "$sig"
last=$(printf '%s' "$sig" | tail -c 1)
if [ "$last" = 0 ]; then flip=1; else flip=0; fi
refused "a signature with its last digit changed" "$A" "$text" "$(printf '%s' "$sig" | sed 's/.$//')$flip"
refused "a truncated signature" "$A" "$text" "$(printf '%s' "$sig" | sed 's/..$//')"
refused "a signature that is not hex" "$A" "$text" "not-a-signature"
refused "an invalid address" "1111" "$text" "$sig"

# Only the holder of the key can sign: this directory has no wallet with A in it.
"$BIN" signmessage -address "$A" -message "$text" >out 2>err
status=$?
[ $status = 1 ] || fail "signmessage to fail (exit 1) for an address not in wallet.dat, got $status"
exit 0
