#!/bin/sh
# plot.sh TSV [TITLE [YLABEL]]: draws a benchmark table as a plot, TSV.svg and TSV.png beside it
# (build/bench/NAME.tsv -> build/bench/NAME.svg, NAME.png), with gnuplot (make docs-images
# installs it). The table as the benchmarks write it: a header line, tab-separated columns,
# the first one the x axis, each other one a curve titled by its header. A column that is not
# a number on some line leaves a gap there.
#     sh tools/plot.sh build/bench/sync.tsv "Sync time against chain length" seconds
# (make bench runs it on every table it wrote when gnuplot is installed). TITLE and YLABEL
# may not hold a single quote.
set -eu
[ $# -ge 1 ] && [ -f "$1" ] || { echo "usage: $0 TSV [TITLE [YLABEL]]" >&2; exit 2; }
command -v gnuplot > /dev/null || { echo "plot: gnuplot is missing (sh mk/deps.sh images)" >&2; exit 1; }
tsv=$1
base=${tsv%.tsv}
title=${2:-$(basename "$base")}
xlabel=$(head -n 1 "$tsv" | cut -f 1)
ylabel=${3:-}
# A curve needs numbers along x: a table of named cases (one row per benchmark) is left as it is.
sed -n 2p "$tsv" | cut -f 1 | grep -Eq '^-?[0-9.]+([eE][-+]?[0-9]+)?$' ||
    { echo "plot: $tsv: the first column holds no numbers, no curve to draw" >&2; exit 1; }
for term in svg png; do
    case $term in
    svg) setterm="set terminal svg size 960,600 dynamic noenhanced font 'Helvetica,16' background '#ffffff'" ;;
    png) setterm="set terminal pngcairo size 1280,800 noenhanced font 'Helvetica,16' background '#ffffff'" ;;
    esac
    gnuplot <<EOF
$setterm
set output '$base.$term'
set datafile separator tab
set title '$title'
set xlabel '$xlabel'
set ylabel '$ylabel'
set key top left
set grid
set yrange [0:*]
stats '$tsv' every ::1 using 1 nooutput
plot for [i=2:STATS_columns] '$tsv' using 1:i with linespoints lw 2 pt 7 title columnhead(i)
EOF
    echo "plot: wrote $base.$term"
done
