#!/bin/sh
# examples/container: the Containerfile's ENTRYPOINT run as PID 1 of a new
# PID namespace (as a container runtime would), and its HEALTHCHECK command
# run inside that namespace the way the runtime (or a kubelet exec probe)
# runs it: 0 while the workers are supervised, 3 once the service is gone.
set -eu
. "$(dirname "$0")/lib.sh"
need_root "unshare --pid and nsenter need root"
cd "$dir"
example=$SOURCE_ROOT/examples/container
mkdir run

# The commands exactly as the Containerfile and pod.yaml give them, with the
# image's paths mapped to this test's.
json_line() {  # KEYWORD: the JSON array after it in the Containerfile, one word per line
    python3 - "$example/Containerfile" "$1" "$DAEMONIZE" "$dir" "$example" <<'PY'
import json, sys
path, keyword, binary, d, srv = sys.argv[1:]
for line in open(path):
    if line.startswith(keyword):
        words = json.loads(line[line.index("["):])
        for w in words:
            w = w.replace("/usr/local/bin/daemonize", binary).replace("/run/", d + "/run/")
            print(srv if w == "/srv" else w)
PY
}
entry=$(json_line ENTRYPOINT)
probe=$(json_line HEALTHCHECK)
[ -n "$entry" ] && [ -n "$probe" ] || fail "no ENTRYPOINT or HEALTHCHECK in the Containerfile"
grep -q '"--status", "-p", "/run/workers.pid"' "$example/pod.yaml" || fail "pod.yaml probes differ from the HEALTHCHECK"

port=$((20000 + $$ % 20000))
IFS='
'
# shellcheck disable=SC2086
PORT_BASE=$port unshare --pid --fork --mount-proc $entry > container.log 2>&1 &
runtime=$!
unset IFS
track "$runtime"
wait_for 10 children_count_is "$runtime" 1
pid1=$(children_of "$runtime")
track "$pid1"
wait_for 10 children_count_is "$pid1" 4
track $(children_of "$pid1")

run_probe() {  # the HEALTHCHECK inside the container's namespaces; sets $rc
    IFS='
'
    set +e
    # shellcheck disable=SC2086
    nsenter --target "$pid1" --pid --mount $probe > probe.out 2> probe.err
    rc=$?
    set -e
    unset IFS
}
run_probe
assert_eq 0 "$rc" "the probe while the workers run ($(cat probe.err))"
assert_eq "running (pid 1)" "$(head -1 probe.out)" "the probe sees PID 1"
grep -q '^supervisor of 4 instances' probe.out || fail "the probe's table: $(cat probe.out)"

# The workers serve (instance i on PORT_BASE + i).
answered() {
    python3 -c '
import sys, urllib.request
for i in range(4):
    body = urllib.request.urlopen("http://127.0.0.1:%d/" % (int(sys.argv[1]) + i), timeout=2).read()
    assert body == b"instance %d\n" % i, body
' "$port" 2>/dev/null
}
wait_for 20 answered

# A worker dies: the supervisor restarts it, the probe stays 0.
victim=$(children_of "$pid1" | head -1)
kill -9 "$victim"
wait_for 10 not_alive "$victim"
run_probe
assert_eq 0 "$rc" "the probe after a worker died"
wait_for 10 children_count_is "$pid1" 4
track $(children_of "$pid1")

# docker stop: SIGTERM to PID 1; the container exits 0; the probe says 3.
kill -TERM "$pid1"
set +e
wait "$runtime"
exit_status=$?
set -e
assert_eq 0 "$exit_status" "the container's exit status after SIGTERM ($(cat container.log))"
[ ! -e run/workers.pid ] || fail "the pidfile outlived the container"
IFS='
'
set +e
# shellcheck disable=SC2086
$probe > probe.out 2>&1
rc=$?
set -e
unset IFS
assert_eq 3 "$rc" "the probe once the service is gone"
echo ok
