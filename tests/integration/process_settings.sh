#!/bin/sh
# --nice, --ionice, --sched, --cpus, --oom-score-adj, --limit and
# --no-new-privs reach the command, seen from outside through /proc, the
# same in the default mode, under a detached supervisor and with -f; the
# supervisor itself keeps its own settings.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

stat_field() {  # PID N -> field N of /proc/PID/stat (comm has no blanks here)
    awk -v n="$2" '{print $n}' "/proc/$1/stat"
}
limit_of() {  # PID "Max open files" -> "soft hard"
    grep "^$2 " "/proc/$1/limits" | awk '{print $(NF-2), $(NF-1)}'
}
# The first CPU we may run on, so that the test works in any cpuset.
cpu=$(status_field $$ Cpus_allowed_list | sed 's/[-,].*//')

settings="--nice 7 --ionice best-effort:6 --sched batch --cpus $cpu --oom-score-adj 250 --limit nofile=123:456 --limit core=0 --limit fsize=1M --no-new-privs"

check() {  # PID WHAT
    assert_eq 7 "$(stat_field "$1" 19)" "$2: nice"
    assert_eq 3 "$(stat_field "$1" 41)" "$2: policy SCHED_BATCH"
    assert_eq "best-effort: prio 6" "$(ionice -p "$1")" "$2: ionice"
    assert_eq "$cpu" "$(status_field "$1" Cpus_allowed_list)" "$2: CPUs"
    assert_eq "$cpu" "$(stat_field "$1" 39)" "$2: the CPU it last ran on"
    assert_eq 250 "$(cat "/proc/$1/oom_score_adj")" "$2: oom_score_adj"
    assert_eq "123 456" "$(limit_of "$1" "Max open files")" "$2: nofile"
    assert_eq "0 0" "$(limit_of "$1" "Max core file size")" "$2: core"
    assert_eq "1048576 1048576" "$(limit_of "$1" "Max file size")" "$2: fsize"
    assert_eq 1 "$(status_field "$1" NoNewPrivs)" "$2: NoNewPrivs"
}
untouched() {  # PID WHAT: the supervisor has none of it
    assert_eq "$(stat_field $$ 19)" "$(stat_field "$1" 19)" "$2: nice"
    assert_eq 0 "$(status_field "$1" NoNewPrivs)" "$2: NoNewPrivs"
    [ "$(limit_of "$1" "Max open files")" != "123 456" ] || fail "$2: got the command's nofile limit"
}

# shellcheck disable=SC2086
"$DAEMONIZE" -p plain.pid $settings -- sleep 300
check "$(daemon_pid plain.pid)" "default mode"

# shellcheck disable=SC2086
"$DAEMONIZE" -r -p sup.pid --child-pidfile child.pid $settings -- sleep 300
sup=$(daemon_pid sup.pid)
check "$(daemon_pid child.pid)" "supervised instance"
untouched "$sup" "supervisor"

# shellcheck disable=SC2086
"$DAEMONIZE" -f -p fg.pid $settings -- sleep 300 > /dev/null 2>&1 &
track $!
fg=$(daemon_pid fg.pid)
wait_for 10 children_count_is "$fg" 1
check "$(children_of "$fg")" "-f instance"
untouched "$fg" "-f supervisor"

# With no room at all for files, the pidfile is still written (before the
# limit applies): the start does not report success for a daemon that died.
"$DAEMONIZE" -p nofsize.pid --limit fsize=0 -- sleep 300
pid=$(daemon_pid nofsize.pid)
assert_eq "0 0" "$(limit_of "$pid" "Max file size")" "fsize=0"

# Bad values: one line, 125, nothing started, nothing left.
for bad in "--nice 20" "--ionice idle:3" "--sched fifo" "--cpus 99999" "--limit nosuch=1" \
           "--limit nofile=10:5" "--oom-score-adj 1001" "--keep-caps cap_nosuch"; do
    # shellcheck disable=SC2086
    run_daemonize -p bad.pid $bad -- sleep 300
    assert_eq 125 "$rc" "$bad"
    assert_eq 1 "$(wc -l < "$dir/err")" "$bad: one line"
    [ ! -e bad.pid ] || fail "$bad: pidfile left"
done
assert_contains "$dir/err" "cap_nosuch" "the unknown capability is named"

# A setting the kernel refuses is reported with what was asked.
if [ "$(id -u)" != 0 ]; then
    run_daemonize -p bad.pid --nice -5 -- sleep 300
    assert_eq 125 "$rc" "negative nice as a normal user"
    assert_contains "$dir/err" "set the nice value to -5" "the refused setting"
fi
# Above fs.nr_open, even root may not raise the open-file limit.
run_daemonize -p bad.pid --limit nofile=2000000000 -- sleep 300
assert_eq 125 "$rc" "nofile above fs.nr_open"
assert_contains "$dir/err" "set the nofile limit to 2000000000:2000000000" "the refused setting"
[ ! -e bad.pid ] || fail "a refused setting left the pidfile"
echo ok
