"""The live children of a process, seen from /proc (for the test helpers)."""
import os


def children(pid):
    """PIDs whose parent is `pid`, zombies left out, sorted."""
    kids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if fields[1] == str(pid) and fields[0] not in ("Z", "X"):
            kids.append(int(entry))
    return sorted(kids)
