#!/bin/sh
# Exercise: utxostats sums up the UTXO set: transactions, outputs, coins
# Run by 'make exercise EX=06-utxostats' in a fresh directory, with $BIN chapter 6's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

stats() { # TRANSACTIONS OUTPUTS TOTAL WHEN
    "$BIN" utxostats >out 2>err
    status=$?
    [ $status = 0 ] || fail "'utxostats' $4 to exit 0, got $status: $(cat err)"
    printf 'Transactions: %s\nOutputs: %s\nTotal: %s\n' "$1" "$2" "$3" >expected
    cmp -s expected out || fail "'utxostats' $4 to print
$(cat expected)
got
$(cat out)"
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] && [ -n "$B" ] || fail "createwallet to print 'Your new address: ...'"
"$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"
stats 1 1 10 "after createblockchain (the genesis coinbase's one output)"

# A spends the genesis output: 3 to B, 7 back to A; the block's coinbase pays A 10.
"$BIN" send -from "$A" -to "$B" -amount 3 -mine >/dev/null || fail "send A to B to succeed"
stats 2 3 20 "after the first send (the genesis transaction is all spent)"

# B spends its 3 (no change); this block's coinbase pays B.
"$BIN" send -from "$B" -to "$A" -amount 3 -mine >/dev/null || fail "send B to A to succeed"
stats 4 4 30 "after the second send (the first send keeps its change output)"

# The set built step by step must equal one rebuilt from the blocks.
"$BIN" reindexutxo | grep -q 'There are 4 transactions' || fail "reindexutxo to count 4 transactions"
stats 4 4 30 "after reindexutxo"
exit 0
