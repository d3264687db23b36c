# Chapter 8: how fast a block floods the network, and what it costs, as the network grows.
# Data: 08-propagation.tsv, written by 'make bench-ch08' (tests/08-peer-to-peer/
# bench_propagation.c says how it measures) as build/bench/propagation.tsv and copied here.
# Left axis: milliseconds from the miner's "mined block" line to the last node's "added block",
# beside two references of the same run: the N=4 time grown as log2 N, and the CPU time all the
# nodes spent meanwhile over the 2 cores (the least the flood can take here); right axis: the
# block's messages (inv, getdata, block) sent per node.
set datafile separator "\t"
set title "A block flooding N nodes of chapter 8 (loopback, 2 cores)"
set xlabel "nodes (each dials 3 random others)"
set ylabel "milliseconds until the last node has the block"
set y2label "messages per node per block"
set key top left
set grid
set logscale x 2
set xrange [3:40]
set yrange [0:40]
set y2range [0:10]
set ytics nomirror
set y2tics
plot '08-propagation.tsv' using 1:2 with linespoints lw 2 pt 7 ps 1.2 title columnhead(2), \
     '' using 1:3 with linespoints lw 2 dt 2 pt 6 ps 1.2 title columnhead(3), \
     '' using 1:4 with linespoints lw 2 dt 3 pt 4 ps 1.2 title columnhead(4), \
     '' using 1:5 axes x1y2 with linespoints lw 2 pt 5 ps 1.2 title columnhead(5)
