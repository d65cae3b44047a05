#!/bin/sh
# --listen: daemonize binds, the command accepts (systemd's socket-activation
# protocol); -n 4 shares one socket; 2000+ requests during --reload and
# during kill -9 of instances fail 0 times; LISTEN_PID is the reader's PID.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
SERVER="$SOURCE_ROOT/tests/helpers/listen_server.py"
LOOP="python3 $SOURCE_ROOT/tests/helpers/http_loop.py"
RUNS=${LISTEN_REQUESTS:-2000}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
answers() { python3 -c 'import sys, urllib.request; urllib.request.urlopen("http://127.0.0.1:%s/" % sys.argv[1], timeout=2).read()' "$1" 2>/dev/null; }
mkdir env

# Plain detach: the daemon itself gets the socket.
port=$(free_port)
run_daemonize --listen "web=tcp:127.0.0.1:$port" -p plain.pid -- python3 "$SERVER" "$dir/env"
assert_eq 0 "$rc" "plain start ($(cat err))"
plain=$(daemon_pid plain.pid)
wait_for 10 answers "$port"
assert_eq "LISTEN_FDS=1" "$(sed -n 1p "env/env.$plain")" "LISTEN_FDS"
assert_eq "LISTEN_PID=$plain" "$(sed -n 2p "env/env.$plain")" "LISTEN_PID is the daemon's own PID"
assert_eq "LISTEN_FDNAMES=web" "$(sed -n 3p "env/env.$plain")" "LISTEN_FDNAMES"
readlink "/proc/$plain/fd/3" | grep -q '^socket:' || fail "the daemon's fd 3 is not a socket: $(ls -l "/proc/$plain/fd")"
run_daemonize --stop -p plain.pid
assert_eq 0 "$rc" "plain stop"

# -f (no detaching, daemonize is the parent) with --ready-fd after the
# sockets: fd 3 the socket, fd 4 the readiness pipe.
port=$(free_port)
"$DAEMONIZE" -f --listen "tcp:127.0.0.1:$port" --ready-fd 4 -- \
    sh -c 'echo >&4; exec python3 "$0" "$1"' "$SERVER" "$dir/env" > fg.out 2>&1 &
fg=$!
track "$fg"
wait_for 10 answers "$port"
kill -TERM "$fg"
set +e
wait "$fg"
fg_rc=$?
set -e
assert_eq 0 "$fg_rc" "-f with --listen and --ready-fd 4, stopped by SIGTERM ($(cat fg.out))"

# Errors: in use, bad spec, --ready-fd on a socket's fd: 125, nothing started.
python3 -c 'import socket, sys, time; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(); open("held", "w").close(); time.sleep(300)' "$port" &
track $!
wait_for 10 test -e held
run_daemonize --listen "tcp:127.0.0.1:$port" -p busy.pid -- sleep 300
assert_eq 125 "$rc" "--listen on a port in use"
assert_contains err "Address already in use" "in use says so"
[ ! -e busy.pid ] || fail "a failed --listen left its pidfile"
run_daemonize --listen "tcp:nohost:80" -- sleep 300
assert_eq 125 "$rc" "--listen with a host name"
# A start that fails after binding (here: its -o cannot be opened), with a
# pidfile that was there before it: the unix socket it created goes too.
echo 4194303 > stale.pid
run_daemonize --listen "unix:$dir/roll.sock" -p stale.pid -o "$dir/no/such/dir/log" -- sleep 300
assert_eq 125 "$rc" "a start whose -o fails ($(cat err))"
[ ! -e roll.sock ] || fail "a failed start left its --listen unix socket"
run_daemonize --listen "tcp:127.0.0.1:1" --ready-fd 3 -- sleep 300
assert_eq 125 "$rc" "--ready-fd on a socket's fd"

