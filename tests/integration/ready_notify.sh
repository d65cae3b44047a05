#!/bin/sh
# -w in the default mode: the caller returns 0 only after READY=1 from the
# command's tree (systemd-notify, any sd_notify sender), passes on an early
# exit status, stops a command that is not ready in time (124), ignores
# notifications from unrelated processes, honours MAINPID= and STATUS=.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
# The daemon runs in / unless told otherwise; its files go here.
C="-c $dir"
command -v systemd-notify >/dev/null || fail "systemd-notify is needed (Debian package systemd)"

# The caller waits for the notification, however long it takes.
start=$(now_ms)
run_daemonize $C -w -p app.pid -o app.log -- \
    sh -c 'sleep 1; echo notifying; touch notified; systemd-notify --ready; exec sleep 300'
end=$(now_ms)
assert_eq 0 "$rc" "exit status after READY=1 (stderr: $(cat "$dir/err"))"
assert_waited "$start" "$end" notified "-w"
pid=$(daemon_pid app.pid)
wait_for 10 comm_is "$pid" sleep  # the pidfile names the command
# The socket is the caller's alone: the command holds no extra fd.
assert_eq "0 1 2" "$(fds_of "$pid")" "fds of the command"
case $(env_of "$pid" NOTIFY_SOCKET) in @?*) ;; *) fail "NOTIFY_SOCKET of the command: '$(env_of "$pid" NOTIFY_SOCKET)'" ;; esac
kill_pid "$pid"

# systemd-notify as another user (it cannot fake its PID then) and a sender
# that exits at once without waiting (like libsystemd's plain sd_notify).
run_daemonize $C -w -u nobody -p nobody.pid -- sh -c 'systemd-notify --ready; exec sleep 300'
assert_eq 0 "$rc" "systemd-notify as nobody (stderr: $(cat "$dir/err"))"
kill_pid "$(daemon_pid nobody.pid)"
run_daemonize $C -w -p quick.pid -- sh -c "$NOTIFY_TOOL send \"\$NOTIFY_SOCKET\" 'READY=1'; exec sleep 300"
assert_eq 0 "$rc" "a sender that exits at once (stderr: $(cat "$dir/err"))"
kill_pid "$(daemon_pid quick.pid)"

# Exit before ready: its status, its log kept, pidfile removed.
run_daemonize $C -w -p early.pid -o early.log -- sh -c 'echo about to fail; exit 3'
assert_eq 3 "$rc" "exit status of a command that exits 3 before ready"
assert_contains "$dir/err" "'sh' exited with status 3 before it was ready" "message"
assert_contains early.log "about to fail" "the command's log is kept"
[ ! -e early.pid ] || fail "pidfile left after a failed start"
run_daemonize $C -w -- sh -c 'exit 0'
assert_eq 1 "$rc" "exit 0 before ready is not success"
run_daemonize $C -w -- sh -c 'kill -USR1 $$'
assert_eq 138 "$rc" "killed by SIGUSR1 before ready"
assert_contains "$dir/err" "was killed by SIGUSR1 before it was ready" "message"

# Not ready in time: 124, and the command and its process group are gone.
run_daemonize $C -w --ready-timeout 1 -p slow.pid -- \
    sh -c 'sleep 300 & echo $! > bg; echo $$ > me; wait'
assert_eq 124 "$rc" "exit status after --ready-timeout"
assert_contains "$dir/err" "'sh' was not ready after 1 s; stopped it" "message"
[ ! -e slow.pid ] || fail "pidfile left after the timeout"
not_alive "$(cat me)" || fail "the command still runs after the timeout"
wait_for 10 not_alive "$(cat bg)"
[ -z "$(zombies_of $$)" ] || true  # (the caller reaped the command: checked below)
grep -q '^State:[[:space:]]*Z' "/proc/$(cat me)/status" 2>/dev/null && fail "the timed-out command was left a zombie"

# A command that ignores SIGTERM is killed after --stop-timeout.
run_daemonize $C -w --ready-timeout 0.5 --stop-timeout 0.5 -- sh -c 'trap "" TERM; echo $$ > stubborn; while :; do sleep 1; done'
assert_eq 124 "$rc" "timeout with a TERM-ignoring command"
assert_contains "$dir/err" "SIGKILL" "escalation is reported"
not_alive "$(cat stubborn)" || fail "the TERM-ignoring command survived"

# A READY=1 from a process outside the command's tree is ignored.
outsider_is_ignored $C
assert_contains "$dir/err" "ignored a notification from PID $outsider" "warning"

# MAINPID=: a command that forks its server and exits; the pidfile follows.
run_daemonize $C -w -p fork.pid -- sh -c 'sleep 300 & echo $! > server; systemd-notify --ready --pid=$!; exit 0'
assert_eq 0 "$rc" "forking command with MAINPID= (stderr: $(cat "$dir/err"))"
assert_eq "$(cat server)" "$(cat fork.pid)" "the pidfile names MAINPID"
kill_pid "$(daemon_pid fork.pid)"

# STATUS= reaches -v output; garbage is survived.
run_daemonize $C -v -w -p status.pid -- sh -c "$NOTIFY_TOOL send \"\$NOTIFY_SOCKET\" 'garbage without equals|STATUS=warming up'; systemd-notify --ready; exec sleep 300"
assert_eq 0 "$rc" "STATUS= then READY=1"
assert_contains "$dir/err" "sh: warming up" "STATUS= in verbose output"
kill_pid "$(daemon_pid status.pid)"

# Usage errors.
run_daemonize --ready-timeout 5 -- true
assert_eq 125 "$rc" "--ready-timeout without -w"
run_daemonize $C -w -p x.pid --status
assert_eq 125 "$rc" "-w with a control verb"
echo ok
