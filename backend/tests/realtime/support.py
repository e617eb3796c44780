"""Clients for the websocket tests: real uvicorn processes, real HTTP, real websocket connections.

Every message a ``Socket`` receives is validated against ``pulse/realtime/event.schema.json``
before a test sees it, so a malformed envelope fails whichever test happens to receive it.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import redis
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from pulse.ops.processes import NotReady, free_port, server_command, stop_process, wait_until_ready
from tests.factories import PASSWORD

BACKEND_DIR = Path(__file__).resolve().parents[2]
SCHEMA_PATH = BACKEND_DIR / "pulse" / "realtime" / "event.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

STARTUP_TIMEOUT = 60.0
QUIET = 1.5  # how long "nothing arrives" is watched for
OPEN_SOCKETS: list[Socket] = []  # closed after every test by the autouse fixture in conftest.py


def schema_errors(message: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in VALIDATOR.iter_errors(message)]


def is_event(message: dict[str, Any]) -> bool:
    return {"id", "version", "actor", "data"} <= message.keys()


def stable_port() -> int:
    """A free port below the ephemeral range (32768+), so that while a test keeps its Redis down no
    outgoing connection or other process asking the kernel for "any free port" can take it."""
    rng = random.Random()
    for _ in range(200):
        port = rng.randrange(20000, 32000)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 20000-32000")


def wait_until(check: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(interval)


# ---------------------------------------------------------------- processes


@dataclass
class Server:
    """One ``uvicorn config.asgi:application`` process, lifespan on (it runs the outbox sweep)."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://", 1) + "/ws/"

    @property
    def origin(self) -> str:
        """What a browser on the page this server serves would send."""
        return self.url

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "<no log>"

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """SIGSTOP the process for the block: it runs nothing (its sockets stay open), then SIGCONT."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def log_size(self) -> int:
        return self.log_path.stat().st_size

    def errors_since(self, offset: int, limit: int = 12) -> str:
        """The log's error lines (and exception messages) written after ``offset``."""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            lines = log.read().decode(errors="replace").splitlines()
        wanted = [
            line
            for line in lines
            if line and not line.startswith(" ") and ("Error" in line or "ERROR" in line or "Exception" in line)
        ]
        return "\n".join(wanted[-limit:]) or "<no errors logged>"

    def stop(self) -> None:
        stop_process(self.process, timeout=10)


def launch_server(env: dict[str, str], log_path: Path) -> Server:
    """Start the process, exactly as `make run` serves; ``wait_ready`` waits for it to serve."""
    port = free_port()
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command("127.0.0.1", port), cwd=BACKEND_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    return Server(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path)


def wait_ready(server: Server) -> Server:
    try:
        wait_until_ready(server.process, f"{server.url}/healthz", timeout=STARTUP_TIMEOUT, what="uvicorn")
    except NotReady as error:
        server.stop()
        raise RuntimeError(f"{error}:\n{server.log_tail()}") from None
    return server


