"""Memory a client can take: every buffer a peer fills is bounded (issue items 1-3)."""

import os
import socket
import subprocess
import threading
import time

from harness import BINARY, SANITIZED, Server, connect, free_port, head_of, read_until_closed
from registry import case

ATTACK_SECONDS = 10
RSS_BOUND_KIB = 16 * 1024


def rss_bounded(checks, what, growth_kib):
    if SANITIZED:
        print(f"      {what}: RSS not compared under a sanitizer (its allocator keeps freed memory)")
        return
    checks.that(what, growth_kib < RSS_BOUND_KIB, f"{growth_kib} KiB")


def sustain(port, opening, filler, seconds=ATTACK_SECONDS, connections=4):
    """`connections` attackers, each sending `opening` then `filler` without end; one that the
    server closes reconnects, until `seconds` pass. Returns what each connection the server
    closed got before it was closed (those still open at the end are left out)."""
    answers = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def one_connection():
        with connect(port) as s:
            s.sendall(opening)
            s.setblocking(False)
            got = b""
            while time.monotonic() < deadline:
                try:
                    s.send(filler)
                except BlockingIOError:
                    time.sleep(0.01)
                except OSError:
                    pass  # the server has stopped reading: what it sent can still be read
                try:
                    chunk = s.recv(4096)
                    if not chunk:
                        return got
                    got += chunk
                except BlockingIOError:
                    pass
                except OSError:
                    return got
        return None

    def attacker():
        while time.monotonic() < deadline:
            try:
                got = one_connection()
            except OSError:
                got = None
                time.sleep(0.05)
            if got is not None:
                with lock:
                    answers.append(got)

    threads = [threading.Thread(target=attacker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def watch_rss(server, attack):
    """Runs `attack()` while sampling the server's RSS; (before, peak) in KiB and its result."""
    before = server.rss_kib()
    peak = [before]
    done = threading.Event()

    def sample():
        while not done.is_set():
            try:
                peak[0] = max(peak[0], server.rss_kib())
            except OSError:
                return
            time.sleep(0.2)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        result = attack()
    finally:
        done.set()
        sampler.join()
    peak[0] = max(peak[0], server.rss_kib())
    return before, peak[0], result


def endless_chunk_line(checks, work, name, opening):
    root = work.docroot()
    server = Server(work, ["--root", root, "--access-log", "off", "--threads", "2"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    filler = b"a" * 65536
    before, peak, answers = watch_rss(server, lambda: sustain(server.port, opening, filler))
    growth = peak - before
    print(f"      RSS {before} KiB before, {peak} KiB at most during {ATTACK_SECONDS} s of "
          f"{len(answers)} connections sending {name} without end")
    rss_bounded(checks, f"{name}: RSS grows by less than 16 MiB", growth)
    statuses = {head_of(a)[0] for a in answers}
    checks.that(f"{name}: the server closed {len(answers)} attacking connections",
                len(answers) >= 4, "fewer than one per attacker")
    checks.equal(f"{name}: each got 400 Bad Request first", {400}, statuses)
    checks.that(f"{name}: and is closed", all(b"Connection: close" in a for a in answers),
                "an answer without Connection: close")
    checks.equal("the server still runs", None, server.proc.poll())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("chunk_extension")
def chunk_extension(checks, work):
    """A chunk extension without end (1;a=aaaa...) is cut off at the head limit: 400, close"""
    endless_chunk_line(checks, work, "a chunk extension",
                       b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;a=")


@case("chunk_trailer")
def chunk_trailer(checks, work):
    """A trailer field without end (0\\r\\nX-T: bbbb...) is cut off at the head limit: 400, close"""
    endless_chunk_line(checks, work, "a trailer field",
                       b"GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: ")


class HostileServer:
    """Answers every request with the start of a chunked body whose chunk extension never
    ends, for as long as the client reads (at most `seconds`)."""

    def __init__(self, seconds=ATTACK_SECONDS):
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.deadline = time.monotonic() + seconds
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        self.listener.settimeout(0.5)
        while time.monotonic() < self.deadline:
            try:
                conn, _ = self.listener.accept()
            except socket.timeout:
                continue
            threading.Thread(target=self.answer, args=(conn,), daemon=True).start()

    def answer(self, conn):
        with conn:
            conn.settimeout(2)
            try:
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;ext=")
                while time.monotonic() < self.deadline:
                    conn.sendall(b"e" * 65536)
            except OSError:
                pass

    def close(self):
        self.deadline = 0
        self.thread.join(timeout=5)
        self.listener.close()


@case("probe_hostile_server")
def probe_hostile_server(checks, work):
    """dualhttpd probe against a server whose answer never ends a chunk line: bounded, explained"""
    hostile = HostileServer()
    try:
        start = time.monotonic()
        proc = subprocess.Popen([BINARY, "probe", "--timeout", "15",
                                 f"http://127.0.0.1:{hostile.port}/"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        # Sampled from /proc (VmHWM: the process's own high-water mark since its exec); the
        # rusage of wait4 would count the test's own fork of Python before the exec.
        peak, status = 0, None
        while time.monotonic() - start < 20:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                pass
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid == proc.pid:
                break
            time.sleep(0.01)
        else:
            proc.kill()
            _, status, _ = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = proc.stdout.read().decode("utf-8", "replace")
        elapsed = time.monotonic() - start
    finally:
        hostile.close()
    print(output.rstrip())
    print(f"      probe: peak RSS {peak} KiB, ended after {elapsed:.1f} s")
    rss_bounded(checks, "the probe's memory stays under 16 MiB", peak)
    checks.that("it stops on its own, before the server does", elapsed < ATTACK_SECONDS - 1,
                f"{elapsed:.1f} s")
    checks.equal("exit status 1 (the server failed)", 1, proc.returncode)
    checks.contains("it says what the server did wrong", "chunk", output)
    checks.contains("and how much it read", "bytes", output)


@case("cache_misses")
def cache_misses(checks, work):
    """Requests for distinct missing 8 KiB paths (10 s and 16,000 at least) leave memory bounded"""
    root = work.docroot()
    server = Server(work, ["--root", root, "--access-log", "off", "--threads", "2"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    lock = threading.Lock()
    counts = {"404": 0}
    # 16,000 such names took the cache's memory up by 60 MiB before it stopped keeping names that
    # do not exist. The attack lasts 10 s and goes on until that many were answered (a sanitized
    # build beside other tests answers about as many in 10 s), but no longer than 30 s.
    started = time.monotonic()
    wanted = 16000

    def going():
        elapsed = time.monotonic() - started
        with lock:
            answered = counts["404"]
        return elapsed < ATTACK_SECONDS or (answered < wanted and elapsed < 3 * ATTACK_SECONDS)

    def client(index):
        serial = 0
        while going():
            try:
                with connect(server.port, timeout=10) as s:
                    batch = b""
                    for _ in range(20):
                        serial += 1
                        path = f"/{index}-{serial}-" + "m" * 8000
                        batch += f"GET {path} HTTP/1.1\r\nHost: a\r\n\r\n".encode()
                    batch += b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
                    s.sendall(batch)
                    got = read_until_closed(s, timeout=10)
                with lock:
                    counts["404"] += got.count(b"HTTP/1.1 404 ")
            except OSError:
                pass

    def attack():
        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    before, peak, _ = watch_rss(server, attack)
    after = server.rss_kib()
    print(f"      {counts['404']} requests for missing 8 KiB paths answered 404 in "
          f"{time.monotonic() - started:.1f} s; RSS {before} KiB "
          f"before, {peak} at most, {after} after")
    checks.that("at least 16,000 such requests answered", counts["404"] >= wanted,
                f"{counts['404']}")
    rss_bounded(checks, "RSS grows by less than 16 MiB", peak - before)
    checks.equal("exit status after SIGTERM", 0, server.stop())
