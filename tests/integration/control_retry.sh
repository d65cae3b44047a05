#!/bin/sh
# --stop --retry: start-stop-daemon's schedules (a timeout, or signals and
# waits with `forever`); 0 once gone, 2 when the schedule ends first.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Ignores TERM; dies of the third USR1.
cat > stubborn <<'EOF'
#!/bin/sh
trap '' TERM
n=0
trap 'n=$((n + 1)); [ $n -ge 3 ] && exit 0' USR1
while :; do sleep 0.05; done
EOF
chmod 755 stubborn
start_stubborn() {  # PIDFILE -> PID, once its traps are set
    "$DAEMONIZE" -p "$1" -- "$dir/stubborn"
    _pid=$(daemon_pid "$1")
    wait_for 10 sh -c "grep -q '^SigCgt:.*[2367abef]..\$' /proc/$_pid/status"  # USR1 (10) caught: both traps set
    echo "$_pid"
}

# The schedule ends with the process still there: 2, left running.
pid=$(start_stubborn a.pid)
run_daemonize --stop -p a.pid --retry TERM/0.3
assert_eq 2 "$rc" "schedule ended, still running"
assert_contains "$dir/err" "still running at the end of the --retry schedule" "message"
is_alive "$pid" || fail "the process died although nothing could kill it"
[ -e a.pid ] || fail "pidfile of a running process removed"

# A bare timeout: TERM, wait, KILL, wait.
run_daemonize --stop -p a.pid --retry 0.3
assert_eq 0 "$rc" "--retry SECS escalates to KILL: $(cat "$dir/err")"
wait_for 10 not_alive "$pid"
[ ! -e a.pid ] || fail "pidfile left after the stop"

# forever: what follows repeats until the process is gone.
pid=$(start_stubborn b.pid)
run_daemonize --stop -p b.pid --retry TERM/0.2/forever/USR1/0.3
assert_eq 0 "$rc" "forever: $(cat "$dir/err")"
wait_for 10 not_alive "$pid"
pid=$(start_stubborn c.pid)
run_daemonize --stop -p c.pid --retry -USR1/0.3/USR1/0.3
assert_eq 2 "$rc" "two USR1 are not enough"
run_daemonize --stop -p c.pid --retry USR1/5
assert_eq 0 "$rc" "the third USR1"
wait_for 10 not_alive "$pid"

# KILL in a schedule takes the whole tree, as --stop's own escalation.
"$DAEMONIZE" -p tree.pid -- sh -c 'trap "" TERM; sh -c "trap \"\" TERM; exec sleep 300" & exec sleep 300'
pid=$(daemon_pid tree.pid)
wait_for 10 children_count_is "$pid" 1
child=$(children_of "$pid")
track "$child"
run_daemonize --stop -p tree.pid --retry TERM/0.2/KILL/5
assert_eq 0 "$rc" "TERM/KILL schedule"
wait_for 10 not_alive "$child"

# A schedule that ends in KILL, and --retry 0 (TERM/0/KILL/0): done once
# the KILL has taken effect, not "still running".
pid=$(start_stubborn d.pid)
run_daemonize --stop -p d.pid --retry TERM/0.2/KILL
assert_eq 0 "$rc" "a schedule ending in KILL: $(cat "$dir/err")"
[ ! -e d.pid ] || fail "pidfile left after a schedule ending in KILL"
not_alive "$pid" || fail "still alive after the KILL"
pid=$(start_stubborn e.pid)
run_daemonize --stop -p e.pid --retry 0
assert_eq 0 "$rc" "--retry 0: $(cat "$dir/err")"
not_alive "$pid" || fail "still alive after --retry 0"

# Not running: 1, as without --retry. Bad schedules: 125.
run_daemonize --stop -p tree.pid --retry 1
assert_eq 1 "$rc" "not running"
for bad in "TERM" "TERM/forever" "NOSUCH/5" "5/forever/TERM" "TERM/5/forever/KILL/forever/1"; do
    run_daemonize --stop -p tree.pid --retry "$bad"
    assert_eq 125 "$rc" "--retry $bad"
done
run_daemonize --stop -p tree.pid --retry 5 --stop-timeout 5
assert_eq 125 "$rc" "--retry with --stop-timeout"
run_daemonize -p x.pid --retry 5 -- sleep 300
assert_eq 125 "$rc" "--retry without --stop"
echo ok
