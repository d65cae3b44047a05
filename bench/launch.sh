#!/bin/sh
# Launch latency: how long the caller waits until it gets its prompt back,
# for `daemonize /bin/true` against the common alternatives, in one
# hyperfine run. Usage: bench/launch.sh [DAEMONIZE_BINARY] (default build/daemonize)
# Needs hyperfine (Debian package); bmc daemonize is measured when installed.
set -eu
ours=$(readlink -f "${1:-build/daemonize}")
runs=${RUNS:-300}
out=$(mktemp)
trap 'rm -f "$out"' EXIT

set -- "$ours /bin/true" "setsid -f /bin/true"
[ -x /usr/sbin/daemonize ] && set -- "$@" "/usr/sbin/daemonize /bin/true"
[ -x /usr/bin/daemonize ] && [ "$(readlink -f /usr/bin/daemonize)" != "$ours" ] && set -- "$@" "/usr/bin/daemonize /bin/true"

hyperfine -N --warmup 20 --runs "$runs" --export-json "$out" "$@" >/dev/null 2>&1
# hyperfine's JSON has one key per line; pick command and median.
awk -F'"' '
    /"command":/ { cmd = $4 }
    /"median":/ { split($3, v, /[:,]/); med[++n] = v[2] * 1000; name[n] = cmd }
    END {
        printf "%-45s %10s %8s\n", "command", "median ms", "ratio"
        for (i = 1; i <= n; i++) printf "%-45s %10.2f %8.2f\n", name[i], med[i], med[i] / med[1]
    }' "$out"
