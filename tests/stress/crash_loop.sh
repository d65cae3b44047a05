#!/bin/sh
# A command that fails at once, supervised with backoff for about 10 s:
# every delay between an exit and the next start follows the schedule
# (0.1 s doubling to 1.6 s, ±10% jitter), and the supervisor's CPU use
# stays small.
set -eu
. "$(dirname "$0")/../integration/lib.sh"
cd "$dir"

run_daemonize -r --restart-delay 0.1:1.6 -p loop.pid -o loop.log -- sh -c 'exit 1'
assert_eq 0 "$rc" "start"
sup=$(daemon_pid loop.pid)
# 0.1+0.2+0.4+0.8+1.6*4 = 7.9 s for the first 8 restarts.
wait_for 30 lines_at_least loop.log 'started (pid' 10
kill -TERM "$sup"
wait_for 15 not_alive "$sup"

# Event times in ms since midnight: "...T10:00:01.234+00:00 daemonize[..]: ..."
ms() { sed -n "s/^[^T]*T\([0-9][0-9]\):\([0-9][0-9]\):\([0-9][0-9]\)\.\([0-9]\{3\}\).*$1.*/\1 \2 \3 \4/p" loop.log |
    awk '{print (($1 * 60 + $2) * 60 + $3) * 1000 + $4}'; }
ms 'exited with status 1' > exits
ms 'started (pid' | tail -n +2 > starts
paste exits starts | head -9 | awk '
    { expected = 100 * 2 ^ (NR - 1); if (expected > 1600) expected = 1600
      delay = $2 - $1
      # jitter is ±10%; 20 ms more for scheduling and the ms rounding
      if (delay < expected * 0.9 - 20 || delay > expected * 1.1 + 20) {
          printf "restart %d: delay %d ms, expected %d ms ±10%%\n", NR, delay, expected; bad = 1 }
      n++ }
    END { if (n < 9) { print "only " n " restarts"; bad = 1 } exit bad }' > schedule ||
    fail "backoff schedule: $(cat schedule)"

# CPU: utime + stime of the supervisor, from its last words... it is gone;
# so measure a second, identical run while it is alive.
run_daemonize -r --restart-delay 0.1:1.6 -p loop2.pid -o loop2.log -- sh -c 'exit 1'
sup=$(daemon_pid loop2.pid)
wait_for 30 lines_at_least loop2.log 'started (pid' 8
ticks=$(sed 's/.*) //' "/proc/$sup/stat" | awk '{print $12 + $13}')
hz=$(getconf CLK_TCK)
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
# 8 restarts in ~4 s: a few ms of CPU are expected; 0.5 s would be a busy loop.
[ "$ticks" -lt $((hz / 2)) ] || fail "the supervisor used $ticks ticks (of $hz/s) of CPU for 8 restarts"
echo "ok: supervisor CPU $ticks ticks"
