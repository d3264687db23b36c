# logseq.awk: turns the logs of chapter 7 nodes into a sequence diagram description for
# tools/seqdiag.awk, one arrow per message the logs show:
#     awk -v lanes='3001=wallet node;3000=central node;3002=miner' -v title='...' \
#         -f tools/logseq.awk central.log wallet.log wallet-again.log miner.log > run.seq
# Each node logs "[ID] sent TYPE to HOST:PORT: WHAT" and "[ID] received TYPE from HOST:PORT:
# WHAT" (chapters/07-network/node.c), with the same WHAT on both sides. A sent line and a
# received line of the same sender, receiver, type and WHAT are one message, paired in order:
# the k-th sent with the k-th received. The arrow is labelled "TYPE: WHAT".
#   - paired: an arrow from the sender's lane to the receiver's;
#   - sent, never received (the receiver was stopped: "cannot reach"): a crossed-out arrow;
#   - received, never sent by a node (a 'blockchain send' command, which is no node and logs
#     nothing): an arrow all the same, from the lane of the address it came from.
# Lines about what a node did (listening, added or mined a block, pooled a transaction,
# dropped something, stopping) become notes on its lane. Other lines are left out.
#
# The logs have no clocks, so time is the order the messages impose: a node's lines stay in
# their order, and a message is drawn once its sender and its receiver have both reached it
# (Lamport's "happened before"). Give a node's logs in the order it ran; lanes= sets the order
# of the lanes and their names (a node not listed gets a lane of its own, at the right).
BEGIN {
    nq = 0; nlanes = 0
    n = split(lanes, parts, /;/)
    for (i = 1; i <= n; i++) {
        p = index(parts[i], "=")
        if (p == 0) continue
        add_lane(substr(parts[i], 1, p - 1), substr(parts[i], p + 1))
    }
}

function add_lane(id, name) {
    if (id in lane_name) return
    lane_name[id] = name
    lane_order[++nlanes] = id
}

function queue_of(id) {
    if (!(id in qindex)) {
        qindex[id] = ++nq
        qid[nq] = id
        qlen[nq] = 0
        qpos[nq] = 1
        add_lane(id, "node " id)
    }
    return qindex[id]
}

# The port of "host:port", which is the node's ID in chapter 7.
function port_of(address,    p) {
    p = match(address, /:[0-9]+$/)
    return p ? substr(address, p + 1) : address
}

function add_event(q, kind, text, peer, label,    i) {
    i = ++qlen[q]
    ekind[q, i] = kind; etext[q, i] = text; epeer[q, i] = peer; elabel[q, i] = label
    efile[q, i] = FILENAME
    return i
}

function shorten(s) {
    return length(s) > 60 ? substr(s, 1, 57) "..." : s
}

