#!/bin/sh
# What counts as running: a live, non-zombie process that started no later
# than the pidfile was written. Everything else is stale and taken over.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

expect_takeover() {  # WHAT : start on app.pid must succeed with a new PID
    run_daemonize -p app.pid -- sleep 300
    assert_eq 0 "$rc" "start over $1 ($(cat err))"
    _new=$(daemon_pid app.pid)
    printf '%s\n' "$_new" > want
    cmp -s want app.pid || fail "pidfile after taking over $1: $(od -c app.pid)"
    kill_pid "$_new"
}

for content in '' 'abc' '0' '1' '-5' '+42' ' 42' '042' '99999999999999999999' '123abc' '4194305'; do
    printf '%s\n' "$content" > app.pid
    expect_takeover "content '$content'"
done
printf '' > app.pid
expect_takeover "an empty file"

# A PID that no longer exists.
sh -c 'exit 0' &
gone=$!
wait "$gone"
printf '%s\n' "$gone" > app.pid
expect_takeover "a dead PID"

# A zombie (a killed daemon that nobody reaped) is not running.
"$DAEMONIZE" -p app.pid -- sleep 300
zombie=$(daemon_pid app.pid)
kill -9 "$zombie"
wait_for 10 not_alive "$zombie"
expect_takeover "a zombie"

# A live process that started after the pidfile was written is a reused
# PID, not our daemon: taken over, and that process is left alone.
sleep 300 &
newer=$!
track "$newer"
printf '%s\n' "$newer" > app.pid
touch -d '-1 hour' app.pid
expect_takeover "a PID reused by a newer process"
is_alive "$newer" || fail "the unrelated newer process $newer was harmed"

# A live process that is older than the pidfile counts as running.
printf '%s\n' "$newer" > app.pid
run_daemonize -p app.pid -- sleep 300
assert_eq 1 "$rc" "start over a live older process"
assert_eq "daemonize: already running as PID $newer" "$(cat err)" "message"
assert_eq "$newer" "$(cat app.pid)" "pidfile untouched"
echo ok
