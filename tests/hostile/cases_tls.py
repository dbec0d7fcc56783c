"""Hostile TLS clients (issue 15's proof): handshakes left half-open by the thousand, a
handshake that stalls, garbage instead of a ClientHello, plain HTTP on the TLS port."""

import os
import resource
import socket
import ssl
import time

from harness import SANITIZED, NormalClient, Server, connect, free_port, read_until_closed
from registry import case

HALF_OPEN = 1000


def tls_server(work, extra=()):
    """dualhttpd with a TLS listener on 127.0.0.1 and the local CA of --tls-self-signed."""
    root = work.docroot()
    state = os.path.join(work.path, "state")
    port = free_port()
    server = Server(work, ["--root", root, "--access-log", "off", "--tls-self-signed",
                           "--state-dir", state, "--listen", f"127.0.0.1:{port} https",
                           *extra], port=port, listen=False)
    return server, os.path.join(state, "ca.pem")


class TlsClient(NormalClient):
    """The normal client over TLS: a new connection and a full handshake every time, verified
    against the local CA."""

    def __init__(self, port, cafile):
        super().__init__(port)
        self.context = ssl.create_default_context(cafile=cafile)

    def run(self):
        while not self.stop_event.is_set():
            start = time.monotonic()
            try:
                with self.context.wrap_socket(connect(self.port), server_hostname="127.0.0.1") as s:
                    s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              b"Connection: close\r\n\r\n")
                    data = b""
                    while True:
                        chunk = s.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                if data.startswith(b"HTTP/1.1 200 ") and data.endswith(b"hello, world\n"):
                    self.latencies.append((time.monotonic() - start) * 1000)
                else:
                    self.failures.append(data[:40])
            except (OSError, ssl.SSLError) as e:
                self.failures.append(str(e))
            time.sleep(self.pause)


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))


@case("tls_half_open_handshakes")
def tls_half_open_handshakes(checks, work):
    """1,000 handshakes left half-open neither stop a normal TLS client nor stay past the header timeout"""
    raise_fd_limit(HALF_OPEN + 200)
    server, ca = tls_server(work, ["--header-timeout", "6"])
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    idle_fds = server.fd_count()
    idle_kib = server.rss_kib()
    held = []
    client = TlsClient(server.port, ca).start()
    start = time.monotonic()
    for i in range(HALF_OPEN):
        try:
            s = connect(server.port)
            # A record header and the first bytes of a ClientHello, then nothing.
            s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" if i % 2 else b"\x16\x03")
            held.append(s)
        except OSError:
            break
    opened = time.monotonic() - start
    time.sleep(1.5)
    held_kib = server.rss_kib() - idle_kib
    # The report wants 20 requests served while the handshakes are held. Under a sanitizer
    # fewer fit in 1.5 s (TSan: 15, each slower, one of them 0.8 s): go on until 20 are, while
    # the half-open handshakes still stand (their header timeout is 6 s from the burst).
    while len(client.latencies) < 20 and time.monotonic() < start + opened + 4.5:
        time.sleep(0.1)
    client.stop()
    print(f"      {len(held)} half-open handshakes in {opened:.1f} s; server fds {server.fd_count()}, "
          f"memory +{held_kib / 1024:.1f} MiB")
    checks.that(f"{HALF_OPEN} half-open handshakes were accepted", len(held) == HALF_OPEN,
                f"{len(held)}")
    # OpenSSL's part of a connection is made once its first record is whole: until then a
    # half-open handshake holds no SSL object nor handshake buffer. Made at accept, they came
    # to 46 MiB here; now about 2 MiB, the normal client's handshakes included. (Under a
    # sanitizer, freed memory stays in quarantine and the number says nothing.)
    if not SANITIZED:
        checks.that("and they hold no OpenSSL memory: the server grew by less than 8 MiB",
                    held_kib < 8 * 1024, f"{held_kib / 1024:.1f} MiB")
    # Under a sanitizer every accept and handshake runs about ten times slower (OpenSSL's
    # locks and allocations are intercepted): the request that waits behind the burst took
    # 0.67-0.71 s under TSan, 1.03 s with another TLS test beside it, while each half-open
    # handshake still made its SSL object at accept. The bound there is a
    # third of the header timeout: a client the half-open handshakes held up would wait 6 s.
    client.report(checks, "during 1,000 half-open handshakes", 2000 if SANITIZED else 100)
    # The header timeout (6 s from each accept) closes every one of them.
    deadline = time.monotonic() + 12
    while time.monotonic() < deadline and server.fd_count() > idle_fds + 5:
        time.sleep(0.25)
    checks.that("the header timeout closed them all", server.fd_count() <= idle_fds + 5,
                f"{server.fd_count()} descriptors, {idle_fds} when idle")
    # The descriptor count allows a few stragglers (closing, or files the server holds open);
    # every client still sees its close, within 12 s of its connect at the latest.
    closed = 0
    for s in held:
        s.settimeout(max(0.5, start + opened + 12 - time.monotonic()))
        try:
            closed += s.recv(1) == b""
        except ConnectionResetError:
            closed += 1
        except OSError:
            pass
        s.close()
    checks.that("and each client saw its connection closed", closed == len(held),
                f"{closed} of {len(held)}")
    checks.equal("the server stopped cleanly", 0, server.stop())


