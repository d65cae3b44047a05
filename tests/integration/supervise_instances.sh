#!/bin/sh
# -n 3 -r: three children of the supervisor with stable instance numbers;
# a killed one comes back with the same number; TERM stops everything.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

run_daemonize -r -n 3 -p sup.pid -o sup.log -- sleep 300
assert_eq 0 "$rc" "supervised start ($(cat "$dir/err"))"
sup=$(daemon_pid sup.pid)
wait_for 10 children_count_is "$sup" 3
kids=$(children_of "$sup")
track $kids

ids=""
for k in $kids; do
    ids="$ids $(env_of "$k" DAEMONIZE_INSTANCE)"
    # each instance leads its own process group
    pgrp=$(sed 's/.*) //' /proc/$k/stat | cut -d' ' -f3)
    assert_eq "$k" "$pgrp" "process group of instance pid $k"
done
assert_eq "0 1 2" "$(echo $ids | tr ' ' '\n' | sort -n | tr '\n' ' ' | sed 's/ $//')" "instance numbers"
assert_eq 3 "$(count_lines sup.log 'instance [0-2] started (pid [0-9]*)')" "start events in the log"
grep -q '^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9:.]*[+-][0-9][0-9]:[0-9][0-9] daemonize\['"$sup"'\]: instance 0 started' sup.log ||
    fail "log lines carry no timestamp: $(head -1 sup.log)"

# Kill instance 1: it comes back as instance 1 with a new PID.
victim=""
for k in $kids; do [ "$(env_of "$k" DAEMONIZE_INSTANCE)" = 1 ] && victim=$k; done
kill -9 "$victim"
wait_for 10 lines_at_least sup.log 'instance 1 started' 2
wait_for 10 children_count_is "$sup" 3
new=""
for k in $(children_of "$sup"); do
    track "$k"
    [ "$(env_of "$k" DAEMONIZE_INSTANCE)" = 1 ] && new=$k
done
[ -n "$new" ] || fail "no instance 1 after the restart"
[ "$new" != "$victim" ] || fail "instance 1 kept PID $victim"
assert_contains sup.log "instance 1 (pid $victim) killed by SIGKILL" "exit event"
assert_contains sup.log "instance 1 restarting in" "restart event"
is_alive "$victim" && fail "the killed instance is still alive"

# TERM to the supervisor: every instance and the supervisor go, the pidfile too.
kids=$(children_of "$sup")
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
for k in $kids; do is_alive "$k" && fail "instance $k survived the stop"; done
[ ! -e sup.pid ] || fail "the supervisor left its pidfile"
assert_contains sup.log "received SIGTERM: stopping" "stop event"

# -n 0: one instance per online CPU.
"$DAEMONIZE" -n 0 -r -p cpu.pid -- sleep 300
sup=$(daemon_pid cpu.pid)
wait_for 10 children_count_is "$sup" "$(nproc)"
track $(children_of "$sup")
echo ok
