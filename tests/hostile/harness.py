"""What every hostile case needs: a docroot, a dualhttpd started and stopped by PID on a
loopback port, raw sockets, the server's resident memory, and checks that print what a user
would see. Loopback only; every loop is bounded in count and time."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from test_ports import free_port  # noqa: E402 (a reserved port, for the cases too)

BINARY = os.environ.get("DUALHTTPD", "")
# Under a sanitizer, freed memory stays in quarantine: resident memory says nothing then.
SANITIZED = os.environ.get("DUALHTTPD_SANITIZED") == "1"
# The line that says the server is up, every listener open and its workers made. "serving as
# nobody", said when root gives up its rights, comes before them and does not say so.
SERVING = re.compile(r"\] serving .* with \d+ threads?$", re.M)


class Checks:
    """ok/FAIL lines; the case fails when any check failed."""

    def __init__(self):
        self.failures = 0

    def that(self, what, good, detail=""):
        print(f"{'ok   ' if good else 'FAIL '} {what}{'' if good else ': ' + detail}", flush=True)
        if not good:
            self.failures += 1
        return good

    def equal(self, what, expected, actual):
        return self.that(what, expected == actual, f"expected {expected!r}, got {actual!r}")

    def contains(self, what, needle, haystack):
        return self.that(what, needle in haystack, f"{needle!r} not in {haystack[:600]!r}")


class Workdir:
    """A directory of the case's own, removed at the end. World-searchable, as a docroot's
    parent usually is: a server started as root serves as an unprivileged user."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="dualhttpd-hostile-")
        os.chmod(self.path, 0o755)

    def file(self, relative, data=b"", mode=0o644):
        path = os.path.join(self.path, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(path, mode)
        return path

    def docroot(self, name="www"):
        root = os.path.join(self.path, name)
        self.file(f"{name}/index.html", "<p>index</p>\n")
        self.file(f"{name}/hello.txt", "hello, world\n")
        self.file(f"{name}/sub/index.html", "<p>sub</p>\n")
        for dirpath, _, _ in os.walk(root):
            os.chmod(dirpath, 0o755)
        return root

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)


class Server:
    """dualhttpd on 127.0.0.1:PORT; stderr goes to a file, stdout to `stdout` (a file by
    default). Stopped by PID."""

    def __init__(self, work, args, stdout=None, port=None, listen=True, env=None, wrapper=()):
        self.port = port or free_port()
        self.log_path = os.path.join(work.path, f"server-{self.port}.log")
        self.out_path = os.path.join(work.path, f"server-{self.port}.out")
        argv = list(wrapper) + [BINARY] + list(args)  # a wrapper that execs keeps the PID
        if listen:
            argv += ["--listen", f"127.0.0.1:{self.port}"]
        self.err = open(self.log_path, "wb")
        self.out = stdout if stdout is not None else open(self.out_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.out, stderr=self.err, env=env)
        self.pid = self.proc.pid

    def wait_serving(self, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if SERVING.search(self.log()):
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def rss_kib(self):
        with open(f"/proc/{self.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.pid}/fd"))

    def cpu_ticks(self):
        with open(f"/proc/{self.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])

    def signal(self, sig):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def stop(self, timeout=15):
        """SIGTERM; the exit status (None if it had to be killed)."""
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return None
        finally:
            self.err.close()


def connect(port, timeout=5):
    return socket.create_connection(("127.0.0.1", port), timeout=timeout)


def read_until_closed(sock, timeout=5, limit=1 << 20, needle=None):
    """What arrives until the peer closes (or resets), `timeout` passes, `limit` bytes came
    or `needle` did."""
    sock.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while len(data) < limit and time.monotonic() < deadline and not (needle and needle in data):
        try:
            chunk = sock.recv(65536)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
    return data


def exchange(port, data, timeout=5):
    """Sends raw bytes and returns what comes back until the server closes."""
    with connect(port, timeout) as s:
        s.sendall(data if isinstance(data, bytes) else data.encode("latin-1"))
        return read_until_closed(s, timeout)


def head_of(response):
    """(status, {lower-case name: value}) of the first response in `response`."""
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    parts = lines[0].split(" ")
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return status, fields


def body_of(response):
    return response.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in response else b""


def get(port, path, headers=(), timeout=5):
    """One GET on a fresh connection that says close: (status, fields, body, milliseconds)."""
    start = time.monotonic()
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    request += "".join(h + "\r\n" for h in headers) + "\r\n"
    response = exchange(port, request, timeout)
    status, fields = head_of(response)
    return status, fields, body_of(response), (time.monotonic() - start) * 1000


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("inf")


class NormalClient:
    """A well-behaved client on its own thread: a fresh connection every `pause` seconds,
    one GET each; records latencies and failures."""

    def __init__(self, port, path="/hello.txt", expect=b"hello, world\n", pause=0.05):
        import threading
        self.port, self.path, self.expect, self.pause = port, path, expect, pause
        self.latencies, self.failures = [], []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def run(self):
        while not self.stop_event.is_set():
            try:
                status, _, body, ms = get(self.port, self.path, timeout=5)
                if status == 200 and body == self.expect:
                    self.latencies.append(ms)
                else:
                    self.failures.append(f"status {status}, {len(body)} bytes")
            except OSError as e:
                self.failures.append(str(e))
            time.sleep(self.pause)

    def stop(self):
        self.stop_event.set()
        self.thread.join(timeout=10)

    def report(self, checks, what, p99_limit_ms=100):
        p99 = percentile(self.latencies, 0.99)
        print(f"      normal client: {len(self.latencies)} served, {len(self.failures)} failed, "
              f"p50 {percentile(self.latencies, 0.5):.1f} ms, p99 {p99:.1f} ms")
        checks.that(f"{what}: a normal client was served every time", not self.failures
                    and len(self.latencies) >= 20,
                    f"{len(self.failures)} failures ({self.failures[:3]}), "
                    f"{len(self.latencies)} served")
        checks.that(f"{what}: the normal client's p99 is under {p99_limit_ms} ms", p99 < p99_limit_ms,
                    f"{p99:.1f} ms")


def require_root(what):
    """77 (skipped) when not root, unless DUALHTTPD_NO_SKIP is set (CI): then a failure."""
    if os.geteuid() == 0:
        return None
    if os.environ.get("DUALHTTPD_NO_SKIP"):
        print(f"FAIL  {what} needs root, and DUALHTTPD_NO_SKIP forbids skipping")
        return 1
    print(f"skipped: {what} needs root")
    return 77


def wait_for_text(path, needle, timeout=3):
    """True once the file holds `needle` (the access log writes within a second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, "rb") as f:
                if needle.encode() in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False
