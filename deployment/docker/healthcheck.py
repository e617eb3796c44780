#!/usr/bin/env python
"""Container health check of the backend image, for the process this container runs.

api: GET /healthz on the local port. worker: a Celery ping answered by this worker.
beat and one-off commands: the process being alive is all there is to check.
"""

import os
import subprocess
import sys
import urllib.request
from pathlib import Path


def main() -> int:
    try:
        role = Path("/tmp/pulse-role").read_text().strip()
    except OSError:
        role = "api"
    if role == "api":
        url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
        with urllib.request.urlopen(url, timeout=5) as response:
            return 0 if response.status == 200 else 1
    if role == "worker":
        node = f"celery@{os.uname().nodename}"
        command = ["celery", "-A", "config", "inspect", "ping", "--destination", node, "--timeout", "5"]
        return subprocess.run(command, cwd="/app/backend", capture_output=True, check=False).returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
