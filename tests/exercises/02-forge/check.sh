#!/bin/sh
# Exercise: -forge N re-mines blocks at 1 bit, and validation refuses them
# Run by 'make exercise EX=02-forge' in a fresh directory, with $BIN chapter 2's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# It re-checks every printed header with sha256sum: the forged blocks must be real proofs
# of work at 1 bit, refused only because the chain asks for more.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# The lines "NAME: value" of the file OUT, values only, one per line.
values() {
    sed -n "s/^$1: //p" out
}

# The bytes written as hex on stdin, to stdout (POSIX printf understands octal escapes).
unhex() {
    # shellcheck disable=SC2059 # the format is the data: octal escapes that printf turns into bytes
    printf "$(awk -v h=0123456789abcdef '{
        for (i = 1; i < length($0); i += 2)
            printf "\\%03o", (index(h, substr($0, i, 1)) - 1) * 16 + index(h, substr($0, i + 1, 1)) - 1
    }')"
}

sha256_hex() {
    sha256sum | cut -c1-64
}

# forge N DATA BITS POW: 'blockchain -forge N' prints three blocks with these Data lines
# ('|' between blocks), these target bits in their headers, and these PoW lines.
forge() {
    "$BIN" -forge "$1" >out 2>err
    status=$?
    [ $status = 0 ] || fail "'blockchain -forge $1' to exit 0, got $status: $(cat err)"
    got=$(values Data | paste -s -d '|' -)
    [ "$got" = "$2" ] || fail "'blockchain -forge $1' to print the blocks' data '$2', got '$got'"
    [ "$(values Header | wc -l)" = 3 ] || fail "'blockchain -forge $1' to print a 'Header: HEX' line for each of the 3 blocks, got:
$(cat out)"
    previous=0000000000000000000000000000000000000000000000000000000000000000
    i=1
    while [ $i -le 3 ]; do
        prev=$(values 'Prev. hash' | sed -n "${i}p")
        data=$(values Data | sed -n "${i}p")
        hash=$(values Hash | sed -n "${i}p")
        header=$(values Header | sed -n "${i}p")
        want_bits=$(printf '%s' "$3" | cut -d '|' -f $i)
        block="block $((i - 1)) ('$data') of 'blockchain -forge $1'"
        [ "$prev" = "$previous" ] || fail "$block to link to the block before it: Prev. hash $previous, got $prev"
        [ ${#header} = 168 ] || fail "$block's Header to be the 84 header bytes (168 hex digits), got ${#header} digits"
        [ "$(printf '%s' "$header" | cut -c1-64)" = "$prev" ] ||
            fail "$block's Header to start with its Prev. hash, got $header"
        [ "$(printf '%s' "$header" | cut -c65-128)" = "$(printf '%s' "$data" | sha256_hex)" ] ||
            fail "$block's Header bytes 32-63 to be SHA-256 of its data, got $header"
        bits=$(printf '%s' "$header" | cut -c145-152)
        [ "$bits" = "$want_bits" ] || fail "$block's Header to hold the target bits $want_bits (uint32 LE), got $bits"
        [ "$(printf '%s\n' "$header" | unhex | sha256_hex)" = "$hash" ] ||
            fail "$block's Hash to be SHA-256 of its Header: the forger mines each block it changes"
        previous=$hash
        i=$((i + 1))
    done
    got=$(values PoW | paste -s -d '|' -)
    [ "$got" = "$4" ] || fail "'blockchain -forge $1' to print the PoW lines '$4', got '$got'"
}

forged="Send 100 BTC to Ivan"
eight=08000000
one=01000000
forge 1 "Genesis Block|$forged|Send 2 more BTC to Ivan" "$eight|$one|$one" "true|false|false"
forge 2 "Genesis Block|Send 1 BTC to Ivan|$forged" "$eight|$eight|$one" "true|true|false"
forge 0 "$forged|Send 1 BTC to Ivan|Send 2 more BTC to Ivan" "$one|$one|$one" "false|false|false"

# The honest chain still passes.
"$BIN" >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain' to exit 0, got $status: $(cat err)"
got=$(values PoW | paste -s -d '|' -)
[ "$got" = "true|true|true" ] || fail "'blockchain' to print PoW: true for its three honest blocks, got '$got'"

for args in "-forge 3" "-forge x" "-forge"; do
    # shellcheck disable=SC2086
    "$BIN" $args >out 2>err
    status=$?
    [ $status = 2 ] || fail "'blockchain $args' to be a usage error (exit 2), got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr for 'blockchain $args', got: $(cat err)"
done
exit 0
