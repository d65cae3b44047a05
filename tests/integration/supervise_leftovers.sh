#!/bin/sh
# When the supervisor ends, what is left of the service (processes its
# instances left behind, reparented to it as a subreaper, even in another
# session) is killed; children daemonize -f had before it started (a shell's
# background job) are not the service's and are left alone.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# A shell's background job, then exec daemonize -f: the job must survive.
sh -c 'sleep 300 & echo $! > bg; exec "$1" -f -- sh -c "exit 0"' sh "$DAEMONIZE"
bg=$(cat bg)
track "$bg"
is_alive "$bg" || fail "daemonize -f killed a child it inherited from the shell that exec'd it"

# An instance leaves an orphan in its own session, then exits: -f ends
# with it and takes the orphan down.
"$DAEMONIZE" -f -- sh -c 'setsid sleep 300 & echo $! > orphan; exit 0'
orphan=$(cat orphan)
track "$orphan"
wait_for 10 not_alive "$orphan"

# The same for a detached supervisor that is stopped.
run_daemonize -r -p s.pid -- sh -c 'setsid sleep 300 & echo $! > "$0/orphan2"; exec sleep 300' "$dir"
assert_eq 0 "$rc" "start (stderr: $(cat err))"
sup=$(daemon_pid s.pid)
wait_for 10 test -s orphan2
orphan2=$(cat orphan2)
track "$orphan2"
run_daemonize --stop -p s.pid
assert_eq 0 "$rc" "--stop (stderr: $(cat err))"
not_alive "$sup" || fail "the supervisor is still running after --stop"
wait_for 10 not_alive "$orphan2"
echo ok
