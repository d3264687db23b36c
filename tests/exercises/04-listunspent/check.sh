#!/bin/sh
# Exercise: listunspent -address NAME prints each unspent output and their total
# Run by 'make exercise EX=04-listunspent' in a fresh directory, with $BIN chapter 4's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

run() {
    "$BIN" "$@" >/dev/null 2>err || fail "'$*' to succeed: $(cat err)"
}

# listunspent NAME LINES: prints LINES outputs, each "TXID:INDEX VALUE", then "Total: N",
# where N is their sum and the balance getbalance prints. Leaves the outputs in the file 'got'.
listunspent() {
    "$BIN" listunspent -address "$1" >out 2>err
    status=$?
    [ $status = 0 ] || fail "'listunspent -address $1' to exit 0, got $status: $(cat err)"
    grep -v '^Total: ' out >got
    bad=$(grep -E -v '^[0-9a-f]{64}:[0-9]+ [0-9]+$' got)
    [ -z "$bad" ] || fail "each line of 'listunspent -address $1' but the last to be 'TXID:INDEX VALUE', got '$bad'"
    [ "$(wc -l <got)" = "$2" ] || fail "$2 unspent outputs for $1, got:
$(cat out)"
    [ "$(cut -d ' ' -f 1 got | sort -u | wc -l)" = "$2" ] || fail "no output listed twice for $1, got:
$(cat out)"
    sum=$(awk '{ s += $2 } END { print s + 0 }' got)
    total=$(sed -n 's/^Total: //p' out)
    [ "$total" = "$sum" ] || fail "'Total: $sum' (the sum of the values) last for $1, got:
$(cat out)"
    balance=$("$BIN" getbalance -address "$1" | sed -n "s/^Balance of '$1': //p")
    [ "$total" = "$balance" ] || fail "$1's total $total to equal getbalance's $balance"
}

run createblockchain -address Ivan
run send -from Ivan -to Pedro -amount 6
run send -from Ivan -to Pedro -amount 1
run send -from Pedro -to Helen -amount 2
run send -from Ivan -to Helen -amount 1

listunspent Ivan 1
grep -q ':1 2$' got || fail "Ivan's one output to be his change of 2, at index 1, got: $(cat got)"
listunspent Pedro 1
grep -q ':1 5$' got || fail "Pedro's one output to be his change of 5, at index 1, got: $(cat got)"
listunspent Helen 2
[ "$(cut -d ' ' -f 2 got | sort | paste -s -d ' ' -)" = "1 2" ] ||
    fail "Helen's outputs to be worth 1 and 2, got: $(cat got)"
listunspent Nobody 0

# Paying yourself merges outputs: Helen's two become one.
run send -from Helen -to Helen -amount 3
listunspent Helen 1
grep -q ':0 3$' got || fail "Helen's self-send to leave one output of 3, at index 0, got: $(cat got)"

"$BIN" listunspent >out 2>err
status=$?
[ $status = 2 ] || fail "'listunspent' without -address to be a usage error (exit 2), got $status"
"$BIN" listunspent -address "" >out 2>err
status=$?
[ $status = 1 ] || fail "'listunspent -address \"\"' to fail as getbalance does (exit 1), got $status"
grep -q '^error: ' err || fail "'error: ...' on stderr for an empty address, got: $(cat err)"

mkdir empty && cd empty || exit 1
"$BIN" listunspent -address Ivan >out 2>err
status=$?
[ $status = 1 ] || fail "'listunspent' without a blockchain to exit 1, got $status"
[ ! -e blockchain.db ] || fail "'listunspent' not to create a blockchain"
exit 0
