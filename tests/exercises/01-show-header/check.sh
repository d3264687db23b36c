#!/bin/sh
# Exercise: -header prints each block's time and header, to check its hash with sha256sum
# Run by 'make exercise EX=01-show-header' in a fresh directory, with $BIN chapter 1's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# It recomputes every hash from the printed header with sha256sum, as the reader would.
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

# The hex digits of $1 with its bytes in the opposite order: little-endian to big-endian.
reverse_bytes() {
    printf '%s' "$1" | awk '{ for (i = length($0) - 1; i >= 1; i -= 2) printf "%s", substr($0, i, 2) }'
}

"$BIN" -header >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain -header' to exit 0, got $status: $(cat err)"
n=$(values Hash | wc -l)
[ "$n" = 3 ] || fail "three blocks, got $n Hash lines"
[ "$(values Time | wc -l)" = 3 ] || fail "'blockchain -header' to print a 'Time: YYYY-MM-DDTHH:MM:SSZ' line for each of the 3 blocks, got:
$(cat out)"
[ "$(values Header | wc -l)" = 3 ] || fail "'blockchain -header' to print a 'Header: HEX' line for each of the 3 blocks, got:
$(cat out)"

i=1
while [ $i -le 3 ]; do
    prev=$(values 'Prev. hash' | sed -n "${i}p")
    data=$(values Data | sed -n "${i}p")
    hash=$(values Hash | sed -n "${i}p")
    time=$(values Time | sed -n "${i}p")
    header=$(values Header | sed -n "${i}p")
    block="block $i ('$data')"
    printf '%s' "$header" | grep -q '^[0-9a-f]*$' || fail "$block's Header in lowercase hex, got '$header'"
    [ ${#header} = 144 ] || fail "$block's Header to be 72 bytes (144 hex digits), got ${#header} digits"
    got=$(printf '%s' "$header" | cut -c1-64)
    [ "$got" = "$prev" ] || fail "$block's Header to start with its Prev. hash $prev, got $got"
    want=$(printf '%s' "$data" | sha256_hex)
    got=$(printf '%s' "$header" | cut -c65-128)
    [ "$got" = "$want" ] || fail "$block's Header bytes 32-63 to be SHA-256 of its data, $want, got $got"
    # Bytes 64-71: the timestamp, seconds since 1970 as an int64, little-endian.
    seconds=$((0x$(reverse_bytes "$(printf '%s' "$header" | cut -c129-144)")))
    want=$(date -u -d "@$seconds" +%Y-%m-%dT%H:%M:%SZ)
    [ "$time" = "$want" ] || fail "$block's Time to be its header's timestamp $seconds in UTC, $want, got '$time'"
    got=$(printf '%s\n' "$header" | unhex | sha256_hex)
    [ "$got" = "$hash" ] || fail "$block's Hash to be SHA-256 of its Header, $got, got $hash"
    i=$((i + 1))
done
exit 0
