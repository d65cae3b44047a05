#!/bin/sh
# Simultaneous starts (40, or $RACE_STARTS) on one pidfile: exactly one
# daemon, all the others clean refusals.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

n=${RACE_STARTS:-40}  # the stress suite runs it with 100
i=0
# A FIFO is the starting gate: every start blocks opening it for reading
# until the writer opens it, which releases all of them at once.
mkfifo gate
while [ $i -lt $n ]; do
    (
        : > "ready.$i"
        read -r _ < gate || true
        set +e
        RACE_TAG=$dir "$DAEMONIZE" -p race.pid -- sleep 300 2>"err.$i"
        echo $? > "rc.$i"
    ) &
    i=$((i + 1))
done
all_ready() { [ "$(ls ready.* 2>/dev/null | wc -l)" -eq $n ]; }
wait_for 30 all_ready
echo go > gate
wait

zeros=$(cat rc.* | grep -cx 0 || true)
ones=$(cat rc.* | grep -cx 1 || true)
assert_eq $n "$(ls rc.* | wc -l)" "finished starts"
assert_eq 1 "$zeros" "starts that exited 0"
assert_eq $((n - 1)) "$ones" "starts that exited 1"
pid=$(daemon_pid race.pid)
for f in err.*; do
    [ -s "$f" ] || continue
    assert_eq "daemonize: already running as PID $pid" "$(cat "$f")" "refusal message in $f"
done
# Exactly one daemon carries this test's tag: no refused start forked one.
count=0
for p in /proc/[0-9]*; do
    p=${p#/proc/}
    is_alive "$p" || continue
    [ "$( { tr '\0' '\n' < /proc/$p/environ; } 2>/dev/null | grep -c "^RACE_TAG=$dir$")" = 1 ] && count=$((count + 1))
done
assert_eq 1 "$count" "daemons started"
echo ok
