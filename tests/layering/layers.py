#!/usr/bin/env python3
"""The layering test: the folders of server/ and include/dualhttpd/ depend on each other only
as the table below allows (server/README.md draws it), and the pure modules (the sources of
the dualhttpd_core library, given on the command line) reach no Asio or Beast header, even
through other headers.

    layers.py SOURCE_DIR [CORE_SOURCE ...]

Before checking the tree, it checks itself: an include that breaks the table, and a core
module that reaches Beast, must both be reported.
"""
import pathlib
import re
import sys

# Which folders each folder may include from (besides itself).
ALLOWED = {
    "base": set(),
    "address": {"base"},
    "listen": {"base", "address"},
    "http": {"base", "address"},
    "files": {"base", "http"},
    "runtime": {"base", "http", "files", "tls"},
    "probe": {"base", "address", "runtime", "tls"},
    "tls": {"base", "address"},
    "app": {"base", "address", "listen", "http", "files", "runtime", "probe", "tls"},
}
PROJECT = re.compile(r'^#include "dualhttpd/([a-z_]+)/([a-z_]+\.hpp)"', re.M)
ANY_PROJECT = re.compile(r'^#include "dualhttpd/([^"]+)"', re.M)
NETWORK = re.compile(r"^#include <boost/(asio|beast)[/.]", re.M)


def folder_of(path: pathlib.Path, root: pathlib.Path):
    parts = path.relative_to(root).parts
    return parts[-2] if len(parts) >= 2 else None


def check_edges(files: dict) -> list:
    """files: path (str) -> (folder, text). Returns the broken rules, in words."""
    broken = []
    for path, (folder, text) in sorted(files.items()):
        if folder not in ALLOWED:
            broken.append(f"{path}: not in a known folder ({', '.join(ALLOWED)})")
            continue
        for include in ANY_PROJECT.findall(text):
            match = re.fullmatch(r"([a-z_]+)/([a-z_]+\.hpp)", include)
            if not match:
                broken.append(f'{path}: includes "dualhttpd/{include}", which names no folder')
                continue
            target = match.group(1)
            if target != folder and target not in ALLOWED[folder]:
                broken.append(
                    f'{path}: {folder}/ includes "dualhttpd/{include}", but {folder}/ may use '
                    f"only {', '.join(sorted(ALLOWED[folder])) or 'itself'}")
    return broken


def reaches_network(start_text: str, headers: dict, seen=None) -> str:
    """The chain of headers by which a file reaches Asio or Beast, or ""."""
    seen = set() if seen is None else seen
    if NETWORK.search(start_text):
        return "<boost/asio or beast>"
    for include in ANY_PROJECT.findall(start_text):
        if include in seen or include not in headers:
            continue
        seen.add(include)
        chain = reaches_network(headers[include], headers, seen)
        if chain:
            return f"dualhttpd/{include} -> {chain}"
    return ""


def self_test() -> None:
    bad = {"server/base/x.cpp": ("base", '#include "dualhttpd/http/reply.hpp"\n')}
    assert check_edges(bad), "an include from base/ into http/ went unnoticed"
    good = {"server/http/x.cpp": ("http", '#include "dualhttpd/base/diagnostic.hpp"\n')}
    assert not check_edges(good), "an allowed include was reported"
    headers = {"http/a.hpp": '#include "dualhttpd/http/b.hpp"\n',
               "http/b.hpp": "#include <boost/beast/http.hpp>\n"}
    assert reaches_network('#include "dualhttpd/http/a.hpp"\n', headers), \
        "a pure module reaching Beast through two headers went unnoticed"


def main() -> int:
    self_test()
    root = pathlib.Path(sys.argv[1]).resolve()
    files, headers = {}, {}
    for base in (root / "server", root / "include" / "dualhttpd"):
        for path in sorted(base.rglob("*.[ch]pp")):
            text = path.read_text()
            files[str(path.relative_to(root))] = (folder_of(path, base), text)
            if path.suffix == ".hpp":
                headers[str(path.relative_to(base))] = text
    broken = check_edges(files)
    for core in sys.argv[2:]:
        path = pathlib.Path(core).resolve()
        chain = reaches_network(path.read_text(), headers)
        if chain:
            broken.append(f"{path.relative_to(root)} is in dualhttpd_core (no Asio, no Beast) "
                          f"but reaches them: {chain}")
    for line in broken:
        print(f"FAIL  {line}")
    print(f"{len(files)} files, {len(sys.argv) - 2} pure modules: "
          f"{'ok' if not broken else f'{len(broken)} broken'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
