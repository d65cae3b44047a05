#!/bin/sh
# --chroot: the command runs inside DIR (seen in /proc/PID/root), finds
# COMMAND there, -c and PWD are inside it; the supervisor stays outside.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "chroot(2)"
cd "$dir"

# A jail holding sh and sleep with their libraries.
jail=$dir/jail
mkdir -p "$jail/bin" "$jail/srv/data"
for prog in /bin/sh /bin/sleep; do
    cp "$prog" "$jail/bin/"
    for lib in $(ldd "$prog" | grep -o '/[^ ]*'); do
        mkdir -p "$jail$(dirname "$lib")"
        cp -L "$lib" "$jail$lib"
    done
done

root_of() { readlink "/proc/$1/root"; }

"$DAEMONIZE" -p jailed.pid --chroot "$jail" -c /srv/data -- sleep 300
pid=$(daemon_pid jailed.pid)
assert_eq "$jail" "$(root_of "$pid")" "root of the command"
assert_eq "$jail/srv/data" "$(readlink "/proc/$pid/cwd")" "-c inside the jail"
assert_eq /srv/data "$(env_of "$pid" PWD)" "PWD as the command sees it"

# A relative -c is inside the jail too, and so is the default.
"$DAEMONIZE" -p rel.pid --chroot "$jail" -c srv -- /bin/sh -c 'exec sleep 300'
pid=$(daemon_pid rel.pid)
assert_eq "$jail/srv" "$(readlink "/proc/$pid/cwd")" "relative -c"
"$DAEMONIZE" -p def.pid --chroot "$jail" -- sleep 300
assert_eq "$jail" "$(readlink "/proc/$(daemon_pid def.pid)/cwd")" "default -c is the jail's /"

# Supervised: only the instance is chrooted; the supervisor can still
# reopen its logs outside.
"$DAEMONIZE" -r -p sup.pid --child-pidfile child.pid -o "$dir/sup.log" --chroot "$jail" -- sleep 300
sup=$(daemon_pid sup.pid)
assert_eq "$jail" "$(root_of "$(daemon_pid child.pid)")" "supervised instance"
assert_eq / "$(root_of "$sup")" "the supervisor stays outside"
kill -HUP "$sup"
wait_for 10 lines_at_least "$dir/sup.log" "log files reopened" 1

"$DAEMONIZE" -f -p fg.pid --chroot "$jail" -- sleep 300 > /dev/null 2>&1 &
track $!
fg=$(daemon_pid fg.pid)
wait_for 10 children_count_is "$fg" 1
assert_eq "$jail" "$(root_of "$(children_of "$fg")")" "-f instance"

# COMMAND is looked for inside, not outside: one line, 125, nothing left.
run_daemonize -p bad.pid --chroot "$jail" -- ls
assert_eq 125 "$rc" "a command missing inside the jail"
assert_contains "$dir/err" "not found inside --chroot $jail" "message"
[ ! -e bad.pid ] || fail "pidfile left behind"
run_daemonize -p bad.pid --chroot "$dir/nosuch" -- sleep 1
assert_eq 125 "$rc" "a missing jail"
assert_contains "$dir/err" "$dir/nosuch" "the jail is named"
run_daemonize -p bad.pid --chroot "$jail" -c /nosuch -- sleep 1
assert_eq 125 "$rc" "a -c missing inside the jail"
assert_contains "$dir/err" "chdir /nosuch (inside $jail)" "message"
[ ! -e bad.pid ] || fail "pidfile left behind"

# The attack: a jail in a directory the -u service owns could be swapped
# for a link to / (and restarts would chroot to it). Refused outright.
mkdir -p "$dir/home/jail/bin"
cp -a "$jail/." "$dir/home/jail/"
chown nobody "$dir/home"
run_daemonize -p swap.pid -u nobody --chroot "$dir/home/jail" -- sleep 300
assert_eq 125 "$rc" "a jail in the service's own directory"
assert_contains "$dir/err" "controls" "why"
[ ! -e swap.pid ] || fail "started in a jail the service can swap"

chmod 755 "$dir"
set +e
as_nobody "$DAEMONIZE" --chroot "$jail" -- sleep 1 2> "$dir/err"
rc=$?
set -e
assert_eq 125 "$rc" "--chroot as a normal user"
assert_contains "$dir/err" "only root" "why"
echo ok
