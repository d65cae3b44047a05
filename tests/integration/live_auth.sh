#!/bin/sh
# Who may control a supervisor: root and its own uid. Another user cannot
# open the socket (mode 0600); one that can (CAP_DAC_OVERRIDE, as a -u
# service given that capability could) is refused by SO_PEERCRED and the
# refusal is logged. A socket at FILE.ctl that is not the supervisor's is
# never asked.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "runs requests as nobody against root's supervisor"
cd "$dir"
chmod 755 "$dir"
INSTANCES="python3 $SOURCE_ROOT/tests/helpers/instances.py"
# capture CMD...: runs it, stdout in ./out, stderr in ./err, status in $rc.
capture() {
    set +e
    "$@" > out 2> err
    rc=$?
    set -e
}

run_daemonize -r -n 2 -p sup.pid -o sup.log -- sleep 300
assert_eq 0 "$rc" "start ($(cat err))"
sup=$(daemon_pid sup.pid)
wait_for 10 children_count_is "$sup" 2
track $(children_of "$sup")

# nobody: the socket's mode stops it; --status still answers from the pidfile.
capture as_nobody "$DAEMONIZE" --scale 5 -p sup.pid
assert_eq 125 "$rc" "--scale by nobody"
assert_contains err "Permission denied" "--scale by nobody says why"
capture as_nobody "$DAEMONIZE" --status -p sup.pid
assert_eq 0 "$rc" "--status by nobody (LSB: running)"
assert_eq "running (pid $sup)" "$(cat out)" "--status by nobody prints the pidfile's answer"
assert_contains err "instances not shown" "--status by nobody says why there is no table"

# nobody with CAP_DAC_OVERRIDE gets through the mode, not past the check.
dac() { setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+dac_override --ambient-caps=+dac_override "$@"; }
capture dac "$DAEMONIZE" --scale 5 -p sup.pid
assert_eq 125 "$rc" "--scale by nobody with CAP_DAC_OVERRIDE"
assert_contains err "permission denied: only root and uid 0 may control this supervisor" "the refusal reaches the client"
assert_contains sup.log "control: refused a request from uid $(id -u nobody)" "the refusal is logged"
capture dac "$DAEMONIZE" --reload -p sup.pid
assert_eq 125 "$rc" "--reload by nobody with CAP_DAC_OVERRIDE"
assert_eq "0 1" "$($INSTANCES "$sup")" "instances after the refused requests"
grep -q "control: scale\|control: reload" sup.log && fail "a refused request was carried out: $(cat sup.log)"

# A socket at FILE.ctl that belongs to another process: never asked.
run_daemonize -p plain.pid -- sleep 300
plain=$(daemon_pid plain.pid)
python3 -c '
import socket
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind("plain.pid.ctl")
s.listen(4)
open("fake.ready", "w").close()
n = 0
while True:
    c, _ = s.accept()
    got = b""
    while True:  # whatever the client sends before it hangs up
        data = c.recv(4096)
        if not data:
            break
        got += data
    c.close()
    with open("fake.got", "ab") as f:
        f.write(got)
    n += 1
    open("fake.done.%d" % n, "w").close()
' > fake.out 2>&1 &
track $!
wait_for 10 test -e fake.ready
run_daemonize --status -p plain.pid
assert_eq 0 "$rc" "--status with a stranger's socket"
assert_eq "running (pid $plain)" "$(cat out)" "--status with a stranger's socket prints no table"
assert_contains err "not to the supervisor" "the stranger's socket is named"
run_daemonize --scale 3 -p plain.pid
assert_eq 125 "$rc" "--scale with a stranger's socket"
assert_contains err "not to the supervisor" "--scale names the stranger's socket"
wait_for 10 test -e fake.done.2
assert_eq 0 "$(wc -c < fake.got)" "bytes the stranger's socket received"

# A file of someone else's at the socket's name: the supervisor runs on,
# without live control, and says so.
touch planted.pid.ctl
chown nobody planted.pid.ctl
run_daemonize -r -p planted.pid -o planted.log -- sleep 300
assert_eq 0 "$rc" "start with a planted file at the socket's name ($(cat err))"
planted=$(daemon_pid planted.pid)
wait_for 10 children_count_is "$planted" 1
track $(children_of "$planted")
wait_for 10 lines_at_least planted.log 'no live control' 1
assert_contains planted.log "not a socket of ours" "the planted file is named"
assert_eq "nobody" "$(stat -c %U planted.pid.ctl)" "the planted file is left alone"
run_daemonize --stop -p planted.pid
assert_eq 0 "$rc" "stop"
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop"
echo ok
