#!/bin/sh
# Socket handoff: what clients see while a 4-worker HTTP service is replaced.
# A sequential client (tests/helpers/http_loop.py) runs from 0.5 s before
# until 0.5 s after each replacement and counts failed requests and latency:
#   handoff   daemonize -r -n 4 --listen (the socket is daemonize's) + --reload
#   reuseport daemonize -r -n 4, each worker binds with SO_REUSEPORT + --reload
#   restart   daemonize -r -n 4, workers bind themselves, --stop then start
# Usage: bench/handoff.sh [DAEMONIZE_BINARY]     (ROUNDS=3)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
ours=$(readlink -f "${1:-build/daemonize}")
work=$(mktemp -d)
rounds=${ROUNDS:-3}
trap 'for f in "$work"/*.pid; do [ -e "$f" ] && "$ours" --stop -p "$f" >/dev/null 2>&1; done; rm -rf "$work"' EXIT
server="$here/tests/helpers/listen_server.py"
loop="$here/tests/helpers/http_loop.py"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
up() { python3 -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=1).read()' "$port" 2>/dev/null; }
wait_up() { i=0; until up; do i=$((i + 1)); [ $i -lt 200 ] || { echo "service not up" >&2; exit 1; }; sleep 0.05; done; }

start() {  # KIND
    case $1 in
    handoff) "$ours" -r -n 4 --listen "tcp:127.0.0.1:$port" -p "$work/s.pid" -- python3 "$server" ;;
    *) "$ours" -r -n 4 -p "$work/s.pid" -- python3 "$server" --bind "$port" ;;
    esac
    wait_up
}

replace() {  # KIND
    case $1 in
    restart) "$ours" --stop -p "$work/s.pid" && start restart ;;
    *) "$ours" --reload -p "$work/s.pid" > /dev/null ;;
    esac
}

printf '%-10s %8s %8s %9s %9s %9s %8s\n' kind requests failed "p50 ms" "p99 ms" "max ms" "replace s"
for kind in handoff reuseport restart; do
    for round in $(seq "$rounds"); do
        start "$kind"
        rm -f "$work/stop"
        python3 "$loop" "127.0.0.1:$port" "$work/out" --min 1 --until "$work/stop" &
        client=$!
        sleep 0.5
        t0=$(date +%s%N)
        replace "$kind"
        t1=$(date +%s%N)
        sleep 0.5
        touch "$work/stop"
        wait "$client"
        "$ours" --stop -p "$work/s.pid" > /dev/null
        printf '%-10s %8s %8s %9s %9s %9s %8s\n' "$kind" "$(sed -n 's/^requests //p' "$work/out")" \
            "$(sed -n 's/^failed //p' "$work/out")" "$(sed -n 's/^p50 //p' "$work/out")" \
            "$(sed -n 's/^p99 //p' "$work/out")" "$(sed -n 's/^max //p' "$work/out")" \
            "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
    done
done
