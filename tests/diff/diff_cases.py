"""The cases of the differential test: raw requests, and where dualhttpd differs on purpose,
why. {host} is the server's host:port, {etag} and {lm} its own validators for /a.txt."""

from dataclasses import dataclass, field

from diff_http import listing_links, media_type

FULL = frozenset({"headers", "body", "keepalive"})
OLD = "Sat, 01 Jan 2000 00:00:00 GMT"
FUTURE = "Fri, 01 Jan 2100 00:00:00 GMT"


def req(path, *headers, method="GET", version="HTTP/1.1", host=True, body=""):
    lines = [f"{method} {path} {version}".rstrip()]
    if host:
        lines.append("Host: {host}")
    lines += headers
    return "\r\n".join(lines) + "\r\n\r\n" + body


@dataclass
class UnlikeAll:
    """dualhttpd answers unlike httpd, nginx and lighttpd alike, for `reason`: its own answer is
    asserted (status, whether it closes, and the headers the reason is about), so the
    difference stays the one the reason explains."""
    reason: str
    status: int
    closed: bool = None  # when set: whether dualhttpd closes the connection afterwards
    headers: dict = field(default_factory=dict)  # lower-case name: the value it must have

    def check(self, ours):
        problems = []
        if status_of(ours) != self.status:
            problems.append(f"expected dualhttpd {self.status}, got {status_of(ours)}")
        if self.closed is not None and ours.closed != self.closed:
            problems.append(f"dualhttpd {'kept the connection open' if self.closed else 'closed'}")
        for name, value in self.headers.items():
            got = ours.responses[0].header(name) if ours.responses else None
            if got != value:
                problems.append(f"{name}: expected {value!r}, got {got!r}")
        return problems


@dataclass
class AllowDiffers:
    """Compared as the same status and Allow, less the methods dualhttpd does not offer on
    purpose."""
    reason: str
    missing: frozenset

    def check(self, theirs, ours):
        a, b = theirs.responses[0], ours.responses[0]
        allow = lambda r: {m.strip() for m in (r.header("allow") or "").split(",") if m.strip()}
        problems = [] if a.status == b.status else [f"status: {a.status}, dualhttpd {b.status}"]
        if theirs.closed != ours.closed:
            problems.append(f"closed afterwards: {theirs.closed}, dualhttpd {ours.closed}")
        if allow(a) - self.missing != allow(b):
            problems.append(f"Allow: {sorted(allow(a))}, dualhttpd {sorted(allow(b))}")
        return problems


@dataclass
class ListingDiffers:
    """Compared as a directory listing: the same status, media type and entries, less the
    ones dualhttpd refuses to serve (so it does not offer them), and without the charset."""
    reason: str
    hidden: frozenset = frozenset()

    def check(self, theirs, ours):
        a, b = theirs.responses[0], ours.responses[0]
        problems = []
        if (a.status, media_type(a.header("content-type"))[0]) != (
                b.status, media_type(b.header("content-type"))[0]):
            problems.append(f"{a.status} {a.header('content-type')}, "
                            f"dualhttpd {b.status} {b.header('content-type')}")
        if listing_links(a.body) - self.hidden != listing_links(b.body):
            problems.append(f"entries: {sorted(listing_links(a.body))}, "
                            f"dualhttpd {sorted(listing_links(b.body))}")
        return problems


def status_of(got):
    return got.responses[0].status if got.responses else None


@dataclass
class Case:
    name: str
    request: object  # a string, or a list of requests sent back to back (pipelining)
    compare: frozenset = FULL
    indexes: bool = True  # listings on (Options Indexes, autoindex, dir-listing, --autoindex)
    check: object = None  # a comparison of its own (listings, Allow) instead of `compare`
    unlike_all: UnlikeAll = None


DOTFILES = "dualhttpd refuses every dot name but .well-known (.env, .git, ...), not only .ht*"
SYMLINK_OUT = "dualhttpd never follows a symlink out of the docroot (openat2 RESOLVE_BENEATH)"
POST = ("a static server has nothing to do with a request body: dualhttpd answers POST with "
        "405 as nginx does, but with the Allow that RFC 9110 §15.5.6 requires (nginx sends none); "
        "httpd's and lighttpd's default handlers serve the file")
LISTING = ListingDiffers("httpd's plain listing claims ISO-8859-1; dualhttpd says UTF-8, "
                         "which Linux file names are")
ALLOW = AllowDiffers("Allow names the methods dualhttpd serves (GET, HEAD, OPTIONS); POST and TRACE "
                     "get 405 (see those cases)", frozenset({"POST", "TRACE"}))

