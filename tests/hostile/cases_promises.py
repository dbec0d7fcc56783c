"""Promises that no test held (issue items 22-25): each was broken on purpose in the code and
every test still passed. Each case here fails when its promise is broken."""

import os
import resource
import signal
import socket
import subprocess
import time

from harness import BINARY, Server, connect, free_port, get
from registry import case


@case("write_timeout")
def write_timeout(checks, work):
    """A client that stops reading is cut off after --write-timeout, whatever the body"""
    root = work.docroot()
    work.file("www/big.bin", os.urandom(16 << 20))
    work.file("www/cached.bin", os.urandom(30 << 10))  # small enough for the file cache
    server = Server(work, ["--root", root, "--access-log", "off", "--write-timeout", "2",
                           "--threads", "1"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    # Idle once it has served a request: under a sanitizer on a busy machine, the process may
    # still be opening descriptors of its own just after it starts listening.
    get(server.port, "/hello.txt")
    time.sleep(0.2)
    idle_fds = server.fd_count()
    stalled = []
    for path in ("/big.bin", "/big.bin", "/cached.bin"):
        s = connect(server.port)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        # A cached file pipelined 400 times (12 MiB of answers, more than any socket buffer
        # holds): the path that writes from memory, not with sendfile.
        count = 400 if path == "/cached.bin" else 1
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n".encode() * count)
        stalled.append(s)
    time.sleep(0.5)
    busy = server.fd_count()
    checks.that("the stalled connections are open", busy >= idle_fds + 3, f"{busy} vs {idle_fds}")
    start = time.monotonic()
    while time.monotonic() - start < 8 and server.fd_count() > idle_fds:
        time.sleep(0.1)
    elapsed = time.monotonic() - start + 0.5
    print(f"      descriptors: {idle_fds} idle, {busy} with 3 stalled readers, back to "
          f"{server.fd_count()} after {elapsed:.1f} s")
    checks.equal("every stalled reader is cut off", idle_fds, server.fd_count())
    checks.that("within the write timeout (2 s) and a little", elapsed < 4, f"{elapsed:.1f} s")
    checks.equal("others are served meanwhile", 200, get(server.port, "/hello.txt")[0])
    for s in stalled:
        s.close()
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("fd_limit_raised")
def fd_limit_raised(checks, work):
    """At start the soft descriptor limit is raised to the hard one (nginx's worker_rlimit_nofile)"""
    root = work.docroot()

    def lower_soft_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, 4096))

    port = free_port()
    proc = subprocess.Popen([BINARY, "--root", root, "--access-log", "off", "--listen",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=lower_soft_limit)
    try:
        limits = ""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                get(port, "/hello.txt", timeout=1)
                with open(f"/proc/{proc.pid}/limits") as f:
                    limits = next(line for line in f if line.startswith("Max open files"))
                break
            except OSError:
                time.sleep(0.05)
        print(f"      started with soft 256, hard 4096: {' '.join(limits.split())}")
        checks.equal("soft and hard limit are 4096", ["4096", "4096"], limits.split()[3:5])
    finally:
        proc.send_signal(signal.SIGTERM)
        checks.equal("exit status after SIGTERM", 0, proc.wait(timeout=10))


@case("sigint_stops")
def sigint_stops(checks, work):
    """Ctrl-C (SIGINT) stops the server as SIGTERM does: the response in flight finishes, exit 0"""
    root = work.docroot()
    work.file("www/big.bin", os.urandom(8 << 20))
    server = Server(work, ["--root", root, "--access-log", "off"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    s = connect(server.port, timeout=10)
    s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
    first = s.recv(65536)
    server.signal(signal.SIGINT)
    received = len(first)
    while True:
        chunk = s.recv(1 << 20)
        if not chunk:
            break
        received += len(chunk)
    s.close()
    try:
        status = server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        status = None
    checks.equal("it stops with exit status 0", 0, status)
    checks.contains("and says so", "Interrupt: stopping", server.log())
    checks.that("the download in flight completed", received > 8 << 20, f"{received} bytes")
    if status is None:
        server.stop()


@case("bind_wait_backoff")
def bind_wait_backoff(checks, work):
    """--bind-wait looks again with back-off: waiting costs next to no CPU"""
    root = work.docroot()
    port = free_port()
    server = Server(work, ["--root", root, "--access-log", "off", "--bind-wait", "6",
                           "--listen", f"[2001:db8:21c::99]:{port}"], listen=False)
    time.sleep(1)
    before = server.cpu_ticks()
    time.sleep(3)
    after = server.cpu_ticks()
    status = server.proc.wait(timeout=10)
    print(f"      CPU while waiting: {after - before} ticks in 3 s")
    checks.that("at most 0.15 s of CPU in 3 s of waiting", after - before <= 15,
                f"{after - before} ticks")
    checks.contains("it says what it waits for", "waiting up to", server.log())
    checks.equal("the address never came: exit 3", 3, status)
    server.err.close()
