#!/bin/sh
# Exercise: the blocks' data comes from the command line
# Run by 'make exercise EX=01-data-args' in a fresh directory, with $BIN chapter 1's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# The lines "NAME: value" of the file OUT, values only, one per line.
values() {
    sed -n "s/^$1: //p" out
}

# Each block's "Prev. hash" is the "Hash" of the block printed before it.
check_links() {
    values 'Prev. hash' >prev
    { echo 0000000000000000000000000000000000000000000000000000000000000000; values Hash; } |
        head -n "$(wc -l <prev)" >want
    cmp -s prev want || fail "each block's Prev. hash to be the Hash of the block before it, got:
$(cat out)"
}

"$BIN" "Pay Alice 3" "Pay Bob 5" "Pay Carol 7" >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain \"Pay Alice 3\" \"Pay Bob 5\" \"Pay Carol 7\"' to exit 0, got $status: $(cat err)"
printf '%s\n' "Genesis Block" "Pay Alice 3" "Pay Bob 5" "Pay Carol 7" >want
values Data >got
cmp -s got want || fail "the blocks 'Genesis Block', 'Pay Alice 3', 'Pay Bob 5', 'Pay Carol 7' (one per argument, in order), got Data lines:
$(cat got)"
check_links

# Without arguments, the article's chain as before.
"$BIN" >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain' without arguments to exit 0, got $status: $(cat err)"
printf '%s\n' "Genesis Block" "Send 1 BTC to Ivan" "Send 2 more BTC to Ivan" >want
values Data >got
cmp -s got want || fail "'blockchain' without arguments to print the article's three blocks, got Data lines:
$(cat got)"
check_links
exit 0
