"""System-test fixtures: real uvicorn server processes over the pytest-django test database.

The servers are separate processes, so they only see *committed* rows: every test that talks to
them uses ``transactional_db`` (data is truncated after each test instead of rolled back).
Both servers share the test database and the Redis cache with this process, which is what lets
the tests check cross-process behaviour (compare-and-swap writes, login throttling).
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.ops.processes import NotReady, database_url, free_port, server_command, stop_process, wait_until_ready

BACKEND_DIR = Path(__file__).resolve().parents[2]

# Low login throttle rates so the cross-process throttling test needs only six attempts.
# config/django/test.py reads these; everything else keeps the test-settings defaults.
SERVER_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.django.test",
    "LOGIN_THROTTLE_RATE": "5/min",
    "LOGIN_USER_THROTTLE_RATE": "5/min",
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
}
STARTUP_TIMEOUT = 60.0

# Thousands of requests per run: keep httpx's per-request INFO lines out of failure reports.
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass
class LiveServer:
    """One ``uvicorn config.asgi:application`` process."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "<no log>"

    def log_mark(self) -> int:
        """Current end of the server log; pass it to ``errors_since``."""
        return self.log_path.stat().st_size

    def errors_since(self, mark: int) -> Counter[str]:
        """Exceptions the server logged after ``mark``, by their final ``Type: message`` line."""
        with self.log_path.open("rb") as log:
            log.seek(mark)
            text = log.read().decode(errors="replace")
        return Counter(line[:240] for line in text.splitlines() if _EXCEPTION_LINE.match(line))


_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b.*")


def server_errors(servers: list[LiveServer], marks: list[int]) -> str:
    """A readable summary of what the servers logged since ``marks`` (for assertion messages)."""
    lines = [
        f"  {server.url}: {count} × {line}"
        for server, mark in zip(servers, marks, strict=True)
        for line, count in server.errors_since(mark).most_common(8)
    ]
    return "server logs:\n" + "\n".join(lines) if lines else "server logs: no exceptions"


def _start_server(env: dict[str, str], log_path: Path) -> LiveServer:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        # Exactly as `make run` serves; behind the production proxy X-Forwarded-For from the loopback
        # peer is trusted (uvicorn's default), which the throttling test uses to give each run its own address.
        process = subprocess.Popen(
            server_command("127.0.0.1", port), cwd=BACKEND_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(url=url, process=process, log_path=log_path)
    try:
        wait_until_ready(process, f"{url}/healthz", timeout=STARTUP_TIMEOUT, what="uvicorn")
    except NotReady as error:
        _stop_server(server)
        raise RuntimeError(f"{error}:\n{server.log_tail()}") from None
    return server


def _stop_server(server: LiveServer) -> None:
    stop_process(server.process)


@pytest.fixture(scope="session")
def server_env(django_db_setup: Any) -> dict[str, str]:
    """Environment for server processes: the *test* database (as created by pytest-django) and our Redis."""
    from django.conf import settings
    from django.db import connection

    env = {**os.environ, **SERVER_ENV}
    env["DATABASE_URL"] = database_url(connection.settings_dict)
    env["REDIS_URL"] = settings.REDIS_URL
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BACKEND_DIR), os.environ.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture(scope="session")
def api_server(server_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real uvicorn process serving the app against the test database."""
    server = _start_server(server_env, tmp_path_factory.mktemp("server-a") / "uvicorn.log")
    yield server
    _stop_server(server)


@pytest.fixture(scope="session")
def second_api_server(
    server_env: dict[str, str], api_server: LiveServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """A second, independent server process on another port (same database, same Redis)."""
    server = _start_server(server_env, tmp_path_factory.mktemp("server-b") / "uvicorn.log")
    assert server.url != api_server.url
    yield server
    _stop_server(server)


@pytest.fixture
def api_url(api_server: LiveServer) -> str:
    return api_server.url


@pytest.fixture
def servers(api_server: LiveServer, second_api_server: LiveServer) -> list[LiveServer]:
    """Both server processes, each still running."""
    for server in (api_server, second_api_server):
        assert server.process.poll() is None, f"{server.url} died:\n{server.log_tail()}"
    return [api_server, second_api_server]


def bearer(user: Any) -> dict[str, str]:
    """Authorization header for ``user``: a real access token, signed with the servers' key."""
    return {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}
