#!/bin/sh
# Exercise: printchain shows each transaction: its ID, inputs and outputs
# Run by 'make exercise EX=04-printchain-transactions' in a fresh directory, with $BIN
# chapter 4's blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

run() {
    "$BIN" "$@" >/dev/null 2>err || fail "'$*' to succeed: $(cat err)"
}

run createblockchain -address Ivan
run send -from Ivan -to Pedro -amount 6
run send -from Ivan -to Pedro -amount 1
run send -from Pedro -to Helen -amount 7
"$BIN" printchain >out 2>err || fail "'printchain' to succeed: $(cat err)"
[ "$(grep -c '^PoW: true$' out)" = 4 ] || fail "printchain to keep its 'PoW: true' line for each of the 4 blocks, got:
$(cat out)"
[ "$(grep -c '^Transactions: 1$' out)" = 4 ] || fail "printchain to keep its 'Transactions: 1' line for each of the 4 blocks, got:
$(cat out)"

# The transaction lines, in order, with their indentation taken off.
sed -n 's/^ *\(Transaction: \)/\1/p; s/^ *\(Input: \)/\1/p; s/^ *\(Output: \)/\1/p' out >lines
ids=$(sed -n 's/^Transaction: //p' lines)
[ "$(printf '%s\n' "$ids" | grep -c -E '^[0-9a-f]{64}$')" = 4 ] || fail "a 'Transaction: ID' line (64 hex digits) for each of the 4 transactions, got:
$(cat out)"
[ "$(printf '%s\n' "$ids" | sort -u | wc -l)" = 4 ] || fail "4 different transaction IDs, got:
$ids"
# Newest first: Pedro to Helen, Ivan to Pedro (1), Ivan to Pedro (6), the coinbase.
t3=$(printf '%s\n' "$ids" | sed -n 1p)
t2=$(printf '%s\n' "$ids" | sed -n 2p)
t1=$(printf '%s\n' "$ids" | sed -n 3p)
t0=$(printf '%s\n' "$ids" | sed -n 4p)
cat >want <<END
Transaction: $t3
Input: $t2:0 from 'Pedro'
Input: $t1:0 from 'Pedro'
Output: 7 to 'Helen'
Transaction: $t2
Input: $t1:1 from 'Ivan'
Output: 1 to 'Pedro'
Output: 3 to 'Ivan'
Transaction: $t1
Input: $t0:0 from 'Ivan'
Output: 6 to 'Pedro'
Output: 4 to 'Ivan'
Transaction: $t0
Input: coinbase: "The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"
Output: 10 to 'Ivan'
END
# Which of Pedro's two outputs is spent first is up to transaction_new_utxo: sort them.
sort_inputs() {
    { sed -n 1p "$1"; sed -n 2,3p "$1" | sort; sed -n '4,$p' "$1"; } >"$1.sorted"
}
sort_inputs lines
sort_inputs want
cmp -s lines.sorted want.sorted || fail "these transaction lines (indentation aside):
$(cat want)
got:
$(cat lines)"
exit 0
