#!/bin/sh
# -f without supervision: a minimal init (tini). Exit status passthrough,
# signal forwarding, inherited cwd/stdio (PID 1 of a namespace: foreground_pid1).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

status_of() { set +e; "$@"; _rc=$?; set -e; echo $_rc; }
assert_eq 0 "$(status_of "$DAEMONIZE" -f -- true)" "-f true"
assert_eq 7 "$(status_of "$DAEMONIZE" -f -- sh -c 'exit 7')" "-f exit 7"
assert_eq 138 "$(status_of "$DAEMONIZE" -f -- sh -c 'kill -USR1 $$')" "-f killed by USR1 (128+10)"
assert_eq 127 "$(status_of "$DAEMONIZE" -f -- no-such-command-xyz 2>/dev/null)" "-f missing command"

# Output stays on daemonize's own streams, and the directory stays ours.
out=$("$DAEMONIZE" -f -- sh -c 'echo "out $(pwd)"; echo err >&2' 2>"$dir/stderr")
assert_eq "out $dir" "$out" "stdout and cwd in the foreground"
assert_eq err "$(cat stderr)" "stderr in the foreground"

# A closed stderr pipe must not kill the supervisor (SIGPIPE), and the
# command still gets the default SIGPIPE disposition.
sh -c '"$1" -f --restart always --restart-delay 0.01 --max-restarts 30 -- true 2>&1; echo $? > "$2"' \
    sh "$DAEMONIZE" "$dir/pipe-rc" | head -c 1 >/dev/null
wait_for 10 test -s pipe-rc
assert_eq 1 "$(cat pipe-rc)" "exit status of a supervisor whose stderr reader left"
"$DAEMONIZE" -f -r -- sh -c 'grep "^SigIgn" /proc/$$/status > "$0"' "$dir/ign" 2>/dev/null
assert_eq "SigIgn:	0000000000000000" "$(cat ign)" "ignored signals of a supervised command"

# A plain -f prints nothing of its own; -v logs the events.
"$DAEMONIZE" -f -- true 2>quiet.log
[ ! -s quiet.log ] || fail "plain -f printed: $(cat quiet.log)"

# TERM to daemonize reaches the command, whose status comes back.
"$DAEMONIZE" -f -p fg.pid -- sh -c 'trap "echo got-term > $0/term; exit 3" TERM; echo $$ > $0/child; while :; do sleep 0.1; done' "$dir" &
fg=$!
track "$fg"
wait_for 10 test -s child
track "$(cat child)"
assert_eq "$fg" "$(cat fg.pid)" "pidfile of daemonize -f"
kill -TERM "$fg"
set +e
wait "$fg"
rc=$?
set -e
assert_eq 3 "$rc" "exit status after a forwarded TERM"
assert_eq got-term "$(cat term)" "the command saw TERM"
[ ! -e fg.pid ] || fail "-f left its pidfile"

echo ok
