#!/bin/sh
# A pidfile that is a symlink is refused (125) and its target left alone.
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

printf 'precious\n' > target
ln -s target link.pid
run_daemonize -p link.pid -- sleep 300
assert_eq 125 "$rc" "symlinked pidfile"
assert_contains err "symbolic link" "message"
assert_eq precious "$(cat target)" "symlink target content"
[ -L link.pid ] || fail "the symlink was replaced"

# A dangling symlink must not create its target either.
ln -s missing-target dangling.pid
run_daemonize -p dangling.pid -- sleep 300
assert_eq 125 "$rc" "dangling symlinked pidfile"
[ ! -e missing-target ] || fail "the dangling symlink's target was created"
echo ok
