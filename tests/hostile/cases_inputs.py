"""What an operator may type by mistake: files that are not files, timeouts of zero, zones
that wrap, limits that cannot be had; --check refuses what a start would refuse or hang on
(issue items 11-14)."""

import os
import resource
import subprocess
import time

from harness import BINARY, SERVING, Server, exchange, free_port, head_of
from registry import case


def run(args, timeout=10, limit_fds=None):
    """dualhttpd ARGS in the foreground: (exit status, stdout and stderr, seconds)."""
    def lower_limit():
        if limit_fds:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit_fds, limit_fds))
    start = time.monotonic()
    proc = subprocess.Popen([BINARY] + args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            preexec_fn=lower_limit)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        return None, out.decode("utf-8", "replace"), time.monotonic() - start
    return proc.returncode, out.decode("utf-8", "replace"), time.monotonic() - start


@case("nonregular_inputs")
def nonregular_inputs(checks, work):
    """A FIFO or a device named as mime.types, configuration or httpd.conf is refused at once"""
    root = work.docroot()
    fifo = os.path.join(work.path, "fifo")
    os.mkfifo(fifo)
    listen = ["--listen", f"127.0.0.1:{free_port()}", "--root", root, "--access-log", "off"]
    config = work.file("dualhttpd.toml", f'mime_types = "{fifo}"\n')
    for what, args, needle in [
            ("--mime-types FIFO", ["--mime-types", fifo], "a FIFO (named pipe), not a regular file"),
            ("--mime-types /dev/zero", ["--mime-types", "/dev/zero"], "a character device"),
            ("--mime-types a directory", ["--mime-types", work.path], "a directory"),
            ("--config FIFO", ["--config", fifo], "a FIFO (named pipe), not a regular file"),
            ("--config /dev/zero", ["--config", "/dev/zero"], "a character device"),
            ("mime_types = FIFO in the configuration", ["--config", config], "a FIFO"),
            ("--from-httpd-conf FIFO", ["--from-httpd-conf", fifo], "a FIFO"),
    ]:
        for mode in ("--check", "a start"):
            argv = listen + args + (["--check"] if mode == "--check" else [])
            status, out, seconds = run(argv)
            checks.equal(f"{what}, {mode}: exit 2", 2, status)
            checks.contains(f"{what}, {mode}: says what it is", needle, out)
            checks.that(f"{what}, {mode}: at once", seconds < 3, f"{seconds:.1f} s")
    big = work.file("big.types", b"text/plain txt\n" * (300 * 1024))  # 4.5 MiB
    status, out, _ = run(listen + ["--mime-types", big, "--check"])
    checks.equal("a mime.types of 4.5 MiB: exit 2", 2, status)
    checks.contains("and why", "holds more than", out)
    status, out, _ = run(listen + ["--check"])
    checks.equal("the default mime.types passes --check", 0, status)
    checks.contains("and --check names it", "ok: media types /etc/mime.types", out)


@case("zero_timeouts")
def zero_timeouts(checks, work):
    """--header-timeout 0 and --write-timeout 0 are refused with the range, by --check too"""
    root = work.docroot()
    listen = ["--listen", f"127.0.0.1:{free_port()}", "--root", root, "--access-log", "off"]
    for option in ("--header-timeout", "--write-timeout"):
        for mode in ([], ["--check"]):
            status, out, _ = run(listen + [option, "0"] + mode)
            label = f"{option} 0{' --check' if mode else ''}"
            checks.equal(f"{label}: exit 2", 2, status)
            checks.contains(f"{label}: names the option", option, out)
            checks.contains(f"{label}: and the range", "not in range 1 to 3600", out)
    config = work.file("zero.toml", "header_timeout = 0\n")
    status, out, _ = run(listen + ["--config", config, "--check"])
    checks.equal("header_timeout = 0 in the configuration: exit 2", 2, status)
    checks.contains("names the file, line and key", "zero.toml:1: cannot use key 'header_timeout'", out)
    status, out, _ = run(listen + ["--keepalive-timeout", "0", "--check"])
    checks.equal("--keepalive-timeout 0 (no keep-alive) is accepted", 0, status)
    server = Server(work, ["--root", root, "--access-log", "off", "--keepalive-timeout", "0"])
    if checks.that("a server with --keepalive-timeout 0 started", server.wait_serving(),
                   server.log()):
        response = exchange(server.port, "GET /hello.txt HTTP/1.1\r\nHost: a\r\n\r\n")
        status, fields = head_of(response)
        checks.equal("it answers and says Connection: close", (200, "close"),
                     (status, fields.get("connection")))
        checks.equal("exit status after SIGTERM", 0, server.stop())


@case("zone_overflow")
def zone_overflow(checks, work):
    """A numeric zone past the largest interface index is refused, naming the listener"""
    root = work.docroot()
    port = free_port()
    for zone in ("4294967297", "4294967296", "2147483648", "0", "99999999999999999999"):
        spec = f"[fe80::1%{zone}]:{port}"
        for mode in ([], ["--check"]):
            status, out, _ = run(["--root", root, "--listen", spec] + mode)
            label = f"%{zone}{' --check' if mode else ''}"
            checks.equal(f"{label}: exit 2", 2, status)
            checks.contains(f"{label}: names the listener", spec, out)
            checks.contains(f"{label}: and why", "no interface index", out)
    status, out, _ = run(["probe", f"http://[fe80::1%254294967297]:{port}/"])
    checks.equal("probe with such a zone: exit 2", 2, status)
    checks.contains("and why", "no interface index", out)


@case("startup_exception")
def startup_exception(checks, work):
    """A failure the start-up cannot foresee (descriptors run out) ends with exit 1 and words"""
    root = work.docroot()
    status, out, _ = run(["--root", root, "--listen", f"127.0.0.1:{free_port()}",
                             "--access-log", "off", "--threads", "64"], limit_fds=16)
    print("      " + out.strip().splitlines()[-1] if out.strip() else "      (no output)")
    checks.equal("exit 1, not abort()", 1, status)
    checks.contains("it says it stopped, and why", "dualhttpd: stopped: ", out)
    checks.contains("and what to do", "ulimit -n", out)
    # The workers are made after the listeners open: the line that says it serves (which a
    # script waits for) comes after them, never before a start that fails.
    checks.that("and it never said it was serving", not SERVING.search(out), out)
