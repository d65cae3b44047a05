#!/bin/sh
# --ready-fd N (s6 convention) in the default mode: a newline on fd N means
# ready; EOF without one means never (124, stopped); fd N is the only extra
# fd the command gets, wherever daemonize's own fds happen to sit.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
# The daemon runs in / unless told otherwise; its files go here.
C="-c $dir"

start=$(now_ms)
run_daemonize $C --ready-fd 5 -p app.pid -- \
    sh -c 'sleep 1; touch notified; echo >&5; exec sleep 300'
end=$(now_ms)
assert_eq 0 "$rc" "exit status after a newline on fd 5 (stderr: $(cat "$dir/err"))"
assert_waited "$start" "$end" notified "--ready-fd"
pid=$(daemon_pid app.pid)
wait_for 10 comm_is "$pid" sleep  # the shell may still be finishing its echo
assert_eq "0 1 2 5" "$(fds_of "$pid")" "fds of the command"
case $(readlink "/proc/$pid/fd/5") in pipe:*) ;; *) fail "fd 5 of the command is $(readlink "/proc/$pid/fd/5")" ;; esac
kill_pid "$pid"

# Partial writes are not ready yet; the newline may come later.
run_daemonize $C --ready-fd 7 -p part.pid -- sh -c 'printf "almost" >&7; sleep 0.3; printf " ready\n" >&7; exec sleep 300'
assert_eq 0 "$rc" "a line written in two parts"
kill_pid "$(daemon_pid part.pid)"

# Whatever fd number daemonize itself uses for the pidfile or its report
# pipe, N is put in place (3 and 4 are the likeliest to collide).
for n in 3 4 6; do
    run_daemonize $C --ready-fd "$n" -p "n$n.pid" -- sh -c "echo >&$n; exec sleep 300"
    assert_eq 0 "$rc" "--ready-fd $n with a pidfile (stderr: $(cat "$dir/err"))"
    pid=$(daemon_pid "n$n.pid")
    wait_for 10 comm_is "$pid" sleep
    kill_pid "$pid"
done

# EOF without a newline: never ready.
run_daemonize $C --ready-fd 5 -p closed.pid -- sh -c 'echo $$ > me; exec 5>&-; exec sleep 300'
assert_eq 124 "$rc" "fd closed without a newline"
assert_contains "$dir/err" "'sh' closed fd 5 without reporting ready; stopped it" "message"
not_alive "$(cat me)" || fail "the command still runs"
[ ! -e closed.pid ] || fail "pidfile left"

# Exiting before ready is the command's status, not a closed fd.
run_daemonize $C --ready-fd 5 -- sh -c 'exit 4'
assert_eq 4 "$rc" "exit 4 before ready"
assert_contains "$dir/err" "exited with status 4 before it was ready" "message"

# Not ready in time.
run_daemonize $C --ready-fd 5 --ready-timeout 0.5 -- sh -c 'echo $$ > slow; exec sleep 300'
assert_eq 124 "$rc" "timeout with --ready-fd"
not_alive "$(cat slow)" || fail "the slow command still runs"

# Bad numbers.
for bad in 0 2 -1 x 70000; do
    run_daemonize $C --ready-fd "$bad" -- true
    assert_eq 125 "$rc" "--ready-fd $bad"
done
assert_contains "$dir/err" "is not a descriptor number from 3 to 65535" "message"
echo ok
