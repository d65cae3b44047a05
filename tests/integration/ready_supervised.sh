#!/bin/sh
# -w and --ready-fd with supervision: the caller returns when every instance
# is ready; a restarted instance must notify again; an exit or a timeout
# before then fails the start and leaves nothing behind.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
# The daemon runs in / unless told otherwise; its files go here.
C="-c $dir"
command -v systemd-notify >/dev/null || fail "systemd-notify is needed (Debian package systemd)"

# The instance waits for the test's go-ahead before it notifies.
run_daemonize $C -w -r -n 3 -p sup.pid -o sup.log -- sh -c '
    echo "$$ $NOTIFY_SOCKET" > "inst$DAEMONIZE_INSTANCE"
    sleep 0.$((DAEMONIZE_INSTANCE * 3 + 2))
    touch "ready$DAEMONIZE_INSTANCE"
    systemd-notify --ready
    exec sleep 300'
assert_eq 0 "$rc" "supervised -w (stderr: $(cat "$dir/err"))"
for i in 0 1 2; do
    [ -e "ready$i" ] || fail "the caller returned before instance $i was ready"
done
sup=$(daemon_pid sup.pid)
assert_contains sup.log "all 3 instances ready" "log"
# One socket per instance; none is inherited.
[ "$(cut -d' ' -f2 inst0 inst1 inst2 | sort -u | wc -l)" -eq 3 ] || fail "instances share a NOTIFY_SOCKET"
for p in $(children_of "$sup"); do
    track "$p"
    wait_for 10 comm_is "$p" sleep
    assert_eq "0 1 2" "$(fds_of "$p")" "fds of instance $p"
done

# A restarted instance is not ready until it notifies again.
old=$(cut -d' ' -f1 inst1)
rm ready1
kill -9 "$old"
wait_for 20 lines_at_least sup.log "instance 1 started .*not counted ready until it notifies" 1
wait_for 20 lines_at_least sup.log "instance 1 (pid [0-9]*) ready again" 1
[ -e ready1 ] || fail "'ready again' logged before the instance notified"
"$DAEMONIZE" --stop -p sup.pid
wait_for 15 not_alive "$sup"

# An exit before every instance is ready fails the start: its status.
run_daemonize $C -w -r -n 2 -p early.pid -o early.log -- sh -c '
    echo $$ > "pid$DAEMONIZE_INSTANCE"
    [ "$DAEMONIZE_INSTANCE" = 1 ] && exit 3
    exec sleep 300'
assert_eq 3 "$rc" "an instance exiting 3 before ready"
assert_contains "$dir/err" "exited with status 3 before it was ready" "message"
[ ! -e early.pid ] || fail "pidfile left"
not_alive "$(cat pid0)" || fail "instance 0 left running after the failed start"
assert_contains early.log "instance 1" "the supervisor's log is kept"

# Not all ready in time: 124, supervisor and instances gone.
run_daemonize $C -w -r -n 2 --ready-timeout 1 -p slow.pid -o slow.log -- sh -c '
    echo $$ > "slow$DAEMONIZE_INSTANCE"
    [ "$DAEMONIZE_INSTANCE" = 0 ] && systemd-notify --ready
    exec sleep 300'
assert_eq 124 "$rc" "supervised --ready-timeout"
assert_contains "$dir/err" "was not ready after 1 s; stopped it" "message"
not_alive "$(cat slow0)" || fail "ready instance 0 left running"
not_alive "$(cat slow1)" || fail "instance 1 left running"
[ ! -e slow.pid ] || fail "pidfile left"

# A notification from outside the tree does not count.
outsider_is_ignored $C -r -p out.pid -o outsider.log
assert_contains outsider.log "ignored a notification from PID $outsider" "warning in the supervisor's log"

# --ready-fd per instance, fresh on each run.
run_daemonize $C --ready-fd 5 -n 2 -r -p fd.pid -o fd.log -- sh -c '
    sleep 0.5; echo >&5; exec sleep 300'
assert_eq 0 "$rc" "supervised --ready-fd (stderr: $(cat "$dir/err"))"
sup=$(daemon_pid fd.pid)
for p in $(children_of "$sup"); do
    track "$p"
    wait_for 10 comm_is "$p" sleep  # the shell may still be finishing its echo
    assert_eq "0 1 2 5" "$(fds_of "$p")" "fds of instance $p"
done
[ "$(children_of "$sup" | wc -l)" -eq 2 ] || fail "expected 2 instances"
victim=$(children_of "$sup" | head -1)
kill -9 "$victim"
wait_for 20 lines_at_least fd.log "ready again" 1
"$DAEMONIZE" --stop -p fd.pid
wait_for 15 not_alive "$sup"
echo ok
