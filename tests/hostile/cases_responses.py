"""What a response must never do: send a browser off-site, run script from a file name, or
serve what file modes forbid (issue items 6-8)."""

import os
import pwd
import re
import signal
import time
import urllib.parse

from harness import Server, exchange, get, head_of, require_root, wait_for_text
from registry import case

BASE = "http://127.0.0.1:8080/listing/"


def resolve(base, reference):
    """Where a browser goes for `reference` on page `base` (RFC 3986 section 5)."""
    return urllib.parse.urlsplit(urllib.parse.urljoin(base, reference))


@case("open_redirect")
def open_redirect(checks, work):
    """A directory redirect is built from the normalised path: never //host, never raw bytes"""
    root = work.docroot()
    work.file("www/caf\u00e9 \u00e4/index.html", "<p>utf-8</p>\n")
    server = Server(work, ["--root", root, "--access-log", "off"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    page = "http://127.0.0.1:8080/"
    for target, want in [("//evil.example/../sub", "/sub/"),
                         ("/\\evil.example/../sub", "/sub/"),
                         ("/%2Fevil.example/../sub", None),  # an encoded slash: 404
                         ("//sub", "/sub/"),
                         ("/./sub?x=//evil.example", "/sub/?x=//evil.example"),
                         ("/caf\u00e9%20\u00e4", "/caf%C3%A9%20%C3%A4/")]:
        response = exchange(server.port, f"GET {target} HTTP/1.1\r\nHost: a\r\n"
                                         f"Connection: close\r\n\r\n".encode("utf-8"))
        status, fields = head_of(response)
        location = fields.get("location")
        if want is None:
            checks.equal(f"{target}: not redirected", 404, status)
            continue
        checks.equal(f"{target}: 301", 301, status)
        checks.equal(f"{target}: Location", want, location)
        where = resolve(page, location or "")
        checks.equal(f"{target}: a browser stays on this server", "127.0.0.1:8080", where.netloc)
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("listing_xss")
def listing_xss(checks, work):
    """A file named like a URL scheme (javascript:...) is linked as a file, not a scheme"""
    root = work.docroot()
    names = ["javascript:alert(document.domain)", "data:,hello", "a:b", "plain.txt",
             "mailto:x@example.com"]
    for name in names:
        work.file(f"www/listing/{name}", "x\n")
    server = Server(work, ["--root", root, "--access-log", "off", "--autoindex"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    status, _, body, _ = get(server.port, "/listing/")
    checks.equal("the listing", 200, status)
    links = [urllib.parse.unquote(h) for h in
             re.findall(r'<a href="([^"]*)"', body.decode("utf-8", "replace"))]
    for name in names:
        hrefs = [h for h in re.findall(r'<a href="([^"]*)"', body.decode()) if
                 urllib.parse.unquote(h).endswith(name)]
        if not checks.that(f"{name!r} is listed", len(hrefs) == 1, f"links: {links}"):
            continue
        where = resolve(BASE, hrefs[0].replace("&amp;", "&"))
        checks.equal(f"{name!r}: the link stays http on this server", ("http", "127.0.0.1:8080"),
                     (where.scheme, where.netloc))
        checks.equal(f"{name!r}: and names the file", "/listing/" + name,
                     urllib.parse.unquote(where.path))
        status, _, data, _ = get(server.port, urllib.parse.urlsplit(
            urllib.parse.urljoin("/listing/", hrefs[0])).path)
        checks.equal(f"{name!r}: following it fetches the file", (200, b"x\n"), (status, data))
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("supplementary_group")
def supplementary_group(checks, work):
    """A docroot readable through a group the process has (SupplementaryGroups=) is served, unwarned
    (the warning that every request would be answered 403 asked the name service for nobody's
    groups, not the process for its own)"""
    skip = require_root("starting the server with another user's groups")
    if skip is not None:
        return skip
    group = 4242  # no name needed: the kernel checks numbers
    root = work.docroot("www-group")
    work.file("www-group/hello.txt", "hello, group\n", mode=0o640)
    for path in (root, os.path.join(root, "hello.txt")):
        os.chown(path, 0, group)
    os.chmod(root, 0o750)
    # As systemd runs a DynamicUser with SupplementaryGroups=: nobody's own groups don't
    # include it, the process's do.
    server = Server(work, ["--root", root, "--access-log", "off"],
                    wrapper=["setpriv", "--reuid=65534", "--regid=65534", f"--groups={group}"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    checks.equal("a file of the group is served", 200, get(server.port, "/hello.txt")[0])
    checks.that("no warning that nobody may open nothing (the process has the group)",
                "may not open anything in the docroot" not in server.log(), server.log())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("helper_when_needed")
def helper_when_needed(checks, work):
    """Started as root: a root helper only for what nobody cannot reopen, no NSS module kept
    (the name service's modules stayed mapped in the server: 0.5 MiB of its idle 4.5 MiB)"""
    skip = require_root("starting the server as root")
    if skip is not None:
        return skip
    for private in (False, True):
        # Releases swapped under site/current, in a directory nobody may search or not.
        parent = os.path.join(work.path, "private" if private else "open")
        for name in ("rel1", "rel2"):
            work.file(os.path.join(parent, "site", name, "page.txt"), name + "\n")
        for dirpath, _, _ in os.walk(parent):
            os.chmod(dirpath, 0o755)
        if private:
            os.chmod(parent, 0o700)
        site = os.path.join(parent, "site")
        os.symlink("rel1", os.path.join(site, "current"))
        where = "below a directory closed to nobody" if private else "that nobody may open"
        server = Server(work, ["--root", os.path.join(site, "current"), "--access-log", "off"])
        if not checks.that(f"server started on a docroot {where}", server.wait_serving(),
                           server.log()):
            return
        helpers = children_named(server.pid, "dualhttpd-open")
        checks.equal(f"a docroot {where}, no log file: helpers", 1 if private else 0, len(helpers))
        with open(f"/proc/{server.pid}/maps") as f:
            modules = sorted({line.split()[-1] for line in f if "libnss_" in line})
        checks.equal("no name-service module stays in the server", [], modules)
        os.symlink("rel2", os.path.join(site, "next"))
        os.rename(os.path.join(site, "next"), os.path.join(site, "current"))
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and get(server.port, "/page.txt")[2] != b"rel2\n":
            time.sleep(0.05)
        checks.equal(f"a swapped release {where} is followed", b"rel2\n",
                     get(server.port, "/page.txt")[2])
        checks.equal("exit status after SIGTERM", 0, server.stop())


def uid_of(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    return []


def children_named(parent, name):
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1:stat.rindex(")")]
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        if ppid == parent and comm == name:
            found.append(int(entry))
    return found


@case("root_privilege")
def root_privilege(checks, work):
    """Started as root it serves as nobody: file modes hold, --root / does not give /etc/shadow"""
    skip = require_root("starting the server as root")
    if skip is not None:
        return skip
    nobody = pwd.getpwnam("nobody").pw_uid
    root = work.docroot()
    work.file("www/private.txt", "only root may read this\n", mode=0o600)
    work.file("www/nobody.txt", "no one may read this\n", mode=0o000)
    access_log = os.path.join(work.path, "access.log")
    server = Server(work, ["--root", root, "--access-log", access_log])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    checks.equal("every user ID of the process is nobody's", [nobody] * 4, uid_of(server.pid))
    checks.contains("the log says so", "started as root: serving as nobody (uid", server.log())
    checks.equal("a world-readable file is served", 200, get(server.port, "/hello.txt")[0])
    checks.equal("a 0600 file of root's is refused", 403, get(server.port, "/private.txt")[0])
    checks.equal("a 0000 file is refused", 403, get(server.port, "/nobody.txt")[0])
    # The logs stay reopenable after rotation, although nobody may not write in this directory.
    os.rename(access_log, access_log + ".1")
    server.signal(signal.SIGHUP)
    time.sleep(0.5)
    get(server.port, "/hello.txt?after-rotation")
    checks.that("after rotation and SIGHUP the new access log gets the lines",
                wait_for_text(access_log, "after-rotation"), server.log())
    helpers = children_named(server.pid, "dualhttpd-open")
    checks.equal("one helper process keeps root to open them", 1, len(helpers))
    checks.equal("it runs as root", [0] * 4, uid_of(helpers[0]) if helpers else None)
    checks.equal("exit status after SIGTERM", 0, server.stop())
    time.sleep(0.3)
    checks.that("the helper ends with the server",
                not any(os.path.exists(f"/proc/{pid}") for pid in helpers), f"{helpers}")

    whole = Server(work, ["--root", "/", "--access-log", "off"])
    if checks.that("--root / started", whole.wait_serving(), whole.log()):
        checks.equal("/etc/shadow is refused", 403, get(whole.port, "/etc/shadow")[0])
        checks.equal("/etc/passwd (world-readable) is served", 200, get(whole.port, "/etc/passwd")[0])
        checks.equal("exit status after SIGTERM", 0, whole.stop())

    refused = Server(work, ["--root", root, "--user", "root", "--access-log", "off"])
    status = refused.proc.wait(timeout=10)
    checks.equal("--user root is refused (exit 2)", 2, status)
    checks.contains("and the message says why and what to do", "serving as root is refused",
                    refused.log())
    missing = Server(work, ["--root", root, "--user", "no-such-user-here", "--check"])
    checks.equal("--check refuses an unknown user (exit 2)", 2, missing.proc.wait(timeout=10))
    checks.contains("naming the fix", "useradd --system", missing.log())
