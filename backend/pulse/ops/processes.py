"""How Pulse's processes are started: one place for `make run`, the tests, the benchmarks and scripts.

``server_command`` is the uvicorn command line `make run` serves with (the flags of the production
image's ``api`` role that matter on one machine); ``worker_command`` the Celery worker's. The system,
websocket and background tests, the bench scripts and ``scripts/e2e_stack.py`` start their processes
with these, so what they measure and check is what is deployed.

Plain standard library, no Django: ``scripts/serve.py`` imports it before any settings exist.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

BACKEND = Path(__file__).resolve().parents[2]
ASGI_APPLICATION = "config.asgi:application"
STOP_TIMEOUT = 15.0

# Loopback checks go straight to the server, whatever *_proxy variables the environment sets.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class NotReady(RuntimeError):
    """A started process exited, or did not become ready in time."""


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the kernel's pick)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """``DATABASE_URL`` for a child process, from a Django connection's ``settings_dict``."""
    user = quote(settings_dict.get("USER") or "postgres", safe="")
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{quote(password, safe='')}" if password else user
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{settings_dict['NAME']}"


def server_command(
    host: str,
    port: int | str,
    *,
    app: str = ASGI_APPLICATION,
    app_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    access_log: bool = False,
    log_level: str = "warning",
) -> list[str]:
    """The uvicorn command line `make run` serves with; run it with ``cwd=BACKEND``.

    ``app``/``app_dir`` swap the application (the API bench's floor wraps the real one); every other
    option is the deployed one.
    """
    command = [sys.executable, "-m", "uvicorn", app]
    if app_dir is not None:
        command += ["--app-dir", str(app_dir)]
    command += [
        "--host",
        host,
        "--port",
        str(port),
        # config.asgi runs the outbox sweep in the lifespan; a lifespan that fails must stop the server.
        "--lifespan",
        "on",
        # Behind the proxy: trust X-Forwarded-For from FORWARDED_ALLOW_IPS (uvicorn's default: loopback).
        "--proxy-headers",
        "--no-server-header",
        # Events are small JSON; compressing each frame per client costs more CPU than it saves.
        "--ws-per-message-deflate",
        "false",
        "--log-level",
        log_level,
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    if not access_log:
        command.append("--no-access-log")
    return command


def worker_command(
    *, concurrency: int = 2, name: str | None = None, log_level: str = "info", quiet_cluster: bool = False
) -> list[str]:
    """The Celery worker command line (prefork pool, as deployed); run it with ``cwd=BACKEND``.

    ``quiet_cluster`` drops mingle and gossip, for a worker that must not wait for or talk to others.
    """
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", log_level]
    command += ["--concurrency", str(concurrency), "--pool", "prefork"]
    if name is not None:
        command += ["-n", name]
    if quiet_cluster:
        command += ["--without-mingle", "--without-gossip"]
    return command


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """Whether ``url`` answers 200 (straight to the server, never through a proxy)."""
    try:
        with _DIRECT.open(url, timeout=timeout) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def wait_until_ready(
    process: subprocess.Popen[bytes],
    ready: str | Callable[[], bool],
    *,
    timeout: float,
    interval: float = 0.1,
    what: str = "the process",
) -> None:
    """Block until ``ready`` (a URL answering 200, or a check returning true) while ``process`` runs.

    Raises ``NotReady`` when the process exits first or ``timeout`` seconds pass; the process is left
    to the caller (stop it with ``stop_process``).
    """
    check = (lambda: http_ok(ready)) if isinstance(ready, str) else ready
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise NotReady(f"{what} exited with {process.returncode} before it was ready")
        if check():
            return
        if time.monotonic() > deadline:
            raise NotReady(f"{what} was not ready within {timeout:g}s")
        time.sleep(interval)


def stop_process(process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> None:
    """Send ``sig`` (uvicorn and Celery shut down gracefully on SIGTERM and SIGINT), then kill after ``timeout``."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def main(argv: list[str]) -> int:
    """``python -m pulse.ops.processes worker``: exec the worker as `make worker` runs it."""
    if argv != ["worker"]:
        print("usage: python -m pulse.ops.processes worker", file=sys.stderr)
        return 2
    command = worker_command(concurrency=int(os.environ.get("CELERY_CONCURRENCY", "2")))
    os.chdir(BACKEND)
    os.execv(command[0], command)  # noqa: S606 (our own interpreter and arguments)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
