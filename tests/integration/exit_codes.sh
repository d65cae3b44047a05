#!/bin/sh
# Exit codes 0/125/126/127, one error line, nothing left behind on failure.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

run_daemonize -p ok.pid -- sleep 300
assert_eq 0 "$rc" "start of sleep"
[ ! -s "$dir/out" ] && [ ! -s "$dir/err" ] || fail "a successful start printed something: $(cat "$dir/out" "$dir/err")"
kill_pid "$(daemon_pid ok.pid)"

run_daemonize -p nf.pid -- no-such-command-xyz
assert_eq 127 "$rc" "missing command"
assert_eq "daemonize: cannot execute 'no-such-command-xyz': No such file or directory" "$(cat "$dir/err")" "message"
[ ! -e nf.pid ] || fail "a failed start left its pidfile"

# The daemon process that failed to exec is reaped, not left as a zombie
# (PID 1 here never reaps, so a leftover would show).
# Zombies are listed by PID: one of an earlier test may be reaped meanwhile
# (by its own parent), and only new ones count.
daemonize_zombies() {
    for s in /proc/[0-9]*/status; do
        { grep -q '^State:[[:space:]]*Z' "$s" && grep -qx 'Name:[[:space:]]*daemonize' "$s" && echo "${s%/status}"; } 2>/dev/null || true
    done | sort
}
daemonize_zombies > "$dir/zombies.before"
run_daemonize -p nf.pid -- no-such-command-xyz
run_daemonize -- ./no-such-file
run_daemonize -c /no-such-dir -- sleep 300
new=$(daemonize_zombies | grep -vxF -f "$dir/zombies.before" || true)
assert_eq "" "$new" "zombie daemonize processes after failed starts"

run_daemonize -p nf.pid -- ./no-such-file
assert_eq 127 "$rc" "missing ./file"

printf '\177ELF\002\001\001garbage' > badelf
chmod +x badelf
run_daemonize -p bad.pid -o bad.log -- ./badelf
assert_eq 126 "$rc" "broken ELF header"
assert_contains "$dir/err" "cannot execute './badelf': Exec format error" "message"
[ ! -e bad.pid ] || fail "a failed exec left its pidfile"
[ ! -e bad.log ] || fail "a failed exec left the log file it created"

printf '#!/bin/sh\nexit 0\n' > noexec
chmod 644 noexec
run_daemonize -- ./noexec
assert_eq 126 "$rc" "file without x permission"
assert_contains "$dir/err" "Permission denied" "message"

mkdir -p pathdir
printf '#!/bin/sh\nexit 0\n' > pathdir/onlyread
chmod 644 pathdir/onlyread
PATH="$dir/pathdir:$PATH" run_daemonize onlyread
assert_eq 126 "$rc" "PATH match without x permission"

run_daemonize --bogus sleep 1
assert_eq 125 "$rc" "unknown option"
assert_contains "$dir/err" "unknown option '--bogus'" "message"
assert_contains "$dir/err" "--help" "hint"

run_daemonize -p x.pid
assert_eq 125 "$rc" "no command"
assert_contains "$dir/err" "no command given" "message"
[ ! -e x.pid ] || fail "a usage error created the pidfile"

run_daemonize -m 8 -- true
assert_eq 125 "$rc" "bad umask"
run_daemonize -E NOEQUALS -- true
assert_eq 125 "$rc" "bad -E"

run_daemonize -c "$dir/no-such-dir" -p cd.pid -- sleep 300
assert_eq 125 "$rc" "missing -c directory"
assert_contains "$dir/err" "chdir $dir/no-such-dir: No such file or directory" "message"
[ ! -e cd.pid ] || fail "a failed chdir left the pidfile"

# An exec failure is reported on the caller's stderr in every mode, with
# log capture too (there fd 2 was on the log, which a failed start removes).
printf 'x\0' > badscript
chmod +x badscript
for mode in "-f" "-f -o cap.log" "-f -r -o cap.log" "-r" "-r -o cap.log" "-n 2 -o cap.log" "-o cap.log --timestamps"; do
    # shellcheck disable=SC2086
    run_daemonize $mode -p mode.pid -- ./badscript
    assert_eq 126 "$rc" "exec failure with $mode"
    assert_eq "daemonize: cannot execute './badscript': Exec format error" "$(cat "$dir/err")" "message with $mode"
    [ ! -e cap.log ] && [ ! -e mode.pid ] || fail "a failed start with $mode left files: $(ls)"
done

# Exactly one line on stderr for every failure above was checked by content;
# make sure it is one line.
assert_eq 1 "$(wc -l < "$dir/err")" "lines on stderr"

run_daemonize --help
assert_eq 0 "$rc" "--help"
assert_contains "$dir/out" "Usage: daemonize" "help text"
run_daemonize -V
assert_eq 0 "$rc" "-V"
assert_contains "$dir/out" "daemonize " "version text"

# Arguments after the command word are the command's, untouched.
run_daemonize -p args.pid -- sh -c 'printf "%s|" "$@" > "$0"; exec sleep 300' "$dir/args" -x --y -- -p
assert_eq 0 "$rc" "start with option-like args"
wait_for 10 test -s "$dir/args"
assert_eq "-x|--y|--|-p|" "$(cat "$dir/args")" "arguments"
run_daemonize sh -c 'printf "%s|" "$@" > "$0"' "$dir/args2" -v --verbose
assert_eq 0 "$rc" "start without --"
wait_for 10 test -s "$dir/args2"
assert_eq "-v|--verbose|" "$(cat "$dir/args2")" "arguments without --"
echo ok
