# seqdiag.awk: draws a sequence diagram as SVG, from a plain text description:
#     awk -f tools/seqdiag.awk scenario.seq > scenario.svg
# Time runs downward, one lane per participant, one row per line below. Plain awk, no drawing
# tool, so a program can describe what it saw (a node's log, say) and draw it anywhere.
#
# The description, one statement per line ('#' starts a comment line, blank lines are ignored):
#     title TEXT                     a title above the lanes
#     lane ID LABEL                  a participant, left to right in order; '\n' breaks LABEL
#     ID -> ID LABEL                 a message from one lane to another, LABEL above the arrow
#     ID -x ID LABEL                 a message that never arrives (drawn dashed, crossed out)
#     note ID TEXT                   a note on lane ID: what is typed there, what it does
#     space                          an empty row
# A message or a note may end with ' | COMMENT': a remark printed at the right of its row.
# In the SVG each arrow is a group <g class="message|lost" data-from="ID" data-to="ID"> holding
# one <text>, its label, so that a test can read the arrows back (tests/07-network/picture_check.h).
# Text is escaped for SVG; widths are estimated from the number of characters, generously.
BEGIN {
    FS = " "
    FONT = "Helvetica, Arial, sans-serif"
    SIZE = 16         # message labels and notes
    CHAR = 9.2        # estimated width of one character at SIZE, a little wide on purpose
    ROW = 40          # height of a row
    MARGIN = 24
    nlanes = 0; nrows = 0; title = ""
}

function fail(msg) {
    printf "seqdiag: %s:%d: %s\n", FILENAME, FNR, msg > "/dev/stderr"
    failed = 1
    exit 1
}

function esc(s) {
    gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s)
    return s
}

function textw(s) { return length(s) * CHAR }

# A white band behind a label, so that a lifeline it crosses does not run through the text.
function label_back(x, y, s,    w) {
    w = textw(s) * 0.92 + 8
    printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"20\" fill=\"#ffffff\"/>\n", x - w / 2, y - 15, w
}

# The rest of the line after field N, with its comment (after ' | ') split off into COMMENT.
function rest(n,    s, i, p) {
    s = $0
    for (i = 1; i <= n; i++) {
        sub(/^[ \t]*[^ \t]+/, "", s)
    }
    sub(/^[ \t]+/, "", s)
    comment = ""
    p = index(s, " | ")
    if (p > 0) {
        comment = substr(s, p + 3)
        s = substr(s, 1, p - 1)
    }
    return s
}

function lane_of(id) {
    if (!(id in lane_index)) fail("no lane '" id "' (declare it with 'lane " id " LABEL')")
    return lane_index[id]
}

