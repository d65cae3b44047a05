#!/bin/sh
# The daemon leaves the caller's session and terminal for good.
set -eu
. "$(dirname "$0")/lib.sh"

# Start from a pty so that the caller has a controlling terminal to lose.
script -qec "\"$DAEMONIZE\" -p \"$dir/d.pid\" -- sleep 300; echo \$? > \"$dir/rc\"; echo \$(awk '{print \$6, \$7}' /proc/\$\$/stat) > \"$dir/caller\"" /dev/null >/dev/null
assert_eq 0 "$(cat "$dir/rc")" "exit status"
pid=$(daemon_pid "$dir/d.pid")

set -- $(cat "$dir/caller")
caller_sid=$1
caller_tty=$2
[ "$caller_tty" != 0 ] || fail "the test caller has no controlling tty, the check would prove nothing"

stat=$(sed 's/.*) //' "/proc/$pid/stat")   # fields from 3 (state) on
set -- $stat
ppid=$2
pgrp=$3
sid=$4
tty=$5
assert_eq 0 "$tty" "controlling tty (tty_nr) of the daemon"
[ "$sid" != "$pid" ] || fail "the daemon is a session leader (sid $sid)"
[ "$sid" != "$caller_sid" ] || fail "the daemon stayed in the caller's session $sid"
assert_eq "$sid" "$pgrp" "process group (that of the exited session leader)"
is_alive "$sid" && fail "the intermediate session leader $sid is still running"
[ "$(cat "/proc/$ppid/comm" 2>/dev/null)" != daemonize ] || fail "the daemon's parent $ppid is a daemonize process"
[ "$ppid" != "$sid" ] || fail "the daemon's parent is still the session leader"
# The intermediate process was reaped by the caller: no zombie left with our sid.
[ ! -e "/proc/$sid" ] || fail "the intermediate process $sid is left as a zombie"
echo ok
