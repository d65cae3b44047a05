#!/bin/sh
# -f -w under a service manager's NOTIFY_SOCKET (systemd Type=notify): the
# command gets daemonize's own socket, and READY=1 with daemonize's PID as
# MAINPID goes up only once the command is ready.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
command -v systemd-notify >/dev/null || fail "systemd-notify is needed (Debian package systemd)"

# A stand-in for systemd: a socket that records what it receives.
"$NOTIFY_TOOL" listen "$dir/upstream" &
track $!
wait_for 10 test -s upstream.addr
up=$(cat upstream.addr)

NOTIFY_SOCKET=$up "$DAEMONIZE" -f -w -- sh -c '
    echo "$NOTIFY_SOCKET" > inner
    sleep 0.5; touch notified; systemd-notify --ready --status=serving
    exec sleep 300' >"$dir/out" 2>"$dir/err" &
init=$!
track "$init"
wait_for 10 lines_at_least upstream "READY=1" 1
[ -e notified ] || fail "READY=1 relayed before the command was ready"
assert_contains upstream "READY=1|MAINPID=$init" "relayed message"
assert_contains upstream "STATUS=serving" "STATUS= relayed"
[ "$(cat inner)" != "$up" ] || fail "the command got the upstream NOTIFY_SOCKET"
assert_eq 1 "$(count_lines upstream 'READY=1')" "READY=1 relayed once"
kill -TERM "$init"
set +e
wait "$init"
rc=$?
set -e
assert_eq 143 "$rc" "-f passes the command's SIGTERM death through"

# Not ready in time: 124 and nothing relayed.
: > upstream
set +e
NOTIFY_SOCKET=$up "$DAEMONIZE" -f -w --ready-timeout 0.5 -- sh -c 'echo $$ > me; exec sleep 300' 2>"$dir/err"
rc=$?
set -e
assert_eq 124 "$rc" "-f -w timeout"
assert_contains "$dir/err" "was not ready after 0.5 s; stopped it" "message"
not_alive "$(cat me)" || fail "the command survived the timeout"
assert_eq 0 "$(count_lines upstream 'READY=1')" "nothing relayed after a timeout"

# Exit before ready: its status.
set +e
"$DAEMONIZE" -f -w -- sh -c 'exit 3' 2>"$dir/err"
rc=$?
set -e
assert_eq 3 "$rc" "-f -w exit before ready"
assert_contains "$dir/err" "exited with status 3 before it was ready" "message"

# Supervised in the foreground: one READY=1 once both instances are ready.
NOTIFY_SOCKET=$up "$DAEMONIZE" -f -w -r -n 2 -- sh -c '
    sleep 0.$((DAEMONIZE_INSTANCE * 4 + 2)); touch "done$DAEMONIZE_INSTANCE"; systemd-notify --ready
    exec sleep 300' >"$dir/out" 2>"$dir/err" &
init=$!
track "$init"
wait_for 10 lines_at_least upstream "READY=1" 1
[ -e done0 ] && [ -e done1 ] || fail "READY=1 relayed before both instances were ready"
for p in $(children_of "$init"); do track "$p"; done
kill -TERM "$init"
set +e
wait "$init"
rc=$?
set -e
assert_eq 0 "$rc" "-f -r stopped by SIGTERM"
echo ok
