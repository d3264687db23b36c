#!/bin/sh
# Exercise: -bits N sets the difficulty, and each block prints the work it took
# Run by 'make exercise EX=02-bits-option' in a fresh directory, with $BIN chapter 2's
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

# -bits wins over BC_TARGET_BITS: at 16 bits every hash starts with four zero hex digits,
# which 4-bit mining would give all three blocks once in 2^36 runs.
BC_TARGET_BITS=4 "$BIN" -bits 16 >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain -bits 16' to exit 0, got $status: $(cat err)"
[ "$(values Hash | wc -l)" = 3 ] || fail "'blockchain -bits 16' to print three blocks, got:
$(cat out)"
values Hash | grep -v '^0000' >bad && fail "'blockchain -bits 16' (with BC_TARGET_BITS=4) to mine hashes with 16 leading zero bits (0000...), got:
$(cat bad)"
[ "$(values PoW | grep -c '^true$')" = 3 ] || fail "'PoW: true' for each block, got:
$(cat out)"
# "Work: N hashes", and after it whatever else you like to print, such as the time it took.
[ "$(grep -c '^Work: [1-9][0-9]* hashes' out)" = 3 ] || fail "a 'Work: N hashes' line for each of the 3 blocks, got:
$(cat out)"

# Without -bits, BC_TARGET_BITS as before.
BC_TARGET_BITS=8 "$BIN" >out 2>err
status=$?
[ $status = 0 ] || fail "'blockchain' without -bits to exit 0, got $status: $(cat err)"
values Hash | grep -v '^00' >bad && fail "'blockchain' with BC_TARGET_BITS=8 to mine hashes starting with 00, got:
$(cat bad)"

for args in "-bits 0" "-bits 33" "-bits x" "-bits"; do
    # shellcheck disable=SC2086
    "$BIN" $args >out 2>err
    status=$?
    [ $status = 2 ] || fail "'blockchain $args' to be a usage error (exit 2), got $status"
    grep -q '^error: ' err || fail "'error: ...' on stderr for 'blockchain $args', got: $(cat err)"
    [ ! -s out ] || fail "nothing mined or printed for 'blockchain $args', got: $(cat out)"
done
exit 0
