#!/bin/sh
# --log-max-size/--log-keep rotate at line boundaries and keep exactly N old
# files; SIGHUP reopens the files (and is not forwarded unless asked).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

"$DAEMONIZE" -f --log-max-size 10K --log-keep 3 -o app.log -- sh -c '
    i=0; while [ $i -lt 3000 ]; do echo "line $i of the rotation test"; i=$((i + 1)); done'
for f in app.log app.log.1 app.log.2 app.log.3; do
    [ -s "$f" ] || fail "$f missing"
    [ "$(wc -c < "$f")" -le 10240 ] || fail "$f is larger than 10K: $(wc -c < "$f")"
    # Every line whole: no line is split across two files.
    [ "$(grep -vc '^line [0-9]* of the rotation test$' "$f")" = 0 ] || fail "a partial line in $f"
done
[ ! -e app.log.4 ] || fail "more than 3 old files kept"
cat app.log.3 app.log.2 app.log.1 app.log | sed 's/^line \([0-9]*\) .*/\1/' > numbers
first=$(head -1 numbers)
assert_eq 2999 "$(tail -1 numbers)" "the last line is in app.log"
seq "$first" 2999 | cmp -s - numbers || fail "lines missing or out of order across the rotated files"

# SIGHUP: after an outside rotation (mv), new lines go to a new file.
run_daemonize -r -p hup.pid -o hup.log -- sh -c 'while :; do echo tick; sleep 0.05; done'
assert_eq 0 "$rc" "start"
sup=$(daemon_pid hup.pid)
wait_for 10 lines_at_least hup.log '^tick$' 1
mv hup.log hup.log.old
kill -HUP "$sup"
wait_for 10 lines_at_least hup.log '^tick$' 1
assert_contains hup.log "received SIGHUP: log files reopened" "event in the new file"
old_size=$(wc -c < hup.log.old)
wait_for 10 lines_at_least hup.log '^tick$' 5
assert_eq "$old_size" "$(wc -c < hup.log.old)" "the old file no longer grows"
assert_eq 0 "$(count_lines hup.log 'exited\|killed')" "the instance was not signalled"
"$DAEMONIZE" --stop -p hup.pid
wait_for 15 not_alive "$sup"

# --forward-hup: reopened, and the instance gets it too.
run_daemonize -r --forward-hup -p fwd.pid -o fwd.log -- sh -c 'trap "echo got HUP" HUP; while :; do sleep 0.05; done'
sup=$(daemon_pid fwd.pid)
wait_for 10 children_count_is "$sup" 1
kill -HUP "$sup"
wait_for 10 lines_at_least fwd.log '^got HUP$' 1
"$DAEMONIZE" --stop -p fwd.pid
wait_for 15 not_alive "$sup"
echo ok
