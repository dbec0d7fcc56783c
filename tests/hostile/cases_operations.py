"""Operations that must keep working: release swaps under the docroot, deploy tools'
absolute symlinks (issue items 9 and 19), a stalled log consumer (item 10)."""

import os
import shutil
import signal
import time

from harness import NormalClient, Server, get
from registry import case


def release(work, name, text):
    work.file(f"site/{name}/index.html", text)
    work.file(f"site/{name}/page.txt", text)
    os.chmod(os.path.join(work.path, "site"), 0o755)
    os.chmod(os.path.join(work.path, "site", name), 0o755)
    return os.path.join(work.path, "site", name)


def served_within(port, path, want, seconds=3):
    """Milliseconds until `path` answers 200 with `want`, or None."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        status, _, body, _ = get(port, path)
        if status == 200 and body == want:
            return (time.monotonic() - start) * 1000
        time.sleep(0.05)
    return None


@case("docroot_swap")
def docroot_swap(checks, work):
    """Releases switched by symlink swap or rename are served at once; the old one may go"""
    site = os.path.join(work.path, "site")
    release(work, "rel1", "one\n")
    release(work, "rel2", "two\n")
    release(work, "rel3", "three\n")
    current = os.path.join(site, "current")
    os.symlink("rel1", current)
    server = Server(work, ["--root", current, "--access-log", "off"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    checks.equal("release 1 is served", (200, b"one\n"), get(server.port, "/page.txt")[:3:2])
    # A symlink swap, as deploy tools do it: ln -s rel2 next && mv -T next current.
    os.symlink("rel2", os.path.join(site, "next"))
    os.rename(os.path.join(site, "next"), current)
    ms = served_within(server.port, "/page.txt", b"two\n")
    checks.that("after a symlink swap release 2 is served within 1.5 s", ms is not None and ms < 1500,
                f"{ms} ms")
    checks.equal("the index too", (200, b"two\n"), get(server.port, "/")[:3:2])
    shutil.rmtree(os.path.join(site, "rel1"))
    checks.equal("the old release deleted: still served", (200, b"two\n"),
                 get(server.port, "/page.txt")[:3:2])
    # SIGHUP looks again at once.
    os.symlink("rel3", os.path.join(site, "next"))
    os.rename(os.path.join(site, "next"), current)
    server.signal(signal.SIGHUP)
    ms = served_within(server.port, "/page.txt", b"three\n")
    checks.that("after SIGHUP release 3 is served within 300 ms", ms is not None and ms < 300,
                f"{ms} ms")
    checks.contains("the log names the new directory", "now leads to " + os.path.join(site, "rel3"),
                    server.log())
    checks.equal("exit status after SIGTERM", 0, server.stop())

    # A rename swap: mv www www.old && mv www.new www; then the old tree is removed.
    www = release(work, "www", "old\n")
    release(work, "www.new", "new\n")
    server = Server(work, ["--root", www, "--access-log", "off"])
    if not checks.that("second server started", server.wait_serving(), server.log()):
        return
    checks.equal("the old tree is served", (200, b"old\n"), get(server.port, "/page.txt")[:3:2])
    os.rename(www, www + ".old")
    os.rename(www + ".new", www)
    ms = served_within(server.port, "/page.txt", b"new\n")
    checks.that("after a rename swap the new tree is served within 1.5 s",
                ms is not None and ms < 1500, f"{ms} ms")
    shutil.rmtree(www + ".old")
    checks.equal("the old tree deleted: still served", (200, b"new\n"),
                 get(server.port, "/page.txt")[:3:2])
    # The path gone altogether: the last directory keeps being served, and it says so.
    shutil.move(www, www + ".away")
    time.sleep(1.5)
    checks.equal("the path gone: the directory it led to is still served", (200, b"new\n"),
                 get(server.port, "/page.txt")[:3:2])
    checks.contains("and the log says why", "cannot be opened now", server.log())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("absolute_symlinks")
def absolute_symlinks(checks, work):
    """Absolute symlinks that lead inside the docroot are served and listed; none that leave"""
    rel = release(work, "releases/42", "page\n")
    work.file("site/releases/42/css/site.css", "body{}\n")
    work.file("secret.txt", "outside\n")
    os.remove(os.path.join(rel, "index.html"))  # so that / is a listing
    os.chmod(os.path.join(rel, "css"), 0o755)
    current = os.path.join(work.path, "site", "current")
    os.symlink(rel, current)  # absolute, as deploy tools write it
    os.symlink(os.path.join(current, "css", "site.css"), os.path.join(rel, "via-current.css"))
    os.symlink(os.path.join(rel, "css", "site.css"), os.path.join(rel, "absolute.css"))
    os.symlink(os.path.join(rel, "css"), os.path.join(rel, "styles"))
    os.symlink(os.path.join(work.path, "secret.txt"), os.path.join(rel, "out-absolute.txt"))
    os.symlink("../../../secret.txt", os.path.join(rel, "out-relative.txt"))
    os.symlink("/etc/passwd", os.path.join(rel, "passwd"))
    server = Server(work, ["--root", current, "--access-log", "off", "--autoindex"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    for path in ("/absolute.css", "/via-current.css", "/styles/site.css"):
        checks.equal(f"{path}: served", (200, b"body{}\n"), get(server.port, path)[:3:2])
    for path in ("/out-absolute.txt", "/out-relative.txt", "/passwd"):
        checks.equal(f"{path}: leaves the docroot, refused", 403, get(server.port, path)[0])
    status, _, listing, _ = get(server.port, "/")
    for name in ("absolute.css", "via-current.css", "styles/"):
        checks.that(f"the listing offers {name}", f'href="{name}"'.encode() in listing,
                    listing.decode())
    for name in ("out-absolute.txt", "out-relative.txt", "passwd"):
        checks.that(f"the listing hides {name}", name.encode() not in listing, listing.decode())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("stalled_log")
def stalled_log(checks, work):
    """An access log on a pipe nobody reads (dualhttpd | sleep 600) never stops serving"""
    root = work.docroot()
    read_end, write_end = os.pipe()  # nobody reads read_end: `| sleep 600`
    try:
        server = Server(work, ["--root", root, "--access-log", "-"], stdout=write_end)
        os.close(write_end)
        if not checks.that("server started", server.wait_serving(), server.log()):
            return
        # The pipe holds 64 KiB, a few lines of these; then every write would block. 2,000
        # lines of 4 KiB are more than the server buffers, so some are dropped.
        agent = "User-Agent: " + "u" * 4000
        served = 0
        start = time.monotonic()
        while served < 2000 and time.monotonic() - start < 30:
            status, _, _, _ = get(server.port, f"/hello.txt?n={served}", [agent], timeout=3)
            if status != 200:
                break
            served += 1
        checks.equal("2,000 requests answered while the log's reader stalls", 2000, served)
        normal = NormalClient(server.port, pause=0.02).start()
        time.sleep(3)
        normal.stop()
        normal.report(checks, "with the log stalled")
        start = time.monotonic()
        status = server.stop(timeout=10)
        checks.equal("SIGTERM ends it (exit 0)", 0, status)
        checks.that("within 3 s", time.monotonic() - start < 3, f"{time.monotonic() - start:.1f} s")
        log = server.log()
        checks.contains("the log says that lines were dropped, and how many", "lines dropped", log)
        checks.contains("and why", "its reader does not keep up", log)
        print("      " + next((line for line in log.splitlines() if "dropped" in line), ""))
    finally:
        os.close(read_end)
