#!/bin/sh
# --keep-caps: after -u the command holds exactly the kept capabilities
# (a web server binds port 80 as nobody); without -u root keeps only them;
# --cap-bound shrinks the bounding set; --no-new-privs stays on.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "hands out capabilities to another user"
cd "$dir"

cap() { status_field "$1" "$2" | sed 's/^0*//'; }  # PID CapEff -> hex without leading zeros
bound_before=$(cap $$ CapBnd)

"$DAEMONIZE" -p user.pid -u nobody --keep-caps cap_net_bind_service -- sleep 300
pid=$(daemon_pid user.pid)
assert_eq "$(id -u nobody)" "$(status_field "$pid" Uid | awk '{print $1}')" "runs as nobody"
for set in CapEff CapPrm CapInh CapAmb; do
    assert_eq 400 "$(cap "$pid" $set)" "-u nobody --keep-caps cap_net_bind_service: $set"
done
assert_eq "$bound_before" "$(cap "$pid" CapBnd)" "bounding set untouched without --cap-bound"

"$DAEMONIZE" -p bound.pid -u nobody --keep-caps NET_BIND_SERVICE,cap_kill --cap-bound --no-new-privs -- sleep 300
pid=$(daemon_pid bound.pid)
assert_eq 420 "$(cap "$pid" CapAmb)" "two kept capabilities"
assert_eq 420 "$(cap "$pid" CapBnd)" "--cap-bound"
assert_eq 1 "$(status_field "$pid" NoNewPrivs)" "ambient capabilities with --no-new-privs"

# Root that stays root keeps only what was asked, even across execve.
"$DAEMONIZE" -p root.pid --keep-caps cap_net_bind_service -- sh -c 'exec sleep 300'
pid=$(daemon_pid root.pid)
assert_eq 0 "$(status_field "$pid" Uid | awk '{print $1}')" "still root"
assert_eq 400 "$(cap "$pid" CapEff)" "root without -u: CapEff"
assert_eq 400 "$(cap "$pid" CapPrm)" "root without -u: CapPrm"

# Supervised and -f instances get the same.
"$DAEMONIZE" -r -p sup.pid --child-pidfile child.pid -u nobody --keep-caps cap_net_bind_service -- sleep 300
sup=$(daemon_pid sup.pid)
assert_eq 400 "$(cap "$(daemon_pid child.pid)" CapAmb)" "supervised instance"
[ "$(cap "$sup" CapEff)" != 400 ] || fail "the supervisor gave up its own capabilities"

# The point of it: a server on port 80 as nobody. Without the capability
# the bind is refused, which shows that the capability is what makes it work.
py=/usr/bin/python3
[ -x "$py" ] || fail "$py is needed (Debian package python3)"
bind80='import socket; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 80))'
if "$py" -c "$bind80" 2>/dev/null; then
    run_daemonize -f -u nobody -- "$py" -c "$bind80"
    [ "$rc" != 0 ] || fail "nobody bound port 80 without any capability"
    run_daemonize -f -u nobody --keep-caps cap_net_bind_service -- "$py" -c "$bind80"
    assert_eq 0 "$rc" "nobody binds port 80 with cap_net_bind_service: $(cat "$dir/err")"

    # http.server opens files by absolute path: nobody must get through $dir.
    chmod 755 "$dir"
    mkdir www && echo hello-from-port-80 > www/index.html
    "$DAEMONIZE" -p web.pid -u nobody --keep-caps cap_net_bind_service -c "$dir/www" -o web.log \
        -- "$py" -m http.server 80 --bind 127.0.0.1
    web=$(daemon_pid web.pid)
    get='import urllib.request; print(urllib.request.urlopen("http://127.0.0.1:80/index.html", timeout=5).read().decode().strip())'
    wait_for 20 "$py" -c "$get" > /dev/null 2>&1
    assert_eq hello-from-port-80 "$("$py" -c "$get")" "the page served on port 80 by nobody"
    assert_eq "$(id -u nobody)" "$(status_field "$web" Uid | awk '{print $1}')" "the server runs as nobody"
else
    echo "port 80 is taken on this machine: the server part is left out"
fi

# Not root: refused before anything starts.
run_daemonize -p nr.pid --keep-caps cap_net_bind_service -- sleep 300
assert_eq 0 "$rc" "root may"
kill_pid "$(daemon_pid nr.pid)"
rm -f nr.pid
chmod 777 "$dir"
set +e
as_nobody "$DAEMONIZE" -p "$dir/nr.pid" --keep-caps cap_net_bind_service -- sleep 300 2> "$dir/err"
rc=$?
set -e
assert_eq 125 "$rc" "--keep-caps as a normal user"
assert_contains "$dir/err" "only root" "why"
[ ! -e nr.pid ] || fail "pidfile left"
echo ok
