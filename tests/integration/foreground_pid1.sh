#!/bin/sh
# daemonize -f as PID 1 of a new PID namespace (a container): it reaps
# orphans, passes the status through, and a TERM sent to it reaches the command.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates a PID namespace"
cd "$dir"
command -v unshare >/dev/null || fail "unshare (util-linux) is needed"
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "SKIP: cannot create a PID namespace here"; exit 77; }

# PID 1 of a new PID namespace: reaps orphans and passes the status through.
set +e
unshare --pid --fork --mount-proc "$DAEMONIZE" -f -- sh -c '
    sh -c "sleep 0.2 & sleep 0.2 & sleep 0.2 &"
    sleep 1
    zombies=$(grep -l "^State:.Z" /proc/[0-9]*/status 2>/dev/null | wc -l)
    echo "pid1=$(cat /proc/1/comm) zombies=$zombies" > "$0/ns"
    exit 5' "$dir"
rc=$?
set -e
assert_eq 5 "$rc" "status through PID 1 of a namespace"
assert_eq "pid1=daemonize zombies=0" "$(cat ns)" "PID 1 and zombies in the namespace"

# As PID 1, a TERM sent to it (docker stop) reaches the command.
set +e
unshare --pid --fork --mount-proc "$DAEMONIZE" -f -- sh -c '
    trap "echo got-term > $0/ns-term; exit 4" TERM
    kill -TERM 1
    sleep 5 & wait' "$dir"
rc=$?
set -e
assert_eq 4 "$rc" "status after TERM to PID 1"
assert_eq got-term "$(cat ns-term)" "the command saw the TERM sent to PID 1"
echo ok
