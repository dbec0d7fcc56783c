#!/usr/bin/env python3
"""Every transcript the docs show is real output: this test runs each command again on the
lab's namespaces (packaging/lab/dualhttpd-lab) and compares what it prints with what the
document says, times and latencies aside. With --update it writes the real output into the
documents instead.

A transcript is a fenced block whose lines starting with "$ " are commands, each followed by
its output, right after a marker that says where it runs:

    <!-- transcript: guest -->                 (Markdown)
    ; transcript: host, before fix             (scdoc, the manual)

Places: "guest" (the VM, where dualhttpd serves), "guest, serving" (the command is a server:
its log up to "serving" is the output), "host, before fix" and "host, after fix" (the host,
before and after its host-only interface gets an address in the guest's /64; a dualhttpd
serves [2001:db8:21c::24]:8080 in the guest meanwhile).

Usage: transcripts.py DUALHTTPD [--update]      (root: it makes network namespaces)
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SOURCE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCUMENTS = ["README.md", "packaging/vagrant/README.md", "packaging/lab/README.md",
             "packaging/man/dualhttpd.8.scd"]
PHASES = ["guest", "guest, serving", "host, before fix", "host, after fix"]
SERVING = re.compile(r"\] serving .* with \d+ threads?$", re.M)
MARKER = re.compile(r"^(?:<!-- transcript: (.+?) -->|; transcript: (.+))$")
# What differs from run to run, and nothing else.
MASKS = [(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}"), "TIME"),
         (re.compile(r"in \d+\.\d+ ms"), "in N ms"),
         (re.compile(r"after \d+ ms"), "after N ms"),
         (re.compile(r"\(pid \d+\)"), "(pid N)"),
         (re.compile(r"\bport \d{5}\b"), "port N"),
         (re.compile(r"up \d+ s"), "up N s"),
         (re.compile(r'"uptime_s":\d+'), '"uptime_s":N'),
         (re.compile(r'"port":\d{5}'), '"port":N'),
         # The checkout's path and the machine's cores, in the line that says what is served.
         (re.compile(r"serving /\S+ with \d+ threads?"), "serving DOCROOT with N threads")]


def mask(text):
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text.rstrip()


class Block:
    def __init__(self, document, place, start, end, lines):
        self.document, self.place, self.start, self.end = document, place, start, end
        self.lines = lines  # the fence's inside
        self.actual = None

    def commands(self):
        return [line[2:] for line in self.lines if line.startswith("$ ")]

    def expected(self):
        return "\n".join(self.lines)


def blocks_of(document):
    path = os.path.join(SOURCE, document)
    with open(path) as f:
        lines = f.read().split("\n")
    found = []
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if not m:
            continue
        place = (m.group(1) or m.group(2)).strip()
        if place not in PHASES:
            raise SystemExit(f"{document}:{i + 1}: unknown place {place!r}")
        open_at = i + 1
        if not lines[open_at].startswith("```"):
            raise SystemExit(f"{document}:{i + 1}: no ``` block after the marker")
        close_at = next(j for j in range(open_at + 1, len(lines)) if lines[j].startswith("```"))
        found.append(Block(document, place, open_at + 1, close_at, lines[open_at + 1:close_at]))
    return found


def without_root():
    """None as root; else 77 (skipped), or 1 where DUALHTTPD_NO_SKIP forbids skipping (CI)."""
    if os.geteuid() == 0:
        return None
    if os.environ.get("DUALHTTPD_NO_SKIP"):
        print("FAIL  needs root for network namespaces, and DUALHTTPD_NO_SKIP forbids skipping")
        return 1
    print("skipped: needs root for network namespaces")
    return 77


def unmarked_of(document):
    """Fenced blocks that open with a '$ ' command but have no marker: transcripts no test
    would check."""
    with open(os.path.join(SOURCE, document)) as f:
        lines = f.read().split("\n")
    found, inside = [], False
    for i, line in enumerate(lines):
        if line.startswith("```"):
            if not inside and i + 1 < len(lines) and lines[i + 1].startswith("$ ") and \
                    not (i > 0 and MARKER.match(lines[i - 1])):
                found.append(f"{document}:{i + 2}")
            inside = not inside
    return found


class Lab:
    def __init__(self, binary, work):
        self.prefix = f"tdoc{os.getpid()}-"
        self.lab = [os.path.join(SOURCE, "packaging/lab/dualhttpd-lab"), "--prefix", self.prefix,
                    "--dualhttpd", binary, "--root", os.path.join(SOURCE, "www")]
        bin_dir = os.path.join(work, "bin")
        os.makedirs(bin_dir)
        os.symlink(binary, os.path.join(bin_dir, "dualhttpd"))
        self.env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}",
                        HOME=os.path.join(work, "home"))
        os.makedirs(os.path.join(work, "home", "site"))
        shutil.copy(os.path.join(SOURCE, "www", "index.html"),
                    os.path.join(work, "home", "site", "index.html"))
        self.work = work
        self.servers = []
        subprocess.run(self.lab + ["up"], check=True, stdout=subprocess.DEVNULL)

    def ns(self, place):
        return self.prefix + ("guest" if place.startswith("guest") else "host")

    def run(self, place, command):
        shell = ["ip", "netns", "exec", self.ns(place), "bash", "-c", command]
        result = subprocess.run(shell, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, timeout=60)
        return result.stdout.rstrip("\n")

    def serve(self, command, log_name):
        """Starts a server command in the guest; its log up to the line saying it serves."""
        log = os.path.join(self.work, log_name)
        with open(log, "w") as out:
            proc = subprocess.Popen(["ip", "netns", "exec", self.ns("guest"), "bash", "-c",
                                     "exec " + command], env=self.env, stdout=out,
                                    stderr=subprocess.STDOUT)
        self.servers.append(proc)
        deadline = time.monotonic() + 10
        text = ""
        while time.monotonic() < deadline:
            with open(log) as f:
                text = f.read()
            if SERVING.search(text) or proc.poll() is not None:
                break
            time.sleep(0.05)
        lines = text.split("\n")
        upto = next((i for i, line in enumerate(lines) if SERVING.search(line)), len(lines) - 1)
        return "\n".join(lines[:upto + 1]).rstrip("\n")

    def stop_servers(self):
        for proc in self.servers:  # the processes this test started, by PID
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=10)
        self.servers = []

    def fix(self):
        subprocess.run(self.lab + ["fix"], check=True, stdout=subprocess.DEVNULL)

    def down(self):
        self.stop_servers()
        subprocess.run(self.lab + ["down"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def produce(block, lab, index):
    out = []
    for command in block.commands():
        out.append("$ " + command)
        if block.place == "guest, serving":
            text = lab.serve(command, f"serve-{index}.log")
            lab.stop_servers()
        else:
            text = lab.run(block.place, command)
        if text:
            out.append(text)
    block.actual = "\n".join(out)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    binary, update = os.path.abspath(argv[1]), "--update" in argv[2:]
    if (status := without_root()) is not None:
        return status
    unmarked = [u for d in DOCUMENTS for u in unmarked_of(d)]
    for where in unmarked:
        print(f"FAIL  {where}: a block of '$ ' commands without a transcript marker is never "
              f"checked: mark where it runs, or make it no transcript")
    blocks = [b for d in DOCUMENTS for b in blocks_of(d)]
    work = tempfile.mkdtemp(prefix="dualhttpd-docs-")
    os.chmod(work, 0o755)
    lab = Lab(binary, work)
    try:
        for phase in PHASES:
            if phase == "host, before fix":
                lab.serve("dualhttpd --access-log off --listen '[2001:db8:21c::24]:8080'",
                          "background.log")
            if phase == "host, after fix":
                lab.fix()
            for i, block in enumerate(blocks):
                if block.place == phase:
                    produce(block, lab, i)
    finally:
        lab.down()
        shutil.rmtree(work, ignore_errors=True)
    failures = 0
    for block in blocks:
        where = f"{block.document}:{block.start}"
        if mask(block.expected()) == mask(block.actual):
            print(f"ok    {where}: {block.commands()[0]}")
            continue
        if update:
            print(f"updated {where}: {block.commands()[0]}")
            continue
        failures += 1
        print(f"FAIL  {where}: the document shows other output than the command prints")
        print("      the document:\n" + "\n".join("        " + line for line in block.lines))
        print("      the command:\n" + "\n".join("        " + line
                                                 for line in block.actual.split("\n")))
    if update:
        for document in DOCUMENTS:
            path = os.path.join(SOURCE, document)
            with open(path) as f:
                lines = f.read().split("\n")
            for block in sorted((b for b in blocks if b.document == document),
                                key=lambda b: b.start, reverse=True):
                lines[block.start:block.end] = block.actual.split("\n")
            with open(path, "w") as f:
                f.write("\n".join(lines))
        return 0
    print(f"{len(blocks)} transcripts, {failures} differ")
    return 1 if failures or unmarked else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
