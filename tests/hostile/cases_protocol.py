"""Protocol edges that other servers' suites and a differential run against httpd found
(issue items 15-18, 20, 21). Each is checked on the raw bytes."""

import os
import re

from harness import Server, body_of, exchange, head_of
from registry import case


def serve(checks, work, extra=()):
    root = work.docroot()
    server = Server(work, ["--root", root, "--access-log", "off"] + list(extra))
    return server if checks.that("server started", server.wait_serving(), server.log()) else None


def statuses(response):
    """The status of every response in `response` (the bodies here never hold "HTTP/1.1 ")."""
    return [int(code) for code in re.findall(rb"HTTP/1\.1 (\d{3}) ", response)]


@case("empty_lines")
def empty_lines(checks, work):
    """Empty lines before a request line are ignored (RFC 9112 section 2.2)"""
    server = serve(checks, work)
    if not server:
        return
    get = b"GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n"
    close = b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
    checks.equal("CRLF before the first request", [200], statuses(exchange(server.port, b"\r\n" + close)))
    checks.equal("CRLF between pipelined requests", [200, 200],
                 statuses(exchange(server.port, get + b"\r\n" + close)))
    checks.equal("two CRLFs, and a bare LF", [200, 200],
                 statuses(exchange(server.port, get + b"\r\n\r\n\n" + close)))
    checks.equal("CRLF after a body", [200, 200],
                 statuses(exchange(server.port, b"GET /hello.txt HTTP/1.1\r\nHost: a\r\n"
                                                b"Content-Length: 3\r\n\r\nabc\r\n" + close)))
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("request_line_versions")
def request_line_versions(checks, work):
    """HTTP/1.2 is served as 1.1; raw spaces in a request line are 400, not 505"""
    server = serve(checks, work)
    if not server:
        return
    for version in ("HTTP/1.2", "HTTP/1.9"):
        response = exchange(server.port, f"GET /hello.txt {version}\r\nHost: a\r\n"
                                         "Connection: close\r\n\r\n")
        checks.equal(f"{version}: served as HTTP/1.1 (RFC 9110 section 2.5)",
                     (200, b"hello, world\n"), (head_of(response)[0], body_of(response)))
    checks.equal("HTTP/2.0 in HTTP/1 syntax: 505", 505, head_of(exchange(
        server.port, "GET /hello.txt HTTP/2.0\r\nHost: a\r\n\r\n"))[0])
    for line, why in [("GET /space file.txt HTTP/1.1", "%20"),
                      ("GET /x  HTTP/1.1", "two spaces")]:
        response = exchange(server.port, f"{line}\r\nHost: a\r\n\r\n")
        checks.equal(f"{line!r}: 400", 400, head_of(response)[0])
        checks.contains(f"{line!r}: the page says why", why, body_of(response).decode())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("refusals_explained")
