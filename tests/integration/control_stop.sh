#!/bin/sh
# --stop and --signal: TERM then KILL after the timeout, exit 0/1/2 semantics,
# pidfile cleanup, a supervisor takes its instances with it, and garbage or a
# reused PID is never signalled.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# A running daemon stops with TERM; the pidfile goes.
"$DAEMONIZE" -p app.pid -- sleep 300
pid=$(daemon_pid app.pid)
run_daemonize --stop -p app.pid
assert_eq 0 "$rc" "stop of a running daemon"
is_alive "$pid" && fail "daemon still alive after --stop"
[ ! -e app.pid ] || fail "--stop left the pidfile"

# Already stopped: 1, nothing done.
run_daemonize --stop -p app.pid
assert_eq 1 "$rc" "stop without pidfile"
assert_contains "$dir/err" "not running" "message"

# A stale pidfile is removed by --stop (exit 1).
printf '%s\n' "$pid" > app.pid
run_daemonize --stop -p app.pid
assert_eq 1 "$rc" "stop with a stale pidfile"
[ ! -e app.pid ] || fail "stale pidfile not removed"

# TERM ignored: KILL after --stop-timeout.
"$DAEMONIZE" -p stubborn.pid -- sh -c 'trap "" TERM; exec sleep 300'
pid=$(daemon_pid stubborn.pid)
run_daemonize --stop --stop-timeout 0.5 -p stubborn.pid
assert_eq 0 "$rc" "stop of a TERM-ignoring daemon"
assert_contains "$dir/err" "SIGKILL to it" "escalation warning"
is_alive "$pid" && fail "TERM-ignoring daemon survived"

# --stop --signal INT uses INT.
"$DAEMONIZE" -p int.pid -o int.log -- sh -c 'trap "echo got-int; exit 0" INT; while :; do sleep 0.1; done'
pid=$(daemon_pid int.pid)
run_daemonize --stop --signal INT -p int.pid
assert_eq 0 "$rc" "stop with INT"
assert_contains int.log got-int "the daemon saw INT"

# --signal alone: delivered, the daemon keeps running; 1 when not running.
"$DAEMONIZE" -p usr.pid -o usr.log -- sh -c 'trap "echo got-usr1" USR1; while :; do sleep 0.1; done'
pid=$(daemon_pid usr.pid)
run_daemonize --signal USR1 -p usr.pid
assert_eq 0 "$rc" "--signal USR1"
wait_for 10 lines_at_least usr.log got-usr1 1
is_alive "$pid" || fail "--signal USR1 stopped the daemon"
run_daemonize --signal 10 -p usr.pid
assert_eq 0 "$rc" "--signal by number"
wait_for 10 lines_at_least usr.log got-usr1 2
kill_pid "$pid"
run_daemonize --signal USR1 -p usr.pid
assert_eq 1 "$rc" "--signal to a dead daemon"

# Never signal garbage or a reused PID: a live process started after the
# pidfile was written, and one whose PID is hidden in junk.
sleep 300 &
newer=$!
track "$newer"
printf '%s\n' "$newer" > reused.pid
touch -d '-1 hour' reused.pid
run_daemonize --stop -p reused.pid
assert_eq 1 "$rc" "stop of a reused PID"
run_daemonize --signal KILL -p reused.pid
assert_eq 1 "$rc" "--signal to a reused PID"
is_alive "$newer" || fail "a process that reused the PID was signalled"
for junk in "$newer junk" "-$newer" "0$newer" " $newer" "$newer$newer$newer"; do
    printf '%s\n' "$junk" > junk.pid
    run_daemonize --stop -p junk.pid
    assert_eq 1 "$rc" "stop of '$junk'"
    run_daemonize --signal KILL -p junk.pid
    assert_eq 1 "$rc" "--signal to '$junk'"
done
is_alive "$newer" || fail "a pidfile with junk got a process signalled"

# Stopping a supervisor stops its instances.
"$DAEMONIZE" -r -n 3 -p sup.pid -- sleep 300
sup=$(daemon_pid sup.pid)
wait_for 10 children_count_is "$sup" 3
kids=$(children_of "$sup")
track $kids
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop of a supervisor"
for k in $kids; do is_alive "$k" && fail "instance $k survived its supervisor's stop"; done
[ ! -e sup.pid ] || fail "supervisor pidfile left"
echo ok
