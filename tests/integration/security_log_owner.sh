#!/bin/sh
# Issue 13, item 8: the files daemonize creates for a -u service belong to
# that user (so it can reopen and rotate them); files that already exist
# keep their owner.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates files as nobody, switches users"
cd "$dir"
chmod 755 "$dir"
owner_is() {  # FILE USER WHAT
    [ -e "$1" ] || fail "$3: $1 does not exist"
    assert_eq "$2" "$(stat -c %U "$1")" "$3: owner of $1"
}

mkdir R
chmod 755 R

# A new -o file, created by the caller in a root-owned directory.
run_daemonize -u nobody -p "$dir/p1.pid" -o "$dir/R/app.log" -- sleep 300
assert_eq 0 "$rc" "start with -o R/app.log (stderr: $(cat err))"
daemon_pid p1.pid >/dev/null
owner_is R/app.log nobody "a new -o file of a -u nobody daemon"

# An existing root-owned file stays root's.
printf 'old\n' > R/old.log
run_daemonize -u nobody -p "$dir/p0.pid" -o "$dir/R/old.log" -- sleep 300
assert_eq 0 "$rc" "start with -o R/old.log (stderr: $(cat err))"
daemon_pid p0.pid >/dev/null
owner_is R/old.log root "an existing -o file"

# The supervisor's log and the files that rotation creates.
run_daemonize -r -u nobody -p "$dir/p2.pid" -o "$dir/R/sup.log" --log-max-size 1K -- sh -c \
    'i=0; while [ $i -lt 100 ]; do echo line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx; i=$((i+1)); done; exec sleep 300'
assert_eq 0 "$rc" "start of the rotating supervisor (stderr: $(cat err))"
daemon_pid p2.pid >/dev/null
wait_for 20 test -e R/sup.log.1
wait_for 20 test -e R/sup.log
owner_is R/sup.log nobody "the supervisor's log after rotation"
owner_is R/sup.log.1 nobody "the rotated log"

# A new file in a directory the service owns.
mkdir d
chown nobody:nogroup d
run_daemonize -u nobody -p "$dir/p3.pid" -o "$dir/d/x.log" -- sleep 300
assert_eq 0 "$rc" "start with -o d/x.log (stderr: $(cat err))"
daemon_pid p3.pid >/dev/null
owner_is d/x.log nobody "a new -o file in the service's directory"
echo ok
