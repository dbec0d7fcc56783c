#!/usr/bin/env python3
"""Loopback ports for the tests, reserved so that two tests running at once never pick the
same one.

CTest runs two tests at a time. Each used to pick a random port that nobody listened on at
that moment; between the pick and the server's bind, the test beside it could pick and bind
the same port, and one of them failed with "port N is already in use ... dualhttpd holds it".

A port is reserved by creating the file DIR/PORT exclusively (O_EXCL: of two tests, one
wins), holding the PID of the test that owns it. It stays reserved while that process lives;
the owner removes its files at exit (release), and a file whose owner has died is taken over.
Ports come from below the kernel's ephemeral range (ip_local_port_range), so that no client
connection of another test holds one as its local port, and must be bindable on 127.0.0.1 and
[::1] when picked.

Usage: test_ports.py OWNER_PID          prints one reserved port
       test_ports.py --release OWNER_PID   removes the reservations of OWNER_PID
       test_ports.py --self-test        many processes reserve at once; no port twice
Environment: DUALHTTPD_TEST_PORT_DIR (default /tmp/dualhttpd-test-ports) and
DUALHTTPD_TEST_PORT_RANGE (LOW-HIGH, both included), for the self-test.
"""

import atexit
import os
import random
import socket
import subprocess
import sys
import tempfile

SPAN = 12000  # ports below the ephemeral range


def reservation_dir():
    path = os.environ.get("DUALHTTPD_TEST_PORT_DIR", "/tmp/dualhttpd-test-ports")
    try:
        os.mkdir(path, 0o1777)
        os.chmod(path, 0o1777)  # tests run as root and as a user share it, as /tmp
    except FileExistsError:
        pass
    return path


def port_range():
    given = os.environ.get("DUALHTTPD_TEST_PORT_RANGE")
    if given:
        low, high = (int(p) for p in given.split("-"))
        return low, high
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    low = max(1024, ephemeral_low - SPAN)
    return low, max(low, ephemeral_low - 1)


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def bindable(port):
    for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
        with socket.socket(family, socket.SOCK_STREAM) as s:
            try:
                s.bind((host, port))
            except OSError:
                return False
    return True


def claim(path, owner):
    """True when the reservation file at PATH is now OWNER's."""
    for _ in range(2):
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                with open(path) as f:
                    holder = int(f.read().strip() or 0)
            except (OSError, ValueError):
                return False  # unreadable: someone else's
            if not holder or alive(holder):
                return False  # 0: written this moment
            try:
                os.unlink(path)  # its owner died without releasing it
            except FileNotFoundError:
                pass  # another test took it over first
            except OSError:
                return False  # another user's, in the sticky directory: left alone
            continue
        with os.fdopen(fd, "w") as f:
            f.write(f"{owner}\n")
        return True
    return False


def reserve(owner):
    directory = reservation_dir()
    low, high = port_range()
    rng = random.Random()
    for _ in range(500):
        port = rng.randint(low, high)
        path = os.path.join(directory, str(port))
        if not claim(path, owner):
            continue
        if bindable(port):
            return port
        os.unlink(path)
    raise RuntimeError(f"no free port in {low}-{high} after 500 tries ({directory})")


def release(owner, directory=None):
    directory = directory or reservation_dir()
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        try:
            with open(path) as f:
                if int(f.read().strip() or 0) == owner:
                    os.unlink(path)
        except (OSError, ValueError):
            pass


def free_port():
    """A port reserved for this Python process until it exits."""
    owner = os.getpid()
    if not getattr(free_port, "release_registered", False):
        atexit.register(release, owner)
        free_port.release_registered = True
    return reserve(owner)


def self_test():
    """20 processes take 20 ports each from a range of 600 at once: without reservations,
    random picks would repeat one (the odds of no repeat are 1 in 10^78). The range lies below
    the one the tests take their ports from, so that the trial binds here never meet theirs."""
    low = port_range()[0] - 700
    with tempfile.TemporaryDirectory(prefix="dualhttpd-ports-self-test-") as directory:
        env = dict(os.environ, DUALHTTPD_TEST_PORT_DIR=directory,
                   DUALHTTPD_TEST_PORT_RANGE=f"{low}-{low + 599}")
        code = "import sys, test_ports; print(*[test_ports.reserve(int(sys.argv[1])) for _ in range(20)])"
        here = os.path.dirname(os.path.abspath(__file__))
        takers = [subprocess.Popen([sys.executable, "-c", code, str(os.getpid())], cwd=here,
                                   env=env, stdout=subprocess.PIPE, text=True)
                  for _ in range(20)]
        ports = []
        for p in takers:
            out, _ = p.communicate(timeout=60)
            if p.returncode != 0:
                print(f"FAIL  a taker exited with {p.returncode}")
                return 1
            ports += [int(x) for x in out.split()]
        repeated = sorted({p for p in ports if ports.count(p) > 1})
        print(f"{len(ports)} ports taken by 20 processes at once, {len(set(ports))} distinct")
        if len(ports) != 400 or repeated:
            print(f"FAIL  ports taken twice: {repeated[:20]}")
            return 1
        release(os.getpid(), directory)
        left = os.listdir(directory)
        if left:
            print(f"FAIL  {len(left)} reservations left after release")
            return 1
        print("ok    no port twice, and none left reserved after release")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    if len(argv) == 3 and argv[1] == "--release":
        release(int(argv[2]))
        return 0
    if len(argv) == 2 and argv[1].isdigit():
        print(reserve(int(argv[1])))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
