#!/bin/sh
# A restart that cannot even fork (the user's process limit is reached) is a
# failed run: logged, retried with the backoff, and the instance comes back
# once processes are free again; never a supervisor with nothing to run.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "runs the supervisor as nobody under a process limit and fills nobody's process table"
cd "$dir"
chmod 755 "$dir"
mkdir d
chown nobody:nogroup d

# RLIMIT_NPROC counts every process of the user, zombies too (other tests'
# may have left some): the limit is 6 above what nobody has now.
nobody_count() {
    grep -l '^Uid:[[:space:]]*65534[[:space:]]' /proc/[0-9]*/status 2>/dev/null | wc -l
}
limit=$(($(nobody_count) + 6))
prlimit --nproc=$limit:$limit setpriv --reuid=nobody --regid=nogroup --clear-groups \
    "$DAEMONIZE" -r --restart-delay 0.1:0.4 -p "$dir/d/s.pid" -o "$dir/d/s.log" -- sleep 300 >out 2>err \
    || fail "start as nobody under a process limit: $(cat err)"
sup=$(daemon_pid d/s.pid)
wait_for 10 children_count_is "$sup" 1
first=$(children_of "$sup")
track "$first"

# Fill nobody's process table to the limit, then make the instance restart.
fillers=""
while [ "$(nobody_count)" -le "$limit" ]; do  # one more: the instance will go
    setpriv --reuid=nobody --regid=nogroup --clear-groups sleep 300 &
    fillers="$fillers $!"
    track $!
    wait_for 10 comm_is $! sleep
done
kill -9 "$first"
wait_for 20 lines_at_least d/s.log 'Resource temporarily unavailable' 2
assert_contains d/s.log 'restarting in' "retry after a failed fork"
children_count_is "$sup" 0 || fail "an instance runs although nobody's process table is full"
set +e
as_nobody "$DAEMONIZE" --status -p d/s.pid >/dev/null
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
