#!/usr/bin/env bash
# demo/picture.sh OUT LANES BALANCES LOG...: draws a run of chapter 7 nodes from their logs.
#
# Writes into the directory OUT (made if missing):
#   scenario.seq   the run as a sequence diagram description (tools/logseq.awk reads the logs)
#   scenario.svg   that diagram (tools/seqdiag.awk): one lane per node, time downward, one
#                  arrow per message the logs show, labelled with what it carried
#   scenario.html  a page with the diagram and the table BALANCES
#   logs/          the logs it was drawn from
# LANES: the lanes left to right, 'ID=name;ID=name...' (ID: the node's NODE_ID, its port).
# BALANCES: a tab-separated table, its first line the header (demo/run.sh writes name,
# address, article, got). LOG...: every node's logs, each node's in the order it ran.
# Plain bash and awk: no drawing tool needed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if (($# < 4)); then
    echo "usage: $0 OUT LANES BALANCES LOG..." >&2
    exit 2
fi
OUT=$1 LANES=$2 BALANCES=$3
shift 3
mkdir -p "$OUT/logs"
rm -f "$OUT"/logs/*.log
cp "$@" "$OUT/logs/"

awk -v lanes="$LANES" -v title="The demo's messages, from the nodes' logs: time runs down" \
    -f "$ROOT/tools/logseq.awk" "$@" > "$OUT/scenario.seq"
awk -f "$ROOT/tools/seqdiag.awk" "$OUT/scenario.seq" > "$OUT/scenario.svg"

esc() { sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }

{
    cat <<'EOF'
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>The chapter 7 demo, drawn from its logs</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em; color: #222; }
img { max-width: 100%; border: 1px solid #ccc; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #bbb; padding: 0.3em 0.8em; text-align: left; }
td.n { text-align: right; }
code { font-size: 0.95em; }
</style>
</head>
<body>
<h1>The chapter 7 demo, drawn from its logs</h1>
<p>Every arrow is one message, as the nodes logged it: <code>sent TYPE to ...: WHAT</code> in
the sender's log, <code>received TYPE from ...: WHAT</code> in the receiver's. A crossed-out
arrow was sent and never received (its receiver was stopped); an arrow marked "a command, not a
node" came from a <code>blockchain send</code> command, which logs nothing itself. The logs
have no clocks: time is the order the messages impose.</p>
<p><img src="scenario.svg" alt="A sequence diagram of every message the demo's nodes exchanged"></p>
<h2>Balances at the end</h2>
<table>
EOF
    first=1
    while IFS=$'\t' read -r -a cells; do
        if ((first)); then tag=th first=0; else tag=td; fi
        printf '<tr>'
        for c in "${cells[@]}"; do
            class=
            [[ $tag == td && $c =~ ^[0-9]+$ ]] && class=' class="n"'
            printf '<%s%s>%s</%s>' "$tag" "$class" "$(printf '%s' "$c" | esc)" "$tag"
        done
        printf '</tr>\n'
    done < "$BALANCES"
    echo '</table>'
    printf '<p>Drawn from these logs:'
    for f in "$@"; do
        name=$(basename "$f" | esc)
        printf ' <a href="logs/%s">%s</a>' "$name" "$name"
    done
    printf '.</p>\n</body>\n</html>\n'
} > "$OUT/scenario.html"
