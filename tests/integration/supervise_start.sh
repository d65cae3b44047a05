#!/bin/sh
# Supervised starts keep the core's promises: 126/127 reach the caller and
# nothing is left behind; --child-pidfile follows the instance; -p names the
# supervisor and refuses a second start.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

run_daemonize -r -n 2 -p bad.pid -o bad.log -- no-such-command-xyz
assert_eq 127 "$rc" "supervised start of a missing command"
[ ! -e bad.pid ] && [ ! -e bad.log ] || fail "a failed supervised start left files"

printf '\177ELFgarbage' > badelf
chmod +x badelf
run_daemonize -r -n 3 -p bad.pid -- ./badelf
assert_eq 126 "$rc" "supervised start of a broken executable"
assert_contains "$dir/err" "cannot execute './badelf': Exec format error" "message"
[ ! -e bad.pid ] || fail "pidfile left"

# The supervisor holds the pidfile; a second start is refused.
"$DAEMONIZE" -r -p sup.pid --child-pidfile child.pid -o sup.log -- sleep 300
sup=$(daemon_pid sup.pid)
wait_for 10 test -s child.pid
child=$(cat child.pid)
track "$child"
assert_eq "$sup" "$(sed 's/.*) //' /proc/$child/stat | cut -d' ' -f2)" "parent of the child pidfile's PID"
run_daemonize -r -p sup.pid -- sleep 300
assert_eq 1 "$rc" "second supervised start"
assert_contains "$dir/err" "already running as PID $sup" "message"
# The lock is the supervisor's, not the instance's.
flock -n sup.pid true && fail "the supervisor does not hold the pidfile lock"
ls -l /proc/$child/fd | grep -q sup.pid && fail "the instance inherited the pidfile"
assert_eq "0 1 2" "$(ls /proc/$child/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "fds of the instance"

# --child-pidfile is rewritten on restart.
kill -9 "$child"
new_child() { [ -s child.pid ] && [ "$(cat child.pid)" != "$child" ]; }
wait_for 10 new_child
track "$(cat child.pid)"
is_alive "$(cat child.pid)" || fail "child pidfile names a dead process"
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
[ ! -e child.pid ] || fail "child pidfile left after the stop"
echo ok
