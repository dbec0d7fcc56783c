#!/usr/bin/env python3
"""The README's promises, run as written: its first command builds and runs the server on its
default (here in a network namespace of the test's own, so that its ports are free), its
second is the one CI runs (.ci/run), and its three usage lines do what their comments say on
the lab's namespaces (packaging/lab/dualhttpd-lab), with ~ a home of the test's own.

Usage: readme.py DUALHTTPD      (root: it makes network namespaces)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from transcripts import SOURCE, Lab, without_root  # noqa: E402


def fenced_blocks(text):
    return re.findall(r"```[a-z]*\n(.*?)```", text, re.S)


class Checks:
    def __init__(self):
        self.failures = 0

    def that(self, what, good, detail=""):
        print(f"{'ok   ' if good else 'FAIL '} {what}{'' if good else ': ' + detail}", flush=True)
        self.failures += 0 if good else 1


def run_command(checks, command, work):
    """The first command, from the checkout, in a namespace with only lo: it must serve."""
    ns = f"treadme{os.getpid()}"
    subprocess.run(["ip", "netns", "add", ns], check=True)
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        log = os.path.join(work, "run.log")
        with open(log, "w") as out:
            proc = subprocess.Popen(["ip", "netns", "exec", ns, "bash", "-c", command], cwd=SOURCE,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 300
        text = ""
        while time.monotonic() < deadline and proc.poll() is None:
            text = open(log).read()
            if re.search(r"\] serving .* with \d+ threads?", text):
                break
            time.sleep(0.2)
        checks.that("the first command builds and starts the server", proc.poll() is None,
                    text[-2000:])
        for url in ("http://[::1]:8080/", "http://127.0.0.1:8080/"):
            got = subprocess.run(["ip", "netns", "exec", ns, "curl", "-gs", url],
                                 capture_output=True).stdout
            with open(os.path.join(SOURCE, "www", "index.html"), "rb") as f:
                checks.that(f"and serves www/ on {url}", got == f.read(), f"{len(got)} bytes")
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)  # the shell and the server it started
            proc.wait(timeout=20)
    finally:
        subprocess.run(["ip", "netns", "del", ns])


def usage_lines(checks, lines, binary, work):
    lab = Lab(binary, work)
    try:
        serve, check, probe = (line.split("#")[0].strip() for line in lines)
        log = lab.serve(serve, "usage-serve.log")
        checks.that(f"{serve}: serves", "listening on [2001:db8:21c::24]:8080" in log, log)
        text = lab.run("guest", check + "; echo exit=$?")
        checks.that(f"{check}: says why", "is a link-local address" in text, text)
        checks.that("and what to type", "listen on [fe80::a00:27ff:fe51:575%enp0s8]:80" in text,
                    text)
        checks.that("with exit status 3", text.endswith("exit=3"), text)
        lab.fix()
        text = lab.run("host, after fix", probe + "; echo exit=$?")
        checks.that(f"{probe}: reaches the server", "GET /healthz -> 200" in text, text)
        checks.that("with exit status 0", text.endswith("exit=0"), text)
        page = lab.run("host, after fix", "curl -gs 'http://[2001:db8:21c::24]:8080/'")
        with open(os.path.join(SOURCE, "www", "index.html")) as f:
            checks.that("the directory served is ~/site", page == f.read().rstrip("\n"), page[:200])
    finally:
        lab.down()


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    if (status := without_root()) is not None:
        return status
    with open(os.path.join(SOURCE, "README.md")) as f:
        readme = f.read()
    blocks = fenced_blocks(readme)
    run, test = blocks[0].strip(), blocks[1].strip()
    usage = [line for line in blocks[2].strip().split("\n") if line.strip()]
    checks = Checks()
    with open(os.path.join(SOURCE, ".ci", "run")) as f:
        ci = f.read()
    checks.that("the README's test command is the one CI runs, verbatim", test in ci, test)
    checks.that("three usage lines", len(usage) == 3, "\n".join(usage))
    work = tempfile.mkdtemp(prefix="dualhttpd-readme-")
    os.chmod(work, 0o755)
    try:
        run_command(checks, run, work)
        if len(usage) == 3:
            usage_lines(checks, usage, os.path.abspath(argv[1]), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("all checks passed" if not checks.failures else f"{checks.failures} check(s) failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
