#!/bin/sh
# Exercise: send -fee N leaves N coins to the miner, who collects them in the block's coinbase
# Run by 'make exercise EX=06-fees' in a fresh directory, with $BIN chapter 6's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# The output values of the newest block (printchain prints it first), smallest first.
newest_values() {
    "$BIN" printchain | awk '/^=+ Block/ { n++ } n == 1 && /Value:/ { print $2 }' | sort -n |
        tr '\n' ' ' | sed 's/ $//'
}
balance_is() { # ADDRESS NAME N
    out=$("$BIN" getbalance -address "$1")
    [ "$out" = "Balance of '$1': $3" ] || fail "$2's balance to be $3, got: $out"
}

A=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
B=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
[ -n "$A" ] && [ -n "$B" ] || fail "createwallet to print 'Your new address: ...'"
"$BIN" createblockchain -address "$A" >/dev/null || fail "createblockchain to succeed"

# A spends its 10: 3 to B, a fee of 2, so 5 back to A; A mines the block and its coinbase
# pays 10 + 2.
"$BIN" send -from "$A" -to "$B" -amount 3 -fee 2 -mine >out 2>err
status=$?
[ $status = 0 ] || fail "'send -from A -to B -amount 3 -fee 2 -mine' to exit 0, got $status: $(cat err)"
values=$(newest_values)
[ "$values" = "3 5 12" ] ||
    fail "the new block's outputs to be worth 3 (to B), 5 (change) and 12 (coinbase: 10 + the fee), got: $values"
balance_is "$A" A 17
balance_is "$B" B 3

# B cannot pay 2 and a fee of 2 with 3 coins; nothing changes.
"$BIN" printchain >before
"$BIN" send -from "$B" -to "$A" -amount 2 -fee 2 -mine >out 2>err
status=$?
[ $status = 1 ] || fail "a send of 2 with a fee of 2 from B, who has 3, to fail with exit 1, got $status"
"$BIN" printchain >after
cmp -s before after || fail "the failed send to leave the chain as it was"

# The fee may take what the amount leaves: no change output then. B mines: 10 + 1.
"$BIN" send -from "$B" -to "$A" -amount 2 -fee 1 -mine >out 2>err ||
    fail "'send -from B -to A -amount 2 -fee 1' to succeed: $(cat err)"
values=$(newest_values)
[ "$values" = "2 11" ] || fail "the new block's outputs to be worth 2 (to A) and 11 (coinbase), got: $values"
balance_is "$A" A 19
balance_is "$B" B 11

# Fees move coins, they do not make any: the UTXO set rebuilt from the blocks agrees.
"$BIN" reindexutxo >/dev/null || fail "reindexutxo to succeed"
balance_is "$A" "A (after reindexutxo)" 19
balance_is "$B" "B (after reindexutxo)" 11

# The inputs must cover the amount and the fee: C holds two outputs of 2, and sending 2 with a
# fee of 1 needs both of them (one covers the amount alone). C mines: 10 + 1, and 1 of change.
C=$("$BIN" createwallet | sed -n 's/^Your new address: //p')
"$BIN" send -from "$A" -to "$C" -amount 2 -mine >/dev/null &&
    "$BIN" send -from "$A" -to "$C" -amount 2 -mine >/dev/null || fail "two sends of 2 from A to C to succeed"
"$BIN" send -from "$C" -to "$B" -amount 2 -fee 1 -mine >out 2>err ||
    fail "'send -from C -to B -amount 2 -fee 1' to succeed: C holds two outputs of 2, which together cover 2 and the fee of 1: $(cat err)"
values=$(newest_values)
[ "$values" = "1 2 11" ] ||
    fail "the new block's outputs to be worth 1 (change), 2 (to B) and 11 (coinbase), got: $values"
balance_is "$C" C 12

# Without -fee, a send pays no fee; a negative fee is a usage error.
"$BIN" send -from "$A" -to "$B" -amount 1 -mine >/dev/null || fail "a send without -fee to succeed"
values=$(newest_values)
case " $values " in
*" 10 "*) ;;
*) fail "a send without -fee to leave the coinbase 10, got outputs: $values" ;;
esac
"$BIN" send -from "$A" -to "$B" -amount 1 -fee -1 -mine >/dev/null 2>&1
status=$?
[ $status = 2 ] || fail "'-fee -1' to be a usage error (exit 2), got $status"
exit 0
