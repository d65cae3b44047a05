#!/bin/sh
# HUP, USR1, USR2, QUIT, WINCH to the supervisor reach every instance;
# the supervisor reaps orphans (subreaper) and does no work while idle.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Each instance records the signals it receives. (With -o the output goes
# through the supervisor, for which SIGHUP means "reopen the logs": it is
# forwarded as well only with --forward-hup; log_rotate tests the default.)
"$DAEMONIZE" -r -n 2 --forward-hup -p s.pid -o s.log -- sh -c '
    for s in HUP USR1 USR2 QUIT WINCH; do trap "echo $s >> $0.\$DAEMONIZE_INSTANCE" $s; done
    echo ready > $0.ready.$DAEMONIZE_INSTANCE
    while :; do sleep 0.1; done' "$dir/got"
sup=$(daemon_pid s.pid)
wait_for 10 test -e got.ready.0
wait_for 10 test -e got.ready.1
track $(children_of "$sup")
for s in HUP USR1 USR2 QUIT WINCH; do
    kill -s "$s" "$sup"
    wait_for 10 lines_at_least got.0 "^$s\$" 1
    wait_for 10 lines_at_least got.1 "^$s\$" 1
done
is_alive "$sup" || fail "the supervisor died of a forwarded signal"
kill -TERM "$sup"
wait_for 15 not_alive "$sup"

# Orphans: the instance's helper shell starts 20 children and exits, so
# they are orphaned and handed to the supervisor (a subreaper); none of them
# may stay a zombie (PID 1 here reaps nothing, so only the supervisor can).
"$DAEMONIZE" -r -p o.pid -o o.log -- sh -c '
    sh -c "i=0; while [ \$i -lt 20 ]; do sleep 2 & i=\$((i+1)); done"
    exec sleep 300'
sup=$(daemon_pid o.pid)
orphans_adopted() { [ "$(children_of "$sup" | wc -l)" -ge 21 ]; }
wait_for 10 orphans_adopted
orphans_reaped() { [ "$(children_of "$sup" | wc -l)" -eq 1 ] && [ -z "$(zombies_of "$sup")" ]; }
wait_for 15 orphans_reaped

# Idle: no wakeups. Voluntary context switches stay put over 2 s.
before=$(status_field "$sup" voluntary_ctxt_switches)
sleep 2
after=$(status_field "$sup" voluntary_ctxt_switches)
assert_eq "$before" "$after" "voluntary context switches of the idle supervisor"
echo ok
