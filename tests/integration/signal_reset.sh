#!/bin/sh
# A caller with blocked and ignored signals hands the daemon a clean slate.
set -eu
. "$(dirname "$0")/lib.sh"
[ -x "$SIGPREP" ] || fail "sigprep helper missing: '$SIGPREP'"

# Block TERM, USR1, USR2 and a real-time signal; ignore HUP, INT, QUIT, PIPE,
# CHLD (which also must not break the caller's own waiting), and 32 and 33,
# glibc's own real-time signals, which GNU make leaves ignored (as under
# dpkg-buildpackage) and glibc's sigaction() cannot reset.
"$SIGPREP" -b 15 -b 10 -b 12 -b 40 -i 1 -i 2 -i 3 -i 13 -i 17 -i 32 -i 33 -r "$dir/caller" -- \
    "$DAEMONIZE" -p "$dir/d.pid" -- sleep 300
pid=$(daemon_pid "$dir/d.pid")

# Prove the caller really had them, or the check below would prove nothing.
assert_eq 0000008000004a00 "$(sed -n 's/^SigBlk:[[:space:]]*//p' "$dir/caller")" "caller's blocked signals"
assert_eq 0000000180011007 "$(sed -n 's/^SigIgn:[[:space:]]*//p' "$dir/caller")" "caller's ignored signals"

assert_eq 0000000000000000 "$(status_field "$pid" SigBlk)" "daemon's blocked signals"
assert_eq 0000000000000000 "$(status_field "$pid" SigIgn)" "daemon's ignored signals"

# The same for a supervisor's instances, and in the foreground.
"$SIGPREP" -b 15 -i 1 -i 32 -i 33 -- "$DAEMONIZE" -r -p "$dir/s.pid" -- sleep 300
sup=$(daemon_pid "$dir/s.pid")
wait_for 10 children_count_is "$sup" 1
inst=$(children_of "$sup")
track "$inst"
wait_for 10 comm_is "$inst" sleep
assert_eq 0000000000000000 "$(status_field "$inst" SigIgn)" "an instance's ignored signals"
"$SIGPREP" -i 1 -i 32 -i 33 -- "$DAEMONIZE" -f -- sh -c 'grep "^SigIgn" /proc/$$/status > "$0"' "$dir/fg"
assert_eq "SigIgn:	0000000000000000" "$(cat "$dir/fg")" "ignored signals of the command of daemonize -f"

# And the default disposition really applies: SIGHUP terminates it.
kill -HUP "$pid"
wait_for 10 not_alive "$pid"
echo ok