/^\[[^] ]+\] / {
    id = substr($0, 2, index($0, "]") - 2)
    line = substr($0, index($0, "]") + 2)
    q = queue_of(id)
    if (match(line, /^(sent|received) [a-z]+ (to|from) [^ ]+: /)) {
        split(line, w, " ")
        what = substr(line, RLENGTH + 1)
        peer = port_of(substr(w[4], 1, length(w[4]) - 1))
        queue_of(peer)
        label = w[2] ": " what
        if (w[1] == "sent") {
            i = add_event(q, "send", "", peer, label)
            key = id SUBSEP peer SUBSEP label
            sends[key, ++nsends[key]] = q SUBSEP i
        } else {
            i = add_event(q, "recv", "", peer, label)
            key = peer SUBSEP id SUBSEP label
            recvs[key, ++nrecvs[key]] = q SUBSEP i
            if (!(key in seen)) { seen[key] = 1; keys[++nkeys] = key }
        }
    } else if (match(line, /^listening on [^ ]+ \(height [0-9]+\)/)) {
        h = line; sub(/^[^(]*\(height /, "", h); sub(/\).*/, "", h)
        add_event(q, "note", "startnode (height " h ")" (line ~ /mining$/ ? ", mining" : ""))
    } else if (line == "stopping") {
        add_event(q, "note", "stopped")
    } else if (line ~ /^(added|mined) block [0-9a-f]+ at height /) {
        split(line, w, " ")
        add_event(q, "note", w[1] " " substr(w[3], 1, 8) " at height " w[6] \
            (w[1] == "mined" ? " (" w[8] " transactions)" : ""))
    } else if (line ~ /^accepted transaction /) {
        split(line, w, " ")
        add_event(q, "note", "pooled " substr(w[3], 1, 8) " " w[4] " in pool)")
    } else if (line ~ /^dropped /) {
        add_event(q, "note", shorten(line))
    }
}

# The first message event of queue Q not yet drawn, or 0.
function head(q,    i) {
    for (i = qpos[q]; i <= qlen[q]; i++)
        if (ekind[q, i] != "note" && !done[q, i]) return i
    return 0
}

# Draws the notes of queue Q before event I (or all that are left, with I = 0).
function notes_before(q, i,    j) {
    for (j = qpos[q]; j <= qlen[q] && (i == 0 || j < i); j++) {
        if (done[q, j]) continue
        if (ekind[q, j] == "note") print "note " qid[q] " " etext[q, j]
        done[q, j] = 1
    }
    if (j > qpos[q]) qpos[q] = j
}

# After a message received: the notes right after it in the same log, what the node did about it.
function notes_after(q,    j) {
    j = qpos[q]
    while (j <= qlen[q] && (done[q, j] || ekind[q, j] == "note") && efile[q, j] == efile[q, qpos[q] - 1]) {
        if (!done[q, j]) print "note " qid[q] " " etext[q, j]
        done[q, j] = 1
        qpos[q] = ++j
    }
}

# How many messages of queue Q are still to be drawn before its event I.
function distance(q, i,    j, n) {
    n = 0
    for (j = qpos[q]; j < i; j++)
        if (ekind[q, j] != "note" && !done[q, j]) n++
    return n
}

function draw(q, i,    pq, pi, p, from, to) {
    notes_before(q, i)
    done[q, i] = 1; qpos[q] = i + 1
    pq = 0
    if ((q SUBSEP i) in partner) {
        split(partner[q SUBSEP i], p, SUBSEP); pq = p[1]; pi = p[2]
        paired_in_order = head(pq) == pi
        if (paired_in_order) notes_before(pq, pi)
        done[pq, pi] = 1
        if (qpos[pq] == pi) qpos[pq] = pi + 1
    }
    if (ekind[q, i] == "send") { from = qid[q]; to = epeer[q, i] } else { from = epeer[q, i]; to = qid[q] }
    if (pq) print from " -> " to " " elabel[q, i]
    else if (ekind[q, i] == "send") print from " -x " to " " elabel[q, i] " | never received"
    else print from " -> " to " " elabel[q, i] " | a command, not a node"
    # What the receiver did about it comes next; the sender's later notes wait for its next
    # message (or the end).
    if (ekind[q, i] == "recv") notes_after(q)
    else if (pq && paired_in_order) notes_after(pq)
    # A node with no message left: the rest of its log (its "stopped") happened now.
    if (!head(q)) notes_before(q, 0)
    if (pq && !head(pq)) notes_before(pq, 0)
}

END {
    # Pair the k-th sent line of each sender, receiver and label with its k-th received line.
    for (key in nsends)
        for (k = 1; k <= nsends[key] && k <= nrecvs[key]; k++) {
            partner[sends[key, k]] = recvs[key, k]
            partner[recvs[key, k]] = sends[key, k]
        }
    if (title != "") print "title " title
    for (l = 1; l <= nlanes; l++) {
        id = lane_order[l]
        print "lane " id " " lane_name[id] "\\n" id
    }
    while (1) {
        drawn = 0; any = 0
        for (q = 1; q <= nq && !drawn; q++) {
            i = head(q)
            if (!i) continue
            any = q
            if ((q SUBSEP i) in partner) {
                split(partner[q SUBSEP i], pp, SUBSEP)
                if (head(pp[1]) != pp[2]) continue
            }
            draw(q, i); drawn = 1
        }
        if (drawn) continue
        if (!any) break
        # Messages crossed (each side sent before it read what the other sent, as on a lasting
        # connection): draw the one whose arrival is nearest its receiver's next message, so
        # that the crossing is settled where it happened, not by running one node ahead.
        best = 0; best_d = -1
        for (q = 1; q <= nq; q++) {
            i = head(q)
            if (!i) continue
            split(partner[q SUBSEP i], pp, SUBSEP)
            d = distance(pp[1], pp[2])
            if (best_d < 0 || d < best_d) { best = q; best_d = d }
        }
        draw(best, head(best))
    }
    for (q = 1; q <= nq; q++) notes_before(q, 0)
}
