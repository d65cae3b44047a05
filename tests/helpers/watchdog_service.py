#!/usr/bin/python3
"""A service for the watchdog and live-control tests (sd_notify from scratch).

usage: watchdog_service.py DIR
Writes DIR/run.<instance>.<pid> with its WATCHDOG_* variables, sends READY=1,
then WATCHDOG=1 three times per WATCHDOG_USEC while DIR/hang.<instance> does
not exist. With DIR/hang.<instance> present it stops pinging (a hang); with
DIR/trigger.<instance> it sends WATCHDOG=trigger once. A run that starts
while DIR/hang-new.<instance> exists never pings (a new version that hangs).
"""
import os
import socket
import sys
import time

d = sys.argv[1]
instance = os.environ.get("DAEMONIZE_INSTANCE", "-")
pid = os.getpid()
addr = os.environ.get("NOTIFY_SOCKET", "")
usec = int(os.environ.get("WATCHDOG_USEC", "0") or 0)
with open(os.path.join(d, "run.%s.%d" % (instance, pid)), "w") as f:
    f.write("WATCHDOG_USEC=%s\nWATCHDOG_PID=%s\n" % (os.environ.get("WATCHDOG_USEC", ""),
                                                     os.environ.get("WATCHDOG_PID", "")))


def notify(msg):
    if not addr:
        return
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(msg.encode(), "\0" + addr[1:] if addr.startswith("@") else addr)
    s.close()


notify("READY=1")
period = usec / 3e6 if usec else 1.0
if os.path.exists(os.path.join(d, "hang-new." + instance)):
    while True:
        time.sleep(period)
while True:
    if os.path.exists(os.path.join(d, "trigger." + instance)):
        os.unlink(os.path.join(d, "trigger." + instance))
        notify("WATCHDOG=trigger")
    elif not os.path.exists(os.path.join(d, "hang." + instance)):
        notify("WATCHDOG=1")
    time.sleep(period)
