#!/bin/sh
# The Debian package: dpkg-buildpackage builds it from this source tree,
# lintian finds no error or warning, it holds /usr/bin/daemonize, the man
# page and the three completions, declares its conflict with Debian's
# unrelated `daemonize` package, and its own autopkgtest (debian/tests/smoke)
# passes with the binary from the package, unpacked in a scratch root.
set -eu
. "$(dirname "$0")/lib.sh"
[ "${DAEMONIZE_TEST_PACKAGE:-1}" != 0 ] || { echo "SKIP: DAEMONIZE_TEST_PACKAGE=0 (CI builds the package in one of its runs)"; exit 77; }
for tool in dpkg-buildpackage dh dpkg-deb lintian; do
    command -v $tool >/dev/null || { echo "SKIP: $tool is needed (Debian packages dpkg-dev, debhelper, lintian)"; exit 77; }
done
dpkg-checkbuilddeps -d 'debhelper-compat (= 13), meson, libcli11-dev, doctest-dev, scdoc' "$SOURCE_ROOT/debian/control" \
    2>/dev/null || { echo "SKIP: the build dependencies in debian/control are not installed"; exit 77; }

# A copy of the tree without build directories (they may be inside it).
mkdir "$dir/src"
(cd "$SOURCE_ROOT" && tar --exclude='./build*' --exclude='./obj-*' --exclude=./.git --exclude='./debian/daemonize-ng' \
    --exclude='./debian/.debhelper' -cf - .) | tar -x -C "$dir/src"
cd "$dir/src"
upstream=$("$DAEMONIZE" --version | sed -n 's/^daemonize //p')
assert_eq "$upstream" "$(dpkg-parsechangelog -S Version)" "the package's version (debian/changelog) and meson's"

# The tests run in the main suite already: nocheck keeps this one short.
DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b > "$dir/build.log" 2>&1 ||
    fail "dpkg-buildpackage failed: $(tail -20 "$dir/build.log")"
deb=$dir/daemonize-ng_${upstream}_$(dpkg --print-architecture).deb
[ -s "$deb" ] || fail "no package: $(ls "$dir")"

lintian -E --pedantic "$dir"/daemonize-ng_*.changes > "$dir/lintian.out" 2>/dev/null || true
bad=$(grep -E '^(E|W):' "$dir/lintian.out" || true)
[ -z "$bad" ] || fail "lintian: $bad"

dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$dir/contents"
for f in /usr/bin/daemonize /usr/share/man/man1/daemonize.1.gz /usr/share/bash-completion/completions/daemonize \
    /usr/share/zsh/site-functions/_daemonize /usr/share/fish/vendor_completions.d/daemonize.fish \
    /usr/share/doc/daemonize-ng/examples/systemd/app.service; do
    grep -qx "$f" "$dir/contents" || fail "the package lacks $f"
done
assert_eq "daemonize" "$(dpkg-deb -f "$deb" Conflicts)" "Conflicts"
assert_eq "daemonize" "$(dpkg-deb -f "$deb" Replaces)" "Replaces"
grep -q '/usr/bin/daemonize' "$dir/src/obj-"*/examples/app.service || fail "the packaged examples do not name /usr/bin/daemonize"

# Unpacked in a scratch root, the packaged binary passes the package's own test.
dpkg-deb -x "$deb" "$dir/root"
mkdir "$dir/smoke"
AUTOPKGTEST_TMP="$dir/smoke" DAEMONIZE="$dir/root/usr/bin/daemonize" sh "$dir/src/debian/tests/smoke" > "$dir/smoke.out" 2>&1 ||
    fail "debian/tests/smoke: $(cat "$dir/smoke.out")"
echo ok
