"""Small helpers the benchmark scripts share (they run as ``python bench/<name>.py``)."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
