#!/bin/sh
# Exercise: -tamper N forges block N, and each block says whether it is still valid
# Run by 'make exercise EX=01-tamper' in a fresh directory, with $BIN chapter 1's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# The lines "NAME: value" of the file OUT, values only, joined with '|'.
values() {
    sed -n "s/^$1: //p" out | paste -s -d '|' -
}

# tamper N DATA VALID: 'blockchain -tamper N' prints blocks with these Data and Valid lines.
tamper() {
    # shellcheck disable=SC2086
    "$BIN" -tamper $1 >out 2>err
    status=$?
    [ $status = 0 ] || fail "'blockchain -tamper $1' to exit 0, got $status: $(cat err)"
    got=$(values Data)
    [ "$got" = "$2" ] || fail "'blockchain -tamper $1' to print the blocks' data '$2', got '$got'"
    got=$(values Valid)
    [ "$got" = "$3" ] || fail "'blockchain -tamper $1' to print the Valid lines '$3', got '$got' in:
$(cat out)"
}

forged="Send 100 BTC to Ivan"
# The forged block has a hash that matches its new header, so it looks valid on its own;
# the block after it still points at the old hash.
tamper 1 "Genesis Block|$forged|Send 2 more BTC to Ivan" "true|true|false"
prev=$(values 'Prev. hash' | cut -d '|' -f 3)
hash=$(values Hash | cut -d '|' -f 2)
[ "$prev" != "$hash" ] || fail "block 2's Prev. hash to differ from the forged block's new Hash, both are $hash"
prev=$(values 'Prev. hash' | cut -d '|' -f 2)
hash=$(values Hash | cut -d '|' -f 1)
[ "$prev" = "$hash" ] || fail "the forged block to keep its link to genesis ($hash), got $prev"

tamper 0 "$forged|Send 1 BTC to Ivan|Send 2 more BTC to Ivan" "true|false|true"
# Nothing comes after the newest block: forging it goes unnoticed.
tamper 2 "Genesis Block|Send 1 BTC to Ivan|$forged" "true|true|true"

# A careless forger changes the data but keeps the old hash: the block's hash is no longer
# its header's, so the block itself is invalid, and the link after it still holds.
tamper "1 -keep-hash" "Genesis Block|$forged|Send 2 more BTC to Ivan" "true|false|true"
tamper "0 -keep-hash" "$forged|Send 1 BTC to Ivan|Send 2 more BTC to Ivan" "false|true|true"

for args in "-tamper 3" "-tamper x" "-tamper" "-tamper 1 -x" "-tamper 1 -keep-hash 2"; do
    # shellcheck disable=SC2086
    "$BIN" $args >out 2>err
    status=$?
    [ $status = 2 ] || fail "'blockchain $args' to be a usage error (exit 2), got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr for 'blockchain $args', got: $(cat err)"
    [ ! -s out ] || fail "nothing on stdout for 'blockchain $args', got: $(cat out)"
done
exit 0
