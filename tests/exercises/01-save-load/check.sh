#!/bin/sh
# Exercise: -save FILE writes the chain as text, -load FILE reads it back and checks every link
# Run by 'make exercise EX=01-save-load' in a fresh directory, with $BIN chapter 1's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# The file has one line per block, genesis first: "TIMESTAMP DATA PREV_HASH HASH", the data
# and both hashes in lowercase hex. The check edits such files as a forger would, recomputing
# hashes with sha256sum.
set -u
fail() {
    echo "expected $*"
    exit 1
}

# The bytes written as hex on stdin, to stdout (POSIX printf understands octal escapes).
unhex() {
    # shellcheck disable=SC2059 # the format is the data: octal escapes that printf turns into bytes
    printf "$(awk -v h=0123456789abcdef '{
        for (i = 1; i < length($0); i += 2)
            printf "\\%03o", (index(h, substr($0, i, 1)) - 1) * 16 + index(h, substr($0, i + 1, 1)) - 1
    }')"
}

# The bytes on stdin in lowercase hex.
hex() {
    od -An -v -tx1 | tr -d ' \n'
}

sha256_hex() {
    sha256sum | cut -c1-64
}

# The line of a block holding DATA_HEX ($2) at TIMESTAMP ($1) after the block PREV ($3), with
# the hash chapter 1 gives it: SHA-256 of prev || SHA-256(data) || timestamp (int64 LE).
block_line() {
    ts_le=$(printf '%016x' "$1" | awk '{ for (i = 15; i >= 1; i -= 2) printf "%s", substr($0, i, 2) }')
    data_hash=$(printf '%s\n' "$2" | unhex | sha256_hex)
    hash=$(printf '%s%s%s\n' "$3" "$data_hash" "$ts_le" | unhex | sha256_hex)
    echo "$1 $2 $3 $hash"
}

# load FILE WHAT: 'blockchain -load FILE' must refuse it (exit 1, error, nothing printed).
refuse() {
    "$BIN" -load "$1" >out 2>err
    status=$?
    [ $status = 1 ] || fail "'blockchain -load' to refuse a file where $2 (exit 1), got $status:
$(cat out)"
    grep -q '^error: ' err || fail "'error: ...' on stderr for a file where $2, got: $(cat err)"
    [ ! -s out ] || fail "nothing printed for a file where $2, got:
$(cat out)"
}

"$BIN" -save chain.txt >saved 2>err
status=$?
[ $status = 0 ] || fail "'blockchain -save chain.txt' to exit 0, got $status: $(cat err)"
[ -f chain.txt ] || fail "'blockchain -save chain.txt' to write chain.txt"
[ "$(sed -n 's/^Data: //p' saved | paste -s -d '|' -)" = "Genesis Block|Send 1 BTC to Ivan|Send 2 more BTC to Ivan" ] ||
    fail "'blockchain -save chain.txt' to print the article's chain as usual, got:
$(cat saved)"
[ "$(wc -l <chain.txt)" = 3 ] || fail "chain.txt to have one line per block, 3, got:
$(cat chain.txt)"
grep -E -v '^[0-9]+ [0-9a-f]* [0-9a-f]{64} [0-9a-f]{64}$' chain.txt >bad &&
    fail "each line of chain.txt to be 'TIMESTAMP DATA PREV_HASH HASH' (hex, single spaces), got:
$(cat bad)"
i=1
while [ $i -le 3 ]; do
    line=$(sed -n "${i}p" chain.txt)
    want="$(sed -n 's/^Data: //p' saved | sed -n "${i}p" | tr -d '\n' | hex) $(sed -n 's/^Prev. hash: //p' saved | sed -n "${i}p") $(sed -n 's/^Hash: //p' saved | sed -n "${i}p")"
    [ "${line#* }" = "$want" ] || fail "line $i of chain.txt to hold block $i's data in hex, Prev. hash and Hash: '... $want', got '$line'"
    i=$((i + 1))
done

"$BIN" -load chain.txt >loaded 2>err
status=$?
[ $status = 0 ] || fail "'blockchain -load chain.txt' to exit 0, got $status: $(cat err)"
cmp -s saved loaded || fail "'blockchain -load chain.txt' to print the chain exactly as it was saved:
$(cat saved)
got:
$(cat loaded)"

# A block the check makes itself, on top: the loader follows the format, not a copy of it.
last=$(sed -n 3p chain.txt)
ts=$(echo "$last" | cut -d ' ' -f 1)
tip=$(echo "$last" | cut -d ' ' -f 4)
new=$(block_line $((ts + 60)) "$(printf 'Send 3 BTC to Pedro' | hex)" "$tip")
{ cat chain.txt; echo "$new"; } >longer.txt
"$BIN" -load longer.txt >out 2>err || fail "'blockchain -load' to accept a sound block added to the file: $(cat err)"
got="$(sed -n 's/^Data: //p' out | sed -n 4p) $(sed -n 's/^Hash: //p' out | sed -n 4p)"
[ "$got" = "Send 3 BTC to Pedro ${new##* }" ] || fail "the added block 'Send 3 BTC to Pedro' with hash ${new##* } as the 4th block, got:
$(cat out)"

line2=$(sed -n 2p chain.txt)
ts2=$(echo "$line2" | cut -d ' ' -f 1)
prev2=$(echo "$line2" | cut -d ' ' -f 3)
hash2=$(echo "$line2" | cut -d ' ' -f 4)
forged=$(printf 'Send 9 BTC to Ivan' | hex)
{ sed -n 1p chain.txt; echo "$ts2 $forged $prev2 $hash2"; sed -n 3p chain.txt; } >bad.txt
refuse bad.txt "block 2's data was changed"
{ sed -n 1p chain.txt; block_line "$ts2" "$forged" "$prev2"; sed -n 3p chain.txt; } >bad.txt
refuse bad.txt "block 2 was changed and given its new hash, so block 3 no longer links to it"
{ sed -n 1p chain.txt; echo "$((ts2 + 1)) ${line2#* }"; sed -n 3p chain.txt; } >bad.txt
refuse bad.txt "block 2's timestamp was changed"
sed 1d chain.txt >bad.txt
refuse bad.txt "the genesis block is missing"
{ sed -n 1p chain.txt; sed -n 3p chain.txt; sed -n 2p chain.txt; } >bad.txt
refuse bad.txt "two blocks are swapped"
{ sed -n 1p chain.txt; echo "$ts2 $forged $prev2"; } >bad.txt
refuse bad.txt "a line has no hash"
{ sed -n 1p chain.txt; echo "$ts2 abc $prev2 $hash2"; } >bad.txt
refuse bad.txt "the data has an odd number of hex digits"
{ sed -n 1p chain.txt; echo "$ts2 zz $prev2 $hash2"; } >bad.txt
refuse bad.txt "the data is not hex"
{ sed -n 1p chain.txt; echo "${ts2}x ${line2#* }"; } >bad.txt
refuse bad.txt "a timestamp is not a number"
{ sed -n 1p chain.txt; echo "$ts2 $forged ${prev2#?} $hash2"; } >bad.txt
refuse bad.txt "a hash has 63 hex digits"
: >bad.txt
refuse bad.txt "there are no blocks"
refuse missing.txt "the file does not exist"

"$BIN" -save no/such/dir/chain.txt >out 2>err
status=$?
[ $status = 1 ] || fail "'blockchain -save' into a missing directory to fail (exit 1), got $status"
grep -q '^error: ' err || fail "'error: ...' on stderr when the file cannot be written, got: $(cat err)"
exit 0
