#!/bin/sh
# --reload: a rolling restart of -n 4 where every instance gets a new PID and
# at every moment at least 3 run (sampled from /proc throughout); with and
# without readiness; --restart-instance replaces one.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
INSTANCES="python3 $SOURCE_ROOT/tests/helpers/instances.py"
SERVICE="$SOURCE_ROOT/tests/helpers/watchdog_service.py"
set_is() { [ "$($INSTANCES "$1")" = "$2" ]; }

# reload_all NAME DAEMONIZE_ARGS...: starts -n 4, reloads, checks.
reload_all() {
    name=$1
    shift
    mkdir "$name"
    run_daemonize -r -n 4 -p "$name.pid" -o "$name.log" "$@" -- python3 "$SERVICE" "$dir/$name"
    assert_eq 0 "$rc" "$name: start ($(cat err))"
    sup=$(daemon_pid "$name.pid")
    wait_for 10 set_is "$sup" "0 1 2 3"
    before=$(children_of "$sup" | sort -n)
    track $before
    rm -f stop
    $INSTANCES "$sup" --watch "$dir/stop" "$dir/$name.watch" &
    watcher=$!
    track "$watcher"
    run_daemonize --reload -p "$name.pid"
    reload_rc=$rc
    touch stop
    wait "$watcher"
    assert_eq 0 "$reload_rc" "$name: --reload ($(cat err))"
    assert_eq "replaced 4 instances" "$(cat out)" "$name: --reload says"
    after=$(children_of "$sup" | sort -n)
    track $after
    assert_eq "0 1 2 3" "$($INSTANCES "$sup")" "$name: instances after the reload"
    for p in $after; do
        echo "$before" | grep -qx "$p" && fail "$name: PID $p was not replaced (before: $before)"
    done
    for p in $before; do wait_for 10 not_alive "$p"; done
    samples=$(sed -n 's/^samples //p' "$name.watch")
    lowest=$(sed -n 's/^min //p' "$name.watch")
    [ "$samples" -ge 20 ] || fail "$name: only $samples samples of the instance count"
    [ "$lowest" -ge 3 ] || fail "$name: only $lowest instances ran at one moment of the reload"
    echo "$name: at least $lowest instances ran at every one of $samples samples during the reload"
    # One at a time: each new run was up before its old run was stopped.
    for i in 0 1 2 3; do
        up=$(grep -n "instance $i: new run (pid [0-9]*) is up; stopping the old run" "$name.log" | cut -d: -f1)
        started=$(grep -n "instance $i: new run started" "$name.log" | cut -d: -f1)
        [ -n "$up" ] && [ -n "$started" ] && [ "$started" -lt "$up" ] ||
            fail "$name: instance $i was not replaced in order: $(cat "$name.log")"
    done
    # The history stays: restarts are not reloads.
    run_daemonize --status --json -p "$name.pid"
    python3 -c '
import json
s = json.load(open("out"))["supervisor"]
assert [i["restarts"] for i in s["instances"]] == [0, 0, 0, 0], s
assert all(i["old_pid"] is None and i["new_pid"] is None for i in s["instances"]), s
' || fail "$name: status after the reload: $(cat out)"
}

# Without readiness the new run must live 1 s (the default) before it counts.
reload_all plain
# With readiness (-w): READY=1 makes the new run count.
reload_all ready -w
assert_contains ready.log "instance 3: new run (pid" "ready: new run events"
assert_contains ready.log "ready" "ready: readiness events"

# --restart-instance 2: only instance 2 gets a new PID.
sup=$(cat ready.pid)
before=$(children_of "$sup" | sort -n)
run_daemonize --restart-instance 2 -p ready.pid
assert_eq 0 "$rc" "--restart-instance 2 ($(cat err))"
assert_eq "replaced 1 instance" "$(cat out)" "--restart-instance says"
after=$(children_of "$sup" | sort -n)
track $after
changed=""
for p in $after; do
    echo "$before" | grep -qx "$p" || changed="$changed $(env_of "$p" DAEMONIZE_INSTANCE)"
done
assert_eq " 2" "$changed" "instances with a new PID after --restart-instance 2"
run_daemonize --restart-instance 4 -p ready.pid
assert_eq 125 "$rc" "--restart-instance of an instance that does not exist"
assert_contains err "no instance 4" "--restart-instance 4 says why"

for f in plain ready; do
    run_daemonize --stop -p "$f.pid"
    assert_eq 0 "$rc" "stop $f"
done
echo ok
