"""Background-work fixtures: a real Celery worker process on Redis, a fake Mandrill API, stream listeners.

The worker is a separate process (``celery -A config worker --pool prefork``) on the pytest-django
*test* database, so it only sees committed rows: every test that talks to it uses
``transactional_db``. Its broker is a dedicated Redis database (``BACKGROUND_BROKER_URL``, db 14 by
default, purged at start) and this process sends its tasks there too, so no other worker can take
them. The cache and the channel layer stay on this process's ``REDIS_URL``: the worker's progress
(cache) and events (pub/sub) are visible from here.

Email goes to a fake Mandrill HTTP API in this process (anymail's Mandrill backend, pointed at it
with ``MANDRILL_API_URL``); each recipient address can be given a script of answers.

The fixtures are package-scoped: the worker is stopped after the last test of this folder, before
other folders run and before pytest-django drops the test database.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis

from pulse.ops.processes import NotReady, database_url, free_port, wait_until_ready, worker_command

BACKEND_DIR = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("BACKGROUND_BROKER_URL", "redis://127.0.0.1:6379/14")
WORKER_START_TIMEOUT = 60.0
WORKER_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "config.django.test",
    "CELERY_BROKER_URL": BROKER_URL,
    "EMAIL_BACKEND": "anymail.backends.mandrill.EmailBackend",
    "MANDRILL_API_KEY": "test-key",
    "LOG_LEVEL": "INFO",
    "LOG_JSON": "1",  # as in production
    "PYTHONUNBUFFERED": "1",
}


# ---------------------------------------------------------------- fake Mandrill


@dataclass
class FakeMandrill:
    """``POST /messages/send.json`` like Mandrill. ``script(email, [500, "sent", …])`` sets the answers."""

    url: str = ""
    scripts: dict[str, list[int | str]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def script(self, email: str, answers: list[int | str]) -> None:
        """Answers for successive sends to ``email``; the last one repeats. Default: always "sent".

        An int is that HTTP error; ``"sent[:message id]"``; ``"rejected[:reason]"`` / ``"invalid"`` (the
        recipient's status); ``"error:<Name>"`` a named Mandrill API error (HTTP 500)."""
        with self.lock:
            self.scripts[email] = list(answers)

    def sends_to(self, email: str) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in self.requests if email in r["to"]]

    def answer(self, payload: dict[str, Any]) -> tuple[int, Any]:
        to = [r["email"] for r in payload.get("message", {}).get("to", [])]
        with self.lock:
            self.requests.append({"to": to, "payload": payload, "at": time.time()})
            script = self.scripts.get(to[0], []) if to else []
            answer: int | str = script.pop(0) if len(script) > 1 else (script[0] if script else "sent")
            self.counter += 1
            n = self.counter
        if isinstance(answer, int):
            return answer, {"status": "error", "code": -1, "name": "GeneralError", "message": "Injected failure"}
        kind, _, detail = answer.partition(":")
        if kind == "error":  # Mandrill names its API errors, all answered with HTTP 500
            return 500, {"status": "error", "code": -2, "name": detail, "message": f"Injected {detail}"}
        if kind in ("rejected", "invalid"):
            return 200, [
                {"email": email, "status": kind, "_id": f"fake-{n}", "reject_reason": detail or None} for email in to
            ]
        message_id = detail or f"fake-{n}"
        return 200, [{"email": email, "status": "sent", "_id": message_id, "reject_reason": None} for email in to]


def _mandrill_handler(fake: FakeMandrill) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.path.rstrip("/") != "/messages/send.json":
                status, answer = 404, {"status": "error", "message": f"unknown path {self.path}"}
            else:
                status, answer = fake.answer(json.loads(body or b"{}"))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture(scope="package")
def fake_mandrill() -> Iterator[FakeMandrill]:
    fake = FakeMandrill()
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), _mandrill_handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}/"
    thread = threading.Thread(target=server.serve_forever, name="fake-mandrill", daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


# ---------------------------------------------------------------- the worker


@dataclass
class Worker:
    """One ``celery -A config worker --concurrency 1 --pool prefork`` process (its own process group)."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "<no log>"

    def log_tail(self, lines: int = 80) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def children(self) -> list[int]:
        """Pids of the pool processes (direct children of the main worker process)."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == self.process.pid:
                found.append(int(entry.name))
        return found

    def kill_group(self) -> None:
        """SIGKILL the whole worker (main process and pool), as a crashed machine would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class Workers:
    """Starts and stops worker processes; at most one runs at a time."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.current: Worker | None = None
        self.started = 0

    def start(self) -> Worker:
        from config.celery import app

        assert self.current is None or self.current.process.poll() is not None, "a worker is already running"
        self.started += 1
        name = f"bgtest-{uuid.uuid4().hex[:8]}@localhost"
        log_path = self.log_dir / f"worker-{self.started}.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                worker_command(concurrency=1, name=name, quiet_cluster=True),
                cwd=BACKEND_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 reaches the pool too, and only it
            )
        worker = Worker(name=name, process=process, log_path=log_path)
        self.current = worker
        try:
            wait_until_ready(
                process,
                lambda: bool(app.control.ping(destination=[name], timeout=0.5)),
                timeout=WORKER_START_TIMEOUT,
                interval=0,
                what="celery worker",
            )
        except NotReady as error:
            worker.stop()
            raise RuntimeError(f"{error}:\n{worker.log_tail()}") from None
        return worker

    def ensure(self) -> Worker:
        if self.current is not None and self.current.process.poll() is None:
            return self.current
        return self.start()

    def stop(self) -> None:
        if self.current is not None:
            self.current.stop()
            self.current = None


