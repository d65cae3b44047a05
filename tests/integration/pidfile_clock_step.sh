#!/bin/sh
# Liveness does not depend on the wall clock: a pidfile is stamped (in an
# extended attribute) with this boot's id and the start time of the process
# it names, so a clock step of an hour either way between the start and a
# check changes no answer. The step is faked by moving the pidfile's mtime,
# which is all the old rule looked at.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

hour_ago=$(($(date +%s) - 3600))
hour_ahead=$(($(date +%s) + 3600))
status_is() {  # EXPECTED PIDFILE WHAT
    set +e
    "$DAEMONIZE" --status -p "$2" >/dev/null 2>&1
    _rc=$?
    set -e
    assert_eq "$1" "$_rc" "$3"
}

# The clock jumped an hour ahead after the start: still running, and a
# second start is refused (plain daemon and supervisor).
for mode in plain supervised; do
    case $mode in plain) set -- ;; supervised) set -- -r ;; esac
    run_daemonize "$@" -p $mode.pid -- sleep 300
    assert_eq 0 "$rc" "start ($mode; stderr: $(cat err))"
    pid=$(daemon_pid $mode.pid)
    touch -d "@$hour_ago" $mode.pid
    status_is 0 $mode.pid "--status after the clock jumped ahead ($mode)"
    run_daemonize "$@" -p $mode.pid -- sleep 300
    assert_eq 1 "$rc" "second start after the clock jumped ahead ($mode; stderr: $(cat err))"
    assert_contains err "already running as PID $pid" "message ($mode)"
    run_daemonize --stop -p $mode.pid
    assert_eq 0 "$rc" "--stop after the clock jumped ahead ($mode; stderr: $(cat err))"
    wait_for 10 not_alive "$pid"
done

# The clock went back an hour, and the daemon's PID now belongs to a newer
# process: not running, never signalled, taken over by the next start. PID
# reuse needs a PID namespace (ns_last_pid) and root.
if [ "$(id -u)" != 0 ] || ! unshare --pid --fork --mount-proc true 2>/dev/null; then
    echo "ok (PID reuse part skipped: needs root and PID namespaces)"
    exit 0
fi
cat > inner.sh <<'EOF2'
set -u
D=$1 dir=$2 ahead=$3
cd "$dir"
fail() { echo "FAIL: $*" >&2; exit 1; }
gone() { [ ! -e "/proc/$1" ] || grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null; }
rc_of() { "$@" >/dev/null 2>&1; echo $?; }
"$D" -p b.pid -- sleep 300 || fail "start"
old=$(cat b.pid)
kill -9 "$old"
i=0; until gone "$old"; do i=$((i + 1)); [ $i -lt 200 ] || fail "$old did not die"; sleep 0.05; done
# In this namespace PID 1 (this shell) reaps: the PID is free once reaped.
wait 2>/dev/null
# Start times are in clock ticks (10 ms): a process that reuses the PID
# within the same tick is indistinguishable by them. Let a tick pass, as
# any real reuse of a PID (after the whole PID space) does.
tick=$(awk '{print $22}' /proc/self/stat)
until [ "$(awk '{print $22}' /proc/self/stat)" -gt "$tick" ]; do :; done
newer=
for try in 1 2 3 4 5; do
    echo $((old - 1)) > /proc/sys/kernel/ns_last_pid
    sleep 300 &
    if [ $! = "$old" ]; then newer=$!; break; fi
    kill -9 $!
done
[ -n "$newer" ] || fail "could not give PID $old to a new process"
touch -d "@$ahead" b.pid
[ "$(rc_of "$D" --status -p b.pid)" = 1 ] || fail "--status of a PID reused after the clock went back: not 1"
[ "$(rc_of "$D" --stop -p b.pid)" = 1 ] || fail "--stop of a PID reused after the clock went back: not 1"
gone "$newer" && fail "--stop killed the newer process that reused the PID"
[ "$(rc_of "$D" -p b.pid -- sleep 300)" = 0 ] || fail "a start over the stale pidfile failed"
exit 0
EOF2
set +e
timeout -s KILL 60 unshare --pid --fork --mount-proc --kill-child sh inner.sh "$DAEMONIZE" "$dir" "$hour_ahead"
rc=$?
set -e
assert_eq 0 "$rc" "PID reuse after the clock went back (in a PID namespace)"
echo ok