def slow_hello_served(port, cafile):
    """A TLS client whose ClientHello arrives in three pieces, 0.2 s apart (the server waits
    for the whole record before OpenSSL sees it); then a request. True if it was answered."""
    context = ssl.create_default_context(cafile=cafile)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = context.wrap_bio(incoming, outgoing, server_hostname="127.0.0.1")
    with connect(port) as s:
        s.settimeout(5)
        try:
            tls.do_handshake()
        except ssl.SSLWantReadError:
            pass
        hello = outgoing.read()
        for i in range(3):
            s.sendall(hello[i * len(hello) // 3:(i + 1) * len(hello) // 3])
            time.sleep(0.2)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                s.sendall(outgoing.read())
                data = s.recv(65536)
                if not data:
                    return False
                incoming.write(data)
        tls.write(b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        s.sendall(outgoing.read())
        reply = b""
        while not reply.endswith(b"hello, world\n"):
            try:
                reply += tls.read(65536)
            except ssl.SSLWantReadError:
                data = s.recv(65536)
                if not data:
                    break
                incoming.write(data)
            except ssl.SSLZeroReturnError:
                break
        return reply.startswith(b"HTTP/1.1 200 ") and reply.endswith(b"hello, world\n")


GARBAGE = [
    b"\x00" * 64,
    b"\x16\x03\x01\xff\xff" + b"A" * 4096,             # a record longer than TLS allows
    b"\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00",        # a ClientHello of one byte
    b"\x80\x2e\x01\x00\x02\x00\x15\x00\x00\x00\x10" + b"\x00" * 37,  # an SSLv2 hello
    b"\x15\x03\x03\x00\x02\x02\x28",                    # an alert before any hello
    b"\x17\x03\x03\x00\x10" + b"\x00" * 16,             # application data before any hello
    b"SSH-2.0-OpenSSH_9.2\r\n",
    os.urandom(2048),
]


@case("tls_garbage")
def tls_garbage(checks, work):
    """Garbage instead of a ClientHello is closed without a crash; plain HTTP gets a clear answer"""
    server, ca = tls_server(work)
    if not checks.that("server started", server.wait_serving(), server.log()):
        return
    closed = 0
    rounds = 25
    for _ in range(rounds):
        for data in GARBAGE:
            with connect(server.port) as s:
                try:
                    s.sendall(data)
                except OSError:
                    pass
                start = time.monotonic()
                reply = read_until_closed(s, timeout=5)
                if time.monotonic() - start < 4.5 and not reply.startswith(b"HTTP/"):
                    closed += 1
    checks.equal("every garbage handshake was closed at once", rounds * len(GARBAGE), closed)
    # Part of a ClientHello, then the client's FIN: no handshake can follow, and the server,
    # which waits for the rest of the record before OpenSSL sees it, closes at once.
    with connect(server.port) as s:
        s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
        s.shutdown(socket.SHUT_WR)
        start = time.monotonic()
        reply = read_until_closed(s, timeout=5)
        waited = time.monotonic() - start
    checks.that("part of a ClientHello, then the client's FIN: closed at once",
                waited < 1 and reply == b"", f"after {waited:.1f} s, {reply[:40]!r}")
    with connect(server.port) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        reply = read_until_closed(s, timeout=5)
    checks.contains("plain HTTP on the TLS port: a plain 400", b"HTTP/1.1 400 Bad Request", reply)
    checks.contains("naming the URL to use", f"https://127.0.0.1:{server.port}/".encode(), reply)
    context = ssl.create_default_context(cafile=ca)
    with context.wrap_socket(connect(server.port), server_hostname="127.0.0.1") as s:
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        reply = read_until_closed(s, timeout=5)
    checks.that("and the server serves TLS on", reply.endswith(b"hello, world\n"), reply[:60])
    checks.that("a ClientHello that comes in pieces, 0.2 s apart, is served",
                slow_hello_served(server.port, ca), "no answer")
    checks.equal("the server stopped cleanly", 0, server.stop())
