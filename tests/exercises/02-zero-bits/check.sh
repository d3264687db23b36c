#!/bin/sh
# Exercise: each block prints how many zero bits its hash starts with
# Run by 'make exercise EX=02-zero-bits' in a fresh directory, with $BIN chapter 2's
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

# How many zero bits the hash written in hex as $1 starts with.
zero_bits() {
    zeros=$(printf '%s' "$1" | sed 's/[^0].*//')
    first=$(printf '%s' "$1" | cut -c $((${#zeros} + 1)))
    case $first in
    1) extra=3 ;;
    2 | 3) extra=2 ;;
    4 | 5 | 6 | 7) extra=1 ;;
    *) extra=0 ;;
    esac
    echo $((${#zeros} * 4 + extra))
}

for bits in 8 13; do
    BC_TARGET_BITS=$bits "$BIN" >out 2>err
    status=$?
    [ $status = 0 ] || fail "'blockchain' to exit 0, got $status: $(cat err)"
    values Hash >hashes
    values 'Zero bits' >zeros
    [ "$(wc -l <zeros)" = 3 ] || fail "a 'Zero bits: N' line for each of the 3 blocks, got:
$(cat out)"
    i=1
    while [ $i -le 3 ]; do
        hash=$(sed -n "${i}p" hashes)
        got=$(sed -n "${i}p" zeros)
        want=$(zero_bits "$hash")
        [ "$got" = "$want" ] || fail "'Zero bits: $want' for the hash $hash, got '$got'"
        [ "$got" -ge $bits ] || fail "at least $bits zero bits at BC_TARGET_BITS=$bits, got $got"
        i=$((i + 1))
    done
done
exit 0
