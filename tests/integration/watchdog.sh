#!/bin/sh
# --watchdog: instances get WATCHDOG_USEC and their own WATCHDOG_PID; one
# that keeps pinging lives on; a hung one (no WATCHDOG=1) is killed with
# SIGABRT and restarted, and --status shows it; WATCHDOG=trigger works.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
SERVICE="$SOURCE_ROOT/tests/helpers/watchdog_service.py"
INSTANCES="python3 $SOURCE_ROOT/tests/helpers/instances.py"
mkdir runs

run_daemonize -r -n 2 --watchdog 1 --stop-timeout 2 -p sup.pid -o sup.log -- python3 "$SERVICE" "$dir/runs"
assert_eq 0 "$rc" "start ($(cat err))"
sup=$(daemon_pid sup.pid)
runs_of() { ls runs | grep -c "^run\.$1\." || true; }  # I: how many runs instance I had
two_runs() { [ "$(runs_of 0)" -ge 1 ] && [ "$(runs_of 1)" -ge 1 ]; }
wait_for 10 two_runs
for f in runs/run.*; do
    pid=${f##*.}
    track "$pid"
    assert_eq "WATCHDOG_USEC=1000000" "$(sed -n 1p "$f")" "WATCHDOG_USEC of $f"
    assert_eq "WATCHDOG_PID=$pid" "$(sed -n 2p "$f")" "WATCHDOG_PID is the instance's own PID ($f)"
    assert_eq "1000000" "$(env_of "$pid" WATCHDOG_USEC)" "WATCHDOG_USEC in /proc/$pid/environ"
    env_of "$pid" NOTIFY_SOCKET | grep -q '^@' || fail "no NOTIFY_SOCKET for $pid"
done
first0=$(ls runs | sed -n 's/^run\.0\.//p')
first1=$(ls runs | sed -n 's/^run\.1\.//p')

# Pinging instances outlive the watchdog period several times over.
uptime_over() {  # SECS: both instances have run that long
    "$DAEMONIZE" --status --json -p sup.pid | python3 -c '
import json, sys
ins = json.load(sys.stdin)["supervisor"]["instances"]
sys.exit(0 if all((i["uptime"] or 0) >= float(sys.argv[1]) for i in ins) else 1)' "$1"
}
wait_for 20 uptime_over 3
assert_eq "1 1" "$(runs_of 0) $(runs_of 1)" "runs of instances 0 and 1 before the hang"
is_alive "$first0" && is_alive "$first1" || fail "a pinging instance was killed: $(cat sup.log)"

# Instance 1 hangs: killed with SIGABRT within about a second, restarted.
touch runs/hang.1
wait_for 15 lines_at_least sup.log "instance 1 (pid $first1) sent no WATCHDOG=1 for 1.0 s: SIGABRT (watchdog)" 1
wait_for 10 not_alive "$first1"
assert_contains sup.log "instance 1 (pid $first1) killed by SIGABRT" "the hung instance died of SIGABRT"
rm runs/hang.1
runs_at_least() { [ "$(runs_of "$1")" -ge "$2" ]; }
wait_for 10 runs_at_least 1 2
assert_contains sup.log "instance 1 restarting in" "the hung instance is restarted (on-failure)"
is_alive "$first0" || fail "instance 0 was killed with instance 1"
run_daemonize --status --json -p sup.pid
python3 -c '
import json
s = json.load(open("out"))["supervisor"]
assert s["watchdog"] == 1.0, s
one = s["instances"][1]
assert one["watchdog_kills"] == 1 and one["restarts"] >= 1, one
assert one["last_exit"]["signal"] == "SIGABRT" and one["last_exit"]["watchdog"] is True, one
assert s["instances"][0]["watchdog_kills"] == 0, s
' || fail "status after the watchdog kill: $(cat out)"
run_daemonize --status -p sup.pid
grep -q "SIGABRT (watchdog)" out || fail "the table does not show the watchdog kill: $(cat out)"
track $(children_of "$sup")

# WATCHDOG=trigger: instance 0 asks to be treated as hung.
touch runs/trigger.0
wait_for 10 lines_at_least sup.log "instance 0 (pid $first0) sent WATCHDOG=trigger: SIGABRT (watchdog)" 1
wait_for 10 not_alive "$first0"
wait_for 10 runs_at_least 0 2
track $(children_of "$sup")
assert_eq "0 1" "$($INSTANCES "$sup")" "both instances run again"

run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop"

# A hung instance that ignores SIGABRT is killed after --stop-timeout.
run_daemonize -r --watchdog 0.5 --stop-timeout 0.5 -p ign.pid -o ign.log -- \
    sh -c 'trap "" ABRT; exec sleep 300'
assert_eq 0 "$rc" "start of an instance that never pings"
ign=$(daemon_pid ign.pid)
wait_for 10 lines_at_least ign.log 'SIGABRT (watchdog)' 1
wait_for 10 lines_at_least ign.log 'still running 0.500 s after it was asked to stop: SIGKILL' 1
wait_for 10 lines_at_least ign.log 'killed by SIGKILL' 1
track $(children_of "$ign")
run_daemonize --stop -p ign.pid
assert_eq 0 "$rc" "stop"
echo ok
