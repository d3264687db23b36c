#!/usr/bin/env bash
# 08-five-nodes.sh: how the pictures of chapter 8's five-node run were made (run from the top of
# the repository, then draw them):
#     make ch08 && bash docs/img/src/08-five-nodes.sh && make docs-images
# It runs the decentralised test (tests/08-peer-to-peer/test_decentralised.c: five nodes, each
# told of one other, the first stopped half-way, a payment mined), keeps its nodes' logs
# (BC_TEST_KEEP_LOGS) as docs/img/src/08-five-nodes.N.log, N the node's place in the line, and
# writes from those logs:
#   08-five-nodes.seq  every message the nodes logged, one arrow each (tools/logseq.awk), which
#                      tools/seqdiag.awk draws as 08-five-nodes.svg
#   08-peer-graph.dot  how the nodes found each other: whom each was told of (-connect) and
#                      whom it learned of through addr, and from which peer, drawn by graphviz
# Given log files (LOGS="a.log b.log ..." and LANES="PORT=name;..."), it redraws from those
# instead of running the test. tests/08-peer-to-peer/test_picture.c checks the picture against
# the logs.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SRC=$ROOT/docs/img/src
RUNNER=${RUNNER:-$ROOT/build/08-peer-to-peer/run-tests}
cd "$ROOT"

if [ -z "${LOGS:-}" ]; then
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
    BC_TEST_SUITE=08/decentralised BC_TEST_KEEP_LOGS=$WORK "$RUNNER" > "$WORK/run.out" 2>&1 ||
        { cat "$WORK/run.out" >&2; exit 1; }
    LANES=$(cat "$WORK/lanes")
    rm -f "$SRC"/08-five-nodes.*.log
    i=0
    IFS=';' read -ra lanes <<< "$LANES"
    for lane in "${lanes[@]}"; do
        port=${lane%%=*}
        cp "$WORK/node-$port.1.log" "$SRC/08-five-nodes.$i.log"
        i=$((i + 1))
    done
    LOGS=$(ls "$SRC"/08-five-nodes.*.log)
    printf '%s\n' "$LANES" > "$SRC/08-five-nodes.lanes"
fi

LANES=${LANES:-$(cat "$SRC/08-five-nodes.lanes")}
NODES=$LANES
# A 'blockchain send' logs nothing: the node names it by the port it connected from.
# shellcheck disable=SC2086 # LOGS is a list of paths
for p in $(sed -n 's/.* received [a-z]* from [^ ]*:\([0-9]*\): .*/\1/p' $LOGS | sort -u); do
    case ";$LANES" in *";$p="*) ;; *) LANES="$LANES;$p=a blockchain send" ;; esac
done
# shellcheck disable=SC2086
awk -v lanes="$LANES" \
    -v title="Five nodes of chapter 8, each told of one other, from their logs: time runs down" \
    -f tools/logseq.awk $LOGS > "$SRC/08-five-nodes.seq"

# The peer graph. A node's outbound connections before it learned any address are the ones it
# was told of; "learned address A from peer N" says whom it learned through, and the line
# "handshake done with peer N (ADDRESS, ...)" who peer N was.
# shellcheck disable=SC2086
awk -v lanes="$NODES" '
    function port(a) { sub(/.*:/, "", a); return a }
    BEGIN {
        n = split(lanes, parts, /;/)
        for (i = 1; i <= n; i++) {
            split(parts[i], kv, /=/); name[kv[1]] = kv[2]; order[i] = kv[1]
        }
        print "// Drawn from the logs of the five-node run by 08-five-nodes.sh: do not edit."
        print "digraph peers {"
        print "    graph [layout=neato, splines=curved, fontname=\"Helvetica\", label=\"How the five nodes found each other (from their logs)\\nsolid: told of it on the command line (-connect);  dashed: learned of it through addr, from the peer named\", labelloc=b, fontsize=13]"
        print "    node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef4fb\", fontname=\"Helvetica\", fontsize=13]"
        print "    edge [fontname=\"Helvetica\", fontsize=10, color=\"#555555\"]"
        # A pentagon, node 0 at the top, the line of -connect going round it.
        for (i = 1; i <= n; i++)
            printf "    \"%s\" [label=\"%s\\n:%s\", pos=\"%.2f,%.2f!\"]\n", order[i], name[order[i]],
                order[i], 3.2 * sin(2 * 3.14159265 * (i - 1) / n), 3.2 * cos(2 * 3.14159265 * (i - 1) / n)
    }
    FNR == 1 { self = substr($1, 2, length($1) - 2); learned_any = 0 }
    / handshake done with peer / {
        id = $6; a = $7; sub(/^\(/, "", a); sub(/,$/, "", a); who[self, id] = port(a)
    }
    / connected peer .*, outbound\)$/ && !learned_any {
        a = $5; sub(/^\(/, "", a); sub(/,$/, "", a); p = port(a)
        if (!((self, p) in told)) { told[self, p] = 1; printf "    \"%s\" -> \"%s\" [style=bold, color=\"#1f4e8c\", penwidth=2]\n", self, p }
    }
    / learned address / {
        learned_any = 1; p = port($4)
        if (!((self, p) in seen) && !((self, p) in told)) {
            seen[self, p] = 1; ne++; efrom[ne] = self; eto[ne] = p; evia[ne] = $7
        }
    }
    END {
        # Peer N is named by its handshake line, which may come after what it taught.
        for (i = 1; i <= ne; i++) {
            via = who[efrom[i], evia[i]]
            printf "    \"%s\" -> \"%s\" [style=dashed, label=\"via %s\"]\n", efrom[i], eto[i],
                (via in name) ? name[via] : "peer " evia[i]
        }
        print "}"
    }
' $LOGS > "$SRC/08-peer-graph.dot"
echo "wrote $SRC/08-five-nodes.seq and $SRC/08-peer-graph.dot from: $LOGS" >&2
