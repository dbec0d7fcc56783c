#!/usr/bin/env python3
"""Slowloris against a server on loopback, while a normal client keeps asking.

N connections each send a request head one byte per second. Meanwhile a normal client
opens a fresh connection every 20 ms and fetches PATH. Prints what it measured and
'ok'/'FAIL' lines; exits 1 on a failure.

Usage: slowloris.py PORT N HEADER_TIMEOUT PATH
"""

import socket
import sys
import threading
import time

HEAD = b"GET / HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"a" * 200


def normal_client(port, path, stop, latencies, failures):
    request = f"GET {path} HTTP/1.1\r\nHost: normal\r\nConnection: close\r\n\r\n".encode()
    while not stop.is_set():
        start = time.monotonic()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(request)
                data = b""
                while chunk := s.recv(65536):
                    data += chunk
            if not data.startswith(b"HTTP/1.1 200 "):
                failures.append(data[:40])
            latencies.append((time.monotonic() - start) * 1000)
        except OSError as e:
            failures.append(str(e))
        time.sleep(0.02)


def main():
    port, n, header_timeout, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    slow = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.setblocking(False)
        slow.append(s)
    opened = time.monotonic()
    stop, latencies, failures = threading.Event(), [], []
    probe = threading.Thread(target=normal_client, args=(port, path, stop, latencies, failures))
    probe.start()
    closed_at, answers, sent = {}, {}, 0
    deadline = opened + header_timeout + 5
    while time.monotonic() < deadline and len(closed_at) < n:
        for i, s in enumerate(slow):
            if i in closed_at:
                continue
            try:
                data = s.recv(4096)
                if data:
                    answers[i] = answers.get(i, b"") + data
                    continue
                closed_at[i] = time.monotonic() - opened
                continue
            except BlockingIOError:
                pass
            except OSError:
                closed_at[i] = time.monotonic() - opened
                continue
            try:
                s.send(HEAD[sent % len(HEAD):sent % len(HEAD) + 1])
            except OSError:
                closed_at[i] = time.monotonic() - opened
        sent += 1
        time.sleep(1)
    stop.set()
    probe.join()
    for s in slow:
        s.close()

    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
    got_408 = sum(1 for a in answers.values() if a.startswith(b"HTTP/1.1 408 "))
    times = sorted(closed_at.values())
    print(f"slow connections: {n}, closed by the server: {len(times)}, answered 408: {got_408}")
    if times:
        print(f"closed after {times[0]:.1f} to {times[-1]:.1f} s (header timeout {header_timeout:.0f} s)")
    print(f"normal requests meanwhile: {len(latencies)}, failed: {len(failures)}, "
          f"p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, max {latencies[-1]:.1f} ms")
    checks = [
        ("every slow connection closed", len(times) == n),
        ("each got 408 Request Timeout", got_408 == n),
        ("closed at the header timeout", bool(times) and times[0] >= header_timeout - 0.5
         and times[-1] <= header_timeout + 3),
        ("normal clients kept being served", len(latencies) >= 50 and not failures),
        ("normal clients: p99 within 100 ms", bool(latencies) and p(0.99) <= 100),
    ]
    for what, good in checks:
        print(f"{'ok   ' if good else 'FAIL '} {what}")
    return 0 if all(good for _, good in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
