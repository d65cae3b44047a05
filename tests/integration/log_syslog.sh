#!/bin/sh
# --syslog: stdout at info, stderr at err, tagged, over the local syslog
# socket (here one the test binds itself, via DAEMONIZE_SYSLOG_SOCKET); with
# nobody listening, one warning and the -o file instead.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

"$NOTIFY_TOOL" listen "$dir/received" "$dir/log.sock" &
track $!
wait_for 10 test -s received.addr

DAEMONIZE_SYSLOG_SOCKET=$dir/log.sock "$DAEMONIZE" -f --syslog=mytag -- sh -c 'echo $$ > me; echo "out line"; echo "err line" >&2'
pid=$(cat me)
wait_for 10 lines_at_least received "^<30>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} mytag\[$pid\]: out line\$" 1
wait_for 10 lines_at_least received "^<27>[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\} mytag\[$pid\]: err line\$" 1

# Default tag: the command's name; instance prefixes with --log-prefix.
DAEMONIZE_SYSLOG_SOCKET=$dir/log.sock run_daemonize -n 2 --log-prefix --syslog -p sl.pid -- sh -c 'echo "hello $DAEMONIZE_INSTANCE"; exec sleep 300'
assert_eq 0 "$rc" "supervised --syslog"
sup=$(daemon_pid sl.pid)
wait_for 10 lines_at_least received "sh\[[0-9]*\]: \[0\] hello 0\$" 1
wait_for 10 lines_at_least received "sh\[[0-9]*\]: \[1\] hello 1\$" 1
"$DAEMONIZE" --stop -p sl.pid
wait_for 15 not_alive "$sup"

# Nobody listens: one warning, and the lines go to the -o file.
set +e
DAEMONIZE_SYSLOG_SOCKET=$dir/nobody.sock "$DAEMONIZE" -f --syslog -o fallback.log -- sh -c 'echo one; echo two' 2>"$dir/err"
rc=$?
set -e
assert_eq 0 "$rc" "--syslog with nobody listening"
assert_eq 1 "$(count_lines "$dir/err" 'nobody listens on')" "warnings"
assert_contains fallback.log "one" "fallback file"
assert_contains fallback.log "two" "fallback file"
echo ok