@dataclass
class RedisProcess:
    """A private ``redis-server`` (no persistence) that a test may stop and start again on the same port."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, *, wait: bool = True) -> None:
        assert self.process is None or self.process.poll() is not None
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if wait:
            wait_until(self.ping, 10, what=f"redis-server on port {self.port} answering PING")
            self.assert_running()

    def assert_running(self) -> None:
        time.sleep(0.05)
        assert self.process is not None and self.process.poll() is None, (
            f"redis-server could not take port {self.port}: another process has it"
        )

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def subscribers(self, channel: str) -> int:
        """How many connections are subscribed to a pub/sub channel (0 if Redis does not answer)."""
        try:
            with redis.Redis.from_url(self.url, socket_timeout=0.5, socket_connect_timeout=0.5) as client:
                return int(dict(client.pubsub_numsub(channel)).get(channel.encode(), 0))
        except redis.RedisError:
            return 0

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=5)


def environ_base() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BACKEND_DIR), os.environ.get("PYTHONPATH", "")) if p)
    return env


# ---------------------------------------------------------------- HTTP


class Api:
    """An HTTP client of one server, signed in as one user (a real login: access + refresh tokens)."""

    def __init__(self, server: Server, user: Any, *, password: str = PASSWORD) -> None:
        self.server = server
        self.user = user
        self.http = httpx.Client(base_url=server.url + "/api/v1", timeout=15.0, trust_env=False)
        response = self.http.post("/auth/token/", json={"username": user.username, "password": password})
        assert response.status_code == 200, response.text
        self.access: str = response.json()["access"]
        self.refresh: str = response.json()["refresh"]
        self.http.headers["Authorization"] = f"Bearer {self.access}"
        self.others: list[Api] = []

    def on(self, server: Server) -> Api:
        """The same session, talking to another server process."""
        other = object.__new__(Api)
        other.server, other.user, other.access, other.refresh = server, self.user, self.access, self.refresh
        other.http = httpx.Client(base_url=server.url + "/api/v1", timeout=15.0, trust_env=False)
        other.http.headers["Authorization"] = f"Bearer {self.access}"
        other.others = []
        self.others.append(other)
        return other

    def close(self) -> None:
        for other in self.others:
            other.close()
        self.http.close()

    def ticket(self) -> str:
        response = self.http.post("/auth/ws-ticket/")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["expires_in"] == 30 and body["url"] == f"/ws/?ticket={body['ticket']}", body
        return str(body["ticket"])

    def etag(self, path: str) -> str:
        response = self.http.get(path)
        assert response.status_code == 200, response.text
        return str(response.headers["ETag"])

    def patch_project(self, project_id: int, **data: Any) -> httpx.Response:
        path = f"/projects/{project_id}/"
        response = self.http.patch(path, json=data, headers={"If-Match": self.etag(path)})
        return response

    def update_project(self, project_id: int, **data: Any) -> dict[str, Any]:
        response = self.patch_project(project_id, **data)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def add_milestone(self, project_id: int, title: str) -> dict[str, Any]:
        response = self.http.post(f"/projects/{project_id}/milestones/", json={"title": title})
        assert response.status_code == 201, response.text
        return dict(response.json())

    def socket(self, server: Server | None = None, **kwargs: Any) -> Socket:
        """A websocket to ``server`` (default: this API's) opened with a fresh ticket and welcomed."""
        target = server or self.server
        sock = Socket.open(target, self.ticket(), **kwargs)
        welcome = sock.next()
        assert welcome == {"type": "welcome", "user_id": self.user.pk}, welcome
        return sock


# ---------------------------------------------------------------- websocket


@dataclass
class Socket:
    conn: ClientConnection
    received: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None

    @classmethod
    def open(cls, server: Server, ticket: str | None, *, origin: str | None = "same", **kwargs: Any) -> Socket:
        url = server.ws_url if ticket is None else f"{server.ws_url}?ticket={ticket}"
        conn = connect(
            url,
            origin=server.origin if origin == "same" else origin,  # type: ignore[arg-type]
            proxy=None,
            open_timeout=5,
            close_timeout=2,
            **kwargs,
        )
        sock = cls(conn)
        OPEN_SOCKETS.append(sock)
        return sock

    def send(self, message: Any) -> None:
        self.conn.send(message if isinstance(message, str | bytes) else json.dumps(message))

    def next(self, timeout: float = 3.0) -> dict[str, Any]:
        """The next message (schema-checked); TimeoutError if none within ``timeout``."""
        try:
            raw = self.conn.recv(timeout=timeout)
        except ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd else None
            raise
        message = json.loads(raw)
        errors = schema_errors(message)
        assert not errors, f"message violates event.schema.json: {errors}\n{message}"
        self.received.append(message)
        return dict(message)

    def subscribe(self, topic: str) -> None:
        self.send({"type": "subscribe", "topic": topic})
        answer = self.next()
        assert answer == {"type": "subscribed", "topic": topic}, answer

    def events(self, count: int, timeout: float = 3.0) -> list[dict[str, Any]]:
        """Exactly the next ``count`` messages, each of which must be an event."""
        deadline = time.monotonic() + timeout
        out = []
        while len(out) < count:
            remaining = deadline - time.monotonic()
            try:
                message = self.next(timeout=max(remaining, 0.01))
            except TimeoutError:
                raise AssertionError(
                    f"expected {count} events within {timeout}s, got {len(out)}: {[e['id'] for e in out]}"
                ) from None
            assert is_event(message), f"expected an event, got {message}"
            out.append(message)
        return out

    def event(self, timeout: float = 3.0) -> dict[str, Any]:
        return self.events(1, timeout)[0]

    def collect(self, seconds: float) -> list[dict[str, Any]]:
        """Every message arriving within ``seconds``."""
        deadline = time.monotonic() + seconds
        out = []
        while (remaining := deadline - time.monotonic()) > 0:
            try:
                out.append(self.next(timeout=remaining))
            except TimeoutError:
                break
        return out

    def assert_quiet(self, seconds: float = QUIET) -> None:
        unexpected = self.collect(seconds)
        assert not unexpected, f"expected nothing for {seconds}s, got {unexpected}"

    def wait_closed(self, timeout: float = 3.0) -> tuple[int | None, list[dict[str, Any]]]:
        """(close code, messages received before the close); AssertionError if still open after ``timeout``."""
        deadline = time.monotonic() + timeout
        before: list[dict[str, Any]] = []
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"socket still open after {timeout}s; received {before}")
            try:
                before.append(self.next(timeout=remaining))
            except TimeoutError:
                continue
            except ConnectionClosed:
                return self.close_code, before

    def close(self) -> None:
        self.conn.close()


def rejected_handshake_status(server: Server, ticket: str | None, origin: str | None) -> int | None:
    """The HTTP status a refused handshake got, or None if it was accepted."""
    try:
        sock = Socket.open(server, ticket, origin=origin)
    except InvalidStatus as refused:
        return int(refused.response.status_code)
    sock.close()
    return None


def ids(events: Iterable[dict[str, Any]]) -> list[int]:
    return [int(e["id"]) for e in events]
