#!/bin/sh
# Exercise: 'printchain -branch HASH' prints the branch of any stored block back to genesis
# Run by 'make exercise EX=09-printchain-branch' in a fresh directory, with $BIN chapter 9's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
. "$ROOT/tests/exercises/lib/nodes.sh"
. "$ROOT/tests/exercises/lib/fork.sh"

# The newest block of node ID's active chain, as printchain shows it.
tip_of() {
    NODE_ID=$1 "$BIN" printchain | sed -n 's/^============ Block \([0-9a-f]*\) =*$/\1/p' | head -n 1
}

make_fork
tip_a=$(tip_of "$B_port")
tip_b=$(tip_of "$W") # the wallet's own files still hold B's two blocks as mined
[ -n "$tip_a" ] && [ -n "$tip_b" ] || fail "printchain to show the tips of A and B"

# B's own blocks are a side branch on B now: printed from its tip back to genesis, they are
# what printchain printed on B's chain before B met A, byte for byte.
NODE_ID=$W "$BIN" printchain >expected.txt || fail "printchain to succeed"
NODE_ID=$B_port "$BIN" printchain -branch "$tip_b" >got.txt 2>err.txt ||
    fail "'printchain -branch $tip_b' to succeed on node B; it said: $(cat err.txt)"
cmp -s expected.txt got.txt || fail "'printchain -branch' of B's side branch to print its
blocks $(grep '^====' expected.txt | tr -d '=' | tr -s ' \n' ' ')
got $(grep '^====' got.txt | tr -d '=' | tr -s ' \n' ' ')"

# The active tip's branch is the active chain: the same as printchain without -branch.
NODE_ID=$B_port "$BIN" printchain >expected.txt || fail "printchain to succeed"
NODE_ID=$B_port "$BIN" printchain -branch "$tip_a" >got.txt 2>err.txt ||
    fail "'printchain -branch $tip_a' to succeed; it said: $(cat err.txt)"
cmp -s expected.txt got.txt || fail "'printchain -branch TIP' to print what 'printchain' prints"

# A block the node does not have, and a hash that is not one: an error, nothing printed.
missing=0000000000000000000000000000000000000000000000000000000000000000
for bad in "$missing" "$(printf '%s' "$tip_a" | cut -c1-20)"; do
    if NODE_ID=$B_port "$BIN" printchain -branch "$bad" >got.txt 2>err.txt; then
        fail "'printchain -branch $bad' to fail"
    fi
    grep -q '^error: ' err.txt || fail "'error: ...' for -branch $bad, got: $(cat err.txt)"
    [ ! -s got.txt ] || fail "nothing on stdout for -branch $bad, got: $(head -n 2 got.txt)"
done
exit 0
