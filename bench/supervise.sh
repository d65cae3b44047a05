#!/bin/sh
# Supervisor benchmarks against the peers that are installed (tini,
# dumb-init, s6-supervise, runsv, libslack daemon, supervisord):
#   restart latency (SIGKILL of the child until its replacement exec'd),
#   idle RSS and wakeups (voluntary context switches over IDLE=60 s, all
#   supervisors side by side), and the cost of 1, 16, 256 and 1024 instances
#   against as many bare vfork+exec (bench/spawn_many.cpp). The reference
#   for restart latency is bench/trivial_supervisor.cpp (waitpid, vfork, exec).
# Usage: bench/supervise.sh [DAEMONIZE_BINARY]   (RUNS=200 PEER_RUNS=10 IDLE=60)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "${1:-build/daemonize}")
work=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
runs=${RUNS:-200}
peer_runs=${PEER_RUNS:-10}
idle_secs=${IDLE:-60}

g++ -O2 -std=c++20 -o "$work/restart_latency" "$here/restart_latency.cpp"
g++ -O2 -std=c++20 -o "$work/trivial_supervisor" "$here/trivial_supervisor.cpp"
g++ -O2 -std=c++20 -o "$work/spawn_many" "$here/spawn_many.cpp"
mkdir -p "$work/s6" "$work/runit"
printf '#!/bin/sh\nexec sleep 1000\n' > "$work/s6/run"
cp "$work/s6/run" "$work/runit/run"
chmod +x "$work/s6/run" "$work/runit/run"
cat > "$work/supervisord.conf" <<CONF
[supervisord]
nodaemon=true
user=root
logfile=$work/supervisord.log
pidfile=$work/supervisord.pid
[program:sleep]
command=sleep 1000
autorestart=true
startsecs=0
startretries=1000000
CONF
have() { command -v "$1" >/dev/null; }

percentiles() {  # stdin: one number per line (us) -> "median p99" in ms
    sort -n | awk '{a[NR] = $1} END { printf "%.2f %.2f\n", a[int(NR / 2) + 1] / 1000, a[int(NR * 0.99)] / 1000 }'
}
latency() {  # NAME RUNS SUPERVISOR...
    name=$1 n=$2
    shift 2
    set -- $("$work/restart_latency" "$n" sleep -- "$@" | percentiles)
    last_median=$1
    [ -n "${PLOT_DATA:-}" ] && echo "\"$name\" $1 $2" >> "$PLOT_DATA/restart.dat"
    printf '%-30s median %8s ms   p99 %8s ms   (%s kills)\n' "$name" "$1" "$2" "$n"
}
echo "== restart latency: SIGKILL of the child until its replacement exec'd"
latency "daemonize -f -r" "$runs" "$ours" -f -r -q --restart-delay 0 -- sleep 1000
ours_median=$last_median
latency "trivial (waitpid+vfork+exec)" "$runs" "$work/trivial_supervisor" sleep 1000
echo "daemonize / trivial: $(echo "$ours_median $last_median" | awk '{printf "%.2f", $1 / $2}')"
have daemon && latency "daemon -f -r (libslack)" "$peer_runs" daemon -f -r -A 100 -L 10 -- sleep 1000
have s6-supervise && latency "s6-supervise" "$peer_runs" s6-supervise "$work/s6"
have runsv && latency "runsv" "$peer_runs" runsv "$work/runit"
have supervisord && latency "supervisord" "$peer_runs" sh -c "exec supervisord -c $work/supervisord.conf >/dev/null 2>&1"

echo "== idle, supervising one 'sleep': RSS, and voluntary context switches over $idle_secs s"
names=""
start_idle() {  # NAME CMD... (the supervisor, in the foreground)
    "$@" >/dev/null 2>&1 &
    pids="$pids $!"
    names="$names $1:$!"
}
"$ours" -r -q -p "$work/idle.pid" -- sleep 1000
names="daemonize_-r_(detached):$(cat "$work/idle.pid")"
pids="$pids $(cat "$work/idle.pid")"
start_idle "$ours" -r -f -q -- sleep 1000
start_idle "$ours" -f -- sleep 1000
have tini && start_idle tini -s -- sleep 1000
have dumb-init && start_idle dumb-init sleep 1000
have daemon && start_idle daemon -f -r -- sleep 1000
have s6-supervise && start_idle s6-supervise "$work/s6"
have runsv && start_idle runsv "$work/runit"
have supervisord && start_idle supervisord -c "$work/supervisord.conf"
sleep 2
field() { awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status"; }
for entry in $names; do echo "${entry#*:} $(field "${entry#*:}" voluntary_ctxt_switches)"; done > "$work/v0"
sleep "$idle_secs"
for entry in $names; do
    pid=${entry#*:}
    name=$(echo "${entry%%:*}" | tr '_' ' ')
    case $name in */*) name=$(basename "$name") ;; esac
    [ "$name" = daemonize ] && name="daemonize $(tr '\0' ' ' < /proc/$pid/cmdline | cut -d' ' -f2-3)"
    v0=$(awk -v p="$pid" '$1 == p {print $2}' "$work/v0")
    [ -n "${PLOT_DATA:-}" ] && echo "\"$name\" $(field "$pid" VmRSS)" >> "$PLOT_DATA/rss.dat"
    printf '%-30s RSS %7s kB (anon %6s kB)   wakeups %s\n' "$name" "$(field "$pid" VmRSS)" "$(field "$pid" RssAnon)" \
        "$(($(field "$pid" voluntary_ctxt_switches) - v0))"
done
for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done

echo "== scale: N instances of 'sleep': start until the caller returns, RSS, a restart storm (all killed at once)"
for n in 1 16 256 1024; do
    start=$(date +%s%N)
    "$work/spawn_many" "$n" sleep 1000 > "$work/bare.pids"
    end=$(date +%s%N)
    bare_ns=$((end - start))
    kill -9 $(cat "$work/bare.pids")
    start=$(date +%s%N)
    "$ours" -r -q -n "$n" --restart-delay 0 -p "$work/scale.pid" -- sleep 1000
    end=$(date +%s%N)
    sup=$(cat "$work/scale.pid")
    rss=$(field "$sup" VmRSS)
    kids=$(cat /proc/$sup/task/$sup/children)
    t0=$(sed 's/.*) //' "/proc/$sup/stat" | awk '{print $12 + $13}')
    s0=$(date +%s%N)
    kill -9 $kids
    while :; do
        new=$(cat /proc/$sup/task/$sup/children)
        fresh=0
        for k in $new; do case " $kids " in *" $k "*) ;; *) fresh=$((fresh + 1)) ;; esac; done
        [ "$fresh" -ge "$n" ] && break
    done
    s1=$(date +%s%N)
    t1=$(sed 's/.*) //' "/proc/$sup/stat" | awk '{print $12 + $13}')
    kill -TERM "$sup"
    while [ -e "$work/scale.pid" ]; do sleep 0.05; done
    printf 'n=%-4s start %5d ms (%5.2f ms each, %4.2fx bare vfork+exec)   RSS %6s kB   storm: all back in %5d ms, supervisor CPU %3d ms\n' \
        "$n" "$(((end - start) / 1000000))" "$(echo "$end $start $n" | awk '{print ($1 - $2) / 1000000 / $3}')" \
        "$(echo "$end $start $bare_ns" | awk '{print ($1 - $2) / $3}')" "$rss" \
        "$(((s1 - s0) / 1000000))" "$(((t1 - t0) * 1000 / $(getconf CLK_TCK)))"
done
