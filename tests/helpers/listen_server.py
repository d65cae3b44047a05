#!/usr/bin/python3
"""An HTTP server for the socket-handoff tests: binds nothing itself.

It takes its sockets from systemd's socket-activation protocol (LISTEN_FDS,
LISTEN_PID, LISTEN_FDNAMES: fds 3, 4, ...), refuses to start if LISTEN_PID
is not its own PID, and answers every GET on the first socket with
"instance I pid P\n" (I from DAEMONIZE_INSTANCE). SIGTERM stops it
gracefully: at once when idle, else after the request in hand, as real
servers do. usage: listen_server.py [REPORT_DIR]  (writes REPORT_DIR/env.PID)
       listen_server.py --bind PORT   binds 127.0.0.1:PORT itself, with
                                      SO_REUSEPORT (for the benchmark's
                                      comparison), instead of fd 3
"""
import os
import select
import signal
import socket
import sys

own_port = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "--bind" else None
if own_port is None and os.environ.get("LISTEN_PID") != str(os.getpid()):
    sys.exit("LISTEN_PID=%r is not my PID %d" % (os.environ.get("LISTEN_PID"), os.getpid()))
count = int(os.environ.get("LISTEN_FDS", "0"))
names = os.environ.get("LISTEN_FDNAMES", "").split(":")
if len(sys.argv) > 1 and own_port is None:
    with open(os.path.join(sys.argv[1], "env.%d" % os.getpid()), "w") as f:
        f.write("LISTEN_FDS=%d\nLISTEN_PID=%s\nLISTEN_FDNAMES=%s\n" % (count, os.environ["LISTEN_PID"],
                                                                       ":".join(names)))
if own_port is None:
    listener = socket.socket(fileno=3)
else:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind(("127.0.0.1", own_port))
    listener.listen(128)
listener.setblocking(False)
instance = os.environ.get("DAEMONIZE_INSTANCE", "-")
answer = ("instance %s pid %d\n" % (instance, os.getpid())).encode()
stop = False
wake_r, wake_w = os.pipe()
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)


def on_term(signum, frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
# Between requests only: a connection accepted is always answered; one not
# accepted yet stays in the shared queue for the other instances.
while not stop:
    ready, _, _ = select.select([listener, wake_r], [], [])
    if stop:
        break
    if listener not in ready:
        continue
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        continue  # another instance took it
    conn.setblocking(True)
    try:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                break
            data += chunk
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(answer), answer))
    except OSError:
        pass
    finally:
        conn.close()
sys.exit(0)
