# Chapter 10: the miner's rate against its number of threads.
# Data: 10-mining-threads.tsv, written by 'make bench-ch10' (tests/10-daemon/bench_mining.c says
# how it measures) as build/bench/ch10_mining.tsv and copied here, as measured.
# The miner's rate beside the references of the same run: the single-thread midstate rate and
# the whole-header (two-compression) rate, times the number of threads.
set datafile separator "\t"
set title "Mining rate of chapter 10 against its threads (2 shared cores)"
set xlabel "worker threads (-threads N)"
set ylabel "million hashes per second"
set key top left
set grid
set xtics 1
set xrange [0.5:2.5] # the 2 cores of the machine it was measured on
set yrange [0:*]
plot '10-mining-threads.tsv' using 1:2 with linespoints lw 2 pt 7 ps 1.2 title columnhead(2), \
     '' using 1:3 with linespoints lw 2 dt 2 pt 6 ps 1.2 title columnhead(3), \
     '' using 1:4 with linespoints lw 2 dt 3 pt 5 ps 1.2 title columnhead(4)
