#!/usr/bin/env python3
"""GETs on one keep-alive connection, with changes to files between them: what one worker
thread and its file cache answer as the docroot changes under them.

    one_connection.py HOST PORT STEP...

Steps, in order: "get PATH" (prints the status and the body, stripped), "write FILE TEXT",
"rm FILE", "wait" (1.1 s: past the cache's one-second check). The answers are printed as one
line, joined by ", "; a 403 or 404 prints its status alone.
"""

import http.client
import os
import sys
import time


def main(host, port, steps):
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    seen = []
    while steps:
        step = steps.pop(0)
        if step == "get":
            connection.request("GET", steps.pop(0))
            response = connection.getresponse()
            body = response.read().decode().strip()
            seen.append(f"{response.status} {body}" if response.status == 200 else str(response.status))
        elif step == "write":
            path, text = steps.pop(0), steps.pop(0)
            with open(path, "w") as f:
                f.write(text + "\n")
        elif step == "rm":
            os.remove(steps.pop(0))
        elif step == "wait":
            time.sleep(1.1)
        else:
            sys.exit(f"unknown step {step!r}")
    print(", ".join(seen))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
