#!/bin/sh
# Odd conditions around the verbs: the 10 s wait for a locked pidfile ends
# even when SIGALRM arrives blocked; --status keeps its LSB code when its
# stdout is closed; -p and --child-pidfile may not name one file.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Someone holds the lock of a pidfile that names no live process.
: > held.pid
flock held.pid sh -c 'echo $$ > holder; exec sleep 300' &
track $!
wait_for 10 test -s holder
track "$(cat holder)"
locked() { ! flock -n held.pid true; }
wait_for 10 locked
start=$(now_ms)
set +e
timeout 40 "$SIGPREP" -b 14 -- "$DAEMONIZE" -p held.pid -- sleep 300 >out 2>err
rc=$?
set -e
took=$(($(now_ms) - start))
[ "$rc" != 124 ] || fail "the lock wait with SIGALRM blocked did not end (killed after 40 s)"
assert_eq 1 "$rc" "a start on a locked pidfile (stderr: $(cat err))"
assert_contains err "locked by another process" "message"
[ "$took" -ge 9000 ] || fail "gave up after $took ms, before the 10 s wait"

# --status with stdout closed: the exit code is still the answer.
run_daemonize -p run.pid -- sleep 300
daemon_pid run.pid >/dev/null
for f in run.pid missing.pid; do
    set +e
    "$DAEMONIZE" --status -p $f >&- 2>err
    rc=$?
    set -e
    case $f in run.pid) want=0 ;; *) want=3 ;; esac
    assert_eq "$want" "$rc" "--status -p $f with stdout closed"
done

# One file for -p and --child-pidfile, spelled two ways.
run_daemonize -r -p same.pid --child-pidfile ./same.pid -- sleep 300
assert_eq 125 "$rc" "-p and --child-pidfile on one file"
assert_contains err "same file" "message"
[ ! -e same.pid ] || fail "a refused start left same.pid"
echo ok
