"""Connections a client can hold: lingering ends, and a waiting client is answered (issue
items 4 and 5)."""

import socket
import threading
import time

from harness import NormalClient, Server, connect, head_of, read_until_closed
from registry import case

MAX_CONNECTIONS = 50
LINGER_CAP = 30  # seconds, as nginx's lingering_time and httpd's


class Dribbler:
    """Sends a request that is answered 400 (and so closes), then one byte a second for as
    long as the server reads: the lingering close of item 4. Records when the server closed."""

    def __init__(self, port):
        self.port = port
        self.closed_after = None
        self.answered = False
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        start = time.monotonic()
        try:
            s = connect(self.port)
        except OSError:
            self.closed_after = 0.0
            return
        with s:
            try:
                s.sendall(b"GET / HTTP/1.1\r\nHost: bad host\r\n\r\n")
                s.settimeout(1)
                while not self.stop.is_set():
                    try:
                        data = s.recv(4096)  # b"" once the server has half-closed: go on
                        self.answered = self.answered or data.startswith(b"HTTP/1.1 400 ")
                        if data:
                            continue
                        time.sleep(1)
                    except socket.timeout:
                        pass
                    s.send(b"x")  # fails once the server has closed for good
                else:
                    return
            except OSError:
                pass
            self.closed_after = time.monotonic() - start


@case("linger_dribblers")
def linger_dribblers(checks, work):
    """Clients that keep a lingering close alive one byte a second neither stay for ever nor lock others out"""
    root = work.docroot()
    server = Server(work, ["--root", root, "--access-log", "off", "--header-timeout", "3",
                           "--max-connections", str(MAX_CONNECTIONS)])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    dribblers = [Dribbler(server.port) for _ in range(2 * MAX_CONNECTIONS)]
    for d in dribblers:
        d.thread.start()
        time.sleep(0.005)
    time.sleep(1)
    normal = NormalClient(server.port).start()
    time.sleep(8)
    normal.stop()
    normal.report(checks, f"{len(dribblers)} dribblers against --max-connections {MAX_CONNECTIONS}")
    deadline = time.monotonic() + LINGER_CAP + 5
    while time.monotonic() < deadline and any(d.closed_after is None for d in dribblers):
        time.sleep(0.5)
    for d in dribblers:
        d.stop.set()
    still_open = sum(1 for d in dribblers if d.closed_after is None)
    longest = max((d.closed_after or 0) for d in dribblers)
    print(f"      dribblers closed by the server: {len(dribblers) - still_open}, "
          f"the longest after {longest:.1f} s; still open: {still_open}")
    checks.equal(f"every dribbler is closed within {LINGER_CAP} s and a little", 0, still_open)
    checks.that("none lingered past the cap", longest <= LINGER_CAP + 3, f"{longest:.1f} s")
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("expect_continue")
def expect_continue(checks, work):
    """A GET with Expect: 100-continue and a body not sent yet is answered at once"""
    root = work.docroot()
    server = Server(work, ["--root", root, "--access-log", "off", "--header-timeout", "5"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    for version in ("HTTP/1.1", "HTTP/1.0"):
        with connect(server.port) as s:
            start = time.monotonic()
            s.sendall(f"GET /hello.txt {version}\r\nHost: a\r\nContent-Length: 5\r\n"
                      f"Expect: 100-continue\r\n\r\n".encode())
            data = read_until_closed(s, timeout=3, needle=b"hello, world\n")
            ms = (time.monotonic() - start) * 1000
            status, fields = head_of(data)
            checks.equal(f"{version}: the file, without the body being sent", 200, status)
            checks.that(f"{version}: answered within 200 ms", ms < 200, f"{ms:.0f} ms")
            checks.equal(f"{version}: the connection closes (the body was not read)", "close",
                         fields.get("connection"))
            s.sendall(b"hello")  # the body after all: drained by the lingering close
    # A client that sends the body with the head keeps its connection.
    with connect(server.port) as s:
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                  b"Expect: 100-continue\r\n\r\nhelloGET /hello.txt HTTP/1.1\r\nHost: a\r\n"
                  b"Connection: close\r\n\r\n")
        data = read_until_closed(s, timeout=3)
        checks.equal("body sent at once: both requests answered", 2, data.count(b"HTTP/1.1 200 OK"))
    checks.equal("exit status after SIGTERM", 0, server.stop())
