#!/bin/sh
# Issue 13, items 1, 2 and 6: a -u service that plants symlinks at its log
# paths never makes root write, create or truncate a file elsewhere; a
# dangling symlink at -o/-e/-i is refused at once (125, no spin, no hang).
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates files as nobody, switches users"
cd "$dir"
chmod 755 "$dir"

mkdir root d
chown nobody:nogroup d
printf 'original\n' > root/target
cp root/target root/target.orig
root_files_untouched() {
    assert_eq "target target.orig" "$(ls -A root | tr '\n' ' ' | sed 's/ $//')" "files in root/"
    cmp -s root/target root/target.orig || fail "$1: root/target was changed: $(head -c 200 root/target)"
}

# a. The issue's reproduction 1: the service swaps its log for a link to a
# root-owned file, prints a passwd line, and the supervisor reopens (SIGHUP).
run_daemonize -r -u nobody -p "$dir/s.pid" -o "$dir/d/app.log" -- sh -c \
    "ln -s $dir/root/target $dir/d/x && mv -f $dir/d/x $dir/d/app.log; printf 'root::0:0:root:/root:/bin/bash\n#'; exec sleep 300"
assert_eq 0 "$rc" "start of the supervisor (stderr: $(cat err))"
sup=$(daemon_pid s.pid)
wait_for 10 test -L d/app.log
kill -HUP "$sup"
wait_for 20 grep -q SIGHUP "/proc/$sup/fd/2"
line_written() { grep -q 'root::0:0' "/proc/$sup/fd/2" || grep -q 'root::0:0' root/target; }
wait_for 20 line_written
root_files_untouched "the service's output after a swap to a symlink and SIGHUP"
grep -q 'root::0:0' "/proc/$sup/fd/2" || fail "the line is not in the file the supervisor has open"
"$DAEMONIZE" --stop -p s.pid >/dev/null 2>&1 || true
wait_for 20 not_alive "$sup"

# b. Rotation while the service keeps re-planting a link at its log path
# (b1: a race; b2: the service also blocks the rename with a directory, so
# the reopen always meets its link). --stop drains the pipe before exiting.
rotation_attack() {  # SETUP OPTIONS...
    rm -rf d
    mkdir d
    chown nobody:nogroup d
    _setup=$1
    shift
    run_daemonize -r -u nobody -p "$dir/r.pid" -o "$dir/d/app.log" --log-max-size 4K "$@" -- sh -c "$_setup
        i=0; while [ \$i -lt 2000 ]; do
        ln -sf $dir/root/created $dir/d/t; mv -f $dir/d/t $dir/d/app.log
        echo \"line \$i of the rotation attack xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"
        i=\$((i + 1)); done; : > $dir/d/done; exec sleep 300"
    assert_eq 0 "$rc" "start of the rotating supervisor (stderr: $(cat err))"
    sup=$(daemon_pid r.pid)
    wait_for 60 test -e d/done
    wait_for 20 rotated
    "$DAEMONIZE" --stop -p r.pid >/dev/null 2>&1 || true
    wait_for 30 not_alive "$sup"
}
rotated() { [ -e d/app.log.1 ] || [ -L d/app.log.1 ]; }
rotation_attack :
[ ! -e root/created ] || fail "rotation created root/created through a planted link: $(ls -l root/created)"
root_files_untouched "rotation through planted links"
rotation_attack "mkdir $dir/d/app.log.1" --log-keep 1
[ ! -e root/created ] || fail "a blocked rotation created root/created through a planted link: $(ls -l root/created)"
root_files_untouched "a blocked rotation through a planted link"

# c. --truncate through a link the service planted, in the caller.
as_nobody ln -s "$dir/root/target" d/out.log
run_daemonize --truncate -u nobody -o "$dir/d/out.log" -- true
assert_eq 125 "$rc" "--truncate -u nobody through a planted symlink (stderr: $(cat err))"
assert_contains err out.log "message"
root_files_untouched "--truncate -u nobody through a planted symlink"
run_daemonize --truncate -o "$dir/d/out.log" -- true
assert_eq 125 "$rc" "--truncate (root daemon) through a planted symlink (stderr: $(cat err))"
assert_contains err out.log "message"
root_files_untouched "--truncate (root daemon) through a planted symlink"

# d. A dangling symlink at -o, -e or -i: 125 at once, its target not created.
as_nobody ln -s "$dir/root/nobody-made" d/dangling
ln -s "$dir/root/root-made" dangling
for link in "$dir/d/dangling" "$dir/dangling"; do
    for opt in -o -e -i; do
        set +e
        timeout 20 "$DAEMONIZE" $opt "$link" -- true >out 2>err
        rc=$?
        set -e
        [ "$rc" != 124 ] || fail "daemonize $opt $link (dangling symlink) hung or spun for 20 s"
        assert_eq 125 "$rc" "daemonize $opt $link (dangling symlink) (stderr: $(cat err))"
        assert_contains err dangling "message"
        root_files_untouched "daemonize $opt $link (dangling symlink)"
    done
done
echo ok
