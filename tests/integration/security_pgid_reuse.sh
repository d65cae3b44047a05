#!/bin/sh
# Issue 13, item 4: on stop, the supervisor signals no process group of an
# instance that exited long ago. In a PID namespace, an unrelated process
# takes the exited instance's PID as its own process group; it must survive.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "creates a PID namespace and sets ns_last_pid"
cd "$dir"
chmod 755 "$dir"
unshare --pid --fork --mount-proc true 2>/dev/null || { echo "SKIP: cannot create a PID namespace"; exit 77; }

# Runs as PID 1 of the namespace; its exit status is the verdict (77: skip).
cat > inner.sh <<'EOF'
set -u
DAEMONIZE=$1 dir=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
alive() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status"; }
gone() { [ ! -e "/proc/$1" ]; }
wait_until() {  # 20 s
    _i=0
    until "$@"; do
        _i=$((_i + 1))
        [ "$_i" -lt 400 ] || fail "timed out waiting for: $*"
        sleep 0.05
    done
}
"$DAEMONIZE" -n 2 -r -p "$dir/sup.pid" -- sh -c \
    'if [ "$DAEMONIZE_INSTANCE" = 0 ]; then echo $$ > "$1/i0"; exit 0; fi; exec sleep 300' sh "$dir" \
    || fail "start of the supervisor: exit $?"
wait_until test -s "$dir/i0"
P=$(cat "$dir/i0")
wait_until gone "$P"
echo "$((P - 1))" > /proc/sys/kernel/ns_last_pid 2>/dev/null || { echo "SKIP: ns_last_pid is not writable"; exit 77; }
victim=
for try in 1 2 3 4 5; do
    echo "$((P - 1))" > /proc/sys/kernel/ns_last_pid
    setsid sleep 300 &
    if [ "$!" = "$P" ]; then
        victim=$P
        break
    fi
    kill -9 "$!"
done
[ -n "$victim" ] || fail "could not give PID $P to a new process"
leads_its_group() {
    [ "$(cat "/proc/$P/comm")" = sleep ] && [ "$(cut -d' ' -f5 "/proc/$P/stat")" = "$P" ]
}
wait_until leads_its_group
"$DAEMONIZE" --stop -p "$dir/sup.pid" >"$dir/stop.out" 2>&1
rc=$?
[ "$rc" = 0 ] || fail "--stop: expected exit 0, got $rc: $(cat "$dir/stop.out")"
alive "$victim" || fail "--stop killed process group $P, which instance 0 had left long ago"
kill -9 "$victim"
exit 0
EOF

set +e
timeout -s KILL 50 unshare --pid --fork --mount-proc --kill-child sh inner.sh "$DAEMONIZE" "$dir"
rc=$?
set -e
[ "$rc" != 137 ] || fail "the test in the PID namespace did not finish within 50 s"
[ "$rc" != 77 ] || exit 77
assert_eq 0 "$rc" "the test in the PID namespace"
echo ok
