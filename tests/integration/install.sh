#!/bin/sh
# `meson install --destdir` puts the binary (stripped), the man page (that
# renders cleanly) and the three completions where their tools look for them.
set -eu
. "$(dirname "$0")/lib.sh"
[ -n "$BUILD_ROOT" ] || fail "usage: $0 DAEMONIZE SIGPREP NOTIFY_TOOL SOURCE_ROOT BUILD_ROOT"
meson install -C "$BUILD_ROOT" --no-rebuild --destdir "$dir/root" > "$dir/install.log" 2>&1 ||
    fail "meson install failed: $(tail -5 "$dir/install.log")"
prefix=$(meson introspect --buildoptions "$BUILD_ROOT" | tr '{' '\n' | sed -n 's/.*"name": "prefix", "value": "\([^"]*\)".*/\1/p')
[ -n "$prefix" ] || prefix=/usr/local
bin=$dir/root$prefix/bin/daemonize
[ -x "$bin" ] || fail "no binary at $prefix/bin/daemonize: $(cd "$dir/root" && find . -type f)"
"$bin" --version | grep -q '^daemonize [0-9]' || fail "installed binary: $("$bin" --version)"
[ -s "$dir/root$prefix/share/man/man1/daemonize.1" ] || fail "no man page in $prefix/share/man/man1"
man --warnings -l "$dir/root$prefix/share/man/man1/daemonize.1" > /dev/null 2> "$dir/man.err" || fail "man cannot render it"
[ ! -s "$dir/man.err" ] || fail "man warns: $(cat "$dir/man.err")"
# No scdoc markup may show through as text: *bold* or _underlined_ that it
# left alone (as in headings, or after a '+').
MANWIDTH=100 man -l "$dir/root$prefix/share/man/man1/daemonize.1" 2>/dev/null | col -b > "$dir/man.txt"
leaks=$(grep -nE '(^|[^A-Za-z0-9*])\*[-A-Za-z]|[A-Za-z]\*($|[^A-Za-z0-9*])|(^|[^A-Za-z0-9_])_[A-Za-z]|[A-Za-z]_($|[^A-Za-z0-9_])' "$dir/man.txt" || true)
[ -z "$leaks" ] || fail "markup shows in the rendered man page: $leaks"
# The stripped binary: no debug sections (meson install strips by default).
if ! grep -q '"name": "strip", "value": false' "$BUILD_ROOT/meson-info/intro-buildoptions.json" 2>/dev/null; then
    ! readelf -S "$bin" 2>/dev/null | grep -q '\.debug_' || fail "the installed binary was not stripped"
fi
# The shells' own directories, under the prefix (bash-completion and fish
# search $XDG_DATA_DIRS, which holds /usr/local/share as well as /usr/share).
for f in "$prefix/share/bash-completion/completions/daemonize" "$prefix/share/zsh/site-functions/_daemonize" \
    "$prefix/share/fish/vendor_completions.d/daemonize.fish"; do
    [ -s "$dir/root$f" ] || fail "not installed: $f (have: $(cd "$dir/root" && find . -type f | tr '\n' ' '))"
done
echo ok
