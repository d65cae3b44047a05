#!/bin/sh
# Issue 13, found in review: a -u service that moves root's own links or
# files into its log path, makes its directory read-only so that daemonize
# would act as root there, swaps a directory on the path, or blocks every
# rotation, never makes the supervisor write into, create or truncate a
# root-owned file, and never makes it spin or block. A device node used as
# a log is never rotated away.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates files as nobody, switches users"
cd "$dir"
chmod 755 "$dir"

mkdir root m
chmod 777 m
printf 'original\n' > root/target
cp root/target target.orig
target_untouched() {
    cmp -s root/target target.orig || fail "$1: root/target was changed: $(head -c 300 root/target)"
}
fresh_service_dir() {
    rm -rf d m/*
    mkdir d
    chown nobody:nogroup d
}
# start_service NAME SCRIPT [OPTIONS...]: a supervisor of SCRIPT as nobody in
# d, logging to d/app.log; its PID in $sup. SCRIPT waits for m/go first.
start_service() {
    _name=$1 _script=$2
    shift 2
    run_daemonize -r -u nobody -c "$dir/d" -p "$dir/$_name.pid" -o "$dir/d/app.log" "$@" -- sh -c \
        "while [ ! -e $dir/m/go ]; do sleep 0.05; done; $_script"
    assert_eq 0 "$rc" "start of $_name (stderr: $(cat err))"
    sup=$(daemon_pid "$_name.pid")
}
stop_service() {  # NAME
    "$DAEMONIZE" --stop -p "$1.pid" >/dev/null 2>&1 || true
    wait_for 30 not_alive "$sup"
}
hup_and_wait() {  # make the supervisor reopen, and wait until it has
    kill -HUP "$sup"
    wait_for 20 grep -q SIGHUP "/proc/$sup/fd/2"
}

# 1. A root-owned link in the service's directory, moved over the log.
fresh_service_dir
ln -s "$dir/root/target" d/cfg
start_service moved 'mv -f cfg app.log && : > '"$dir"'/m/moved; while [ ! -e '"$dir"'/m/hup ]; do sleep 0.05; done; echo MOVED-LINK-LINE; exec sleep 300'
touch m/go
wait_for 20 test -e m/moved
hup_and_wait
touch m/hup
wait_for 20 grep -q MOVED-LINK-LINE "/proc/$sup/fd/2"
target_untouched "a root-owned link moved over the log, then SIGHUP"
stop_service moved

# 2. The service moves a root-owned file over its log and makes its
# directory read-only, hoping daemonize reopens it as root.
fresh_service_dir
printf 'ROOT-CONFIG\n' > d/config
start_service chmod 'mv -f config app.log && chmod 555 . && : > '"$dir"'/m/moved; while [ ! -e '"$dir"'/m/hup ]; do sleep 0.05; done; echo INJECTED; exec sleep 300'
touch m/go
wait_for 20 test -e m/moved
hup_and_wait
touch m/hup
wait_for 20 grep -q INJECTED "/proc/$sup/fd/2"
assert_eq ROOT-CONFIG "$(cat d/app.log)" "root's file moved over the log in a read-only directory"
stop_service chmod
chmod 755 d

# 3. A root-owned link to a root-owned directory, swapped in as a directory
# on the log's path: nothing may be created there.
fresh_service_dir
mkdir rootdir d/logs
chown nobody:nogroup d/logs
ln -s "$dir/rootdir" d/cfgdir
run_daemonize -r -u nobody -c "$dir/d" -p "$dir/swap.pid" -o "$dir/d/logs/app.log" -- sh -c \
    "while [ ! -e $dir/m/go ]; do sleep 0.05; done; mv logs old && mv cfgdir logs && : > $dir/m/moved; exec sleep 300"
assert_eq 0 "$rc" "start of swap (stderr: $(cat err))"
sup=$(daemon_pid swap.pid)
touch m/go
wait_for 20 test -e m/moved
hup_and_wait
assert_eq "" "$(ls -A rootdir)" "files created in a root-owned directory swapped onto the log path"
stop_service swap

# 4. --log-keep 0 truncates in place: never a root file moved over the log.
fresh_service_dir
ln -s "$dir/root/target" d/cfg
start_service keep0 'mv -f cfg app.log; i=0; while [ $i -lt 100 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i + 1)); done; : > '"$dir"'/m/done; exec sleep 300' \
    --log-max-size 1K --log-keep 0
touch m/go
wait_for 20 test -e m/done
hup_and_wait
stop_service keep0
target_untouched "--log-keep 0 with a root-owned link moved over the log"

# 5. Every rotation fails (directories at the rotation names): no spin, the
# log stays small, TERM still stops the supervisor at once.
fresh_service_dir
start_service blocked 'for n in 1 2 3 4 5; do mkdir app.log.$n; : > app.log.$n/x; done; i=0; while [ $i -lt 100 ]; do echo "line $i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i + 1)); done; : > '"$dir"'/m/done; exec sleep 300' \
    --log-max-size 4K
touch m/go
wait_for 20 test -e m/done
wait_for 20 grep -q 'line 99 ' d/app.log
kill -TERM "$sup"
wait_for 20 not_alive "$sup"
size=$(wc -c < d/app.log)
[ "$size" -lt 100000 ] || fail "blocked rotations grew the log to $size bytes"

# 6. A device node as the log is never rotated away or replaced by a file.
rm -f m/*
mknod -m 666 null c 1 3
run_daemonize -r -u nobody -p "$dir/dev.pid" -o "$dir/null" -e "$dir/dev.err" --log-max-size 1K -- sh -c \
    "i=0; while [ \$i -lt 100 ]; do echo \"line \$i xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"; i=\$((i + 1)); done; : > $dir/m/done; exec sleep 300"
assert_eq 0 "$rc" "start with -o a device node (stderr: $(cat err))"
sup=$(daemon_pid dev.pid)
wait_for 20 test -e m/done
stop_service dev
[ -c null ] || fail "the device node used as a log is gone: $(ls -l null)"
[ ! -e null.1 ] || fail "the device node was rotated: $(ls -l null*)"

# 7. A file lease the service holds on its own log never blocks daemonize
# (opening a leased file would wait for the lease-break time, 45 s).
mkdir R
: > R/leased.log
chown nobody:nogroup R/leased.log
rm -f m/*
setpriv --reuid=nobody --regid=nogroup --clear-groups perl -e '$SIG{IO} = "IGNORE"; open(F, "<", $ARGV[0]) or die; fcntl(F, 1024, 0) or die "F_SETLEASE: $!"; open(M, ">", $ARGV[1]); close(M); sleep 300' \
    "$dir/R/leased.log" "$dir/m/leased" &
track $!
wait_for 20 test -e m/leased
set +e
timeout 20 "$DAEMONIZE" -u nobody -o "$dir/R/leased.log" -- true >out 2>err
rc=$?
set -e
[ "$rc" != 124 ] || fail "opening a log the service holds a lease on blocked for 20 s"
echo ok
