"""Small helpers the benchmark scripts share (they run as ``python bench/<name>.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BACKEND = Path(__file__).resolve().parent.parent / "backend"
if str(BACKEND) not in sys.path:
    sys.path.insert(0, str(BACKEND))  # this checkout's backend, also for django.setup() later

# The process harness `make run` and the tests use: the bench serves exactly as deployed.
from pulse.ops.processes import (  # noqa: E402
    NotReady,
    free_port,
    server_command,
    stop_process,
    wait_until_ready,
    worker_command,
)

__all__ = ["free_port", "server_command", "worker_command"]


@contextmanager
def running(
    name: str,
    command: list[str],
    env: dict[str, str],
    log_path: Path,
    ready: str | Callable[[], bool],
    *,
    timeout: float = 60.0,
    stop_timeout: float = 15.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` in ``backend/`` (output to ``log_path``) until ``ready``; stop it on leaving."""
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(command, cwd=BACKEND, env=env, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
    try:
        try:
            wait_until_ready(process, ready, timeout=timeout, interval=0.2, what=name)
        except NotReady as error:
            raise SystemExit(f"{error}:\n{log_path.read_text(errors='replace')[-3000:]}") from None
        yield process
    finally:
        stop_process(process, timeout=stop_timeout)


def log(message: str) -> None:
    print(message, flush=True)


@contextmanager
def step(title: str) -> Iterator[None]:
    started = time.perf_counter()
    log(f"- {title} ...")
    yield
    log(f"  done in {time.perf_counter() - started:.1f}s")


def bench_database_url(url: str, *, env_var: str, suffix: str) -> tuple[str, str, str]:
    """(bench URL, bench database name, maintenance URL). The bench database is never the app's."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "pulse"
    bench_name = os.environ.get(env_var, f"{name}_{suffix}")
    if bench_name == name:
        raise SystemExit(f"refusing to use {name!r}: the benchmark drops its database")
    bench = urlunsplit(parts._replace(path=f"/{bench_name}"))
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return bench, bench_name, maintenance


def load_average() -> list[float]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return []


def git_revision(repo: str | os.PathLike[str]) -> str:
    """Short commit, with ``+dirty`` when the work tree has changes."""
    import subprocess

    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True)  # noqa: S607
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True)  # noqa: S607
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def utc_stamp() -> str:
    import datetime

    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def write_results(results_dir: str | os.PathLike[str], name: str, stamp: str, result: object) -> str:
    """Writes ``<name>-<stamp>.json`` and ``<name>-latest.json``; returns what it wrote, for the log."""
    import json
    from pathlib import Path

    directory = Path(results_dir)
    directory.mkdir(exist_ok=True)
    text = json.dumps(result, indent=2, default=str)
    (directory / f"{name}-{stamp}.json").write_text(text)
    (directory / f"{name}-latest.json").write_text(text)
    return f"bench/results/{name}-{stamp}.json and {name}-latest.json"
