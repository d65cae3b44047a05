#!/bin/sh
# Stopping: a TERM-ignoring instance is KILLed after --stop-timeout, with
# everything in its process group; a stop during backoff cancels the restart.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# The instance ignores TERM and has a helper in its group that does too.
"$DAEMONIZE" -r --stop-timeout 1 -p s.pid -o s.log -- \
    sh -c 'trap "" TERM; sh -c "trap \"\" TERM; echo \$\$ > $0/helper; exec sleep 300" & exec sleep 300' "$dir"
sup=$(daemon_pid s.pid)
wait_for 10 test -s helper
helper=$(cat helper)
track "$helper"
wait_for 10 children_count_is "$sup" 1
inst=$(children_of "$sup")
track "$inst"
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
is_alive "$inst" && fail "TERM-ignoring instance survived"
is_alive "$helper" && fail "a process in the instance's group survived"
assert_contains s.log "still running after 1.000 s: SIGKILL" "kill event"
[ ! -e s.pid ] || fail "pidfile left after the stop"

# INT stops too, and a pending restart is cancelled.
"$DAEMONIZE" -r --restart-delay 30 -p b.pid -o b.log -- false
sup=$(daemon_pid b.pid)
wait_for 10 lines_at_least b.log 'restarting in' 1
kill -INT "$sup"
wait_for 10 not_alive "$sup"
assert_eq 1 "$(count_lines b.log 'instance 0 started')" "no restart after the stop"

# kill -9 of the supervisor: its instances get SIGTERM (PR_SET_PDEATHSIG)
# instead of running on unsupervised, and the pidfile can be taken over.
kill9_supervisor 2 k.pid
run_daemonize -p k.pid -- sleep 300
assert_eq 0 "$rc" "start over the pidfile of a killed supervisor"
echo ok
