#!/bin/sh
# Issue 13, item 7: log files are appended, so two supervisors writing into
# one stdout file at once lose no byte (as plain `>>` would not).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$dir"

# Both start before either writes: each waits for ./go (the command runs in /).
for w in Q W; do
    name=$(echo $w | tr QW ab)
    run_daemonize -r -p "$name.pid" -o shared.log -e "$name.err" -- sh -c \
        "while [ ! -e '$dir/go' ]; do sleep 0.05; done; head -c 20000000 /dev/zero | tr '\\0' $w"
    assert_eq 0 "$rc" "start of supervisor $name (stderr: $(cat err))"
done
a=$(daemon_pid a.pid)
b=$(daemon_pid b.pid)
touch go
both_gone() { [ ! -e a.pid ] && [ ! -e b.pid ] && not_alive "$a" && not_alive "$b"; }
wait_for 60 both_gone
q=$(tr -cd Q < shared.log | wc -c)
w=$(tr -cd W < shared.log | wc -c)
size=$(wc -c < shared.log)
[ "$q" = 20000000 ] && [ "$w" = 20000000 ] ||
    fail "bytes lost in the shared log: $q Q's and $w W's of 20000000 each (a.err: $(cat a.err); b.err: $(cat b.err))"
assert_eq 40000000 "$size" "size of the shared log"
echo ok
