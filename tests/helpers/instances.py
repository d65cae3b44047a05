#!/usr/bin/python3
"""Which instances of a supervisor are running, seen from /proc.

instances.py SUP            print the DAEMONIZE_INSTANCE numbers of SUP's live
                            children, sorted, on one line ("0 1 2")
instances.py SUP --watch STOP OUT
                            sample as fast as it can until the file STOP
                            exists; write to OUT the smallest number of live
                            children seen, the number of samples, and every
                            PID seen ("min N\nsamples N\npids P...")
"""
import os
import sys

from proc_children import children


def instance_of(pid):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            for var in f.read().split(b"\0"):
                if var.startswith(b"DAEMONIZE_INSTANCE="):
                    return int(var.split(b"=", 1)[1])
    except (OSError, ValueError):
        pass
    return None


sup = int(sys.argv[1])
if len(sys.argv) == 2:
    found = [instance_of(p) for p in children(sup)]
    print(" ".join(str(i) for i in sorted(i for i in found if i is not None)))
    sys.exit(0)
stop, out = sys.argv[3], sys.argv[4]
lowest, samples, seen = None, 0, set()
while not os.path.exists(stop):
    kids = children(sup)
    seen.update(kids)
    lowest = len(kids) if lowest is None else min(lowest, len(kids))
    samples += 1
with open(out, "w") as f:
    f.write("min %d\nsamples %d\npids %s\n" % (lowest if lowest is not None else -1, samples,
                                                " ".join(str(p) for p in sorted(seen))))
