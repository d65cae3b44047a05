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
# (Two reloads were logged before this one: wait for this one's line.)
kids=$(children_of "$sup")
reloads=$(count_lines sup.log 'control: reload')
"$DAEMONIZE" --reload -p sup.pid > cut.out 2>&1 &
cut=$!
track "$cut"
wait_for 10 lines_at_least sup.log 'control: reload' $((reloads + 1))
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop during a reload"
set +e
wait "$cut"
cut_rc=$?
set -e
assert_eq 2 "$cut_rc" "the reload cut short by --stop ($(cat cut.out))"
assert_contains cut.out "the supervisor is stopping" "the cut reload says why"
for p in $kids $(children_of "$sup"); do is_alive "$p" && fail "PID $p left after --stop"; done

# A stop while a reload's new run is settling, with runs that outlive
# SIGTERM: the new run is never promoted, the supervisor stops cleanly.
run_daemonize -r --stop-timeout 3 -p deaf.pid -o deaf.log -- sh -c 'trap "" TERM; exec sleep 300'
assert_eq 0 "$rc" "start of a TERM-deaf service"
deaf=$(daemon_pid deaf.pid)
wait_for 10 children_count_is "$deaf" 1
track $(children_of "$deaf")
"$DAEMONIZE" --reload -p deaf.pid > deaf.out 2>&1 &
deafreload=$!
track "$deafreload"
wait_for 10 lines_at_least deaf.log 'new run started' 1
track $(children_of "$deaf")
run_daemonize --stop -p deaf.pid
assert_eq 0 "$rc" "stop during the reload of a TERM-deaf service ($(cat err))"
set +e
wait "$deafreload"
set -e
grep -q "is up" deaf.log && fail "a new run was promoted while stopping: $(cat deaf.log)"
assert_contains deaf.log "still running after 3.000 s: SIGKILL" "the stop escalated"
[ ! -e deaf.pid ] && [ ! -e deaf.pid.ctl ] || fail "the supervisor did not clean up (crashed?): $(ls)"

# A new run that closes its --ready-fd unready, or hangs (watchdog): the
# reload is aborted at once, the old run stays (--min-uptime: the new run
# must live 2 s to count as up, the watchdog fires first).
run_daemonize -r --ready-fd 3 --watchdog 0.5 --min-uptime 2 -c "$dir" -p fd.pid -o fd.log -- \
    sh -c 'if [ -e closefd ]; then exec 3>&-; exec sleep 300; fi; echo >&3; exec python3 '"$SOURCE_ROOT"'/tests/helpers/watchdog_service.py '"$dir"
assert_eq 0 "$rc" "start with --ready-fd ($(cat err))"
fdsup=$(daemon_pid fd.pid)
wait_for 10 children_count_is "$fdsup" 1
old=$(children_of "$fdsup")
track "$old"
touch closefd
run_daemonize --reload -p fd.pid
assert_eq 2 "$rc" "--reload with a new run that closes its ready fd"
assert_contains err "closed fd 3 without reporting ready" "the reason"
assert_eq "$old" "$(children_of "$fdsup")" "the old run after the aborted reload"
rm closefd
touch hang-new.0
run_daemonize --reload -p fd.pid
assert_eq 2 "$rc" "--reload with a new run that hangs"
assert_contains err "hung (watchdog)" "the reason"
assert_contains fd.log "sent no WATCHDOG=1 for 0.5 s: SIGABRT (watchdog)" "the watchdog fired on the new run"
wait_for 10 children_count_is "$fdsup" 1
assert_eq "$old" "$(children_of "$fdsup")" "the old run after the hung new run"
rm hang-new.0
run_daemonize --stop -p fd.pid
assert_eq 0 "$rc" "stop"

# -w with --min-uptime longer than --ready-timeout: a new run ready at once
# is not cut off by the readiness deadline while it settles.
run_daemonize -r -w --ready-timeout 1 --min-uptime 2 -p slow.pid -o slow.log -- \
    python3 "$SOURCE_ROOT/tests/helpers/watchdog_service.py" "$dir"
assert_eq 0 "$rc" "start with -w and --min-uptime 2 ($(cat err))"
slowsup=$(daemon_pid slow.pid)
track $(children_of "$slowsup")
run_daemonize --reload -p slow.pid
assert_eq 0 "$rc" "--reload that settles longer than --ready-timeout ($(cat err))"
track $(children_of "$slowsup")
run_daemonize --stop -p slow.pid
assert_eq 0 "$rc" "stop"

# --child-pidfile names one PID: no scaling past one instance.
run_daemonize -r --child-pidfile child.pid -p one.pid -- sleep 300
assert_eq 0 "$rc" "start with --child-pidfile"
onesup=$(daemon_pid one.pid)
track $(children_of "$onesup")
run_daemonize --scale 2 -p one.pid
assert_eq 125 "$rc" "--scale 2 with --child-pidfile"
assert_contains err "cannot scale to 2" "the reason"
run_daemonize --stop -p one.pid
assert_eq 0 "$rc" "stop"
echo ok
