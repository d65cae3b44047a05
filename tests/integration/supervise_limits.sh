#!/bin/sh
# --max-restarts, backoff, --success-exit, --restart always/no, exit status.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# tornado's limit: 3 restarts of `false`, i.e. 4 runs, then give up with 1.
set +e
"$DAEMONIZE" -f -r --restart-delay 0 --max-restarts 3 -- false 2>give-up.log
rc=$?
set -e
assert_eq 1 "$rc" "exit status after giving up"
assert_eq 4 "$(count_lines give-up.log 'instance 0 started')" "runs before giving up"
assert_contains give-up.log "giving up: 3 restarts" "give-up event"

# The same, detached: the supervisor exits by itself and removes its pidfile.
# (-v tells the PID: the pidfile may already be gone when we look)
"$DAEMONIZE" -v -r --restart-delay 0 --max-restarts 2 -p gu.pid -o gu.log -- false 2>gu.err
sup=$(sed -n 's/.* under its supervisor, PID \([0-9]*\):.*/\1/p' gu.err)
[ -n "$sup" ] || fail "no supervisor PID in -v output: $(cat gu.err)"
track "$sup"
wait_for 10 not_alive "$sup"
[ ! -e gu.pid ] || fail "pidfile left after giving up"
assert_eq 3 "$(count_lines gu.log 'instance 0 started')" "detached runs before giving up"

# Backoff: delays double from MIN (here 0.2 s), with at most 10% jitter.
"$DAEMONIZE" -f -r --restart-delay 0.2:5 --max-restarts 3 -- false 2>backoff.log || true
delays=$(sed -n 's/.*restarting in \([0-9.]*\) s$/\1/p' backoff.log | tr '\n' ' ')
set -- $delays
[ $# -eq 3 ] || fail "expected 3 restart delays, got '$delays'"
awk -v a="$1" -v b="$2" -v c="$3" 'BEGIN {
    exit !(a >= 0.18 && a <= 0.22 && b >= 0.36 && b <= 0.44 && c >= 0.72 && c <= 0.88) }' ||
    fail "backoff delays '$delays' are not about 0.2 0.4 0.8"

# The window form: at most 2 restarts within 60 s.
set +e
"$DAEMONIZE" -f -r --restart-delay 0 --max-restarts 2/60 -- false 2>window.log
rc=$?
set -e
assert_eq 1 "$rc" "exit status with a window limit"
assert_eq 3 "$(count_lines window.log 'instance 0 started')" "runs with 2/60"

# --success-exit: 3 counts as success, so on-failure does not restart it.
set +e
"$DAEMONIZE" -f -r --success-exit 0,3 -- sh -c 'exit 3' 2>success.log
rc=$?
set -e
assert_eq 0 "$rc" "supervisor exit when the only instance succeeded"
assert_eq 1 "$(count_lines success.log 'instance 0 started')" "runs of a successful instance"

# --restart always restarts even a success; 2 restarts then give up.
set +e
"$DAEMONIZE" -f --restart always --restart-delay 0 --max-restarts 2 -- true 2>always.log
rc=$?
set -e
assert_eq 1 "$rc" "--restart always gives up too"
assert_eq 3 "$(count_lines always.log 'instance 0 started')" "runs with --restart always"

# Several instances that all succeed: the supervisor exits 0 (tornado).
set +e
"$DAEMONIZE" -f -n 3 -r -- sh -c 'exit 0' 2>all.log
rc=$?
set -e
assert_eq 0 "$rc" "all instances succeeded"
assert_eq 3 "$(count_lines all.log 'exited with status 0')" "instances that exited"
echo ok
