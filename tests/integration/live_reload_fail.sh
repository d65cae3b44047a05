#!/bin/sh
# A reload whose new run fails keeps the old run (and says so in its exit
# status); one operation at a time; the old runs are untouched.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
INSTANCES="python3 $SOURCE_ROOT/tests/helpers/instances.py"
set_is() { [ "$($INSTANCES "$1")" = "$2" ]; }

# The "new version" exits 7 at once while ./broken exists.
run_daemonize -r -n 2 -c "$dir" -p sup.pid -o sup.log -- \
    sh -c 'if [ -e broken ]; then exit 7; fi; exec sleep 300'
assert_eq 0 "$rc" "start ($(cat err))"
sup=$(daemon_pid sup.pid)
wait_for 10 set_is "$sup" "0 1"
before=$(children_of "$sup" | sort -n)
track $before

touch broken
run_daemonize --reload -p sup.pid
assert_eq 2 "$rc" "--reload with a failing new run"
assert_contains err "instance 0: the new run (pid" "the failure names the instance"
assert_contains err "exited with status 7 before it was up" "the failure says how the new run ended"
assert_contains err "keeps running" "the failure says the old run stays"
assert_eq "$before" "$(children_of "$sup" | sort -n)" "the old runs after the failed reload"
assert_contains sup.log "reload aborted" "the supervisor logs the abort"
# The failed new run is not a restart of the instance.
run_daemonize --status --json -p sup.pid
python3 -c '
import json
s = json.load(open("out"))["supervisor"]
assert s["operation"] is None, s
assert [(i["state"], i["restarts"]) for i in s["instances"]] == [("running", 0), ("running", 0)], s
' || fail "status after the failed reload: $(cat out)"

# Fixed: the reload goes through.
rm broken
run_daemonize --reload -p sup.pid
assert_eq 0 "$rc" "--reload once fixed ($(cat err))"
track $(children_of "$sup")

# One operation at a time: a reload that takes a while (--min-uptime 3 on
# a restart-instance) refuses a --scale meanwhile.
"$DAEMONIZE" --restart-instance 1 -p sup.pid > slow.out 2>&1 &
slow=$!
track "$slow"
wait_for 10 lines_at_least sup.log 'control: restart 1' 1
# The new run counts as up only after 1 s: the reload is still under way.
run_daemonize --scale 3 -p sup.pid
assert_eq 2 "$rc" "--scale during a reload"
assert_contains err "busy: a reload is under way" "--scale during a reload says why"
run_daemonize --status -p sup.pid
assert_eq 0 "$rc" "--status answers during a reload"
sed -n 2p out | grep -q "reload under way" || fail "status during a reload: $(cat out)"
grep -q "new run [0-9]* starting" out || fail "status shows the new run: $(cat out)"
set +e
wait "$slow"
slow_rc=$?
set -e
assert_eq 0 "$slow_rc" "the slow --restart-instance ($(cat slow.out))"
track $(children_of "$sup")

# A reload cut short by --stop: its client is told, nothing is left.
kids=$(children_of "$sup")
"$DAEMONIZE" --reload -p sup.pid > cut.out 2>&1 &
cut=$!
track "$cut"
wait_for 10 lines_at_least sup.log 'control: reload' 2
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop during a reload"
set +e
wait "$cut"
cut_rc=$?
set -e
assert_eq 2 "$cut_rc" "the reload cut short by --stop ($(cat cut.out))"
assert_contains cut.out "the supervisor is stopping" "the cut reload says why"
for p in $kids $(children_of "$sup"); do is_alive "$p" && fail "PID $p left after --stop"; done
echo ok
