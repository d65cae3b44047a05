#!/bin/sh
# A caller with blocked and ignored signals hands the daemon a clean slate.
set -eu
. "$(dirname "$0")/lib.sh"
[ -x "$SIGPREP" ] || fail "sigprep helper missing: '$SIGPREP'"

# Block TERM, USR1, USR2 and a real-time signal; ignore HUP, INT, QUIT, PIPE,
# and CHLD (which also must not break the caller's own waiting).
"$SIGPREP" -b 15 -b 10 -b 12 -b 40 -i 1 -i 2 -i 3 -i 13 -i 17 -r "$dir/caller" -- \
    "$DAEMONIZE" -p "$dir/d.pid" -- sleep 300
pid=$(daemon_pid "$dir/d.pid")

# Prove the caller really had them, or the check below would prove nothing.
assert_eq 0000008000004a00 "$(sed -n 's/^SigBlk:[[:space:]]*//p' "$dir/caller")" "caller's blocked signals"
assert_eq 0000000000011007 "$(sed -n 's/^SigIgn:[[:space:]]*//p' "$dir/caller")" "caller's ignored signals"

assert_eq 0000000000000000 "$(status_field "$pid" SigBlk)" "daemon's blocked signals"
assert_eq 0000000000000000 "$(status_field "$pid" SigIgn)" "daemon's ignored signals"

# And the default disposition really applies: SIGHUP terminates it.
kill -HUP "$pid"
wait_for 10 not_alive "$pid"
echo ok
