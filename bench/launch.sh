#!/bin/sh
# Launch latency: how long the caller waits until it gets its prompt back,
# for `daemonize /bin/true` against the common alternatives, in one
# hyperfine run (-N, RUNS=300). Usage: bench/launch.sh [DAEMONIZE_BINARY]
# Peers measured when installed: setsid -f, bmc daemonize, libslack daemon,
# start-stop-daemon --background; plus a bare fork+setsid+exec reference.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ours=$(readlink -f "${1:-build/daemonize}")
runs=${RUNS:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g++ -O2 -static -o "$work/forkexec" "$here/forkexec.cpp"
# A copy, as an installed binary would be: the file a linker has just
# written starts about 0.05 ms slower here than a copy of it (measured side
# by side; the page cache holds them differently).
orig=$ours
cp "$ours" "$work/daemonize"
ours=$work/daemonize

set -- "$ours /bin/true" "setsid -f /bin/true"
for bmc in /usr/sbin/daemonize /usr/bin/daemonize; do  # Debian's package "daemonize"
    [ -x "$bmc" ] && [ "$(readlink -f "$bmc")" != "$orig" ] && set -- "$@" "$bmc /bin/true" && break
done
command -v daemon >/dev/null && set -- "$@" "daemon -- /bin/true"
command -v start-stop-daemon >/dev/null &&
    set -- "$@" "start-stop-daemon --start --background --pidfile /nonexistent --startas /bin/true"
set -- "$@" "$work/forkexec"

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/out.json" "$@" >/dev/null 2>&1
# For bench/plot.sh: per command, percentiles 5, 25, 50, 75 and 95 in ms.
if [ -n "${PLOT_DATA:-}" ]; then
    python3 - "$work/out.json" > "$PLOT_DATA/launch.dat" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for i, r in enumerate(results):
    t = sorted(x * 1000 for x in r["times"])
    q = lambda p: t[min(len(t) - 1, int(len(t) * p))]
    label = r["command"].split()[0].rsplit("/", 1)[-1]
    label = {"daemonize": "daemonize", "setsid": "setsid -f", "daemon": "daemon (libslack)",
             "start-stop-daemon": "start-stop-daemon", "forkexec": "bare fork+exec"}.get(label, label)
    if r["command"].startswith("/usr/") and label == "daemonize":
        label = "bmc daemonize"
    print('%d "%s" %.4f %.4f %.4f %.4f %.4f' % (i, label, q(.05), q(.25), q(.5), q(.75), q(.95)))
PY
fi
# hyperfine's JSON has one key per line; pick command and median. The ratio
# is ours over the fastest peer (not counting the bare reference).
awk -F'"' '
    /"command":/ { cmd = $4 }
    /"median":/ { split($3, v, /[:,]/); med[++n] = v[2] * 1000; name[n] = cmd }
    END {
        best = 0
        for (i = 2; i < n; i++) if (best == 0 || med[i] < best) best = med[i]
        printf "%-64s %10s %8s\n", "command", "median ms", "vs ours"
        for (i = 1; i <= n; i++) {
            label = name[i]; sub(/^\/tmp\/[^ ]*\//, "", label)
            if (i == n) label = label " (bare fork+setsid+exec, no checks)"
            printf "%-64s %10.2f %8.2f\n", label, med[i], med[i] / med[1]
        }
        printf "ours / fastest peer: %.2f\n", med[1] / best
    }' "$work/out.json"
