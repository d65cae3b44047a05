#!/bin/sh
# Issue 20: what a first-time user sees. Usage errors are one line in
# daemonize's words with a hint; -h among the options wins; -v reports each
# step in order and warns of Python's buffering; --stop-timeout is accepted
# without supervision.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

one_line_error() {  # EXPECTED-TEXT WORDS...
    expected=$1
    shift
    run_daemonize "$@"
    assert_eq 125 "$rc" "exit status of: daemonize $*"
    assert_eq 1 "$(wc -l < err)" "one line for: daemonize $* ($(cat err))"
    assert_eq "daemonize: $expected" "$(cat err)" "the message for: daemonize $*"
    [ ! -s out ] || fail "daemonize $* wrote to stdout: $(cat out)"
}
one_line_error "-r takes no value (it means --restart on-failure); for that policy write --restart always" \
    -r always ./app
one_line_error "unknown option '--pidfle' (did you mean --pidfile?)" --pidfle x.pid true
one_line_error "unknown option '-a': appending to -o/-e files is the default (--truncate to truncate)" -a -o x.log true
one_line_error "-p (--pidfile) needs a value: FILE" -p
[ ! -e x.log ] || fail "a refused start created x.log"

run_daemonize --bogus -p x.pid -h
assert_eq 0 "$rc" "-h next to a bad option"
assert_contains out "Usage: daemonize" "-h prints the help"
[ ! -s err ] || fail "-h next to a bad option printed an error: $(cat err)"

# -v, with PYTHONUNBUFFERED unset: the steps in order, and the note.
set +e
env -u PYTHONUNBUFFERED "$DAEMONIZE" -v -c "$dir" -o app.log -p app.pid --stop-timeout 2 -- \
    python3 -c 'import time; time.sleep(60)' 2> steps
rc=$?
set -e
assert_eq 0 "$rc" "start with -v ($(cat steps))"
pid=$(daemon_pid app.pid)
n=0
for step in "daemonize: daemonize [0-9.]*, uid [0-9]*, in $dir: python3 -c 'import time; time.sleep(60)'" \
    "daemonize: command: /.*python3" "daemonize: identity: unchanged" "daemonize: pidfile $dir/app.pid locked" \
    "daemonize: stdin: /dev/null; stdout: $dir/app.log (appending); stderr: with stdout" \
    "daemonize: note: python3 buffers what it writes to a file or pipe" "daemonize: working directory: $dir/*; umask 022" \
    "daemonize: started python3 as PID $pid: exec confirmed"; do
    n=$((n + 1))
    sed -n "${n}p" steps | grep -q "^$step" || fail "-v line $n is not '$step': $(cat steps)"
done
assert_eq "$n" "$(wc -l < steps)" "-v lines ($(cat steps))"
run_daemonize --stop -p app.pid
assert_eq 0 "$rc" "stop ($(cat err))"

# python3 -u: no note.
set +e
env -u PYTHONUNBUFFERED "$DAEMONIZE" -v -o app.log -- python3 -u -c 'pass' 2> steps
set -e
grep -q "note:" steps && fail "a note for python3 -u: $(cat steps)"
echo ok
