#!/bin/sh
# --status on a supervisor: one line per instance (table and JSON, the JSON
# read by python3's json), with a crash-looping instance visible at a glance;
# plain daemons and stopped services keep their answers; the control socket
# is private and goes with the supervisor.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
command -v python3 >/dev/null || fail "python3 is needed (README: dependencies)"

# Instance 2 exits 3 after 0.2 s, again and again.
run_daemonize -r -n 3 --restart-delay 0.05:0.2 -p sup.pid -o sup.log -- \
    sh -c 'if [ "$DAEMONIZE_INSTANCE" = 2 ]; then sleep 0.2; exit 3; fi; exec sleep 300'
assert_eq 0 "$rc" "supervised start ($(cat err))"
sup=$(daemon_pid sup.pid)
wait_for 10 lines_at_least sup.log 'instance 2 restarting' 3
track $(children_of "$sup")

# The socket: next to the pidfile, a socket, mode 0600, ours.
[ -S sup.pid.ctl ] || fail "no control socket sup.pid.ctl: $(ls -l)"
assert_eq "600 $(id -u)" "$(stat -c '%a %u' sup.pid.ctl)" "mode and owner of the control socket"

run_daemonize --status -p sup.pid
assert_eq 0 "$rc" "--status of a running supervisor ($(cat err))"
assert_eq "running (pid $sup)" "$(head -1 out)" "first line, as before"
sed -n 2p out | grep -q '^supervisor of 3 instances, up ' || fail "second line: $(cat out)"
sed -n 3p out | grep -q '^INSTANCE  PID  *STATE  *UPTIME  *RESTARTS  *LAST EXIT$' || fail "table header: $(cat out)"
assert_eq 6 "$(wc -l < out)" "lines: two, a header and one per instance ($(cat out))"
for i in 0 1; do
    line=$(awk -v i="$i" 'NR > 3 && $1 == i' out)
    pid=$(echo "$line" | awk '{print $2}')
    assert_eq "$i" "$(env_of "$pid" DAEMONIZE_INSTANCE)" "instance $i's PID in the table names it ($line)"
    echo "$line" | grep -q " running .* 0  *-$" || fail "instance $i should be running, 0 restarts, no exit: $line"
done
crash=$(awk 'NR > 3 && $1 == 2' out)
echo "$crash" | grep -q 'status 3, [0-9.]* s ago$' || fail "instance 2's last exit: $crash"
restarts=$(echo "$crash" | sed 's/.*  \([0-9][0-9]*\)  *status 3.*/\1/')
[ "$restarts" -ge 3 ] || fail "instance 2's restarts: $crash"

# The same as JSON.
run_daemonize --status --json -p sup.pid
assert_eq 0 "$rc" "--status --json exit status ($(cat err))"
python3 - "$sup" "$dir/sup.pid" out <<'PY' || fail "JSON: $(cat out)"
import json, sys
sup, pidfile, path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
d = json.load(open(path))
assert d["version"] == 1, d
assert d["state"] == "running" and d["running"] is True and d["pid"] == sup, d
assert d["pidfile"] == pidfile, d["pidfile"]
assert d["error"] is None, d
s = d["supervisor"]
assert s["target"] == 3 and s["operation"] is None and s["watchdog"] is None, s
assert s["uptime"] > 0, s
ins = s["instances"]
assert [i["instance"] for i in ins] == [0, 1, 2], ins
for i in ins[:2]:
    assert i["state"] == "running" and i["restarts"] == 0 and i["last_exit"] is None, i
    env = open("/proc/%d/environ" % i["pid"], "rb").read().split(b"\0")
    assert ("DAEMONIZE_INSTANCE=%d" % i["instance"]).encode() in env, i
crash = ins[2]
assert crash["restarts"] >= 3, crash
last = crash["last_exit"]
assert last["code"] == 3 and last["signal"] is None and last["watchdog"] is False, last
assert last["ago"] >= 0 and last["at"].endswith("Z"), last
assert crash["state"] in ("running", "backoff"), crash
if crash["state"] == "backoff":
    assert crash["pid"] is None and crash["backoff_left"] >= 0, crash
PY

# Idle connections cannot lock the channel: 40 that never ask anything,
# held open, and --status still gets its table.
python3 -c '
import os, socket, sys, time
held = []
for _ in range(40):
    c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    c.connect("sup.pid.ctl")
    held.append(c)
open("held", "w").close()
time.sleep(300)
' &
holder=$!
track "$holder"
wait_for 10 test -e held
run_daemonize --status -p sup.pid
assert_eq 0 "$rc" "--status with 40 idle connections held ($(cat err))"
assert_eq 6 "$(wc -l < out)" "the table with 40 idle connections held ($(cat out))"
kill "$holder"

# A plain daemon: one line as before; JSON without a supervisor.
run_daemonize -p plain.pid -- sleep 300
assert_eq 0 "$rc" "plain start"
plain=$(daemon_pid plain.pid)
[ ! -e plain.pid.ctl ] || fail "a plain daemon has no control socket"
run_daemonize --status -p plain.pid
assert_eq 0 "$rc" "--status of a plain daemon"
assert_eq "running (pid $plain)" "$(cat out)" "plain daemon's status"
[ ! -s err ] || fail "stderr for a plain daemon: $(cat err)"
run_daemonize --status --json -p plain.pid
python3 -c '
import json, sys
d = json.load(open("out"))
assert d["state"] == "running" and d["pid"] == int(sys.argv[1]) and d["supervisor"] is None and d["error"] is None, d
' "$plain" || fail "plain JSON: $(cat out)"

# Not running: LSB 3, and JSON says so.
run_daemonize --status --json -p none.pid
assert_eq 3 "$rc" "--status --json of nothing"
python3 -c '
import json
d = json.load(open("out"))
assert d["state"] == "not-running" and d["running"] is False and d["pid"] is None and d["supervisor"] is None, d
' || fail "not-running JSON: $(cat out)"

# The supervisor stops: its socket goes before its pidfile.
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "--stop of the supervisor ($(cat err))"
[ ! -e sup.pid.ctl ] || fail "the control socket outlived the supervisor"
[ ! -e sup.pid ] || fail "the pidfile outlived the supervisor"
run_daemonize --status -p sup.pid
assert_eq 3 "$rc" "--status after --stop"
echo ok
