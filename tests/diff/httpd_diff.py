#!/usr/bin/env python3
"""Differential test: the same raw requests to Apache httpd and to dualhttpd, on loopback.

Both serve one fixture docroot; Apache runs live in this test (from Debian's apache2 package)
with a configuration modelled on the stock httpd.conf. For each case the answers are compared
on what a client relies on. Where dualhttpd differs on purpose, the case says so and why, and
asserts dualhttpd's own answer instead.

Usage: httpd_diff.py DUALHTTPD_BINARY   (exit 0: all cases agree, else 1)
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

APACHE_MODULES = ["mpm_event", "authz_core", "dir", "mime", "autoindex"]


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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


def apache_config(base, root, port, indexes):
    modules = "\n".join(
        f"LoadModule {m}_module /usr/lib/apache2/modules/mod_{m}.so" for m in APACHE_MODULES)
    user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
    options = "Indexes FollowSymLinks" if indexes else "FollowSymLinks"
    return f"""# Modelled on the stock httpd.conf: the parts a static site uses.
{modules}
ServerRoot {base}
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {base}/httpd-{port}.pid
ErrorLog {base}/httpd-{port}-error.log
Mutex file:{base}
{user}KeepAlive On
KeepAliveTimeout 5
MaxKeepAliveRequests 100
DocumentRoot "{root}"
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory "{root}">
    Options {options}
    AllowOverride None
    Require all granted
</Directory>
DirectoryIndex index.html
<Files ".ht*">
    Require all denied
</Files>
AddDefaultCharset UTF-8
TypesConfig /etc/mime.types
"""


class Servers:
    """Apache and dualhttpd, twice: with directory listings and without."""

    def __init__(self, binary, base, root):
        self.procs = []
        self.pairs = {}
        for indexes in (True, False):
            apache_port, ours_port = free_port(), free_port()
            conf = os.path.join(base, f"httpd-{apache_port}.conf")
            with open(conf, "w") as f:
                f.write(apache_config(base, root, apache_port, indexes))
            self.start(["apache2", "-f", conf, "-DFOREGROUND"], base, f"apache-{apache_port}")
            args = [binary, "--root", root, "--listen", f"127.0.0.1:{ours_port}",
                    "--access-log", "off", "--threads", "2"]
            self.start(args + (["--autoindex"] if indexes else []), base, f"ours-{ours_port}")
            self.pairs[indexes] = (apache_port, ours_port)
        for apache_port, ours_port in self.pairs.values():
            wait_listening(apache_port)
            wait_listening(ours_port)

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


def compare(case: Case, theirs: Exchange, ours: Exchange):
    """What differs between the two answers, as readable lines (empty: they agree)."""
    problems = []
    if len(theirs.responses) != len(ours.responses):
        problems.append(f"responses: httpd sent {len(theirs.responses)}, "
                        f"dualhttpd {len(ours.responses)}")
    for i, (a, b) in enumerate(zip(theirs.responses, ours.responses)):
        tag = f"response {i + 1}: " if len(theirs.responses) > 1 else ""
        for what, x, y in a.differences(b, case.compare):
            problems.append(f"{tag}{what}: httpd {x!r}, dualhttpd {y!r}")
    if "keepalive" in case.compare and theirs.closed != ours.closed:
        problems.append(f"connection afterwards: httpd {'closed' if theirs.closed else 'open'}, "
                        f"dualhttpd {'closed' if ours.closed else 'open'}")
    return problems


def run(binary):
    if shutil.which("apache2") is None:  # a failure, not a skip: the comparison is the test
        print("FAIL  apache2 is not installed: run packaging/install-deps --test")
        return 1
    base = tempfile.mkdtemp(prefix="dualhttpd-diff-")
    os.chmod(base, 0o755)
    root = make_docroot(base)
    servers = Servers(binary, base, root)
    failures = 0
    try:
        values = {key: validators(port) for key, port in
                  (("apache", servers.pairs[True][0]), ("ours", servers.pairs[True][1]))}
        def ask(case, which):
            port = servers.pairs[case.indexes][0 if which == "apache" else 1]
            return exchange(port, fill(case.request, {"host": f"127.0.0.1:{port}", **values[which]}))

        # Cases are independent (the docroot is only read), so they run a few at a time.
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = [(pool.submit(ask, c, "apache"), pool.submit(ask, c, "ours")) for c in CASES]
        for case, (theirs, ours) in zip(CASES, answers):
            theirs, ours = theirs.result(), ours.result()
            if case.differs:
                problems = case.differs.check(theirs, ours)
                label = f"differs on purpose: {case.differs.reason}"
            else:
                problems = compare(case, theirs, ours)
                label = summary(ours)
            if problems:
                failures += 1
                print(f"FAIL  {case.name}")
                for line in problems:
                    print(f"        {line}")
            else:
                print(f"ok    {case.name}: {label}")
    finally:
        servers.stop()
        shutil.rmtree(base, ignore_errors=True)
    print(f"{len(CASES)} cases, {failures} failed")
    return 1 if failures else 0


def summary(got: Exchange):
    statuses = ",".join(str(r.status) for r in got.responses) or "no response"
    return f"{statuses}{' (closed)' if got.closed else ''}"


if __name__ == "__main__":
    sys.exit(run(sys.argv[1]))
