#!/bin/sh
# Supervisor benchmarks: restart latency, idle RSS and wakeups, and the cost
# of many instances. Usage: bench/supervise.sh [DAEMONIZE_BINARY]
# Uses tini and dumb-init for the RSS comparison when they are installed.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "${1:-build/daemonize}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runs=${RUNS:-200}

g++ -O2 -std=c++20 -o "$work/restart_latency" "$here/restart_latency.cpp"

percentiles() {  # stdin: one number per line (us) -> "median p99" in ms
    sort -n | awk '{a[NR] = $1} END { printf "%.2f %.2f\n", a[int(NR / 2) + 1] / 1000, a[int(NR * 0.99)] / 1000 }'
}

echo "== restart latency: SIGKILL of the child until its replacement exec'd ($runs kills)"
set -- $("$work/restart_latency" "$runs" sleep -- "$ours" -f -r -q --restart-delay 0 -- sleep 1000 | percentiles)
printf '%-28s median %6s ms   p99 %6s ms\n' "daemonize -r" "$1" "$2"

echo "== idle supervisor of one 'sleep': RSS, and voluntary context switches over ${IDLE:-10} s"
idle() {  # NAME CMD... (CMD runs in the foreground as the supervisor)
    name=$1
    shift
    "$@" sleep 1000 >/dev/null 2>&1 &
    pid=$!
    sleep 0.5
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
    anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status)
    v0=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
    sleep "${IDLE:-10}"
    v1=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    printf '%-28s RSS %6s kB (anon %5s kB)   wakeups %s\n' "$name" "$rss" "$anon" "$((v1 - v0))"
}
detached() {  # the detached supervisor, through its pidfile
    "$ours" -r -q -p "$work/idle.pid" -- sleep 1000
    pid=$(cat "$work/idle.pid")
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)
    anon=$(awk '/^RssAnon/ {print $2}' /proc/$pid/status)
    v0=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
    sleep "${IDLE:-10}"
    v1=$(awk '/^voluntary_ctxt_switches/ {print $2}' /proc/$pid/status)
    kill -TERM "$pid"
    printf '%-28s RSS %6s kB (anon %5s kB)   wakeups %s\n' "daemonize -r (detached)" "$rss" "$anon" "$((v1 - v0))"
}
detached
idle "daemonize -r -f" "$ours" -r -f -q --
idle "daemonize -f" "$ours" -f --
command -v tini >/dev/null && idle "tini" tini -s --
command -v dumb-init >/dev/null && idle "dumb-init" dumb-init

echo "== scale: time until the caller returns with N instances exec'd, supervisor RSS"
for n in 1 16 256; do
    start=$(date +%s%N)
    "$ours" -r -q -n "$n" -p "$work/scale.pid" -- sleep 1000
    end=$(date +%s%N)
    sup=$(cat "$work/scale.pid")
    rss=$(awk '/^VmRSS/ {print $2}' /proc/$sup/status)
    kill -TERM "$sup"
    while [ -e "$work/scale.pid" ]; do sleep 0.05; done
    printf 'n=%-4s start %6d ms   per instance %5.2f ms   RSS %6s kB\n' "$n" "$(((end - start) / 1000000))" \
        "$(echo "$end $start $n" | awk '{print ($1 - $2) / 1000000 / $3}')" "$rss"
done
