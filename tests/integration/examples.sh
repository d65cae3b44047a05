#!/bin/sh
# The files in examples/ work: the LSB init script through all its verbs,
# the systemd units pass `systemd-analyze verify` and their ExecStart lines
# do what the comments promise when run by hand.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
examples=$SOURCE_ROOT/examples
command -v systemd-notify >/dev/null || fail "systemd-notify is needed (Debian package systemd)"

# A stand-in program: reports ready, says so on HUP, runs until stopped.
cat > app <<'APP'
#!/bin/sh
trap 'echo reloaded' HUP
echo "app running as $$"
systemd-notify --ready 2>/dev/null || true
while :; do sleep 0.1; done
APP
chmod +x app

# The init script, with its settings pointed here.
sed -e "s|^DAEMON=.*|DAEMON=$dir/app|" -e "s|^PIDFILE=.*|PIDFILE=$dir/app.pid|" \
    -e "s|^LOGFILE=.*|LOGFILE=$dir/app.log|" -e "s|^DAEMONIZE=.*|DAEMONIZE=$DAEMONIZE; WAIT_READY=1|" \
    "$examples/init.d/app" > init
grep -q "^DAEMON=$dir/app\$" init || fail "the init script's settings moved"
run() { set +e; out=$(sh init "$@" 2>&1); rc=$?; set -e; out=$(echo "$out" | tail -n 1); }
run start
assert_eq "0 app started" "$rc $out" "start"
pid=$(daemon_pid app.pid)
run start
assert_eq "0 app already running" "$rc $out" "start while running"
run status
assert_eq "0 running (pid $pid)" "$rc $out" "status"
run reload
wait_for 10 lines_at_least app.log '^reloaded$' 1
run restart
assert_eq "0 app started" "$rc $out" "restart"
new=$(daemon_pid app.pid)
[ "$new" != "$pid" ] || fail "restart kept the old process"
not_alive "$pid" || fail "the old process survived the restart"
run stop
assert_eq "0 app stopped" "$rc $out" "stop"
run stop
assert_eq "0 app was not running" "$rc $out" "stop while stopped"
run status
assert_eq "3 not running" "$rc $out" "status when stopped"
run bogus
assert_eq 2 "$rc" "unknown verb"

# systemd units: valid for systemd (with this machine's paths).
for unit in "$examples"/systemd/*.service; do
    name=$(basename "$unit")
    sed -e "s|/usr/bin/daemonize|$DAEMONIZE|g" -e "s|/usr/bin/app|$dir/app|g" \
        -e "s|/run/app.pid|$dir/unit.pid|g" -e "s|/var/log/app.log|$dir/unit.log|g" "$unit" > "$name"
    set +e
    systemd-analyze verify "$dir/$name" > verify.out 2>&1
    vrc=$?
    set -e
    assert_eq 0 "$vrc" "systemd-analyze verify $name: $(cat verify.out)"
    [ ! -s verify.out ] || fail "systemd-analyze verify $name complains: $(cat verify.out)"
done
execstart() { sed -n '/^ExecStart=/,/[^\\]$/p' "$1" | sed -e 's/^ExecStart=//' -e 's/\\$//' | tr '\n' ' '; }

# Type=forking: the ExecStart returns once the program is ready.
eval "set -- $(execstart app-forking.service)"
assert_eq "$DAEMONIZE" "$1" "the unit runs daemonize"
shift
run_daemonize "$@"
assert_eq 0 "$rc" "Type=forking ExecStart (stderr: $(cat "$dir/err"))"
pid=$(daemon_pid unit.pid)
wait_for 10 lines_at_least unit.log '^app running' 1
"$DAEMONIZE" --stop -p unit.pid
not_alive "$pid" || fail "ExecStop left it running"

# Type=notify: READY=1 with daemonize's PID reaches the manager's socket.
"$NOTIFY_TOOL" listen "$dir/manager" &
track $!
wait_for 10 test -s manager.addr
eval "set -- $(execstart app.service)"
NOTIFY_SOCKET=$(cat manager.addr) "$@" &
init=$!
track "$init"
wait_for 15 lines_at_least manager "READY=1|MAINPID=$init" 1
kill -TERM "$init"
wait_for 20 not_alive "$init"
echo ok
