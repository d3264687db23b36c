#!/bin/sh
# Exercise: printchain names the address behind every output and every signed input
# Run by 'make exercise EX=05-printchain-addresses' in a fresh directory, with $BIN chapter 5's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] && [ -n "$B" ] || fail "createwallet to print 'Your new address: ...'"
"$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
"$BIN" send -from "$A" -to "$B" -amount 3 >/dev/null || fail "send -from A -to B -amount 3 to succeed"
"$BIN" printchain >chain || fail "printchain to succeed"

# Genesis pays A; the send spends that output (an input signed with A's key) and pays 3 to B
# and 7 back to A: A is named 3 times, B once, and the coinbase's input, which has no key, not.
count() { grep -c "^ *Address: *$1\$" chain; }
n=$(count "$A")
[ "$n" = 3 ] || fail "3 lines 'Address: $A' (the genesis output, the change, the signed input), got $n:
$(grep 'Address:' chain)"
n=$(count "$B")
[ "$n" = 1 ] || fail "1 line 'Address: $B' (the output paying B), got $n"
n=$(grep -c 'Address:' chain)
[ "$n" = 4 ] || fail "4 'Address:' lines in all (none for the coinbase's input), got $n"
exit 0
