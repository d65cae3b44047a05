#!/bin/sh
# kill -9 of a supervisor: its instances are not left running unsupervised
# (PR_SET_PDEATHSIG sends them SIGTERM), and a new start on the same
# pidfile succeeds. Repeated, with several instances each time.
set -eu
. "$(dirname "$0")/../integration/lib.sh"
cd "$dir"

round=0
while [ $round -lt 20 ]; do
    kill9_supervisor 4 sup.pid
    round=$((round + 1))
done
# The last start's pidfile names a dead supervisor: a new start takes over.
run_daemonize -r -p sup.pid -- sleep 300
assert_eq 0 "$rc" "start after kill -9"
sup=$(daemon_pid sup.pid)
"$DAEMONIZE" --stop -p sup.pid
wait_for 15 not_alive "$sup"
echo ok
