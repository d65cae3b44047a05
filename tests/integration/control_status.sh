#!/bin/sh
# --status: LSB codes and one line for missing, running, stale, garbage,
# reused-PID and unreadable pidfiles.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

expect_status() {  # CODE LINE WHAT
    run_daemonize --status -p app.pid
    assert_eq "$1" "$rc" "status code: $3"
    assert_eq "$2" "$(cat "$dir/out")" "status line: $3"
}

expect_status 3 "not running" "no pidfile"

"$DAEMONIZE" -p app.pid -- sleep 300
pid=$(daemon_pid app.pid)
expect_status 0 "running (pid $pid)" "running daemon"

kill_pid "$pid"
expect_status 1 "not running (stale pidfile, pid $pid)" "killed daemon (a zombie or gone)"

for garbage in '' 'abc' '0' '-1' '99999999999999999999' '12junk'; do
    printf '%s\n' "$garbage" > app.pid
    expect_status 1 "not running (stale pidfile with no valid PID)" "content '$garbage'"
done
# "1" is a daemonize that was a container's init; unstamped, it is this
# machine's init, never ours: stale (and --stop must not signal it).
printf '1\n' > app.pid
expect_status 1 "not running (stale pidfile, pid 1)" "content '1'"
run_daemonize --stop -p app.pid
assert_eq 1 "$rc" "--stop of a pidfile naming PID 1"

# A live process that started after the pidfile was written is not ours.
sleep 300 &
newer=$!
track "$newer"
printf '%s\n' "$newer" > app.pid
touch -d '-1 hour' app.pid
expect_status 1 "not running (stale pidfile, pid $newer)" "PID reused by a newer process"

# A pidfile we cannot read: status unknown (4). Root drops to nobody to
# lose access; anyone else just takes the read permission away.
printf '%s\n' "$newer" > secret.pid
chmod 755 "$dir"
set +e
if [ "$(id -u)" = 0 ]; then
    chmod 600 secret.pid
    setpriv --reuid=nobody --regid=nogroup --clear-groups "$DAEMONIZE" --status -p "$dir/secret.pid" >/dev/null 2>err
else
    chmod 000 secret.pid
    "$DAEMONIZE" --status -p "$dir/secret.pid" >/dev/null 2>err
fi
rc=$?
set -e
assert_eq 4 "$rc" "unreadable pidfile"
assert_contains err "Permission denied" "message"

# The supervisor's pidfile reports the supervisor.
"$DAEMONIZE" -r -n 2 -p sup.pid -- sleep 300
sup=$(daemon_pid sup.pid)
run_daemonize --status -p sup.pid
assert_eq 0 "$rc" "status of a supervisor"
# Its first line is what it always was; its instances follow (live_status).
assert_eq "running (pid $sup)" "$(head -1 "$dir/out")" "status line of a supervisor"
track $(children_of "$sup")
echo ok
