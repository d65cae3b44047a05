#!/bin/sh
# A restart that cannot even fork (the user's process limit is reached) is a
# failed run: logged, retried with the backoff, and the instance comes back
# once processes are free again; never a supervisor with nothing to run.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "runs the supervisor as an unused uid under a process limit and fills that uid's process table"
cd "$dir"
chmod 755 "$dir"
# RLIMIT_NPROC counts every process of a user, zombies too: a uid of its own
# (no passwd entry needed) keeps other tests' processes out of the count.
uid=64999
procs_of_uid() { grep -l "^Uid:[[:space:]]*$uid[[:space:]]" /proc/[0-9]*/status 2>/dev/null | wc -l; }
[ "$(procs_of_uid)" -eq 0 ] || { echo "SKIP: uid $uid has processes already"; exit 77; }
as_uid() { setpriv --reuid=$uid --regid=$uid --clear-groups "$@"; }
mkdir d
chown $uid:$uid d
limit=6
prlimit --nproc=$limit:$limit setpriv --reuid=$uid --regid=$uid --clear-groups \
    "$DAEMONIZE" -r --restart-delay 0.1:0.4 -p "$dir/d/s.pid" -o "$dir/d/s.log" -- sleep 300 >out 2>err \
    || fail "start as uid $uid under a process limit: $(cat err)"
sup=$(daemon_pid d/s.pid)
wait_for 10 children_count_is "$sup" 1
first=$(children_of "$sup")
track "$first"

# Fill the uid's process table to the limit, then make the instance restart.
fillers=""
while [ "$(procs_of_uid)" -le "$limit" ]; do  # one more: the instance will go
    setpriv --reuid=$uid --regid=$uid --clear-groups sleep 300 &
    fillers="$fillers $!"
    track $!
    wait_for 10 comm_is $! sleep
done
kill -9 "$first"
wait_for 20 lines_at_least d/s.log 'Resource temporarily unavailable' 2
assert_contains d/s.log 'restarting in' "retry after a failed fork"
children_count_is "$sup" 0 || fail "an instance runs although the uid's process table is full"
set +e
as_uid "$DAEMONIZE" --status -p d/s.pid >/dev/null
rc=$?
set -e
assert_eq 0 "$rc" "--status of the supervisor, as its user"

# Free the table: the next attempt succeeds.
for p in $fillers; do kill -9 "$p"; done
for p in $fillers; do wait "$p" 2>/dev/null || true; done
wait_for 20 children_count_is "$sup" 1
second=$(children_of "$sup")
track "$second"
[ "$second" != "$first" ] || fail "no new instance"
comm_is "$second" sleep || wait_for 10 comm_is "$second" sleep
echo ok
