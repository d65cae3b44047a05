#!/bin/sh
# The daemon gets the caller's environment plus -E, in that order of precedence.
set -eu
. "$(dirname "$0")/lib.sh"

env_of() {  # PID NAME -> value, or "<unset>"
    tr '\0' '\n' < "/proc/$1/environ" | sed -n "s/^$2=//p" | grep . || echo "<unset>"
}

KEEP=kept REPLACE=old "$DAEMONIZE" -p "$dir/e.pid" -E REPLACE=new -E ADDED=a=b -E EMPTY= -- sleep 300
pid=$(daemon_pid "$dir/e.pid")
assert_eq kept "$(env_of "$pid" KEEP)" "inherited variable"
assert_eq new "$(env_of "$pid" REPLACE)" "replaced variable"
assert_eq a=b "$(env_of "$pid" ADDED)" "added variable with '=' in its value"
tr '\0' '\n' < "/proc/$pid/environ" | grep -qx 'EMPTY=' || fail "EMPTY= not set"
assert_eq 1 "$(tr '\0' '\n' < "/proc/$pid/environ" | grep -c '^REPLACE=')" "REPLACE appears once"
kill_pid "$pid"

set +e
"$DAEMONIZE" -E NOEQUALS -- true 2>"$dir/err"
rc=$?
set -e
assert_eq 125 "$rc" "-E without ="
assert_contains "$dir/err" "NOEQUALS" "message names the bad word"
echo ok
