#!/bin/sh
# -i/-o/-e: relative paths, append vs truncate, stderr follows stdout, one
# open file for -o = -e, file modes, and failures that leave nothing behind.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# The daemon writes one line to each stream, then tells us it is done.
writer='echo "out $1"; echo "err $1" >&2; : > "$2"; exec sleep 300'

start() {  # TAG ARGS... : start the writer with daemonize ARGS, wait for it
    tag=$1
    shift
    "$DAEMONIZE" -p "$tag.pid" "$@" -- sh -c "$writer" sh "$tag" "$dir/$tag.done"
    wait_for 10 test -e "$tag.done"
    kill_pid "$(daemon_pid "$tag.pid")"
}

# -o only: stderr follows stdout; relative path, created 0644 under umask 022.
start one -o both.log
assert_eq "out one
err one" "$(cat both.log)" "both streams in the -o file"
assert_eq 644 "$(stat -c %a both.log)" "mode of a created log"

# Appending is the default.
start two -o both.log
assert_eq "out one
err one
out two
err two" "$(cat both.log)" "second run appended"

# --truncate starts afresh.
start three -o both.log --truncate
assert_eq "out three
err three" "$(cat both.log)" "--truncate"

# Separate files.
start four -o out.log -e err.log
assert_eq "out four" "$(cat out.log)" "stdout file"
assert_eq "err four" "$(cat err.log)" "stderr file"

# Only -e: stdout goes to /dev/null.
start five -e only-err.log
assert_eq "err five" "$(cat only-err.log)" "-e alone"

# The same file named two ways is opened once: one open file description,
# so with --truncate the two streams do not overwrite each other.
printf 'old old old old old old old old\n' > same.log
start six -o same.log -e ./same.log --truncate
assert_eq "out six
err six" "$(cat same.log)" "-o and -e on one file"

# One open file description, even when the names differ (here a symlink):
# both fds share the offset after writing.
: > shared.log
ln -s shared.log alias.log
"$DAEMONIZE" -p share.pid -o shared.log -e alias.log -- sh -c "$writer" sh share "$dir/share.done"
wait_for 10 test -e share.done
pid=$(daemon_pid share.pid)
assert_eq "$(grep '^pos:' /proc/$pid/fdinfo/1)" "$(grep '^pos:' /proc/$pid/fdinfo/2)" "offsets of fds 1 and 2"
assert_eq 20 "$(sed -n 's/^pos:[[:space:]]*//p' /proc/$pid/fdinfo/2)" "offset after both lines"
kill_pid "$pid"

# -m 027 makes created files 0640.
start seven -m 027 -o masked.log
assert_eq 640 "$(stat -c %a masked.log)" "mode with -m 027"

# -i: the daemon reads the given file (relative to the caller's directory).
printf 'hello from stdin\n' > input.txt
"$DAEMONIZE" -p in.pid -i input.txt -o in.log -- sh -c 'cat; exec sleep 300'
wait_for 10 test -s in.log
assert_eq "hello from stdin" "$(cat in.log)" "stdin from -i"
pid=$(daemon_pid in.pid)
assert_eq "$dir/input.txt" "$(readlink /proc/$pid/fd/0)" "fd 0"
kill_pid "$pid"

# Failures before detaching: 125, one message, nothing left behind.
run_daemonize -p fail.pid -o no-such-dir/x.log -- sleep 300
assert_eq 125 "$rc" "unopenable -o"
assert_contains err "no-such-dir/x.log: No such file or directory" "message"
[ ! -e fail.pid ] || fail "unopenable -o left a pidfile"

run_daemonize -p fail.pid -o created.log -i missing-input -- sleep 300
assert_eq 125 "$rc" "missing -i file"
assert_contains err "missing-input: No such file or directory" "message"
[ ! -e fail.pid ] || fail "missing -i left a pidfile"

run_daemonize -p fail.pid -o created2.log -e no-such-dir/e.log -- sleep 300
assert_eq 125 "$rc" "unopenable -e"
[ ! -e created2.log ] || fail "a failed start left the -o file it created"
[ ! -e fail.pid ] || fail "unopenable -e left a pidfile"
echo ok
