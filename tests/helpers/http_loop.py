#!/usr/bin/python3
"""A sequential HTTP client for the socket-handoff tests and benchmark.

http_loop.py HOST:PORT OUT [--min N] [--until FILE] [--kill SUP EVERY]
Sends GET requests one after the other (a new connection each) until it has
sent N (default 2000) and FILE (if given) exists. With --kill, after every
EVERY-th request it SIGKILLs one live child of SUP (round robin): between
two requests, so that no request is in flight there. Writes to OUT:
"requests R\nfailed F\nkilled K\ninstances I,J,...\np50 MS\np99 MS\nmax MS\n"
and the first failures' reasons.
"""
import os
import signal
import socket
import sys
import time

from proc_children import children

host, port = sys.argv[1].rsplit(":", 1)
out = sys.argv[2]
args = sys.argv[3:]
minimum, until, sup, every = 2000, None, None, 0
while args:
    if args[0] == "--min":
        minimum = int(args[1]); args = args[2:]
    elif args[0] == "--until":
        until = args[1]; args = args[2:]
    elif args[0] == "--kill":
        sup, every = int(args[1]), int(args[2]); args = args[3:]
    else:
        sys.exit("unknown argument " + args[0])


requests = failed = killed = 0
instances = set()
reasons = []
times = []
turn = 0
while requests < minimum or (until and not os.path.exists(until)):
    start = time.monotonic()
    try:
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: x\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        if not data.startswith(b"HTTP/1.0 200") or b"instance " not in data:
            raise OSError("bad answer %r" % data[:80])
        instances.add(data.split(b"instance ", 1)[1].split(b" ", 1)[0].decode())
    except OSError as e:
        failed += 1
        if len(reasons) < 5:
            reasons.append("request %d: %s" % (requests, e))
    times.append((time.monotonic() - start) * 1000)
    requests += 1
    if sup and every and requests % every == 0:
        kids = children(sup)
        if kids:
            os.kill(kids[turn % len(kids)], signal.SIGKILL)
            turn += 1
            killed += 1
times.sort()
pick = lambda q: times[min(len(times) - 1, int(len(times) * q))]
with open(out, "w") as f:
    f.write("requests %d\nfailed %d\nkilled %d\ninstances %s\np50 %.3f\np99 %.3f\nmax %.3f\n" %
            (requests, failed, killed, ",".join(sorted(instances)), pick(0.5), pick(0.99), times[-1]))
    for r in reasons:
        f.write(r + "\n")
