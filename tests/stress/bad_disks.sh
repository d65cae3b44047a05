#!/bin/sh
# Full and read-only file systems: a clear error and exit 125 before the
# caller returns, and no pidfile or log file left half-written.
set -eu
. "$(dirname "$0")/../integration/lib.sh"
need_root "mounts full and read-only tmpfs file systems"
mkdir "$dir/full" "$dir/ro"
mount -t tmpfs -o size=8k tmpfs "$dir/full" || fail "cannot mount a tmpfs (needs root)"
mounts="$dir/full"
mount -t tmpfs -o ro tmpfs "$dir/ro" || fail "cannot mount a read-only tmpfs"
mounts="$mounts $dir/ro"
cd "$dir"
head -c 1M /dev/zero > full/ballast 2>/dev/null || true
[ "$(df -k full | awk 'NR == 2 {print $4}')" -eq 0 ] || fail "the test could not fill the tmpfs"

for args in "-p full/app.pid" "-o full/app.log" "-p ro/app.pid" "-o ro/app.log" "-e ro/err.log" \
    "-r -p full/sup.pid" "-r -o ro/app.log"; do
    # shellcheck disable=SC2086
    run_daemonize $args -- sleep 300
    assert_eq 125 "$rc" "daemonize $args"
    grep -q "^daemonize: .*: \(No space left on device\|Read-only file system\)\$" "$dir/err" ||
        fail "daemonize $args: unclear error: $(cat "$dir/err")"
    for f in full/app.pid full/sup.pid full/app.log ro/app.pid; do
        [ ! -e "$f" ] || fail "daemonize $args left $f"
    done
done
echo ok
