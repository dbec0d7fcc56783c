#!/usr/bin/env python3
"""The hostile-client suite: each case is one way a client, an operator or another server's
test suite broke dualhttpd once, run against the real binary on loopback, bounded in count
and time, asserting what a user sees. Each case failed on the code before its fix.

Usage: hostile.py CASE        (DUALHTTPD names the binary; exit 0 when every check passed)
       hostile.py --list      the cases, one per line
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cases_memory  # noqa: E402,F401  (each module registers its cases)
import cases_connections  # noqa: E402,F401
import cases_responses  # noqa: E402,F401
import cases_operations  # noqa: E402,F401
import cases_inputs  # noqa: E402,F401
import cases_protocol  # noqa: E402,F401
import cases_promises  # noqa: E402,F401
import cases_tls  # noqa: E402,F401
from registry import CASES  # noqa: E402
from harness import Checks, Workdir  # noqa: E402

SKIP = 77


def main(argv):
    if len(argv) != 2:
        print(__doc__)
        return 2
    if argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    case = CASES.get(argv[1])
    if case is None:
        print(f"no case {argv[1]!r}; --list shows them")
        return 2
    if not os.environ.get("DUALHTTPD"):
        print("set DUALHTTPD to the dualhttpd binary")
        return 2
    print(f"--- {argv[1]}: {case.__doc__.strip().splitlines()[0]}")
    checks, work = Checks(), Workdir()
    try:
        if case(checks, work) == SKIP:
            return SKIP
    finally:
        work.remove()
    print("all checks passed" if not checks.failures else f"{checks.failures} check(s) failed")
    return 1 if checks.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
