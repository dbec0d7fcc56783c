"""What a response must never do: send a browser off-site, run script from a file name, or
serve what file modes forbid (issue items 6-8)."""

import os
import pwd
import re
import urllib.parse

from harness import Server, exchange, get, head_of, require_root
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
