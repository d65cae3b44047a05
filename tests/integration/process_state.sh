#!/bin/sh
# umask, cwd, open fds and stdio of the daemon, by default and with -m/-c.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
mkdir work

# Extra fds open in the caller must not reach the daemon; a restrictive
# caller umask must not either.
: > inherited
(
    exec 7>inherited 9<inherited
    umask 077
    "$DAEMONIZE" -p "$dir/a.pid" -- sleep 300
)
pid=$(daemon_pid a.pid)
assert_eq 0022 "$(status_field "$pid" Umask)" "default umask"
assert_eq / "$(readlink "/proc/$pid/cwd")" "default cwd"
assert_eq "0 1 2" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ' | sed 's/ $//')" "open fds"
for fd in 0 1 2; do
    assert_eq /dev/null "$(readlink "/proc/$pid/fd/$fd")" "fd $fd"
done
# stdin read-only or read-write, but never a leftover of the caller's tty/pipe.
kill_pid "$pid"

# -m and a relative -c (resolved against the caller's directory).
"$DAEMONIZE" -m 027 -c work -p b.pid -- sleep 300
pid=$(daemon_pid b.pid)
assert_eq 0027 "$(status_field "$pid" Umask)" "umask with -m 027"
assert_eq "$dir/work" "$(readlink "/proc/$pid/cwd")" "cwd with -c work"
kill_pid "$pid"

# A relative command path works although the daemon runs in /.
printf '#!/bin/sh\necho "$0 $(pwd)" > %s/ran\nexec sleep 300\n' "$dir" > work/server
chmod +x work/server
"$DAEMONIZE" -p c.pid -- ./work/server
pid=$(daemon_pid c.pid)
wait_for 10 test -s ran
assert_eq "$dir/work/server /" "$(cat ran)" "script path and cwd of ./work/server"
echo ok
