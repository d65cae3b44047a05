#!/bin/sh
# Pidfile content, lock released after exec, second start refused, and a
# failed start that removes even a stale pidfile it took over.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

"$DAEMONIZE" -v -p app.pid -- sleep 300 2>verbose
pid=$(daemon_pid app.pid)
# -v reports the steps, ending with the PID the pidfile holds.
assert_contains verbose "pidfile $dir/app.pid locked" "verbose output"
assert_eq "daemonize: started sleep as PID $pid: exec confirmed" "$(tail -n 1 verbose)" "last verbose line"
# Exactly the PID and a newline.
printf '%s\n' "$pid" > expected
cmp -s expected app.pid || fail "pidfile content: $(od -c app.pid)"
assert_eq 644 "$(stat -c %a app.pid)" "pidfile mode"
# The lock is released once the command exec'd...
flock -n app.pid true || fail "pidfile still locked after daemonize returned"
# ...and the daemon holds no fd on it.
ls -l /proc/$pid/fd | grep -q app.pid && fail "the daemon inherited the pidfile fd"

# A second start is refused, and the pidfile is untouched.
before=$(stat -c %Y.%i app.pid)
run_daemonize -p app.pid -- sleep 300
assert_eq 1 "$rc" "second start"
assert_eq "daemonize: already running as PID $pid" "$(cat err)" "message"
assert_eq "$before" "$(stat -c %Y.%i app.pid)" "pidfile mtime and inode"
cmp -s expected app.pid || fail "pidfile changed by a refused start"
is_alive "$pid" || fail "the running daemon was disturbed"

# The same file through another path is the same daemon.
mkdir sub
run_daemonize -p sub/../app.pid -- sleep 300
assert_eq 1 "$rc" "second start through another path"
kill_pid "$pid"

# A stale pidfile is taken over by a start...
"$DAEMONIZE" -p app.pid -- sleep 300
pid2=$(daemon_pid app.pid)
[ "$pid2" != "$pid" ] || fail "stale pidfile not rewritten"
kill_pid "$pid2"

# ...and removed by a start that fails at exec.
run_daemonize -p app.pid -- ./no-such-program
assert_eq 127 "$rc" "failed start"
[ ! -e app.pid ] || fail "failed start left the pidfile: $(cat app.pid)"

# A pidfile in a missing directory, or a directory as pidfile: 125.
run_daemonize -p no-such-dir/x.pid -- sleep 300
assert_eq 125 "$rc" "pidfile in a missing directory"
assert_contains err "no-such-dir/x.pid" "message names the pidfile"
run_daemonize -p sub -- sleep 300
assert_eq 125 "$rc" "directory as pidfile"
echo ok
