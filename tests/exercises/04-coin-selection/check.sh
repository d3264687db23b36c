#!/bin/sh
# Exercise: a send spends the smallest output that covers it, else the largest first
# Run by 'make exercise EX=04-coin-selection' in a fresh directory, with $BIN chapter 4's
# blockchain. Exits 0 once the exercise is solved; otherwise says what it expected.
# pick.c, a small program built here from the chapter's sources, asks the chapter's own
# transaction_new_utxo which outputs it would spend.
set -u
fail() {
    echo "expected $*"
    exit 1
}

run() {
    "$BIN" "$@" >/dev/null 2>err || fail "'$*' to succeed: $(cat err)"
}

# pick.c calls the chapter's functions: build it with every source of the chapter but main.c.
sources=
for f in "$CHAPTER"/*.c; do
    [ "${f##*/}" = main.c ] || sources="$sources $f"
done
# shellcheck disable=SC2046,SC2086 # split on purpose: lists of files and of flags
cc -std=c11 -D_GNU_SOURCE -o pick "$ROOT/tests/exercises/04-coin-selection/pick.c" $sources "$ROOT"/common/*.c \
    -I"$CHAPTER" -I"$ROOT/common" $(pkg-config --cflags --libs glib-2.0 gio-2.0 nettle hogweed) \
    -lgmp -lgdbm 2>cc.log ||
    fail "pick.c to build against the chapter's sources (blockchain_open, transaction_new_utxo ...):
$(head -n 20 cc.log)"

# pick FROM AMOUNT SPENT CREATED: a send of AMOUNT from FROM spends outputs worth SPENT and
# creates outputs worth CREATED, in that order.
pick() {
    ./pick "$1" Helen "$2" >out 2>err || fail "a send of $2 from $1 to be possible: $(cat err)"
    got=$(paste -s -d '|' - <out)
    [ "$got" = "$3|$4" ] || fail "a send of $2 from $1 to spend outputs worth '$3' and create '$4', got '$(sed -n 1p out)' and '$(sed -n 2p out)'"
}

# Pedro gets outputs of 5, 1 and 3, in that order.
run createblockchain -address Ivan
run send -from Ivan -to Pedro -amount 5
run send -from Ivan -to Pedro -amount 1
run send -from Ivan -to Pedro -amount 3

# One output covers the amount: the smallest such one, so nothing larger is broken up.
pick Pedro 1 "1" "1"
pick Pedro 2 "3" "2 1"
pick Pedro 4 "5" "4 1"
pick Pedro 5 "5" "5"
# None does: the largest first, so that as few as possible are spent.
pick Pedro 6 "5 3" "6 2"
pick Pedro 7 "5 3" "7 1"
pick Pedro 9 "5 3 1" "9"
./pick Pedro Helen 10 >out 2>err && fail "a send of 10 from Pedro, who has 9, to be refused"

# The real send agrees, and the balances add up.
run send -from Pedro -to Helen -amount 4
for who in Pedro:5 Helen:4 Ivan:1; do
    name=${who%:*}
    got=$("$BIN" getbalance -address "$name" | sed -n "s/^Balance of '$name': //p")
    [ "$got" = "${who#*:}" ] || fail "$name's balance to be ${who#*:} after Pedro sent 4 to Helen, got '$got'"
done
# Pedro now has 1, 3 and his change of 1.
pick Pedro 2 "3" "2 1"
pick Pedro 4 "3 1" "4"
exit 0