# -n 4 on one socket: the connections spread; 0 failures during a reload.
port=$(free_port)
run_daemonize -r -n 4 --listen "tcp:127.0.0.1:$port" -p sup.pid -o sup.log -- python3 "$SERVER" "$dir/env"
assert_eq 0 "$rc" "supervised start ($(cat err))"
sup=$(daemon_pid sup.pid)
wait_for 10 children_count_is "$sup" 4
track $(children_of "$sup")
wait_for 10 answers "$port"
for k in $(children_of "$sup"); do
    wait_for 10 test -e "env/env.$k"
    assert_eq "LISTEN_PID=$k" "$(sed -n 2p "env/env.$k")" "LISTEN_PID of instance pid $k"
done
rm -f stop
$LOOP "127.0.0.1:$port" reload.out --min "$RUNS" --until "$dir/stop" &
client=$!
track "$client"
run_daemonize --reload -p sup.pid
assert_eq 0 "$rc" "--reload under load ($(cat err))"
touch stop
wait "$client"
track $(children_of "$sup")
assert_eq "failed 0" "$(sed -n 2p reload.out)" "requests failed during the reload ($(cat reload.out))"
requests=$(sed -n 's/^requests //p' reload.out)
[ "$requests" -ge "$RUNS" ] || fail "only $requests requests"
seen=$(sed -n 's/^instances //p' reload.out | tr ',' '\n' | grep -c .)
[ "$seen" -ge 2 ] || fail "the requests reached only instances $(sed -n 's/^instances //p' reload.out)"
echo "reload: $(tr '\n' ' ' < reload.out)"

# kill -9 of instances between requests: the port never refuses.
$LOOP "127.0.0.1:$port" kill.out --min "$RUNS" --kill "$sup" 200
assert_eq "failed 0" "$(sed -n 2p kill.out)" "requests failed while instances were killed ($(cat kill.out))"
killed=$(sed -n 's/^killed //p' kill.out)
[ "$killed" -ge 5 ] || fail "only $killed instances were killed"
track $(children_of "$sup")
echo "kill: $(tr '\n' ' ' < kill.out)"
run_daemonize --stop -p sup.pid
assert_eq 0 "$rc" "stop"

# A unix socket: the -u user's, with --listen-mode.
if [ "$(id -u)" = 0 ]; then
    chmod 755 "$dir"
    run_daemonize -u nobody --listen "unix:$dir/app.sock" --listen-mode 0660 -p unix.pid -- /usr/bin/python3 "$SERVER"
    assert_eq 0 "$rc" "unix start ($(cat err))"
    daemon_pid unix.pid > /dev/null
    assert_eq "660 nobody" "$(stat -c '%a %U' app.sock)" "mode and owner of the unix socket"
    answer=$(python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b"GET / HTTP/1.0\r\n\r\n"); print(s.recv(4096).decode().split("\r\n\r\n")[1].strip())' "$dir/app.sock")
    echo "$answer" | grep -q "^instance - pid " || fail "the unix socket's answer: $answer"
    run_daemonize --stop -p unix.pid
    assert_eq 0 "$rc" "unix stop"
    # A link planted at the socket's name is refused, never followed.
    ln -s /etc/passwd planted.sock
    before=$(stat -c '%a %U %s' /etc/passwd)
    run_daemonize -u nobody --listen "unix:$dir/planted.sock" -- /usr/bin/python3 "$SERVER"
    assert_eq 125 "$rc" "--listen unix: on a planted symbolic link"
    assert_contains err "symbolic link" "the refusal names the link"
    assert_eq "$before" "$(stat -c '%a %U %s' /etc/passwd)" "the link's target"

    # Port 80 for nobody: bound by daemonize as root before the switch.
    if ! answers 80; then
        run_daemonize -u nobody --listen tcp:127.0.0.1:80 -p p80.pid -- /usr/bin/python3 "$SERVER"
        assert_eq 0 "$rc" "port 80 as nobody ($(cat err))"
        p80=$(daemon_pid p80.pid)
        wait_for 10 answers 80
        assert_eq "$(id -u nobody)" "$(status_field "$p80" Uid | awk '{print $1}')" "the server's uid"
        run_daemonize --stop -p p80.pid
        assert_eq 0 "$rc" "port 80 stop"
    fi
else
    echo "unix socket owner and port 80: skipped (need root)"
fi
echo ok
