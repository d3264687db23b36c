# Chapter 7: how long a fresh node takes to sync a chain of N blocks from the central node.
# Data: 07-sync-cost.tsv (made by 07-sync-cost.sh, which says how), one curve per column
# after the first, titled by its header: "before" is chapter 7 as it is; a column added for
# the linear-cost work is drawn beside it, with no change here.
set datafile separator "\t"
set title "Syncing from genesis: seconds against chain length (chapter 7)"
set xlabel "blocks to download"
set ylabel "seconds until the last block is added"
set key top left
set grid
set xrange [0:*]
set yrange [0:*]
set xtics 50
stats '07-sync-cost.tsv' every ::1 using 1 nooutput
plot for [i=2:STATS_columns] '07-sync-cost.tsv' using 1:i with linespoints lw 2 pt 7 ps 1.2 title columnhead(i)