def _point_app_at(app: Any, url: str) -> None:
    """Send this process's tasks to ``url``: drop the cached connection and producer pools.

    ``app.pool`` is kombu's process-wide pool for the broker URL, and kombu keeps producer pools built on
    it: closing only the connection pool would leave a cached producer pool on a closed pool, so a task
    sent to the old URL after these tests (e.g. an on-commit ``.delay``) would fail. Reset kombu's
    registries instead, so every pool is built afresh for whichever URL is next.
    """
    from kombu import pools

    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.conf.broker_url = url


@pytest.fixture(scope="package")
def broker(django_db_setup: Any) -> Iterator[redis.Redis]:
    """The dedicated broker database, purged; this process's Celery app and ``enqueue`` send there."""
    from django.conf import settings
    from django.test import override_settings

    from config.celery import app

    client = redis.Redis.from_url(BROKER_URL)
    client.flushdb()
    previous = app.conf.broker_url
    _point_app_at(app, BROKER_URL)
    override = override_settings(CELERY_BROKER_URL=BROKER_URL)
    override.enable()
    assert settings.CELERY_BROKER_URL == BROKER_URL
    assert app.conf.broker_write_url == BROKER_URL, "CELERY_BROKER_WRITE_URL in the environment overrides the broker"
    yield client
    override.disable()
    _point_app_at(app, previous)
    client.flushdb()
    client.close()


@pytest.fixture(scope="package")
def workers(
    broker: redis.Redis, fake_mandrill: FakeMandrill, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workers]:
    from django.conf import settings
    from django.db import connection

    assert settings.REDIS_URL, "the background tests need REDIS_URL (cache and channel layer shared with the worker)"
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}  # reach 127.0.0.1 directly
    env.update(WORKER_SETTINGS)
    env["DATABASE_URL"] = database_url(connection.settings_dict)
    env["REDIS_URL"] = settings.REDIS_URL
    env["MANDRILL_API_URL"] = fake_mandrill.url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BACKEND_DIR), os.environ.get("PYTHONPATH", "")) if p)
    manager = Workers(env, tmp_path_factory.mktemp("celery"))
    yield manager
    manager.stop()


@pytest.fixture
def worker(workers: Workers, transactional_db: Any) -> Iterator[Worker]:
    """A running worker (started on first use, shared); the test's data is committed."""
    current = workers.ensure()
    yield current
    if current.process.poll() is not None and workers.current is current:
        workers.current = None


# ---------------------------------------------------------------- stream listener


class StreamListener:
    """Collects what the channel layer publishes to some groups (Redis pub/sub, as the consumers see it)."""

    def __init__(self, groups: list[str]) -> None:
        from channels.layers import get_channel_layer
        from django.conf import settings

        self.layer = get_channel_layer()
        prefix = settings.CHANNEL_LAYERS["default"]["CONFIG"].get("prefix", "asgi")
        self.channels = {f"{prefix}__group__{g}": g for g in groups}
        self.client = redis.Redis.from_url(settings.REDIS_URL)
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.messages: list[tuple[str, dict[str, Any]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stream-listener", daemon=True)

    def __enter__(self) -> StreamListener:
        self.pubsub.subscribe(*self.channels)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        with contextlib.suppress(Exception):
            self.pubsub.close()
        self.client.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            message = self.pubsub.get_message(timeout=0.1)
            if message and message.get("type") == "message":
                channel = message["channel"].decode()
                self.messages.append((self.channels[channel], self.layer.deserialize(message["data"])))

    def events(self, group: str | None = None) -> list[dict[str, Any]]:
        """The event payloads received (project events and user events alike), optionally for one group."""
        out = []
        for g, message in list(self.messages):
            if group is None or g == group:
                out.append(message.get("event", message))
        return out
