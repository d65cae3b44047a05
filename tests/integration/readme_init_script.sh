#!/bin/sh
# The init script shown in README.md works as documented: start, start
# again, status, reload, stop, stop again, status.
set -eu
. "$(dirname "$0")/lib.sh"
readme=$(cd "$(dirname "$0")/../.." && pwd)/README.md

# Take the script out of the README and point it at this test's files.
sed -n '/^# \/etc\/init.d\/app/,/^```/p' "$readme" | sed '$d' |
    sed -e "s|/run/app.pid|$dir/app.pid|" -e "s|/var/log/app.log|$dir/app.log|" \
        -e 's|-u app ||' -e "s|/usr/bin/app|sh -c 'trap \"echo reloaded\" HUP; while :; do sleep 0.1; done'|" > "$dir/init"
grep -q 'daemonize --stop' "$dir/init" || fail "no init script found in README.md"
PATH=$(dirname "$DAEMONIZE"):$PATH
export PATH

# $out: the script's last line (daemonize's own message may come before it)
run() { set +e; out=$(sh "$dir/init" "$@" 2>&1); rc=$?; set -e; out=$(echo "$out" | tail -n 1); }
run start
assert_eq "0 app started" "$rc $out" "start"
pid=$(daemon_pid "$dir/app.pid")
run start
assert_eq "0 app already running" "$rc $out" "second start"
run status
assert_eq "0 running (pid $pid)" "$rc $out" "status"
run reload
assert_eq 0 "$rc" "reload"
wait_for 10 lines_at_least "$dir/app.log" reloaded 1
run stop
assert_eq "0 app stopped" "$rc $out" "stop"
is_alive "$pid" && fail "still running after stop"
run stop
assert_eq "0 app was not running" "$rc $out" "second stop"
run status
assert_eq "3 not running" "$rc $out" "status after stop"
echo ok
