#!/bin/sh
# `systemd-notify --ready` under -w works every time, on a loaded machine
# too: it sends READY=1, then BARRIER=1, and fails (killing a `set -e`
# script) if the socket is gone by then. 100 starts with every CPU busy.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"
command -v systemd-notify >/dev/null || { echo "SKIP: systemd-notify is needed (Debian package systemd)"; exit 77; }
runs=${BARRIER_RUNS:-100}

# Eight busy loops per CPU.
cpus=$(getconf _NPROCESSORS_ONLN)
i=0
while [ $i -lt $((cpus * ${BARRIER_LOAD:-8})) ]; do
    sh -c 'while :; do :; done' &
    track $!
    i=$((i + 1))
done

i=0
failed=0
while [ $i -lt "$runs" ]; do
    rm -f ok
    set +e
    "$DAEMONIZE" -w --ready-timeout 30 -p r.pid -- sh -c \
        "set -e; systemd-notify --ready; echo \$\$ > $dir/ok; exec sleep 300" 2>err
    rc=$?
    set -e
    assert_eq 0 "$rc" "run $i: daemonize -w (stderr: $(cat err))"
    # The script goes on only if systemd-notify succeeded.
    wait_for 30 test -s ok
    kill_pid "$(cat ok)"
    i=$((i + 1))
done
echo ok