CASES = [
    # Files of many types.
    Case("index of /", req("/")),
    Case("text/plain with charset", req("/a.txt")),
    Case("CSS", req("/style.css")),
    Case("JavaScript", req("/app.js")),
    Case("JSON", req("/data.json")),
    Case("XML", req("/feed.xml")),
    Case("SVG", req("/image.svg")),
    Case("upper-case extension", req("/README.TXT")),
    Case("two extensions (.tar.gz)", req("/archive.tar.gz")),
    Case("PNG", req("/image.png")),
    Case("JPEG", req("/photo.jpg")),
    Case("PDF", req("/doc.pdf")),
    Case("WOFF2", req("/font.woff2")),
    Case("empty file", req("/empty.txt")),
    Case("1 MiB binary", req("/big.bin")),
    Case("missing file", req("/nope.txt")),
    # Names that need encoding.
    Case("space, encoded", req("/sp%20ace.txt")),
    Case("sub-delimiters", req("/a+b&c=d.txt")),
    Case("sub-delimiters, encoded", req("/a%2Bb%26c%3Dd.txt")),
    Case("percent sign, encoded", req("/100%25.txt")),
    Case("UTF-8 name, encoded", req("/%C3%BCber-caf%C3%A9.txt")),
    Case("UTF-8 name, lower-case escapes", req("/%c3%bcber-caf%c3%a9.txt")),
    Case("UTF-8 name, raw bytes", req("/\xc3\xbcber-caf\xc3\xa9.txt")),
    Case("a name that looks like an escape", req("/..%252f.txt"),
         unlike_all=UnlikeAll(DOTFILES, 403)),
    Case("bad escape", req("/a%zz.txt")),
    Case("truncated escape", req("/a.txt%2")),
    # Directories.
    Case("directory without slash", req("/dir")),
    Case("directory without slash, query kept", req("/dir?x=1")),
    Case("directory with slash", req("/dir/")),
    Case("directory index by name", req("/dir/index.html")),
    Case("index.htm, a later index name", req("/old/")),
    Case("index.html before index.htm", req("/both/")),
    Case("file in a directory", req("/dir/inner.txt")),
    Case("file with a trailing slash", req("/a.txt/")),
    Case("listing (Indexes / --autoindex)", req("/listing/"), check=LISTING),
    Case("listing of a nested directory", req("/listing/nested/"), check=LISTING),
    Case("listing without slash", req("/listing")),
    Case("no listing without Indexes / --autoindex", req("/listing/"), indexes=False),
    Case("directory with index, no Indexes", req("/dir/"), indexes=False),
    # Traversal.
    Case("dot-dot above the root", req("/../etc/passwd")),
    Case("encoded dot-dot", req("/%2e%2e/%2e%2e/etc/passwd")),
    Case("double-encoded dot-dot", req("/%252e%252e/%252e%252e/etc/passwd")),
    Case("encoded slash", req("/..%2f..%2fetc%2fpasswd")),
    Case("backslashes", req("/..\\..\\etc\\passwd"), unlike_all=UnlikeAll(DOTFILES, 403)),
    Case("encoded backslashes", req("/%5c..%5c..%5cetc%5cpasswd")),
    Case("NUL", req("/a.txt%00.html")),
    Case("overlong UTF-8 dots", req("/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd")),
    Case("dot-dot inside the root", req("/dir/../a.txt")),
    Case("dot segment", req("/./a.txt")),
    Case("double slash", req("//a.txt")),
    Case("directory redirect from //host/../dir", req("//evil.example/../dir")),
    Case("directory redirect from /\\host/../dir", req("/\\evil.example/../dir")),
    # Dotfiles and symlinks.
    Case(".htaccess", req("/.htaccess")),
    Case(".htpasswd", req("/.htpasswd")),
    Case(".htaccess, encoded dot", req("/%2ehtaccess")),
    Case(".env", req("/.env"), unlike_all=UnlikeAll(DOTFILES, 403)),
    Case(".well-known", req("/.well-known/security.txt")),
    Case("symlink inside the root", req("/link-in.txt")),
    Case("symlink out of the root", req("/link-out.txt"), unlike_all=UnlikeAll(SYMLINK_OUT, 403)),
    # Methods.
    Case("HEAD of a file", req("/a.txt", method="HEAD")),
    Case("HEAD of 1 MiB", req("/big.bin", method="HEAD")),
    Case("HEAD of a missing file", req("/nope.txt", method="HEAD")),
    Case("POST to a file", req("/a.txt", "Content-Length: 0", method="POST"),
         unlike_all=UnlikeAll(POST, 405, headers={"allow": "GET, HEAD, OPTIONS"})),
    Case("PUT", req("/a.txt", "Content-Length: 0", method="PUT"), check=ALLOW),
    Case("DELETE", req("/a.txt", method="DELETE"), check=ALLOW),
    Case("TRACE", req("/a.txt", method="TRACE"),
         unlike_all=UnlikeAll("TRACE echoes the request, cookies included (cross-site tracing): "
                              "dualhttpd answers 405 as nginx does and httpd with TraceEnable "
                              "off, with the Allow RFC 9110 §15.5.6 requires", 405,
                              headers={"allow": "GET, HEAD, OPTIONS"})),
    Case("unknown method", req("/a.txt", method="FOO"), check=ALLOW),
    Case("lower-case method", req("/a.txt", method="get"), check=ALLOW),
    Case("OPTIONS on a file", req("/a.txt", method="OPTIONS"), check=ALLOW),
    Case("OPTIONS *", req("*", method="OPTIONS"),
         unlike_all=UnlikeAll("RFC 9110 §9.3.7: OPTIONS * asks what the server supports, and "
                              "dualhttpd's Allow names the methods it serves; httpd sends none, "
                              "lighttpd lists others, nginx refuses the target", 200,
                              headers={"allow": "GET, HEAD, OPTIONS"})),
    Case("GET *", req("*")),
    # Target forms and queries.
    Case("absolute-form", req("http://{host}/a.txt")),
    Case("absolute-form, another host name", req("http://www.example.org/a.txt")),
    Case("query string", req("/a.txt?x=1&y=2")),
    Case("query string on /", req("/?q")),
    # Ranges.
    Case("range", req("/a.txt", "Range: bytes=0-9")),
    Case("suffix range", req("/a.txt", "Range: bytes=-10")),
    Case("open range", req("/a.txt", "Range: bytes=40-")),
    Case("range past the end, clipped", req("/a.txt", "Range: bytes=40-1000")),
    Case("whole file as a range", req("/a.txt", "Range: bytes=0-")),
    Case("two ranges: multipart", req("/a.txt", "Range: bytes=0-3,10-12")),
    Case("overlapping ranges joined", req("/a.txt", "Range: bytes=0-3,2-12")),
    Case("ranges out of order", req("/a.txt", "Range: bytes=20-22,0-1")),
    Case("range and suffix", req("/a.txt", "Range: bytes=0-0,-1")),
    Case("multipart of 1 MiB", req("/big.bin", "Range: bytes=0-65535,524288-600000,-100")),
    Case("one of two ranges satisfiable", req("/a.txt", "Range: bytes=0-1,100-200")),
    Case("unsatisfiable range", req("/a.txt", "Range: bytes=100-200")),
    Case("reversed range ignored", req("/a.txt", "Range: bytes=9-5")),
    Case("garbage range ignored", req("/a.txt", "Range: bytes=x")),
    Case("other unit ignored", req("/a.txt", "Range: items=0-1")),
    Case("zero suffix ignored", req("/a.txt", "Range: bytes=-0")),
    Case("range on an empty file", req("/empty.txt", "Range: bytes=0-1")),
    Case("range on HEAD", req("/a.txt", "Range: bytes=0-3,10-12", method="HEAD")),
    Case("If-Range with the ETag", req("/a.txt", "Range: bytes=0-1", "If-Range: {etag}")),
    Case("If-Range with an old ETag", req("/a.txt", "Range: bytes=0-1", 'If-Range: "old"')),
    Case("If-Range with the date", req("/a.txt", "Range: bytes=0-1", "If-Range: {lm}")),
    Case("If-Range with an old date", req("/a.txt", "Range: bytes=0-1", f"If-Range: {OLD}")),
    # Conditionals and their precedence (RFC 9110 §13.2.2).
    Case("If-None-Match: the ETag", req("/a.txt", "If-None-Match: {etag}")),
    Case("If-None-Match: *", req("/a.txt", "If-None-Match: *")),
    Case("If-None-Match: another", req("/a.txt", 'If-None-Match: "other"')),
    Case("If-None-Match: a list", req("/a.txt", 'If-None-Match: "x", {etag}')),
    Case("If-None-Match on HEAD", req("/a.txt", "If-None-Match: {etag}", method="HEAD")),
    Case("If-Modified-Since: Last-Modified", req("/a.txt", "If-Modified-Since: {lm}")),
    Case("If-Modified-Since: older", req("/a.txt", f"If-Modified-Since: {OLD}")),
    Case("If-Modified-Since: future", req("/a.txt", f"If-Modified-Since: {FUTURE}")),
    Case("If-Modified-Since: not a date", req("/a.txt", "If-Modified-Since: yesterday")),
    Case("If-Match: another", req("/a.txt", 'If-Match: "other"')),
    Case("If-Match: the ETag", req("/a.txt", "If-Match: {etag}")),
    Case("If-Match: *", req("/a.txt", "If-Match: *")),
    Case("If-Unmodified-Since: older", req("/a.txt", f"If-Unmodified-Since: {OLD}")),
    Case("If-Unmodified-Since: Last-Modified", req("/a.txt", "If-Unmodified-Since: {lm}")),
    Case("If-None-Match wins over If-Modified-Since",
         req("/a.txt", 'If-None-Match: "other"', "If-Modified-Since: {lm}")),
    Case("If-Match wins over If-Unmodified-Since",
         req("/a.txt", "If-Match: {etag}", f"If-Unmodified-Since: {OLD}")),
    Case("If-Match fails before If-None-Match",
         req("/a.txt", 'If-Match: "x"', "If-None-Match: {etag}")),
    # Versions, Host and connection handling.
    Case("HTTP/1.0", req("/a.txt", version="HTTP/1.0", host=False)),
    Case("HTTP/1.0 keep-alive", req("/a.txt", "Connection: keep-alive", version="HTTP/1.0")),
    Case("HTTP/1.1 Connection: close", req("/a.txt", "Connection: close")),
    Case("HTTP/1.1 without Host", req("/a.txt", host=False)),
    Case("two Host fields", req("/a.txt", "Host: other.example")),
    Case("Host with a space", req("/a.txt", "Host: a b", host=False)),
    Case("HTTP/1.2", req("/a.txt", version="HTTP/1.2")),
    Case("HTTP/2.0 in HTTP/1 syntax", req("/a.txt", version="HTTP/2.0")),
    Case("HTTP/1 without minor", req("/a.txt", version="HTTP/1")),
    Case("raw space in the target", req("/sp ace.txt")),
    Case("two spaces after the target", req("/a.txt ")),
    Case("bare LF line ends", "GET /a.txt HTTP/1.1\nHost: {host}\n\n"),
    Case("HTTP/0.9 request line", "GET /a.txt\r\n\r\n"),
    Case("empty line before the request", "\r\n" + req("/a.txt")),
    Case("empty line between pipelined requests", [req("/a.txt") + "\r\n", req("/style.css")]),
    Case("not HTTP", req("/a.txt", version="HTTX/1.1")),
    Case("request line over 8 KiB", req("/" + "a" * 9000)),
    Case("header field over 8 KiB", req("/a.txt", "X-Big: " + "b" * 9000),
         compare=frozenset({"keepalive"})),
    Case("more than 100 header fields", req("/a.txt", *[f"X-{i}: {i}" for i in range(120)]),
         unlike_all=UnlikeAll("more than 100 fields are refused, as httpd's LimitRequestFields "
                              "does (nginx and lighttpd have no such limit), with the 431 of RFC "
                              "6585 §5 that names why, where httpd says 400", 431, closed=True)),
    Case("header field over the whole head limit", req("/a.txt", "X-Big: " + "b" * 40000),
         compare=frozenset({"keepalive"})),
    Case("obs-fold", req("/a.txt", "X-Folded: one", "  two")),
    Case("space before the colon", req("/a.txt", "X-Bad : 1")),
    # Bodies, Expect and framing.
    Case("Expect: 100-continue without a body", req("/a.txt", "Expect: 100-continue")),
    Case("body on GET", [req("/a.txt", "Content-Length: 5", body="hello"), req("/style.css")]),
    Case("chunked body on GET",
         [req("/a.txt", "Transfer-Encoding: chunked", body="5\r\nhello\r\n0\r\n\r\n"),
          req("/style.css")]),
    Case("Content-Length with Transfer-Encoding (smuggling shape)",
         [req("/a.txt", "Content-Length: 5", "Transfer-Encoding: chunked", body="0\r\n\r\n"),
          req("/style.css")]),
    Case("two different Content-Lengths", req("/a.txt", "Content-Length: 1", "Content-Length: 2")),
    Case("negative Content-Length", req("/a.txt", "Content-Length: -1")),
    Case("unknown Transfer-Encoding", req("/a.txt", "Transfer-Encoding: gzip")),
    # Pipelining.
    Case("three pipelined requests", [req("/a.txt"), req("/style.css"), req("/dir/")]),
    Case("pipelined HEAD between GETs",
         [req("/a.txt"), req("/big.bin", method="HEAD"), req("/app.js")]),
    Case("pipelined after Connection: close",
         [req("/a.txt", "Connection: close"), req("/style.css")]),
]
