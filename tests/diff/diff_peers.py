#!/usr/bin/env python3
"""Differential test: the same raw requests to Apache httpd, nginx, lighttpd and dualhttpd,
all on loopback, all serving one fixture docroot, each peer configured as Debian ships it
(peers.py). For each case the answers are compared on what a client relies on, and the case
passes when dualhttpd answers as at least one of the three does. Where it differs from all
three, on purpose, the case says why (an RFC section or a security reason) and asserts
dualhttpd's own answer instead. Every case prints what each of the four answered.

Usage: diff_peers.py DUALHTTPD_BINARY   (exit 0: every case passes, else 1)
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
import time

from diff_cases import CASES, Case
from diff_http import Exchange, exchange
from peers import PEERS, REQUIRED

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from test_ports import free_port  # noqa: E402 (reserved: no test beside this one takes it)

OURS = "dualhttpd"


def make_docroot(base):
    """The fixture: files of many types, directories, odd names, dotfiles and symlinks."""
    root = os.path.join(base, "www")
    files = {
        "index.html": b"<!DOCTYPE html><title>fixture</title><p>index</p>\n",
        "a.txt": b"hello world 0123456789abcdefghijklmnopqrstuvwxyz\n",
        "style.css": b"body { color: #222; }\n",
        "app.js": b"console.log('dualhttpd');\n",
        "data.json": b'{"ok": true}\n',
        "feed.xml": b"<?xml version=\"1.0\"?><feed/>\n",
        "image.svg": b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
        "README.TXT": b"upper-case extension\n",
        "archive.tar.gz": os.urandom(300),
        "image.png": os.urandom(2048),
        "photo.jpg": os.urandom(4096),
        "doc.pdf": os.urandom(1000),
        "font.woff2": os.urandom(500),
        "empty.txt": b"",
        "big.bin": os.urandom(1 << 20),
        "sp ace.txt": b"space in the name\n",
        "a+b&c=d.txt": b"sub-delimiters in the name\n",
        "100%.txt": b"a percent sign in the name\n",
        "\u00fcber-caf\u00e9.txt".encode(): b"UTF-8 name\n",
        "dir/index.html": b"<p>dir index</p>\n",
        "dir/inner.txt": b"inner\n",
        "old/index.htm": b"<p>an index.htm</p>\n",
        "both/index.htm": b"<p>both: index.htm</p>\n",
        "both/index.html": b"<p>both: index.html</p>\n",
        "listing/one.txt": b"1\n",
        "listing/two words.html": b"<p>2</p>\n",
        "listing/<b>&.txt": b"markup in the name\n",
        "listing/nested/deep.txt": b"deep\n",
        ".htaccess": b"Require all denied\n",
        ".htpasswd": b"user:secret\n",
        ".env": b"SECRET=1\n",
        ".well-known/security.txt": b"Contact: mailto:security@example.org\n",
        "..%2f.txt": b"a name that looks like an escape\n",
    }
    for name, data in files.items():
        path = os.path.join(root.encode(), name if isinstance(name, bytes) else name.encode())
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    with open(os.path.join(base, "outside.txt"), "wb") as f:
        f.write(b"outside the docroot\n")
    os.symlink("a.txt", os.path.join(root, "link-in.txt"))
    os.symlink("../outside.txt", os.path.join(root, "link-out.txt"))
    # One fixed modification time, so Last-Modified and dates in conditionals are known.
    stamp = time.time() - 86400
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.utime(os.path.join(dirpath, name), (stamp, stamp), follow_symlinks=False)
    for dirpath, _, _ in os.walk(base):
        os.chmod(dirpath, 0o755)
    return root


class Servers:
    """Every peer and dualhttpd, twice: with directory listings and without."""

    def __init__(self, binary, base, root):
        self.procs = []
        self.ports = {}  # (name, indexes) -> port
        try:
            self.start_all(binary, base, root)
        except Exception:
            self.stop()
            raise

    def start_all(self, binary, base, root):
        for indexes in (True, False):
            for name, configure in PEERS.items():
                port = free_port()
                self.start(configure(base, root, port, indexes), base, f"{name}-{port}")
                self.ports[(name, indexes)] = port
            port = free_port()
            # The index names --from-httpd-conf takes from Debian's DirectoryIndex (peers.py).
            args = [binary, "--root", root, "--listen", f"127.0.0.1:{port}",
                    "--access-log", "off", "--threads", "2", "--index", "index.html",
                    "--index", "index.xhtml", "--index", "index.htm"]
            self.start(args + (["--autoindex"] if indexes else []), base, f"ours-{port}")
            self.ports[(OURS, indexes)] = port
        for port in self.ports.values():
            wait_listening(port)

    def start(self, argv, base, name):
        log = open(os.path.join(base, name + ".out"), "wb")
        self.procs.append(subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT))

    def stop(self):
        for p in self.procs:  # only the processes this test started, by PID
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_listening(port):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after 10 s")


def fill(request, values):
    """Substitutes {host}, {etag} and {lm} (the server's own validators for a.txt)."""
    if isinstance(request, list):
        return [fill(r, values) for r in request]
    for key, value in values.items():
        request = request.replace("{" + key + "}", value)
    return request


def validators(port):
    got = exchange(port, f"HEAD /a.txt HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n")
    r = got.responses[0]
    return {"etag": r.header("etag"), "lm": r.header("last-modified")}


def compare(case: Case, theirs: Exchange, ours: Exchange, peer):
    """What differs between a peer's answer and dualhttpd's, as readable lines (empty: they
    agree)."""
    if case.check:
        return case.check.check(theirs, ours)
    problems = []
    if len(theirs.responses) != len(ours.responses):
        problems.append(f"responses: {peer} sent {len(theirs.responses)}, "
                        f"dualhttpd {len(ours.responses)}")
    for i, (a, b) in enumerate(zip(theirs.responses, ours.responses)):
        tag = f"response {i + 1}: " if len(theirs.responses) > 1 else ""
        for what, x, y in a.differences(b, case.compare):
            problems.append(f"{tag}{what}: {peer} {x!r}, dualhttpd {y!r}")
    if "keepalive" in case.compare and theirs.closed != ours.closed:
        problems.append(f"connection afterwards: {peer} {'closed' if theirs.closed else 'open'}, "
                        f"dualhttpd {'closed' if ours.closed else 'open'}")
    return problems


def judge(case: Case, answers):
    """(problems, label) for one case: dualhttpd must answer as some peer does, or as the
    case's stated difference says when it differs from all of them."""
    ours = answers[OURS]
    verdicts = {peer: compare(case, answers[peer], ours, peer) for peer in PEERS}
    agreeing = [peer for peer, problems in verdicts.items() if not problems]
    if case.unlike_all:
        problems = case.unlike_all.check(ours)
        if agreeing:
            problems.append(f"dualhttpd answers as {', '.join(agreeing)} now: the stated "
                            f"difference is gone, drop it")
        return problems, f"unlike all, on purpose: {case.unlike_all.reason}"
    if agreeing:
        return [], f"as {', '.join(agreeing)}"
    return [f"unlike {peer}: {line}" for peer, lines in verdicts.items() for line in lines], ""


def run(binary):
    missing = [REQUIRED[p] for p in PEERS if shutil.which(REQUIRED[p]) is None]
    if missing:  # a failure, not a skip: the comparison is the test
        print(f"FAIL  not installed: {', '.join(missing)}; run packaging/install-deps --test")
        return 1
    base = tempfile.mkdtemp(prefix="dualhttpd-diff-")
    os.chmod(base, 0o755)
    root = make_docroot(base)
    names = list(PEERS) + [OURS]
    failures = 0
    servers = None
    try:
        servers = Servers(binary, base, root)
        values = {name: validators(servers.ports[(name, True)]) for name in names}

        def ask(case, name):
            port = servers.ports[(name, case.indexes)]
            return exchange(port, fill(case.request, {"host": f"127.0.0.1:{port}", **values[name]}))

        # Cases are independent (the docroot is only read), so they run a few at a time.
        with ThreadPoolExecutor(max_workers=8) as pool:
            futures = [{name: pool.submit(ask, c, name) for name in names} for c in CASES]
        for case, pending in zip(CASES, futures):
            answers = {name: f.result() for name, f in pending.items()}
            problems, label = judge(case, answers)
            seen = " | ".join(f"{name} {summary(answers[name])}" for name in names)
            if problems:
                failures += 1
                print(f"FAIL  {case.name}: {seen}")
                for line in problems:
                    print(f"        {line}")
            else:
                print(f"ok    {case.name}: {seen}: {label}")
    finally:
        if servers:
            servers.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(f"{len(CASES)} cases, {failures} failed")
    return 1 if failures else 0


def summary(got: Exchange):
    statuses = ",".join(str(r.status) for r in got.responses) or "no response"
    return f"{statuses}{' (closed)' if got.closed else ''}"


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
