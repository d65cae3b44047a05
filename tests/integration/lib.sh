# Shared helpers for the integration tests (POSIX sh).
# Each test: `. "$(dirname "$0")/lib.sh"`, then $DAEMONIZE, $SIGPREP,
# $NOTIFY_TOOL, $dir.
# Processes to clean up go through `track PID` or pidfiles in $dir.

DAEMONIZE=${1:?usage: $0 DAEMONIZE_BINARY SIGPREP_BINARY}
SIGPREP=${2:-}
NOTIFY_TOOL=${3:-}
SOURCE_ROOT=${4:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD_ROOT=${5:-}
# meson passes paths relative to the build directory; tests cd elsewhere.
case $DAEMONIZE in /*) ;; *) DAEMONIZE=$(pwd)/$DAEMONIZE ;; esac
case $SIGPREP in /* | '') ;; *) SIGPREP=$(pwd)/$SIGPREP ;; esac
case $NOTIFY_TOOL in /* | '') ;; *) NOTIFY_TOOL=$(pwd)/$NOTIFY_TOOL ;; esac
dir=$(mktemp -d "${TMPDIR:-/tmp}/daemonize-test.XXXXXX")
tracked=""
mounts=""  # mount points in $dir that cleanup unmounts

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# need_root WHY: skip (exit 77, as meson expects) unless running as root.
need_root() {
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root ($*)"; exit 77; }
}

# Runs a command as the unprivileged user the security tests use as "the
# service". In the background, $! is not its PID: use setpriv directly there.
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }

# Kills every tracked PID and every PID named by a pidfile anywhere in $dir.
cleanup() {
    for f in $(find "$dir" -name '*.pid' -type f 2>/dev/null); do
        p=$(cat "$f" 2>/dev/null || true)
        case $p in '' | *[!0-9]* | 0 | 1) ;; *) tracked="$tracked $p" ;; esac
    done
    for p in $tracked $(cat "$dir/.tracked" 2>/dev/null); do
        kill -9 "$p" 2>/dev/null || true
    done
    # After the kills: a file still open there would make umount fail.
    for m in $mounts; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
    rm -rf "$dir"
}
trap cleanup EXIT

# Also kept in a file: `pid=$(daemon_pid ...)` tracks from a subshell.
track() {
    tracked="$tracked $*"
    echo "$*" >> "$dir/.tracked"
}

# Alive = exists and is not a zombie (PID 1 here never reaps orphans).
is_alive() {
    [ -r "/proc/$1/status" ] || return 1
    ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$1/status" 2>/dev/null
}

status_field() {  # PID NAME -> value of "NAME:" in /proc/PID/status
    sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status"
}

# wait_for SECONDS CMD... : poll every 0.05 s until CMD succeeds.
wait_for() {
    _limit=$(($1 * 20))
    shift
    _i=0
    until "$@"; do
        _i=$((_i + 1))
        [ "$_i" -ge "$_limit" ] && fail "timed out waiting for: $*"
        sleep 0.05
    done
}

kill_pid() {  # SIGKILL and wait until dead or zombie
    kill -9 "$1" 2>/dev/null || true
    wait_for 10 not_alive "$1"
}
not_alive() { ! is_alive "$1"; }

assert_eq() {  # EXPECTED ACTUAL WHAT
    [ "$1" = "$2" ] || fail "$3: expected '$1', got '$2'"
}

assert_contains() {  # FILE TEXT WHAT
    grep -qF -- "$2" "$1" || fail "$3: '$2' not in $1: $(cat "$1")"
}

# run_daemonize ARGS... : runs daemonize, sets $rc, stdout in $dir/out, stderr in $dir/err.
run_daemonize() {
    set +e
    "$DAEMONIZE" "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    set -e
}

# The PID in a pidfile, checked to be alive.
daemon_pid() {
    wait_for 10 test -s "$1"
    _p=$(cat "$1")
    track "$_p"
    is_alive "$_p" || fail "pidfile $1 names $_p, which is not running"
    echo "$_p"
}


# "PID STATE PPID" for every process (comm may hold spaces: cut at ") ").
proc_table() {
    # One sed over all of them: the greedy ".*) " skips any comm.
    { cat /proc/[0-9]*/stat; } 2>/dev/null | sed -n 's/^\([0-9]*\) .*) \(.\) \([0-9]*\) .*/\1 \2 \3/p'
}

