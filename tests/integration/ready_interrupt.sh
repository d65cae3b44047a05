#!/bin/sh
# TERM or INT to a caller waiting with -w stops the unready command (or the
# supervisor and its instances) and removes the pidfile: a failed start
# leaves nothing behind; the caller exits 128+N.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Lines in RECORD before the signal: one per process that must have started
# (an instance TERMed before its shell wrote its line would leave none).
record_lines=1
interrupt() {  # SIGNAL EXPECTED_RC PIDFILE RECORD ARGS...: start, wait for the command, signal the caller
    _sig=$1 _want=$2 _pidfile=$3 _record=$4
    shift 4
    "$DAEMONIZE" -w --ready-timeout 60 -p "$_pidfile" "$@" >out 2>err &
    _caller=$!
    track "$_caller"
    wait_for 10 lines_at_least "$_record" . "$record_lines"
    wait_for 10 test -s "$_pidfile"
    kill -s "$_sig" "$_caller"
    set +e
    wait "$_caller"
    rc=$?
    set -e
    assert_eq "$_want" "$rc" "exit status of a caller interrupted by $_sig"
    assert_contains err "interrupted by SIG$_sig" "message"
    [ ! -e "$_pidfile" ] || fail "the pidfile is left after SIG$_sig"
}

# The default mode: the caller itself waits.
interrupt TERM 143 a.pid a.rec -- sh -c 'echo $$ > "$0"; exec sleep 300' "$dir/a.rec"
cmd=$(cat a.rec)
track "$cmd"
wait_for 10 not_alive "$cmd"
interrupt INT 130 b.pid b.rec -- sh -c 'echo $$ > "$0"; exec sleep 300' "$dir/b.rec"
cmd=$(cat b.rec)
track "$cmd"
wait_for 10 not_alive "$cmd"

# A supervisor of two instances, interrupted once both have started.
record_lines=2
interrupt TERM 143 c.pid c.rec -r -n 2 -- sh -c 'echo $$ >> "$0"; exec sleep 300' "$dir/c.rec"
wait_for 10 lines_at_least c.rec . 2
for p in $(cat c.rec); do
    track "$p"
    wait_for 15 not_alive "$p"
done
echo ok
