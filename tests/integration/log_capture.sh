#!/bin/sh
# Output through the supervisor: timestamps (present, monotonic), partial
# lines flushed, long lines split but complete, per-instance prefixes and
# %i files, byte-exact bulk output, nothing lost at exit, stop or restart.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Waits until the supervisor logging to FILE has given up and exited.
supervisor_gave_up() {
    wait_for 30 lines_at_least "$1" 'giving up' 1
    _sup=$(sed -n 's/.*daemonize\[\([0-9]*\)\]: giving up.*/\1/p' "$1")
    track "$_sup"
    wait_for 30 not_alive "$_sup"
}

iso='^[0-9]\{4\}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9]\{3\}[+-][0-9][0-9]:[0-9][0-9] '

# Timestamps: every line has one, and they never go backwards.
"$DAEMONIZE" -f --timestamps -o ts.log -- sh -c '
    i=0; while [ $i -lt 30 ]; do echo "line $i"; i=$((i + 1)); [ $((i % 10)) = 0 ] && sleep 0.05; done
    echo "to stderr" >&2'
assert_eq 31 "$(count_lines ts.log "${iso}")" "ISO-stamped lines"
assert_eq 1 "$(count_lines ts.log "${iso}to stderr\$")" "stderr stamped in the same file"
cut -c1-29 ts.log > stamps
sort -c stamps || fail "timestamps go backwards: $(cat ts.log)"
"$DAEMONIZE" -f --timestamps=unix -o unix.log -- echo hello
grep -q '^[0-9]\{10\}\.[0-9]\{3\} hello$' unix.log || fail "unix timestamp: $(cat unix.log)"

# A partial line is written after the flush timeout, while the command
# still waits; the rest of it follows on its own line.
"$DAEMONIZE" -f --timestamps -o partial.log -- sh -c 'printf "no newline yet"; touch waiting; while [ ! -e go ]; do sleep 0.05; done; echo " and now"' &
init=$!
track "$init"
wait_for 10 lines_at_least partial.log "${iso}no newline yet\$" 1
touch go
wait "$init"
wait_for 10 lines_at_least partial.log "${iso} and now\$" 1

# A line far longer than the 64 KiB limit is split, never dropped.
"$DAEMONIZE" -f --timestamps -o long.log -- sh -c 'head -c 200000 /dev/zero | tr "\0" x; echo; echo after'
assert_eq 200000 "$(sed "s/${iso}//" long.log | tr -d '\n' | tr -d 'after' | wc -c)" "bytes of the long line"
assert_eq 1 "$(count_lines long.log "${iso}after\$")" "the line after the long one"

# Bulk output: byte for byte, when the command exits right after writing.
head -c 100000000 /dev/urandom > data
"$DAEMONIZE" -f -o bulk.log -- cat "$dir/data"
cmp -s data bulk.log || fail "100 MB through the supervisor (-f) differ"
rm bulk.log
run_daemonize --restart no -p bulk.pid -o bulk.log -e events.log -- cat "$dir/data"
assert_eq 0 "$rc" "detached supervisor start"
# (It may be done, and its pidfile gone, before we look: ask its log.)
wait_for 10 lines_at_least events.log 'instance 0 started' 1
sup=$(sed -n '1s/.*daemonize\[\([0-9]*\)\].*/\1/p' events.log)
track "$sup"
wait_for 60 not_alive "$sup"
cmp -s data bulk.log || fail "100 MB through a detached supervisor differ"
rm data bulk.log

# Several instances: [i] prefixes in one file, or one file per instance.
run_daemonize -n 3 --log-prefix -p multi.pid -o multi.log -- sh -c 'echo "hi from $DAEMONIZE_INSTANCE"; exec sleep 300'
assert_eq 0 "$rc" "three prefixed instances"
sup=$(daemon_pid multi.pid)
for i in 0 1 2; do wait_for 10 lines_at_least multi.log "^\[$i\] hi from $i\$" 1; done
"$DAEMONIZE" --stop -p multi.pid
wait_for 15 not_alive "$sup"
run_daemonize -n 2 -p each.pid -o "each-%i.log" -- sh -c 'echo "I am $DAEMONIZE_INSTANCE"; echo "oops $DAEMONIZE_INSTANCE" >&2; exec sleep 300'
assert_eq 0 "$rc" "per-instance files"
sup=$(daemon_pid each.pid)
for i in 0 1; do
    wait_for 10 lines_at_least "each-$i.log" "^I am $i\$" 1
    wait_for 10 lines_at_least "each-$i.log" "^oops $i\$" 1
done
assert_contains each-supervisor.log "instance 1 started" "the supervisor's own log"
"$DAEMONIZE" --stop -p each.pid
wait_for 15 not_alive "$sup"
run_daemonize -o "plain-%i.log" -- true
assert_eq 125 "$rc" "%i without supervision"

# Nothing lost: the last words of every run, and of a stopped instance.
run_daemonize -r --restart-delay 0 --max-restarts 3 -p crash.pid -o crash.log -- sh -c 'echo "run of $$"; printf "last words of $$"; exit 1'
assert_eq 0 "$rc" "crash loop start"
# (It may give up, and remove its pidfile, before we could read it.)
supervisor_gave_up crash.log
# Byte for byte without --timestamps: each run's last words, then the next.
assert_eq 4 "$(grep -o 'run of [0-9]*' crash.log | wc -l)" "every run's output"
assert_eq 4 "$(grep -o 'last words of [0-9]*' crash.log | wc -l)" "every run's unterminated last words"
[ "$(grep -c 'exited with status 1' crash.log)" = 4 ] || fail "exit events: $(cat crash.log)"
# With a prefix, an exit ends the run's partial line: each on its own line,
# before the exit is logged.
run_daemonize -r --restart-delay 0 --max-restarts 2 --timestamps -p crash2.pid -o crash2.log -- sh -c 'printf "last words of $$"; exit 1'
supervisor_gave_up crash2.log
assert_eq 3 "$(count_lines crash2.log "${iso}last words of [0-9]*\$")" "partial last lines ended at exit"
grep -A1 'last words' crash2.log | grep -q 'exited with status 1' || fail "last words logged after the exit: $(cat crash2.log)"
run_daemonize -r -p stop.pid -o stop.log -- sh -c 'trap "echo got TERM; exit 0" TERM; echo started; while :; do sleep 0.05; done'
sup=$(daemon_pid stop.pid)
wait_for 10 lines_at_least stop.log '^started$' 1
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
assert_contains stop.log "got TERM" "output written while stopping"
echo ok
