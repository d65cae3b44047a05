#!/bin/sh
# Draws bench/run's comparisons as SVG (gnuplot, Debian gnuplot-nox) from the
# data files the benchmarks leave in DATA_DIR (PLOT_DATA): launch.dat,
# restart.dat, rss.dat, log.dat. Each figure names the machine and the date.
# Usage: bench/plot.sh DATA_DIR OUT_DIR
set -eu
data=$1 out=$2
mkdir -p "$out"
command -v gnuplot >/dev/null || { echo "bench/plot.sh: gnuplot missing (apt-get install gnuplot-nox)" >&2; exit 2; }
machine="$(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), Linux $(uname -r), $(date -u +%Y-%m-%d)"
common="set terminal svg size 900,480 dynamic font 'sans,12' background '#ffffff'
set style fill solid 0.6 border -1
set grid ytics lc '#dddddd'
set key off
set xtics rotate by -30 left nomirror
set label 1 '$machine' at screen 0.99,0.02 right font 'sans,9' tc '#666666'"

if [ -s "$data/launch.dat" ]; then
    gnuplot <<GP
$common
set output '$out/launch.svg'
set title "Launch latency: the caller's wait for 'TOOL /bin/true' (hyperfine -N; box 25-75 %, whiskers 5-95 %, bar median)"
set ylabel 'milliseconds'
set yrange [0:*]
set boxwidth 0.5
plot '$data/launch.dat' using 1:4:3:7:6:xtic(2) with candlesticks whiskerbars lc rgb '#1b9e77', \
     '' using 1:5:5:5:5 with candlesticks lw 2 lc rgb '#d95f02'
GP
fi

if [ -s "$data/restart.dat" ]; then
    nl -v0 "$data/restart.dat" > "$data/restart.idx"
    gnuplot <<GP
$common
set output '$out/restart.svg'
set title 'Restart latency: SIGKILL of the child until its replacement exec''d (median bar, p99 dot; log scale)'
set ylabel 'milliseconds'
set logscale y
set boxwidth 0.6
plot '$data/restart.idx' using 1:3:xtic(2) with boxes lc rgb '#1b9e77', \
     '' using 1:4 with points pt 7 lc rgb '#d95f02'
GP
fi

if [ -s "$data/rss.dat" ]; then
    nl -v0 "$data/rss.dat" > "$data/rss.idx"
    gnuplot <<GP
$common
set output '$out/rss.svg'
set title 'Resident memory of an idle supervisor of one sleep (VmRSS)'
set ylabel 'kB'
set logscale y
set boxwidth 0.6
plot '$data/rss.idx' using 1:3:xtic(2) with boxes lc rgb '#1b9e77'
GP
fi

if [ -s "$data/log.dat" ]; then
    nl -v0 "$data/log.dat" > "$data/log.idx"
    gnuplot <<GP
$common
set output '$out/log.svg'
set title 'Log throughput, 100-byte lines: direct >> against daemonize -f -o and the peers'
set ylabel 'MB/s'
set yrange [0:*]
set boxwidth 0.6
set xtics font 'sans,9'
plot '$data/log.idx' using 1:3:xtic(2) with boxes lc rgb '#1b9e77'
GP
fi
ls "$out"/*.svg
