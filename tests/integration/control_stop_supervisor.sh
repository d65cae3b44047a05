#!/bin/sh
# After --stop on a supervisor returns 0, no process of the service is left,
# whatever the timeouts: the verb gives the supervisor the time it needs,
# and when it must escalate it takes the instances and everything below the
# supervisor too. Instances do not outlive a supervisor killed with SIGKILL.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

all_gone() { for p in "$@"; do not_alive "$p" || return 1; done; }
assert_gone() {  # WHAT PIDS...
    _what=$1
    shift
    for p in "$@"; do
        not_alive "$p" || fail "$_what: PID $p ($(cat "/proc/$p/comm" 2>/dev/null)) is still running"
    done
}

# 1. Default timeouts on both sides; instances that ignore TERM.
"$DAEMONIZE" -r -n 2 -p a.pid -- sh -c 'trap "" TERM; exec sleep 300'
sup=$(daemon_pid a.pid)
wait_for 10 children_count_is "$sup" 2
kids=$(children_of "$sup")
track $kids
run_daemonize --stop -p a.pid
assert_eq 0 "$rc" "--stop of a supervisor of TERM-ignoring instances (stderr: $(cat err))"
assert_gone "after --stop with the default timeouts" "$sup" $kids
[ ! -e a.pid ] || fail "the pidfile is left"

# 2. A grandchild an earlier run left behind (in its own session) goes too.
"$DAEMONIZE" -r --restart-delay 0 -p b.pid -- sh -c '
    if [ -e "$0/first" ]; then exec sleep 300; fi
    : > "$0/first"
    setsid sh -c "trap \"\" TERM; exec sleep 300" & echo $! > "$0/gc"
    exit 1' "$dir"
sup=$(daemon_pid b.pid)
wait_for 10 test -s gc
gc=$(cat gc)
track "$gc"
wait_for 10 comm_is "$gc" sleep
run_daemonize --stop -p b.pid
assert_eq 0 "$rc" "--stop (stderr: $(cat err))"
assert_gone "a grandchild of a restarted run" "$sup" "$gc"

# 3. The verb escalates before the supervisor would: the whole tree dies.
"$DAEMONIZE" -r -n 2 --stop-timeout 60 -p c.pid -- sh -c '
    trap "" TERM
    sh -c "trap \"\" TERM; exec sleep 300" &
    exec sleep 300'
sup=$(daemon_pid c.pid)
wait_for 10 children_count_is "$sup" 2
tree() { proc_table | awk -v r="$sup" '{p[$1]=$3; s[$1]=$2} END {for (x in p) {y=x; while (y in p && y != r && y > 1) y=p[y]; if (y == r && x != r && s[x] != "Z") print x}}'; }
wait_for 10 test "$(tree | wc -l)" -ge 4
below=$(tree)
track $below
run_daemonize --stop --stop-timeout 1 -p c.pid
assert_eq 0 "$rc" "--stop --stop-timeout 1 of a supervisor that takes 60 s (stderr: $(cat err))"
assert_contains err "every process below it" "escalation message"
assert_gone "after escalation" "$sup" $below

# 4. kill -9 of the supervisor: TERM-ignoring instances die with it.
"$DAEMONIZE" -r -n 2 -p d.pid -- sh -c 'trap "" TERM; exec sleep 300'
sup=$(daemon_pid d.pid)
wait_for 10 children_count_is "$sup" 2
kids=$(children_of "$sup")
track $kids
kill -9 "$sup"
wait_for 10 all_gone $kids
echo ok
