#!/bin/sh
# --min-uptime: the caller says 0 only once the command stayed up SECS; a
# command that dies sooner makes the start fail with its status, leaving
# nothing behind; under supervision a short run is a failure.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Dies after 0.2 s, as a server does on "address already in use".
run_daemonize -p a.pid -o a.log --min-uptime 1 -- sh -c 'sleep 0.2; echo bind failed >&2; exit 3'
assert_eq 3 "$rc" "its exit status"
assert_contains "$dir/err" "exited with status 3 after" "message"
assert_contains "$dir/err" "before --min-uptime 1 s" "message"
assert_eq 1 "$(wc -l < "$dir/err")" "one line"
[ ! -e a.pid ] || fail "pidfile left behind"
assert_contains a.log "bind failed" "what it said is kept"

# Status 0 too soon is no success; a signal gives 128+N.
run_daemonize -p a.pid --min-uptime 1 -- sh -c 'sleep 0.2; exit 0'
assert_eq 1 "$rc" "exit 0 before --min-uptime"
run_daemonize -p a.pid --min-uptime 1 -- sh -c 'sleep 0.2; kill -USR1 $$'
assert_eq 138 "$rc" "killed by SIGUSR1 before --min-uptime"

# Staying up: 0, and not before SECS.
start=$(now_ms)
run_daemonize -p up.pid --min-uptime 0.5 -- sleep 300
assert_eq 0 "$rc" "stayed up: $(cat "$dir/err")"
[ $(($(now_ms) - start)) -ge 500 ] || fail "returned before --min-uptime"
daemon_pid up.pid > /dev/null

# With -w: ready, and up long enough.
run_daemonize -p w.pid -w --min-uptime 1 -- sh -c "$NOTIFY_TOOL send \"\$NOTIFY_SOCKET\" READY=1; sleep 0.3; exit 4"
assert_eq 4 "$rc" "ready, then exited before --min-uptime"
assert_contains "$dir/err" "before --min-uptime" "message"
[ ! -e w.pid ] || fail "pidfile left behind (-w)"

# A detached supervisor: the caller waits for every instance.
run_daemonize -r -n 2 -p sup.pid --min-uptime 1 -- sh -c 'sleep 0.2; exit 0'
assert_eq 1 "$rc" "supervised start that does not stay up"
assert_contains "$dir/err" "before --min-uptime" "message"
[ ! -e sup.pid ] || fail "supervisor pidfile left behind"
start=$(now_ms)
run_daemonize -r -n 2 -p sup2.pid --min-uptime 0.5 -- sleep 300
assert_eq 0 "$rc" "supervised start that stays up: $(cat "$dir/err")"
[ $(($(now_ms) - start)) -ge 500 ] || fail "supervisor returned before --min-uptime"
sup=$(daemon_pid sup2.pid)
assert_eq 2 "$(children_of "$sup" | wc -l)" "two instances"

# Later runs shorter than SECS are failures, even with status 0: restarted
# under on-failure and counted by --max-restarts. The first run stays up
# and fails, every later one exits 0 at once.
cat > flaky <<EOF
#!/bin/sh
[ -e "$dir/ran" ] && exit 0
touch "$dir/ran"
sleep 1
exit 1
EOF
chmod 755 flaky
run_daemonize -r --restart-delay 0 --max-restarts 2 --min-uptime 0.5 -p f.pid -o f.log -- "$dir/flaky"
assert_eq 0 "$rc" "first run stayed up"
fpid=$(daemon_pid f.pid)
wait_for 20 not_alive "$fpid"
assert_contains f.log "giving up: 2 restarts" "short runs with status 0 counted"
assert_eq 2 "$(count_lines f.log 'exited with status 0 after .* s, less than --min-uptime')" "short runs, said so"
echo ok
