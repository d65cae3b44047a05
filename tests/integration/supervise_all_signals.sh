#!/bin/sh
# Every catchable asynchronous signal sent to a supervisor reaches its
# instances (tini and dumb-init parity): none kills or stops the supervisor
# or leaves its pidfile behind; TSTP, TTIN and TTOU stop no one; CONT and URG
# are forwarded too. Detached (-r) and in the foreground (-f), where the
# command's handler decides.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# By number: ALRM PWR XCPU XFSZ VTALRM PROF IO STKFLT SYS URG CONT TSTP TTIN
# TTOU ABRT, and the first and last real-time signals glibc leaves to programs.
rtmin=$(kill -l RTMIN 2>/dev/null || echo 34)
rtmax=$(kill -l RTMAX 2>/dev/null || echo 64)
sigs="14 30 24 25 26 27 29 16 31 23 18 20 21 22 6 $((rtmin + 1)) $rtmax"

# The command traps each of them and notes which arrived.
cat > catcher.sh <<EOF2
for s in $sigs; do trap "echo \$s >> \$1" \$s; done
: > \$1.ready
while :; do sleep 0.05; done
EOF2

stopped() { [ "$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status")" = T ]; }
send_all() {  # SUPERVISOR RECORD
    for s in $sigs; do
        kill -s "$s" "$1" 2>/dev/null || kill "-$s" "$1"
        wait_for 10 lines_at_least "$2" "^$s\$" 1
        is_alive "$1" || fail "signal $s killed the supervisor"
        ! stopped "$1" || fail "signal $s stopped the supervisor"
    done
}

"$DAEMONIZE" -r -p d.pid -- sh "$dir/catcher.sh" "$dir/got-d"
sup=$(daemon_pid d.pid)
wait_for 10 test -e got-d.ready
track $(children_of "$sup")
send_all "$sup" got-d
kill -TERM "$sup"
wait_for 15 not_alive "$sup"
[ ! -e d.pid ] || fail "the pidfile was left behind"

"$DAEMONIZE" -f -p f.pid -- sh "$dir/catcher.sh" "$dir/got-f" &
fg=$!
track "$fg"
wait_for 10 test -e got-f.ready
track $(children_of "$fg")
send_all "$fg" got-f
kill -TERM "$fg"
set +e
wait "$fg"
rc=$?
set -e
assert_eq 143 "$rc" "exit status of daemonize -f whose command died of TERM"
[ ! -e f.pid ] || fail "the pidfile of daemonize -f was left behind"
echo ok
