#!/bin/sh
# Issue 13, found in review: in a sticky directory (/tmp, /var/tmp) anyone
# who can write it may move in a file or link of root's. Such an entry is
# never trusted: a root-owned link moved in as a log, a stdin file or a
# directory on the path is not followed, a root-owned file moved over the
# log is not written as root, and rotation never moves or replaces another
# user's file there.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates files as nobody, switches users"
cd "$dir"
chmod 755 "$dir"

mkdir root S st m
chmod 1777 st
chmod 777 m
chown nobody:nogroup S
printf 'original\n' > root/target
cp root/target target.orig
printf 'ROOT-ONLY-SECRET\n' > root/secret
chmod 600 root/secret
mkdir rootdir
target_untouched() {
    cmp -s root/target target.orig || fail "$1: root/target was changed: $(head -c 300 root/target)"
}

# 1. A root-owned link moved into the sticky directory over the log.
ln -s "$dir/root/target" S/cfg
run_daemonize -r -u nobody -p "$dir/s1.pid" -o "$dir/st/app.log" -- sh -c \
    "while [ ! -e $dir/m/go ]; do sleep 0.05; done; mv -f $dir/S/cfg $dir/st/app.log && : > $dir/m/moved; while [ ! -e $dir/m/hup ]; do sleep 0.05; done; echo INJECTED-VIA-STICKY; exec sleep 300"
assert_eq 0 "$rc" "start (stderr: $(cat err))"
sup=$(daemon_pid s1.pid)
touch m/go
wait_for 20 test -e m/moved
kill -HUP "$sup"
wait_for 20 grep -q SIGHUP "/proc/$sup/fd/2"
touch m/hup
wait_for 20 grep -q INJECTED-VIA-STICKY "/proc/$sup/fd/2"
target_untouched "a root-owned link moved into a sticky directory over the log"
"$DAEMONIZE" --stop -p s1.pid >/dev/null 2>&1 || true
wait_for 20 not_alive "$sup"

# 2. The link is still there: the next start with --truncate refuses it.
[ -L st/app.log ] || fail "test setup: st/app.log is not the moved link"
run_daemonize --truncate -u nobody -o "$dir/st/app.log" -- true
assert_eq 125 "$rc" "--truncate through a link moved into a sticky directory (stderr: $(cat err))"
target_untouched "--truncate through a link moved into a sticky directory"

# 3. A link to a root-only file moved in as stdin is not read as root.
ln -s "$dir/root/secret" S/lnk
as_nobody mv -f S/lnk st/in.txt
run_daemonize -f -u nobody -i "$dir/st/in.txt" -o "$dir/m/out.txt" -- cat
assert_eq 125 "$rc" "-i through a link moved into a sticky directory (stderr: $(cat err))"
! grep -q SECRET m/out.txt 2>/dev/null || fail "the service read a root-only file through stdin"

# 4. A root-owned link to a root directory moved in as a directory on the path.
ln -s "$dir/rootdir" S/dirlink
as_nobody mv -f S/dirlink st/app
run_daemonize -u nobody -o "$dir/st/app/app.log" -- true
assert_eq 125 "$rc" "a link to a root directory moved into a sticky directory (stderr: $(cat err))"
assert_eq "" "$(ls -A rootdir)" "files created in the root directory"

# 5. A root daemon's rotation neither moves nor replaces another user's file.
mkdir st2
chmod 1777 st2
printf 'ROOT-OLD\n' > st2/app.log.3
as_nobody sh -c "echo planted > $dir/st2/app.log.2"
run_daemonize -r -p "$dir/s5.pid" -o "$dir/st2/app.log" --log-max-size 1K --log-keep 3 -- sh -c \
    "i=0; while [ \$i -lt 60 ]; do echo \"line \$i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"; i=\$((i + 1)); done; : > $dir/m/done5; exec sleep 300"
assert_eq 0 "$rc" "start of the rotating root daemon (stderr: $(cat err))"
sup=$(daemon_pid s5.pid)
wait_for 20 test -e m/done5
wait_for 20 test -e st2/app.log.1
"$DAEMONIZE" --stop -p s5.pid >/dev/null 2>&1 || true
wait_for 20 not_alive "$sup"
assert_eq planted "$(cat st2/app.log.2)" "another user's file at a rotation name"
assert_eq nobody "$(stat -c %U st2/app.log.2)" "owner of that file"
assert_eq ROOT-OLD "$(cat st2/app.log.3)" "the file behind it"
echo ok
