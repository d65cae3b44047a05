#!/bin/sh
# The examples as the build generates them (examples/*.in, with the
# configured bindir) work: the LSB init script through all its verbs, reload
# included; the systemd units pass `systemd-analyze verify`, and their
# ExecStart and ExecReload lines do what the comments promise, run by hand.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
[ -n "$BUILD_ROOT" ] || fail "usage: $0 DAEMONIZE SIGPREP NOTIFY_TOOL SOURCE_ROOT BUILD_ROOT"
examples=$BUILD_ROOT/examples
prefix=$(sed -n 's/.*"name": "prefix", "value": "\([^"]*\)".*/\1/p' "$BUILD_ROOT/meson-info/intro-buildoptions.json" | head -1)
bindir=$(sed -n 's/.*"name": "bindir", "value": "\([^"]*\)".*/\1/p' "$BUILD_ROOT/meson-info/intro-buildoptions.json" | head -1)
case $bindir in /*) installed=$bindir/daemonize ;; *) installed=$prefix/$bindir/daemonize ;; esac
for f in app app.service app-forking.service; do
    [ -s "$examples/$f" ] || fail "the build did not generate examples/$f"
    grep -q "$installed" "$examples/$f" || fail "examples/$f does not name the installed binary $installed"
    ! grep -q "@BINDIR@\|/usr/bin/daemonize" "$examples/$f" || [ "$installed" = /usr/bin/daemonize ] ||
        fail "examples/$f names another daemonize: $(grep -n daemonize "$examples/$f" | head -3)"
done
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
    -e "s|^LOGFILE=.*|LOGFILE=$dir/app.log|" -e "s|^DAEMONIZE=$installed\$|DAEMONIZE=$DAEMONIZE; WAIT_READY=1|" \
    "$examples/app" > init
grep -q "^DAEMONIZE=$DAEMONIZE; WAIT_READY=1\$" init || fail "the init script does not set DAEMONIZE=$installed"
grep -q "^DAEMON=$dir/app\$" init || fail "the init script's settings moved"
run() { set +e; out=$(sh init "$@" 2>&1); rc=$?; set -e; out=$(echo "$out" | tail -n 1); }
run start
assert_eq "0 app started" "$rc $out" "start"
pid=$(daemon_pid app.pid)
run start
assert_eq "0 app already running" "$rc $out" "start while running"
run status
assert_eq "0 running (pid $pid)" "$rc $out" "status"
# reload: without a RELOAD_SIGNAL it is "unimplemented" (LSB 3), and the
# program, which may not survive a stray SIGHUP, is left alone.
run reload
assert_eq 3 "$rc" "reload without RELOAD_SIGNAL"
is_alive "$pid" || fail "reload without RELOAD_SIGNAL hurt the program"
sed -i 's/^RELOAD_SIGNAL=""$/RELOAD_SIGNAL=HUP/' init
run reload
assert_eq "0 app reloading" "$rc $out" "reload with RELOAD_SIGNAL=HUP"
wait_for 10 lines_at_least app.log '^reloaded$' 1
is_alive "$pid" || fail "the program did not survive its reload"
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
for unit in "$examples"/*.service; do
    name=$(basename "$unit")
    sed -e "s|$installed|$DAEMONIZE|g" -e "s|/usr/bin/app|$dir/app|g" \
        -e "s|/run/app.pid|$dir/unit.pid|g" -e "s|/var/log/app.log|$dir/unit.log|g" "$unit" > "$name"
    set +e
    systemd-analyze verify "$dir/$name" > verify.out 2>&1
    vrc=$?
    set -e
    assert_eq 0 "$vrc" "systemd-analyze verify $name: $(cat verify.out)"
    [ ! -s verify.out ] || fail "systemd-analyze verify $name complains: $(cat verify.out)"
done
execline() {  # KEY UNIT: the value of KEY=, joined over continuation lines
    awk -v key="$1=" 'index($0, key) == 1 { on = 1; $0 = substr($0, length(key) + 1) }
        on { cont = sub(/\\$/, ""); printf "%s ", $0; if (!cont) exit }' "$2"
}
execstart() { execline ExecStart "$1"; }

# Type=forking: the ExecStart returns once the program is ready.
eval "set -- $(execstart app-forking.service)"
assert_eq "$DAEMONIZE" "$1" "the unit runs daemonize"
shift
run_daemonize "$@"
assert_eq 0 "$rc" "Type=forking ExecStart (stderr: $(cat "$dir/err"))"
pid=$(daemon_pid unit.pid)
wait_for 10 lines_at_least unit.log '^app running' 1
eval "set -- $(execline ExecReload app-forking.service)"
"$@"
wait_for 10 lines_at_least unit.log '^reloaded$' 1
eval "set -- $(execline ExecStop app-forking.service)"
"$@"
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
# ExecReload: SIGHUP to the main PID (daemonize) reaches the program too.
reload=$(execline ExecReload app.service)
assert_eq '/bin/kill -HUP $MAINPID ' "$reload" "ExecReload of app.service"
kill -HUP "$init"
wait_for 10 lines_at_least unit.log 'reloaded$' 1
kill -TERM "$init"
wait_for 20 not_alive "$init"
echo ok