/^[ \t]*(#|$)/ { next }

$1 == "title" { title = rest(1); next }

$1 == "lane" {
    if (NF < 3) fail("'lane ID LABEL'")
    if (nrows > 0) fail("lanes come before the first message")
    if ($2 in lane_index) fail("lane '" $2 "' twice")
    lane_index[$2] = ++nlanes
    lane_id[nlanes] = $2
    lane_label[nlanes] = rest(2)
    next
}

$1 == "note" {
    if (NF < 3) fail("'note ID TEXT'")
    nrows++
    kind[nrows] = "note"; from[nrows] = lane_of($2); label[nrows] = rest(2)
    remark[nrows] = comment
    next
}

$1 == "space" { nrows++; kind[nrows] = "space"; next }

$2 == "->" || $2 == "-x" {
    if (NF < 3) fail("'ID -> ID LABEL'")
    nrows++
    kind[nrows] = $2 == "->" ? "msg" : "lost"
    from[nrows] = lane_of($1); to[nrows] = lane_of($3)
    if (from[nrows] == to[nrows]) fail("a message goes from one lane to another")
    label[nrows] = rest(3); remark[nrows] = comment
    next
}

{ fail("cannot read '" $0 "'") }

END {
    if (failed) exit 1
    if (nlanes < 2) { FILENAME = FILENAME; FNR = NR; fail("a diagram needs two lanes") }

    # Lane spacing: every label must fit over its arrow, every note inside its lane.
    spacing = 200
    for (r = 1; r <= nrows; r++) {
        if (kind[r] == "msg" || kind[r] == "lost") {
            span = from[r] < to[r] ? to[r] - from[r] : from[r] - to[r]
            w = (textw(label[r]) + 48) / span
        } else if (kind[r] == "note") {
            w = textw(label[r]) + 40
        } else continue
        if (w > spacing) spacing = w
    }
    header_lines = 1
    for (i = 1; i <= nlanes; i++) {
        n = split(lane_label[i], parts, /\\n/)
        if (n > header_lines) header_lines = n
        for (j = 1; j <= n; j++) if (textw(parts[j]) * 1.1 + 40 > spacing) spacing = textw(parts[j]) * 1.1 + 40
    }
    spacing = int(spacing + 0.5)

    # The comment column, right of the last lane.
    cwidth = 0
    for (r = 1; r <= nrows; r++) if (remark[r] != "" && textw(remark[r]) * 0.9 > cwidth) cwidth = textw(remark[r]) * 0.9
    x0 = MARGIN + spacing / 2
    for (i = 1; i <= nlanes; i++) lx[i] = x0 + (i - 1) * spacing
    cx = lx[nlanes] + spacing / 2 + 8
    width = int((cwidth > 0 ? cx + cwidth : lx[nlanes] + spacing / 2) + MARGIN)

    title_h = title != "" ? 40 : 0
    head_top = MARGIN + title_h
    head_h = 14 + header_lines * 22
    y = head_top + head_h + 24
    for (r = 1; r <= nrows; r++) {
        ry[r] = y + ROW / 2
        y += ROW
    }
    bottom = y + 8
    height = int(bottom + MARGIN)

    print "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>"
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"%s\" font-size=\"%d\">\n", width, height, width, height, FONT, SIZE
    printf "<title>%s</title>\n", esc(title != "" ? title : "sequence diagram")
    print "<defs>"
    print "  <marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"9\" markerHeight=\"9\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1f3b73\"/></marker>"
    print "</defs>"
    printf "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width, height
    if (title != "")
        printf "<text x=\"%d\" y=\"%d\" font-size=\"21\" font-weight=\"bold\" fill=\"#222222\">%s</text>\n", MARGIN, MARGIN + 22, esc(title)

    # Lanes: a box on top, a lifeline down to the bottom.
    for (i = 1; i <= nlanes; i++) {
        bw = spacing - 28
        printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#9aa5b8\" stroke-width=\"2\" stroke-dasharray=\"6,5\"/>\n", lx[i], head_top + head_h, lx[i], bottom
        printf "<rect x=\"%.1f\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"8\" fill=\"#e4ecfa\" stroke=\"#1f3b73\" stroke-width=\"2\"/>\n", lx[i] - bw / 2, head_top, bw, head_h
        n = split(lane_label[i], parts, /\\n/)
        for (j = 1; j <= n; j++)
            printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"%s\" fill=\"#1f3b73\">%s</text>\n", lx[i], head_top + 7 + (header_lines - n) * 11 + j * 22, j == 1 ? "bold" : "normal", esc(parts[j])
    }

    for (r = 1; r <= nrows; r++) {
        if (kind[r] == "space") continue
        if (kind[r] == "note") {
            w = textw(label[r]) + 20
            printf "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" rx=\"4\" fill=\"#fff6d5\" stroke=\"#b08a00\" stroke-width=\"1.5\"/>\n", lx[from[r]] - w / 2, ry[r] - 15, w, 30
            printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#4d3c00\">%s</text>\n", lx[from[r]], ry[r] + 5.5, esc(label[r])
        } else {
            # Each arrow is a group a program can find: class, its lanes' IDs, its label.
            printf "<g class=\"%s\" data-from=\"%s\" data-to=\"%s\">\n", kind[r] == "msg" ? "message" : "lost", esc(lane_id[from[r]]), esc(lane_id[to[r]])
            a = lx[from[r]]; b = lx[to[r]]
            dir = b > a ? 1 : -1
            mid = (a + b) / 2
            if (kind[r] == "msg") {
                printf "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f3b73\" stroke-width=\"2.2\" marker-end=\"url(#head)\"/>\n", a, ry[r] + 8, b - dir * 2, ry[r] + 8
                label_back(mid, ry[r], label[r])
                printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#111111\">%s</text>\n", mid, ry[r] + 1, esc(label[r])
            } else {
                # Lost: dashed, stopping short of the lane it never reaches, with a cross.
                e = b - dir * 22
                printf "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b3261e\" stroke-width=\"2.2\" stroke-dasharray=\"8,5\"/>\n", a, ry[r] + 8, e, ry[r] + 8
                printf "<path d=\"M%.1f,%.1f l12,12 m0,-12 l-12,12\" stroke=\"#b3261e\" stroke-width=\"3\"/>\n", e - 6, ry[r] + 2
                label_back(mid, ry[r], label[r])
                printf "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#b3261e\">%s</text>\n", mid, ry[r] + 1, esc(label[r])
            }
            print "</g>"
        }
        if (remark[r] != "")
            printf "<text x=\"%.1f\" y=\"%.1f\" font-size=\"15\" font-style=\"italic\" fill=\"#555555\">%s</text>\n", cx, ry[r] + 6, esc(remark[r])
    }
    print "</svg>"
}
