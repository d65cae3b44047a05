#!/bin/sh
# Issue 13, items 3 and 5: as root, a pidfile that another user owns or can
# write, a hard link, a file the service renamed over the pidfile, a FIFO or a
# device node is refused (start 125, --status 4, --stop/--signal 125), never
# blocks, and is never written, signalled through or unlinked. The child
# pidfile never replaces a FIFO or another user's file either.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates files as nobody, switches users"
cd "$dir"
chmod 755 "$dir"

# verb EXPECTED WHAT ARGS...: daemonize ARGS under a deadline must exit EXPECTED.
verb() {
    _want=$1 _what=$2
    shift 2
    set +e
    timeout 20 "$DAEMONIZE" "$@" >out 2>err
    rc=$?
    set -e
    [ "$rc" != 124 ] || fail "$_what: daemonize $* hung (killed after 20 s)"
    assert_eq "$_want" "$rc" "$_what: daemonize $* (stderr: $(cat err))"
}
# A start must not have run its command (sleep 3001 is used by starts only).
started() {
    _p=$(grep -alx 'sleep.3001.' /proc/[0-9]*/cmdline 2>/dev/null | cut -d/ -f3)
    [ -n "$_p" ] && track $_p
}
refused_start() {  # PIDFILE WHAT
    verb 125 "$2" -p "$1" -- sleep 3001
    assert_contains err "$(basename "$1")" "$2: message"
    ! started || fail "$2: the command was started"
}

sleep 300 &
victim=$!
track "$victim"
sh -c 'exit 0' &
dead=$!  # reaped below: a dead PID
wait "$dead"

# a. A pidfile written by nobody, naming a root process.
mkdir d
chown nobody:nogroup d
as_nobody sh -c "echo $victim > d/f.pid"
verb 125 "--stop on a pidfile owned by nobody" --stop -p d/f.pid
is_alive "$victim" || fail "--stop killed the process named by a pidfile owned by nobody"
verb 125 "--signal on a pidfile owned by nobody" --signal HUP -p d/f.pid
is_alive "$victim" || fail "--signal HUP killed the process named by a pidfile owned by nobody"
verb 4 "--status on a pidfile owned by nobody" --status -p d/f.pid

# b. A start does not take over a stale pidfile that nobody owns.
as_nobody sh -c "echo $dead > d/f.pid"
cp d/f.pid f.orig
refused_start d/f.pid "start on a stale pidfile owned by nobody"
cmp -s d/f.pid f.orig || fail "the pidfile owned by nobody was rewritten: $(cat d/f.pid)"
assert_eq nobody "$(stat -c %U d/f.pid)" "owner of the pidfile"

# c. Root-owned, but writable by others or by the group.
for mode in 0666 0620; do
    echo "$dead" > w$mode.pid
    chmod $mode w$mode.pid
    refused_start w$mode.pid "start on a pidfile of mode $mode"
    echo "$victim" > w$mode.pid
    verb 4 "--status on a pidfile of mode $mode" --status -p w$mode.pid
    verb 125 "--stop on a pidfile of mode $mode" --stop -p w$mode.pid
    is_alive "$victim" || fail "--stop killed the process named by a pidfile of mode $mode"
done

# d. A hard link to another file is never written through.
mkdir root
printf 'precious data\n' > root/precious
cp root/precious precious.orig
ln root/precious hl.pid
refused_start hl.pid "start on a hard-linked pidfile"
verb 125 "a failed start on a hard-linked pidfile" -p hl.pid -- /nonexistent/cmd
cmp -s root/precious precious.orig || fail "the hard-linked file was changed: $(cat root/precious)"
assert_eq 2 "$(stat -c %h root/precious)" "link count of the hard-linked file"

# e. A -u service could swap files in its own directory: a pidfile there
# (or a child pidfile) is refused at the start, before anything runs.
refused_start_u() {  # WHAT ARGS...
    _what=$1
    shift
    verb 125 "$_what" -r -u nobody "$@" -- sleep 3001
    assert_contains err "controls" "$_what: message"
    ! started || fail "$_what: the command was started"
}
refused_start_u "pidfile in the service's directory" -p "$dir/d/app.pid"
[ ! -e d/app.pid ] || fail "a refused start left d/app.pid"
mkdir d/sub
refused_start_u "pidfile below the service's directory" -p "$dir/d/sub/app.pid"
refused_start_u "child pidfile in the service's directory" -p "$dir/e.pid" --child-pidfile "$dir/d/child.pid"
[ ! -e e.pid ] || fail "a refused start left e.pid"
# Another user (here nobody, the service being "daemon") renames a file of
# its own over a supervisor's pidfile in its directory: --stop refuses it,
# and the supervisor does not unlink what it did not create.
verb 0 "start of a supervisor with its pidfile in another user's directory" \
    -r -u daemon -p "$dir/d/app.pid" -- sleep 300
sup=$(daemon_pid d/app.pid)
as_nobody sh -c "echo $victim > d/x && mv -f d/x d/app.pid"
verb 125 "--stop on a pidfile another user replaced" --stop -p d/app.pid
is_alive "$victim" || fail "--stop killed the process named by another user's replacement pidfile"
kill -TERM "$sup"
wait_for 20 not_alive "$sup"
[ -e d/app.pid ] || fail "the supervisor unlinked the file another user put at its pidfile path"
assert_eq "$victim" "$(cat d/app.pid)" "content of the other user's file"

# f. A FIFO or a device node as pidfile: no verb blocks, none removes it.
mkfifo fifo.pid
mknod dev.pid c 1 3
for f in fifo.pid dev.pid; do
    verb 4 "--status on $f" --status -p $f
    verb 125 "--stop on $f" --stop -p $f
    verb 125 "--signal on $f" --signal HUP -p $f
    refused_start $f "start on $f"
done
[ -p fifo.pid ] || fail "fifo.pid is no longer a FIFO"
[ -c dev.pid ] || fail "dev.pid is no longer a character device"

# g. A FIFO at the child pidfile's temporary name does not block the supervisor.
mkdir d2
mkfifo d2/child.pid.tmp
verb 0 "start with a FIFO at the child pidfile's temporary name" \
    -r -p "$dir/sup.pid" --child-pidfile "$dir/d2/child.pid" -- sleep 300
sup=$(daemon_pid sup.pid)
child_pidfile_written() { _c=$(children_of "$sup"); [ -n "$_c" ] && [ "$(cat d2/child.pid 2>/dev/null)" = "$_c" ]; }
wait_for 20 child_pidfile_written
track "$(cat d2/child.pid)"
kill -TERM "$sup"
wait_for 20 not_alive "$sup"
[ -p d2/child.pid.tmp ] || fail "d2/child.pid.tmp is no longer a FIFO"

# h. In a sticky directory, the child pidfile never replaces another user's
# file (nobody could not have); the supervisor warns and runs on.
mkdir st
chmod 1777 st
as_nobody sh -c 'echo theirs > st/child.pid'
verb 0 "start with another user's file at the child pidfile" \
    -r -p "$dir/st.pid" -o "$dir/st.log" --child-pidfile "$dir/st/child.pid" -- sleep 300
sup=$(daemon_pid st.pid)
wait_for 20 grep -q "cannot write child pidfile" st.log
assert_eq theirs "$(cat st/child.pid)" "another user's file at the child pidfile path"
assert_eq nobody "$(stat -c %U st/child.pid)" "owner of that file"
kill -TERM "$sup"
wait_for 20 not_alive "$sup"
[ -e st/child.pid ] || fail "the supervisor removed another user's file at the child pidfile path"
echo ok
