#!/usr/bin/env python3
"""Plays systemd's side of sd_notify: binds the AF_UNIX datagram socket NOTIFY_SOCKET names,
and writes each message it receives to OUT, one per line ("\\n" inside a message as " | ").
On READY=1 it connects at once to every HOST:PORT given and writes "connect HOST:PORT ok" or
"... refused": readiness must mean the sockets already listen. Ends on STOPPING=1 or after
TIMEOUT seconds.

usage: notify_socket.py SOCKET OUT TIMEOUT [HOST:PORT ...]"""
import os
import socket
import sys
import time


def try_connect(target):
    host, port = target.rsplit(":", 1)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(2)
        try:
            s.connect((host, int(port)))
            return "ok"
        except OSError as e:
            return f"refused ({e.strerror})"


def main():
    path, out_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    targets = sys.argv[4:]
    if os.path.exists(path):
        os.unlink(path)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o777)  # as systemd's own: a service that gave up root must reach it
    deadline = time.monotonic() + timeout
    with open(out_path, "a", buffering=1) as out:
        out.write("listening\n")
        while time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = sock.recv(4096).decode(errors="replace")
            except socket.timeout:
                break
            out.write(data.replace("\n", " | ") + "\n")
            if "READY=1" in data.split("\n"):
                for target in targets:
                    out.write(f"connect {target} {try_connect(target)}\n")
            if "STOPPING=1" in data.split("\n"):
                break
    sock.close()
    os.unlink(path)


if __name__ == "__main__":
    main()