def refusals_explained(checks, work):
    """Every refusal's page says why, with the limit's number or the rule (curl
    --http2-prior-knowledge met a 505 whose paragraph was empty; RFC 9110 section 15.6.6: a 505
    SHOULD say which versions are supported). Statuses are as before; only the words are new."""
    server = serve(checks, work, ["--header-timeout", "2"])
    if not server:
        return
    fields = "".join(f"X-{i}: v\r\n" for i in range(120))
    for what, request, status, why in [
        ("HTTP/2's preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505,
         "This is HTTP/2&#39;s connection preface"),
        ("HTTP/2.0 in HTTP/1 syntax", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505,
         "The request asks for HTTP/2.0; this server speaks HTTP/1.0 and HTTP/1.1."),
        ("HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400,
         "has none (RFC 9112 section 3.2). To send a request by hand, type: printf &#39;GET / "
         f"HTTP/1.1\\r\\nHost: 127.0.0.1:{server.port}"),
        ("two Hosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400,
         "The request has 2 Host header fields"),
        ("a coding after chunked", "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip"
         "\r\n\r\n", 400, "Its Transfer-Encoding (chunked, gzip) does not end with chunked"),
        ("Content-Length beside Transfer-Encoding", "GET / HTTP/1.1\r\nHost: a\r\n"
         "Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
         "It has both Transfer-Encoding and Content-Length"),
        ("two Content-Lengths", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
         "Content-Length: 2\r\n\r\n", 400, "more than one Content-Length"),
        ("a bare LF after the request line", "GET / HTTP/1.1\r\nHost: a\n\n", 400,
         "Its lines end with a bare LF or CR"),
        ("a field without a colon", "GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400,
         "a name with a space in it, or no colon. To send a request by hand, type: printf"),
        ("a chunk extension of 40,000 bytes", "GET / HTTP/1.1\r\nHost: a\r\n"
         "Transfer-Encoding: chunked\r\n\r\n1;" + "x" * 40000 + "\r\n", 400,
         "A chunk&#39;s size line, its extensions or the trailer of the body is longer than this "
         "server buffers: 36864 bytes."),
        ("a long target", f"GET /{'a' * 9000} HTTP/1.1\r\nHost: a\r\n\r\n", 414,
         "The request target is 9001 bytes long; this server reads targets of up to 8190 bytes."),
        ("a long field", f"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {'b' * 9000}\r\n\r\n", 431,
         "Its header field X-Big is 9007 bytes long"),
        ("120 fields", f"GET / HTTP/1.1\r\nHost: a\r\n{fields}\r\n", 431,
         "more than 100 header fields"),
        ("a head over 32 KiB", f"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {'b' * 40000}\r\n\r\n",
         431, "larger than 32768 bytes"),
        ("a body on GET over 64 KiB", "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n"
         "\r\n" + "x" * 100000, 413, "more than 65536 bytes"),
        ("a head unfinished", "GET / HTTP/1.1\r\nHo", 408, "within 2 s"),
    ]:
        response = exchange(server.port, request)
        checks.equal(f"{what}: {status}", status, head_of(response)[0])
        checks.contains(f"{what}: the page says why", why, body_of(response).decode())
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("field_over_head_limit")
def field_over_head_limit(checks, work):
    """One header field longer than the whole head limit is 431, not 414"""
    server = serve(checks, work)
    if not server:
        return
    for size in (40000, 100000):
        response = exchange(server.port, f"GET / HTTP/1.1\r\nHost: a\r\nX-Big: {'b' * size}\r\n\r\n")
        checks.equal(f"a field of {size} bytes: 431", 431, head_of(response)[0])
    response = exchange(server.port, f"GET /{'a' * 40000} HTTP/1.1\r\nHost: a\r\n\r\n")
    checks.equal("a request line over the head limit stays 414", 414, head_of(response)[0])
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("not_modified_length")
def not_modified_length(checks, work):
    """A 304 carries no Content-Length (httpd, nginx and lighttpd leave it out); HEAD keeps it"""
    server = serve(checks, work)
    if not server:
        return
    status, fields = head_of(exchange(server.port, "HEAD /hello.txt HTTP/1.1\r\nHost: a\r\n"
                                                   "Connection: close\r\n\r\n"))
    checks.equal("HEAD says the length", (200, "13"), (status, fields.get("content-length")))
    etag = fields.get("etag")
    for path in ("/hello.txt", "/sub/index.html"):  # a cached file, and one opened each time
        for method in ("GET", "HEAD"):
            # Twice on one connection: a client framing by Content-Length would hang on the first.
            request = f"{method} {path} HTTP/1.1\r\nHost: a\r\nIf-None-Match: *\r\n\r\n"
            response = exchange(server.port, request + request.replace(
                "\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
            checks.equal(f"{method} {path} If-None-Match: two 304s", [304, 304], statuses(response))
            checks.that(f"{method} {path}: without Content-Length",
                        b"content-length" not in response.lower(), response.decode())
    checks.that("the ETag came with HEAD", bool(etag), "no ETag")
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("bare_lf_explained")
def bare_lf_explained(checks, work):
    """Bare-LF and HTTP/0.9 requests get 400 with what was wrong and the line to type instead"""
    server = serve(checks, work)
    if not server:
        return
    example = f"printf 'GET / HTTP/1.1\\r\\nHost: 127.0.0.1:{server.port}\\r\\n\\r\\n' | nc 127.0.0.1 {server.port}"
    for request, why in [("GET / HTTP/1.0\n\n", "bare LF"),
                         ("GET / HTTP/1.1\nHost: a\n\n", "bare LF"),
                         ("GET /\r\n\r\n", "no HTTP version")]:
        response = exchange(server.port, request)
        page = body_of(response).decode().replace("&#39;", "'")
        checks.equal(f"{request!r}: 400", 400, head_of(response)[0])
        checks.contains(f"{request!r}: says why", why, page)
        checks.contains(f"{request!r}: and what to type, for this server", example, page)
    checks.equal("exit status after SIGTERM", 0, server.stop())


@case("healthz_host")
def healthz_host(checks, work):
    """/healthz validates Host like any request, and a file it hides is named at start"""
    root = work.docroot()
    work.file("www/healthz", "a file of the site\n")
    server = Server(work, ["--root", root, "--access-log", "off"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    checks.equal("HTTP/1.1 without Host: 400", 400,
                 head_of(exchange(server.port, "GET /healthz HTTP/1.1\r\n\r\n"))[0])
    checks.equal("two Host fields: 400", 400, head_of(exchange(
        server.port, "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"))[0])
    checks.equal("a Host with a space: 400", 400, head_of(exchange(
        server.port, "GET /healthz HTTP/1.1\r\nHost: a b\r\n\r\n"))[0])
    checks.equal("with Host: 200", 200, head_of(exchange(
        server.port, "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"))[0])
    checks.contains("the hidden file is named at start", f"{root}/healthz in the docroot is never served",
                    server.log())
    checks.contains("with the way out", "--health-path off", server.log())
    checks.equal("exit status after SIGTERM", 0, server.stop())
    server = Server(work, ["--root", root, "--access-log", "off", "--health-path", "off"])
    if checks.that("server with --health-path off started", server.wait_serving(), server.log()):
        response = exchange(server.port, "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        checks.equal("--health-path off: the file is served", b"a file of the site\n", body_of(response))
        checks.equal("exit status after SIGTERM", 0, server.stop())
    os.remove(os.path.join(root, "healthz"))


@case("head_without_body")
def head_without_body(checks, work):
    """No answer to HEAD carries a body (RFC 9110 section 9.3.2), refusals included: a kept-alive
    client would read those bytes as the start of its next response"""
    work.file("www/.env", "SECRET=1\n")
    server = serve(checks, work)
    if not server:
        return
    # (target, status): a refused name, a missing one, a directory without its slash, /healthz,
    # an unsatisfiable range, the server itself, a target that is not a path.
    for target, extra, status in [("/.env", "", 403), ("/missing", "", 404), ("/sub", "", 301),
                                  ("/healthz", "", 200), ("/hello.txt", "Range: bytes=99-\r\n", 416),
                                  ("*", "", 400), ("nopath", "", 400)]:
        head = f"HEAD {target} HTTP/1.1\r\nHost: a\r\n{extra}\r\n"
        then = "GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        response = exchange(server.port, head + then)
        first, _, rest = response.partition(b"\r\n\r\n")
        checks.equal(f"HEAD {target}: {status}", status, head_of(response)[0])
        if status == 400:  # the connection closes after it: nothing may follow the head
            checks.equal(f"HEAD {target}: nothing after the head", b"", rest)
        else:
            checks.that(f"HEAD {target}: the next response follows the head at once",
                        rest.startswith(b"HTTP/1.1 200 OK\r\n") and rest.endswith(b"hello, world\n"),
                        repr(response))
    checks.equal("exit status after SIGTERM", 0, server.stop())
