#!/bin/sh
# Exercise: getbalance -all prints the balance of every address in the wallet, and the total
# Run by 'make exercise EX=06-getbalance-all' in a fresh directory, with $BIN chapter 6's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
C=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] && [ -n "$B" ] && [ -n "$C" ] || fail "createwallet to print 'Your new address: ...'"
"$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
# A gets 10 (genesis), sends 3 to B and is paid 10 for mining the block: A 17, B 3, C 0.
"$BIN" send -from "$A" -to "$B" -amount 3 -mine >/dev/null || fail "send to succeed"

balance() {
    case $1 in
    "$A") echo 17 ;;
    "$B") echo 3 ;;
    *) echo 0 ;;
    esac
}
# One line per address, in listaddresses' order, then the total.
for x in $("$BIN" listaddresses); do
    echo "Balance of '$x': $(balance "$x")"
done >expected
echo "Total: 20" >>expected

"$BIN" getbalance -all >out 2>err
status=$?
[ $status = 0 ] || fail "'getbalance -all' to exit 0, got $status: $(cat err)"
cmp -s expected out || fail "'getbalance -all' to print
$(cat expected)
got
$(cat out)"

out=$("$BIN" getbalance -address "$A")
[ "$out" = "Balance of '$A': 17" ] || fail "'getbalance -address A' to work as before, got: $out"
"$BIN" getbalance >/dev/null 2>&1
status=$?
[ $status = 2 ] || fail "'getbalance' with neither -address nor -all to be a usage error (exit 2), got $status"
"$BIN" getbalance -all -address "$A" >/dev/null 2>&1
status=$?
[ $status = 2 ] || fail "'getbalance -all -address A' to be a usage error (exit 2), got $status"
exit 0
