#!/bin/sh
# 1000 start/stop cycles on one pidfile: every start runs one daemon with
# fds 0-2 only, every stop removes the pidfile and leaves nothing running,
# and the process that calls daemonize leaks no fd and keeps no zombie.
set -eu
. "$(dirname "$0")/../integration/lib.sh"
cd "$dir"
cycles=${CYCLES:-1000}

fds_before=$(fds_of $$)
i=0
while [ $i -lt $cycles ]; do
    run_daemonize -p app.pid -- sleep 300
    [ "$rc" = 0 ] || fail "cycle $i: start exited $rc: $(cat "$dir/err")"
    pid=$(cat app.pid)
    case $pid in '' | *[!0-9]*) fail "cycle $i: pidfile holds '$pid'" ;; esac
    is_alive "$pid" || fail "cycle $i: pidfile names $pid, which is not running"
    if [ $((i % 100)) = 0 ]; then
        wait_for 10 comm_is "$pid" sleep
        assert_eq "0 1 2" "$(fds_of "$pid")" "cycle $i: fds of the daemon"
    fi
    run_daemonize --stop -p app.pid
    [ "$rc" = 0 ] || fail "cycle $i: stop exited $rc: $(cat "$dir/err")"
    [ ! -e app.pid ] || fail "cycle $i: pidfile left after the stop"
    not_alive "$pid" || fail "cycle $i: $pid still running after the stop"
    i=$((i + 1))
done
assert_eq "$fds_before" "$(fds_of $$)" "fds of the calling shell"
[ -z "$(zombies_of $$)" ] || fail "zombies left with the caller: $(zombies_of $$)"
echo "ok: $cycles cycles"
