#!/bin/sh
# --scale: 2 -> 5 -> 1 -> 0 -> 2, checked with the exact set of instance
# numbers in /proc (DAEMONIZE_INSTANCE); instances that stay keep their PIDs.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
INSTANCES="python3 $SOURCE_ROOT/tests/helpers/instances.py"
set_is() { [ "$($INSTANCES "$1")" = "$2" ]; }  # SUP "0 1 2"

run_daemonize -r -n 2 -p sup.pid -o sup.log -- sleep 300
assert_eq 0 "$rc" "start ($(cat err))"
sup=$(daemon_pid sup.pid)
wait_for 10 set_is "$sup" "0 1"
first=$(children_of "$sup")
track $first
pid0=$(for k in $first; do [ "$(env_of "$k" DAEMONIZE_INSTANCE)" != 0 ] || echo "$k"; done)

run_daemonize --scale 5 -p sup.pid
assert_eq 0 "$rc" "--scale 5 ($(cat err))"
assert_eq "scaled from 2 to 5 instances" "$(cat out)" "--scale 5 says"
# Returned once they were started: the set is exact now.
assert_eq "0 1 2 3 4" "$($INSTANCES "$sup")" "instances after --scale 5"
track $(children_of "$sup")
is_alive "$pid0" || fail "instance 0 (pid $pid0) did not survive the scale up"

run_daemonize --scale 1 -p sup.pid
assert_eq 0 "$rc" "--scale 1 ($(cat err))"
# Returned once the others had exited.
assert_eq "0" "$($INSTANCES "$sup")" "instances after --scale 1"
assert_eq "$pid0" "$(children_of "$sup")" "instance 0 kept its PID"
# Stopped gracefully, highest numbers first.
assert_eq "4 3 2 1" "$(sed -n 's/.*instance \([0-9]\) stopped for --scale$/\1/p' sup.log | tr '\n' ' ' | sed 's/ $//')" \
    "order of the stops"
assert_contains sup.log "instance 4 (pid" "stop of instance 4 logged"
grep -q "instance [1-4] (pid [0-9]*) killed by SIGTERM" sup.log || fail "not stopped with SIGTERM: $(cat sup.log)"

run_daemonize --status --json -p sup.pid
python3 -c '
import json
s = json.load(open("out"))["supervisor"]
assert s["target"] == 1 and [i["instance"] for i in s["instances"]] == [0], s
assert s["instances"][0]["restarts"] == 0, s
' || fail "status after --scale 1: $(cat out)"

# 0 keeps the supervisor, with nothing to run.
run_daemonize --scale 0 -p sup.pid
assert_eq 0 "$rc" "--scale 0 ($(cat err))"
assert_eq "" "$(children_of "$sup")" "children after --scale 0"
is_alive "$sup" || fail "the supervisor left after --scale 0"
run_daemonize --status -p sup.pid
assert_eq 0 "$rc" "--status after --scale 0"
sed -n 2p out | grep -q '^supervisor of 0 instances' || fail "status after --scale 0: $(cat out)"

run_daemonize --scale 2 -p sup.pid
assert_eq 0 "$rc" "--scale 2 ($(cat err))"
assert_eq "0 1" "$($INSTANCES "$sup")" "instances after --scale 2"
track $(children_of "$sup")
run_daemonize --scale 2 -p sup.pid
assert_eq 0 "$rc" "--scale to the same number"
assert_eq "already 2 instances" "$(cat out)" "same number"

# A crashed instance is still restarted with its number (bookkeeping intact).
victim=$(children_of "$sup" | head -1)
number=$(env_of "$victim" DAEMONIZE_INSTANCE)
kill -9 "$victim"
wait_for 10 not_alive "$victim"
wait_for 10 set_is "$sup" "0 1"
track $(children_of "$sup")
assert_contains sup.log "instance $number restarting in" "restart after the scale"

# The control socket costs nothing while idle: no wakeups over 2 s.
before=$(status_field "$sup" voluntary_ctxt_switches)
sleep 2
assert_eq "$before" "$(status_field "$sup" voluntary_ctxt_switches)" "wakeups of the idle supervisor with its socket"

# Not a supervisor, not running: clear answers.
run_daemonize -p plain.pid -- sleep 300
plain=$(daemon_pid plain.pid)
run_daemonize --scale 3 -p plain.pid
assert_eq 125 "$rc" "--scale of a plain daemon"
assert_contains err "not a supervisor with live control" "--scale of a plain daemon says why"
run_daemonize --scale 3 -p none.pid
assert_eq 1 "$rc" "--scale of nothing"
assert_contains err "not running" "--scale of nothing says why"

run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop"
echo ok
