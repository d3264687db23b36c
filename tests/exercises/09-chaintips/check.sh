#!/bin/sh
# Exercise: a 'getchaintips' command that lists the tip of every branch the node stores
# Run by 'make exercise EX=09-chaintips' in a fresh directory, with $BIN chapter 9's blockchain.
# Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
. "$ROOT/tests/exercises/lib/fork.sh"

# The newest block of node ID's active chain, as printchain shows it.
tip_of() {
    NODE_ID=$1 "$BIN" printchain | sed -n 's/^============ Block \([0-9a-f]*\) =*$/\1/p' | head -n 1
}

# expect_tips ID WHAT LINES: getchaintips of node ID prints exactly LINES.
expect_tips() {
    out=$(NODE_ID=$1 "$BIN" getchaintips 2>&1) || fail "'getchaintips' to succeed on $2; it said: $out"
    [ "$out" = "$3" ] || fail "'getchaintips' on $2 to print
$3
got:
$out"
}

make_fork
bits=${BC_TARGET_BITS:-8}
unit=$((1 << bits)) # one block's work: 2^bits
tip_a=$(tip_of "$A_port")
tip_b=$(tip_of "$W") # the wallet's own files still hold B's two blocks as mined
[ -n "$tip_a" ] && [ -n "$tip_b" ] || fail "printchain to show the tips of A and B"

# A never saw B's branch: one tip. B's blocks, before B met A: one tip too.
expect_tips "$A_port" "node A (no fork)" "$tip_a height 3 work $((4 * unit)) active"
expect_tips "$W" "B's chain before it met A" "$tip_b height 2 work $((3 * unit)) active"
# B after the reorganisation: A's branch is active, its own two blocks are a side branch whose
# tip is its block 2 (block 1 is that tip's parent, not a tip); both were connected once.
expect_tips "$B_port" "node B (after the reorganisation)" "$tip_a height 3 work $((4 * unit)) active
$tip_b height 2 work $((3 * unit)) valid-fork"
exit 0
