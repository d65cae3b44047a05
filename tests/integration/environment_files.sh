#!/bin/sh
# --env-file, --clear-env, --unset and PWD, seen in /proc/PID/environ; the
# command is found through its own PATH; bad files stop the start.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

environ() { tr '\0' '\n' < "/proc/$1/environ" | sort; }

cat > app.env <<'EOF'
# systemd EnvironmentFile= syntax
; another comment

export GREETING="hello \"world\" \$HOME"
  SPACED  =  value with blanks   
QUOTED='single $x \n'
MULTI="line one
line two"
JOINED=abc\
def
EMPTY=
EOF
printf 'GREETING=overridden\n' > second.env

FROM_CALLER=yes "$DAEMONIZE" -p a.pid --env-file app.env --env-file second.env --env-file -missing.env \
    -E EXPLICIT=1 --unset FROM_CALLER -c "$dir" -- sleep 300
pid=$(daemon_pid a.pid)
assert_eq overridden "$(env_of "$pid" GREETING)" "a later file wins"
assert_eq "value with blanks" "$(env_of "$pid" SPACED)" "blanks around key and value"
assert_eq 'single $x \n' "$(env_of "$pid" QUOTED)" "single quotes are literal"
assert_eq "line one
line two" "$(tr '\0' '\n' < "/proc/$pid/environ" | sed -n '/^MULTI=/,/^line two$/p' | sed 's/^MULTI=//')" "quotes span lines"
assert_eq abcdef "$(env_of "$pid" JOINED)" "backslash-newline"
environ "$pid" | grep -qx 'EMPTY=' || fail "EMPTY= missing"
assert_eq 1 "$(env_of "$pid" EXPLICIT)" "-E"
assert_eq "" "$(env_of "$pid" FROM_CALLER)" "--unset"
assert_eq "$dir" "$(env_of "$pid" PWD)" "PWD is -c"

"$DAEMONIZE" -p one.pid --env-file app.env -- sleep 300
assert_eq 'hello "world" $HOME' "$(env_of "$(daemon_pid one.pid)" GREETING)" "double-quote escapes"

# PWD follows the daemon's directory, not the caller's stale one.
PWD=/nonexistent "$DAEMONIZE" -p pwd.pid -- sleep 300
assert_eq / "$(env_of "$(daemon_pid pwd.pid)" PWD)" "PWD of a daemon in /"

# --clear-env: PATH, PWD and what was asked for, nothing else.
FROM_CALLER=yes "$DAEMONIZE" -p clear.pid --clear-env -E ONLY=1 -- sleep 300
assert_eq "ONLY=1
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
PWD=/" "$(environ "$(daemon_pid clear.pid)")" "--clear-env"
"$DAEMONIZE" -p clear2.pid --clear-env -E PATH=/bin -- sleep 300
assert_eq /bin "$(env_of "$(daemon_pid clear2.pid)" PATH)" "-E PATH with --clear-env"

# COMMAND is found through the command's PATH (here from an env file).
mkdir bin
printf '#!/bin/sh\necho "$0" > %s/ran\nexec sleep 300\n' "$dir" > bin/only-here
chmod 755 bin/only-here
printf 'PATH=%s/bin:/usr/bin:/bin\n' "$dir" > path.env
"$DAEMONIZE" -p path.pid --env-file path.env -- only-here
daemon_pid path.pid > /dev/null
wait_for 10 test -s ran
assert_eq "$dir/bin/only-here" "$(cat ran)" "found through the env file's PATH"

# Bad files: one clear line with FILE:LINE, 125, nothing started or left.
printf 'GOOD=1\nALSO=2\nnot an assignment\n' > bad.env
printf 'A=1\nB="never closed\n' > quote.env
printf '1BAD=x\n' > name.env
for case in "bad.env:3" "quote.env:2" "name.env:1"; do
    run_daemonize -p bad.pid -o bad.log --env-file "${case%%:*}" -- sleep 300
    assert_eq 125 "$rc" "$case"
    assert_contains "$dir/err" "$dir/$case:" "$case: file and line"
    assert_eq 1 "$(wc -l < "$dir/err")" "$case: one line"
    [ ! -e bad.pid ] && [ ! -e bad.log ] || fail "$case: something was left behind"
done
run_daemonize -p bad.pid --env-file missing.env -- sleep 300
assert_eq 125 "$rc" "a missing file without '-'"
assert_contains "$dir/err" "missing.env: No such file or directory" "message"
run_daemonize -p bad.pid -E X=1 --unset X -- sleep 300
assert_eq 125 "$rc" "-E X and --unset X"

if [ "$(id -u)" = 0 ]; then
    # HOME, USER and LOGNAME of -u survive --clear-env.
    "$DAEMONIZE" -p u.pid -u nobody --clear-env -- sleep 300
    pid=$(daemon_pid u.pid)
    assert_eq nobody "$(env_of "$pid" USER)" "USER with -u"
    assert_eq nobody "$(env_of "$pid" LOGNAME)" "LOGNAME with -u"
    [ -n "$(env_of "$pid" HOME)" ] || fail "HOME with -u"

    # The attack: a -u service plants a link to one of root's files where
    # root will read its env file; root must not read it into the service.
    printf 'SECRET=root-only\n' > secret.env
    chmod 600 secret.env
    mkdir svc && chown nobody svc
    chmod 755 "$dir"
    as_nobody ln -s "$dir/secret.env" svc/app.env
    run_daemonize -p s.pid -u nobody --env-file "$dir/svc/app.env" -- sleep 300
    assert_eq 125 "$rc" "env file through the service's link"
    [ ! -e s.pid ] || fail "started with a planted env file"
    # Its own file in its own directory is fine (read with its rights).
    as_nobody sh -c "rm svc/app.env; echo MINE=1 > svc/app.env"
    "$DAEMONIZE" -p s.pid -u nobody --env-file "$dir/svc/app.env" -- sleep 300
    assert_eq 1 "$(env_of "$(daemon_pid s.pid)" MINE)" "the service's own env file"
fi
echo ok
