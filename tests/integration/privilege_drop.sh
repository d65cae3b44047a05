#!/bin/sh
# -u/-g: ids, supplementary groups, HOME/USER/LOGNAME, no way back to root,
# and clear errors for unknown users and for non-root callers.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "switches users"
cd "$dir"
chmod 755 "$dir"
nobody_uid=$(id -u nobody)
nogroup_gid=$(getent group nogroup | cut -d: -f3)

env_of() { tr '\0' '\n' < "/proc/$1/environ" | sed -n "s/^$2=//p"; }

check_ids() {  # PID UID GID GROUPS
    assert_eq "$2	$2	$2	$2" "$(status_field "$1" Uid)" "Uid of $1"
    assert_eq "$3	$3	$3	$3" "$(status_field "$1" Gid)" "Gid of $1"
    assert_eq "$4" "$(status_field "$1" Groups | sed 's/ *$//')" "Groups of $1"
}

# Root starts with several supplementary groups, so dropping them is visible.
setpriv --groups 0,4,27 "$DAEMONIZE" -p name.pid -u nobody -o name.log -- sh -c 'echo "home=$HOME user=$USER logname=$LOGNAME"; exec sleep 300'
pid=$(daemon_pid name.pid)
check_ids "$pid" "$nobody_uid" "$nogroup_gid" "$nogroup_gid"
assert_eq /nonexistent "$(env_of "$pid" HOME)" "HOME"
assert_eq nobody "$(env_of "$pid" USER)" "USER"
assert_eq nobody "$(env_of "$pid" LOGNAME)" "LOGNAME"
assert_eq 0000000000000000 "$(status_field "$pid" CapEff)" "effective capabilities"
assert_eq 0000000000000000 "$(status_field "$pid" CapPrm)" "permitted capabilities"
# The root-owned log file and pidfile were opened before the drop.
wait_for 10 test -s name.log
assert_eq "home=/nonexistent user=nobody logname=nobody" "$(cat name.log)" "environment seen by the command"
kill_pid "$pid"

# Numeric uid, and USER:GROUP.
"$DAEMONIZE" -p num.pid -u "$nobody_uid" -- sleep 300
check_ids "$(daemon_pid num.pid)" "$nobody_uid" "$nogroup_gid" "$nogroup_gid"
"$DAEMONIZE" -p ug.pid -u nobody:root -- sleep 300
check_ids "$(daemon_pid ug.pid)" "$nobody_uid" 0 "0"
# -g alone: root keeps its uid but gets only that group.
setpriv --groups 0,4 "$DAEMONIZE" -p g.pid -g nogroup -- sleep 300
pid=$(daemon_pid g.pid)
assert_eq "0	0	0	0" "$(status_field "$pid" Uid)" "Uid with -g only"
assert_eq "$nogroup_gid	$nogroup_gid	$nogroup_gid	$nogroup_gid" "$(status_field "$pid" Gid)" "Gid with -g only"
assert_eq "$nogroup_gid" "$(status_field "$pid" Groups | sed 's/ *$//')" "Groups with -g only"

# A uid without a passwd entry needs a group.
"$DAEMONIZE" -p bare.pid -u 54321:nogroup -- sleep 300
check_ids "$(daemon_pid bare.pid)" 54321 "$nogroup_gid" "$nogroup_gid"

# The dropped daemon cannot execute what only root may.
printf '#!/bin/sh\nexit 0\n' > rootonly
chmod 700 rootonly
run_daemonize -p ro.pid -u nobody -- "$dir/rootonly"
assert_eq 126 "$rc" "exec of a root-only file as nobody"
assert_contains err "Permission denied" "message"
[ ! -e ro.pid ] || fail "failed start left its pidfile"

expect_125() {  # MESSAGE-PART ARGS...
    _msg=$1
    shift
    set +e
    "$@" 2>err
    rc=$?
    set -e
    assert_eq 125 "$rc" "$*"
    assert_contains err "$_msg" "message of: $*"
}
expect_125 "unknown user 'no-such-user-xyz'" "$DAEMONIZE" -u no-such-user-xyz -- sleep 300
expect_125 "unknown group 'no-such-group-xyz'" "$DAEMONIZE" -g no-such-group-xyz -- sleep 300
expect_125 "no passwd entry" "$DAEMONIZE" -u 54321 -- sleep 300
# Not root: asking for another user is an error, not a silent no-op.
expect_125 "only root can switch users" setpriv --reuid=nobody --regid=nogroup --clear-groups "$DAEMONIZE" -u root -- sleep 300
# ...but naming oneself is fine.
mkdir own
chown nobody own
setpriv --reuid=nobody --regid=nogroup --clear-groups "$DAEMONIZE" -p "$dir/own/self.pid" -u nobody -- sleep 300 2>err || fail "non-root -u self: $(cat err)"
pid=$(daemon_pid own/self.pid)
# (setpriv cleared the supplementary groups; without root they stay as they are)
check_ids "$pid" "$nobody_uid" "$nogroup_gid" ""
echo ok
