#!/bin/sh
# A full disk under the log: the command keeps running, the supervisor
# counts what it could not write and says so once writing works again.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "mounts a small tmpfs to fill it"
mkdir "$dir/small"
mount -t tmpfs -o size=64k tmpfs "$dir/small" || fail "cannot mount a tmpfs (needs root)"
mounts="$dir/small"
cd "$dir"

run_daemonize -r -p full.pid -o small/app.log -- sh -c "
    i=0; while [ \$i -lt 4000 ]; do echo \"filler line \$i of the disk full test\"; i=\$((i + 1)); done
    touch $dir/filled
    while [ ! -e $dir/go ]; do sleep 0.05; done
    echo 'written after the disk was freed'
    exec sleep 300"
assert_eq 0 "$rc" "start"
sup=$(daemon_pid full.pid)
wait_for 20 test -e filled
instance=$(children_of "$sup")
track "$instance"
[ "$(df -k small | awk 'NR == 2 {print $4}')" -eq 0 ] || fail "the test did not fill the disk"
: > small/app.log   # frees the space; the supervisor appends at the new end
touch go
wait_for 10 lines_at_least small/app.log '^written after the disk was freed$' 1
grep -q 'warning: [1-9][0-9]* bytes of output were lost (No space left on device)' small/app.log ||
    fail "no count of the lost bytes: $(cat small/app.log)"
assert_eq 1 "$(count_lines small/app.log 'bytes of output were lost')" "warnings"
assert_eq "$instance" "$(children_of "$sup")" "the command kept running"
"$DAEMONIZE" --stop -p full.pid
wait_for 15 not_alive "$sup"
echo ok