# PIDs of the live (non-zombie) children of $1.
children_of() { proc_table | awk -v p="$1" '$3 == p && $2 != "Z" && $2 != "X" {print $1}'; }

# PIDs of the zombie children of $1.
zombies_of() { proc_table | awk -v p="$1" '$3 == p && $2 == "Z" {print $1}'; }

# Number of lines of FILE matching the basic regex PATTERN (0 if none).
count_lines() {
    [ -e "$1" ] || { echo 0; return; }
    grep -c -- "$2" "$1" || true
}

# Value of VAR in the environment of PID.
env_of() { { tr '\0' '\n' < "/proc/$1/environ"; } 2>/dev/null | sed -n "s/^$2=//p"; }

# For wait_for (which re-runs a command, not a "$(...)" expanded once):
lines_at_least() { [ "$(count_lines "$1" "$2")" -ge "$3" ]; }   # FILE PATTERN N
children_count_is() { [ "$(children_of "$1" | wc -l)" -eq "$2" ]; }  # PID N

# Seconds since the epoch with milliseconds, for lower bounds on waits.
now_ms() { date +%s%3N; }

# The fds of PID, sorted, on one line: "0 1 2".
fds_of() { ls "/proc/$1/fd" | sort -n | tr '\n' ' ' | sed 's/ $//'; }

# outsider_is_ignored DAEMONIZE_ARGS... : starts daemonize with -w and
# --ready-timeout 3 on a command that publishes its NOTIFY_SOCKET in ./addr;
# a live process outside its tree sends READY=1 there, which must not count:
# the caller must exit 124. Sets $outsider to that process's PID.
outsider_is_ignored() {
    rm -f addr
    "$DAEMONIZE" "$@" -w --ready-timeout 3 -- sh -c 'echo "$NOTIFY_SOCKET" > addr; exec sleep 300' \
        >"$dir/out" 2>"$dir/err" &
    _caller=$!
    track "$_caller"
    wait_for 10 test -s addr
    "$NOTIFY_TOOL" send "$(cat addr)" 'READY=1' 10 &
    outsider=$!
    track "$outsider"
    set +e
    wait "$_caller"
    rc=$?
    set -e
    kill "$outsider" 2>/dev/null || true
    assert_eq 124 "$rc" "daemonize $* -w: READY=1 from an unrelated live process"
}

# For wait_for: PID runs the program NAME (e.g. after its shell exec'd it).
comm_is() { [ "$(cat "/proc/$1/comm" 2>/dev/null)" = "$2" ]; }

# assert_waited START_MS END_MS MARKER WHAT: the caller, run between START_MS
# and END_MS, returned only after the command created MARKER (after its 1 s
# sleep): it waited for readiness rather than for the exec.
assert_waited() {
    [ -e "$3" ] || fail "$4: the caller returned before the command was ready"
    [ $(($2 - $1)) -ge 1000 ] || fail "$4: the caller returned after $(($2 - $1)) ms, before the 1 s sleep"
}

# kill9_supervisor N PIDFILE: starts a supervisor of N sleeps on PIDFILE,
# kills it with SIGKILL, and waits until all its instances are gone too
# (they get SIGTERM through PR_SET_PDEATHSIG).
kill9_supervisor() {
    run_daemonize -r -n "$1" -p "$2" -- sleep 300
    assert_eq 0 "$rc" "supervisor start (stderr: $(cat "$dir/err"))"
    _sup=$(daemon_pid "$2")
    wait_for 10 children_count_is "$_sup" "$1"
    _kids=$(children_of "$_sup")
    track $_kids
    kill -9 "$_sup"
    for _k in $_kids; do wait_for 10 not_alive "$_k"; done
}
