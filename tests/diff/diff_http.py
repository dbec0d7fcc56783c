"""A raw HTTP/1.1 client for the differential test: sends bytes as given, reads every
response (interim 1xx ones apart), and tells whether the server closed the connection."""

import re
import socket
import time
import urllib.parse
from dataclasses import dataclass, field

READ_TIMEOUT = 8.0  # a server that says nothing for this long has nothing more to say
CLOSE_PROBE = 0.4   # after the last response: closed at once, or kept open


def media_type(value):
    """('text/html', 'utf-8') from 'text/html; charset=UTF-8'; charset None when absent."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for p in parts[1:]:
        if p.lower().startswith("charset="):
            charset = p[8:].strip('"').lower()
    return parts[0].lower(), charset


def multipart_parts(content_type, body):
    """The parts of a multipart/byteranges body: (Content-Type, Content-Range, bytes) each."""
    if "boundary=" not in content_type:
        return None  # not multipart at all
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    parts = []
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, data = chunk.partition(b"\r\n\r\n")
        fields = {}
        for line in head.decode("latin-1").split("\r\n"):
            name, sep, value = line.partition(":")
            if sep:
                fields[name.strip().lower()] = value.strip()
        parts.append((media_type(fields.get("content-type")), fields.get("content-range"),
                      data[:-2] if data.endswith(b"\r\n") else data))
    return parts


def listing_links(body):
    """The entries a listing links to, decoded, without the parent and sorting links."""
    links = set()
    for href in re.findall(rb'<a href="([^"]*)"', body):
        href = urllib.parse.unquote(href.decode().replace("&amp;", "&"))
        if not href.startswith(("/", "?")):
            links.add(href)
    return links


@dataclass
class Response:
    status: int
    headers: list  # (lower-case name, value)
    body: bytes = b""

    def header(self, name):
        values = [v for n, v in self.headers if n == name]
        return ",".join(values) if values else None

    def comparable_length(self):
        """Content-Length; for multipart/byteranges less the boundaries, whose length is each
        server's own choice (httpd's varies). Without a body (HEAD) the boundaries cannot be
        counted, and the length is not compared."""
        value = self.header("content-length")
        ct = self.header("content-type") or ""
        if value is None or not ct.startswith("multipart/byteranges"):
            return value
        boundary = ct.split("boundary=", 1)[1].strip('"').encode()
        count = self.body.count(b"\r\n--" + boundary)
        if count == 0:
            return "(HEAD: boundaries unknown)"
        return str(int(value) - count * len(boundary))

    def location_path(self):
        value = self.header("location")
        return None if value is None else urllib.parse.urlsplit(value).path

    def differences(self, other, compare):
        """(what, httpd's, dualhttpd's) for each thing a client relies on that differs."""
        out = []

        def check(what, mine, theirs):
            if mine != theirs:
                out.append((what, mine, theirs))

        check("status", self.status, other.status)
        if "headers" in compare:
            check("Location path", self.location_path(), other.location_path())
            check("Allow", self.header("allow"), other.header("allow"))
            check("Content-Range", self.header("content-range"), other.header("content-range"))
            if self.status in (200, 206):
                check("Content-Length", self.comparable_length(), other.comparable_length())
                mine, theirs = self.header("content-type"), other.header("content-type")
                if mine and mine.startswith("multipart/byteranges"):
                    mine, theirs = media_type(mine)[0], media_type(theirs)[0]
                else:
                    mine, theirs = media_type(mine), media_type(theirs)
                check("Content-Type", mine, theirs)
            if self.status in (200, 206, 304):
                check("Last-Modified", self.header("last-modified"),
                      other.header("last-modified"))
            if self.status == 304:  # no body, and no length that would promise one
                check("Content-Length", self.header("content-length"),
                      other.header("content-length"))
        if "body" in compare and self.status in (200, 206):
            ct = self.header("content-type") or ""
            if ct.startswith("multipart/byteranges"):
                check("multipart parts", multipart_parts(ct, self.body),
                      multipart_parts(other.header("content-type") or "", other.body))
            elif self.body != other.body:
                out.append(("body", f"{len(self.body)} bytes", f"{len(other.body)} bytes "
                            f"({'same length, other bytes' if len(self.body) == len(other.body) else 'other length'})"))
        return out


@dataclass
class Exchange:
    responses: list = field(default_factory=list)
    interim: list = field(default_factory=list)  # 1xx status codes, in order
    closed: bool = False


class _Reader:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.eof = False

    def more(self, timeout=READ_TIMEOUT):
        if self.eof:
            return False
        self.sock.settimeout(timeout)
        try:
            data = self.sock.recv(65536)
        except socket.timeout:
            return False
        except ConnectionResetError:
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def until(self, marker):
        while marker not in self.buf:
            if not self.more():
                return None
        head, _, self.buf = self.buf.partition(marker)
        return head

    def exactly(self, n):
        while len(self.buf) < n:
            if not self.more():
                break
        data, self.buf = self.buf[:n], self.buf[n:]
        return data


def _read_response(reader, method):
    head = reader.until(b"\r\n\r\n")
    if head is None:
        return None
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip().lower(), value.strip()))
    response = Response(status, headers)
    if method == "HEAD" or status < 200 or status in (204, 304):
        return response
    te = response.header("transfer-encoding")
    if te and "chunked" in te.lower():
        body = b""
        while True:
            size_line = reader.until(b"\r\n")
            if size_line is None:
                break
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                reader.until(b"\r\n")
                break
            body += reader.exactly(size)
            reader.exactly(2)
        response.body = body
    elif response.header("content-length") is not None:
        response.body = reader.exactly(int(response.header("content-length")))
    else:
        while reader.more():
            pass
        response.body, reader.buf = reader.buf, b""
    return response


def exchange(port, requests, methods=None):
    """Sends `requests` (one string, or a list sent back to back) and reads the answers."""
    if isinstance(requests, str):
        requests = [requests]
    methods = methods or [r.split(" ", 1)[0] for r in requests]
    got = Exchange()
    with socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT) as sock:
        sock.sendall("".join(requests).encode("latin-1"))
        reader = _Reader(sock)
        while len(got.responses) < len(methods):
            response = _read_response(reader, methods[len(got.responses)])
            if response is None:
                break
            if response.status < 200:
                got.interim.append(response.status)
            else:
                got.responses.append(response)
        if reader.buf:
            got.responses.append(Response(0, [("unexpected", reader.buf[:60].decode("latin-1"))]))
        deadline = time.monotonic() + CLOSE_PROBE
        while not reader.eof and time.monotonic() < deadline:
            if not reader.more(CLOSE_PROBE):
                break
        got.closed = reader.eof
        if reader.buf:
            got.responses.append(Response(0, [("unexpected", reader.buf[:60].decode("latin-1"))]))
    return got
