"""Scale-out on one machine: two api processes and two Celery workers behind the real nginx config.

Everything is real: PostgreSQL and Redis (a fresh ``<test database>_scaleout`` database and the
test Redis), ``uvicorn config.asgi:application`` and ``celery -A config worker`` started the way
the backend image starts them (production settings), and nginx 1.22 running the configuration
rendered from ``deployment/nginx`` with loopback upstreams. Websocket clients and HTTP clients go
through nginx, as browsers do.

Scenarios (each returns the facts it measured and raises AssertionError when one is wrong):

* ``fan_out``: changes made through api process A reach every websocket client connected
  through nginx, those on B included, every event in order.
* ``bulk_either_worker``: bulk operations are taken by whichever worker is free.
* ``api_killed``: ``kill -9`` of api B while changes keep coming through A; B's clients reconnect
  through nginx (which now sends them to A), ``resume`` from the last id they saw, and end up
  with every event, in order, with no gap.
* ``worker_killed``: ``kill -9`` of the worker running a 4,000-project operation; the other
  worker takes it over and completes it exactly once.

Run by hand (the backend venv's Python; needs PostgreSQL, Redis and /usr/sbin/nginx)::

    TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/pulse_dev \\
    TEST_REDIS_URL=redis://127.0.0.1:6379/10 .venv/bin/python deployment/scale/scaleout.py

``make test-deploy`` runs the same scenarios as tests (deployment/tests/test_scaleout.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
import redis
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "backend"
NGINX = "/usr/sbin/nginx"
PASSWORD = "scale-out-password-7261"
VISIBILITY_TIMEOUT = 3600  # CELERY_BROKER_TRANSPORT_OPTIONS in config/settings/celery.py
BULK_SIZE = 400
CRASH_SIZE = 4000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f}s")
        time.sleep(interval)


# ---------------------------------------------------------------- processes


@dataclass
class Proc:
    name: str
    command: list[str]
    log_path: Path
    env: dict[str, str]
    cwd: Path = BACKEND
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=self.cwd,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 reaches a worker's pool too
            )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def kill9(self) -> None:
        """SIGKILL the whole process group, as when a machine dies."""
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if not self.alive:
            return
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill9()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


# ---------------------------------------------------------------- clients


class Api:
    """HTTP through nginx (or straight to one api process), logged in as one user."""

    def __init__(self, base_url: str, username: str) -> None:
        self.http = httpx.Client(base_url=base_url + "/api/v1", timeout=30.0, trust_env=False)
        response = self.http.post("/auth/token/", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.access = response.json()["access"]
        self.http.headers["Authorization"] = f"Bearer {self.access}"

    def direct(self, base_url: str) -> httpx.Client:
        """Another client with the same token, talking to ``base_url``."""
        client = httpx.Client(base_url=base_url + "/api/v1", timeout=30.0, trust_env=False)
        client.headers["Authorization"] = f"Bearer {self.access}"
        return client

    def ticket(self) -> str:
        response = self.http.post("/auth/ws-ticket/")
        assert response.status_code == 201, response.text
        return str(response.json()["ticket"])


def patch_project(client: httpx.Client, project_id: int, description: str) -> int:
    path = f"/projects/{project_id}/"
    current = client.get(path)
    assert current.status_code == 200, current.text
    response = client.patch(path, json={"description": description}, headers={"If-Match": current.headers["ETag"]})
    assert response.status_code == 200, response.text
    return int(response.json()["version"])


@dataclass
class Client:
    """One websocket, opened through nginx; ``server`` is the api process that accepted it."""

    conn: ClientConnection
    ticket: str
    server: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False

    def recv(self, timeout: float) -> dict[str, Any] | None:
        try:
            message = json.loads(self.conn.recv(timeout=timeout))
        except TimeoutError:
            return None
        except ConnectionClosed:
            self.closed = True
            return None
        if {"id", "version", "project_id"} <= message.keys():
            self.events.append(message)
        return dict(message)

    def expect(self, kind: str, timeout: float = 5.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            message = self.recv(deadline - time.monotonic())
            if message is not None and message.get("type") == kind:
                return message
            if self.closed:
                break
        raise AssertionError(f"no {kind!r} message within {timeout}s (closed={self.closed})")

    def versions(self) -> list[int]:
        return [int(e["version"]) for e in self.events]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()


# ---------------------------------------------------------------- the cluster

SEED = """
import json
from pulse.accounts.services import user_create
from tests.background.support import bulk_projects
owner = user_create(username="scale-owner", email="scale-owner@example.test", password={password!r})
watcher = user_create(username="scale-watcher", email="scale-watcher@example.test", password={password!r})
from pulse.projects.models import Role
live = bulk_projects(owner, 3, members=((watcher, Role.STAKEHOLDER),))
bulk = bulk_projects(owner, {bulk} * 4)
crash = bulk_projects(owner, {crash})
print("SEED" + json.dumps({{
    "live": [p.pk for p in live],
    "bulk": [[p.pk for p in bulk[i * {bulk}:(i + 1) * {bulk}]] for i in range(4)],
    "crash": [p.pk for p in crash],
}}))
"""


class Cluster:
    """api A and B, worker A and B, nginx in front; a fresh database; logs in ``workdir``."""

    def __init__(self, database_url: str, redis_url: str, workdir: Path | None = None) -> None:
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="pulse-scaleout-"))
        # nginx's workers run as an unprivileged user when it starts as root: they read the SPA
        # files and write temp files under this folder.
        self.workdir.chmod(0o755)
        base = urlsplit(database_url).path.lstrip("/") or "pulse"
        self.db_name = f"{base}_scaleout"
        self.database_url = with_database(database_url, self.db_name)
        self.admin_url = with_database(database_url, "postgres")
        self.redis_url = redis_url
        self.prefix = f"scaleout-{uuid.uuid4().hex[:8]}"
        self.api: dict[str, Proc] = {}
        self.ports: dict[str, int] = {}
        self.workers: dict[str, Proc] = {}
        self.nginx: Proc | None = None
        self.nginx_port = 0
        self.seed: dict[str, Any] = {}
        self.secret_key = secrets.token_urlsafe(48)

    # -- environment

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.django.production",
                "SECRET_KEY": self.secret_key,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CELERY_BROKER_URL": self.redis_url,
                "CHANNEL_LAYER_PREFIX": self.prefix,
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "NUM_PROXIES": "1",
                "SECURE_SSL_REDIRECT": "false",
                "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
                "LOGIN_THROTTLE_RATE": "1000/min",
                "LOGIN_USER_THROTTLE_RATE": "1000/min",
                "OUTBOX_SWEEP_SECONDS": "1",
                "LOG_LEVEL": "INFO",
                "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": str(BACKEND),
            }
        )
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BACKEND,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    # -- start / stop

    def start(self) -> Cluster:
        self._fresh_database()
        self._purge_broker()
        self.manage("migrate", "--no-input", "-v", "0")
        out = self.manage("shell", "-c", SEED.format(password=PASSWORD, bulk=BULK_SIZE, crash=CRASH_SIZE))
        self.seed = json.loads(next(line for line in out.splitlines() if line.startswith("SEED"))[4:])
        for name in ("a", "b"):
            self.ports[name] = free_port()
            self.api[name] = self._api_proc(name).start()
            self.workers[name] = self._worker_proc(name).start()
        self._start_nginx()
        for name, proc in self.api.items():
            wait_until(lambda p=proc, n=name: self._api_ready(p, n), 90, f"api {name} /healthz")
        for proc in self.workers.values():
            wait_until(lambda p=proc: self._worker_ready(p), 90, f"worker {proc.name} ready")
        wait_until(self._nginx_ready, 30, "nginx serving")
        return self

    def stop(self) -> None:
        for proc in [*self.api.values(), *self.workers.values(), *([self.nginx] if self.nginx else [])]:
            proc.stop()
        with contextlib.suppress(psycopg.Error), psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')

    def _fresh_database(self) -> None:
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.db_name}"')

    def broker(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url)

    def _purge_broker(self) -> None:
        """This run's broker starts empty: no task left by an earlier run is picked up."""
        with self.broker() as client:
            client.delete("celery", "unacked", "unacked_index", "unacked_mutex")

    def _api_proc(self, name: str) -> Proc:
        command = [
            sys.executable, "-m", "uvicorn", "config.asgi:application",
            "--host", "127.0.0.1", "--port", str(self.ports[name]),
            "--lifespan", "on", "--proxy-headers", "--forwarded-allow-ips", "127.0.0.1",
            "--no-server-header", "--ws-per-message-deflate", "false",
            "--log-level", "info", "--no-access-log",
        ]  # fmt: skip
        return Proc(f"api-{name}", command, self.workdir / f"api-{name}.log", self.env())

    def _worker_proc(self, name: str) -> Proc:
        command = [
            sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info",
            "--concurrency", "1", "--pool", "prefork", "-n", f"scale-{name}@%h",
            "--without-mingle", "--without-gossip",
        ]  # fmt: skip
        return Proc(f"worker-{name}", command, self.workdir / f"worker-{name}.log", self.env())

    def _start_nginx(self) -> None:
        dist = self.workdir / "dist"
        (dist / "assets").mkdir(parents=True)
        (dist / "index.html").write_text('<!doctype html><title>Pulse</title><div id="root"></div>\n')
        (dist / "assets" / "index-0a1b2c3d.js").write_text("console.log('pulse');\n")
        for path in (dist, dist / "assets"):
            path.chmod(0o755)
        conf = self.workdir / "nginx"
        self.nginx_port = free_port()
        env = {
            **os.environ,
            "PULSE_API_UPSTREAMS": f"127.0.0.1:{self.ports['a']},127.0.0.1:{self.ports['b']}",
            "PULSE_LISTEN_PORT": str(self.nginx_port),
            "PULSE_SPA_ROOT": str(dist),
            "PULSE_NGINX_RUN_DIR": str(self.workdir / "nginx-run"),
            # The scenarios fetch a ticket per socket from one address; the shipped limits are
            # exercised by deployment/tests/test_nginx_edge.py.
            "PULSE_AUTH_RATE": "6000r/m",
            "PULSE_AUTH_BURST": "500",
        }
        subprocess.run(
            ["sh", str(REPO / "deployment" / "nginx" / "render.sh"), str(conf)],
            env=env,
            check=True,
            capture_output=True,
        )
        self.nginx = Proc(
            "nginx", [NGINX, "-c", str(conf / "nginx.conf"), "-g", "daemon off;"], self.workdir / "nginx.log", env
        ).start()

    def _api_ready(self, proc: Proc, name: str) -> bool:
        assert proc.alive, f"{proc.name} exited:\n{proc.tail()}"
        try:
            return httpx.get(f"{self.url(name)}/healthz", timeout=2, trust_env=False).status_code == 200
        except httpx.TransportError:
            return False

    @staticmethod
    def _worker_ready(proc: Proc) -> bool:
        assert proc.alive, f"{proc.name} exited:\n{proc.tail()}"
        return " ready." in proc.log()

    def _nginx_ready(self) -> bool:
        assert self.nginx is not None and self.nginx.alive, f"nginx exited:\n{self.nginx.tail() if self.nginx else ''}"
        try:
            return httpx.get(f"{self.edge}/", timeout=2, trust_env=False).status_code == 200
        except httpx.TransportError:
            return False

    # -- addresses and clients

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def edge(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    def login(self, username: str = "scale-owner") -> Api:
        return Api(self.edge, username)

    def accepted_by(self, ticket: str) -> str:
        """Which api process accepted the websocket with this ticket (uvicorn logs the handshake)."""

        def find() -> str:
            for name, proc in self.api.items():
                if ticket in proc.log():
                    return name
            return ""

        return str(wait_until(find, 5, f"handshake of ticket {ticket[:6]}… in an api log"))

    def open_socket(self, api: Api, project_id: int, ticket: str | None = None) -> Client:
        ticket = ticket or api.ticket()
        ws_url = f"ws://127.0.0.1:{self.nginx_port}/ws/?ticket={ticket}"
        conn = connect(ws_url, origin=self.edge, proxy=None, open_timeout=10, close_timeout=2)  # type: ignore[arg-type]
        client = Client(conn=conn, ticket=ticket)
        client.expect("welcome")
        client.conn.send(json.dumps({"type": "subscribe", "topic": f"project:{project_id}"}))
        client.expect("subscribed")
        client.server = self.accepted_by(ticket)
        return client

    def sockets_on_both(self, api: Api, project_id: int, per_server: int = 2, limit: int = 16) -> list[Client]:
        """Sockets through nginx until each api process holds at least ``per_server`` of them.

        Tickets are fetched first, all of them, so the handshakes alone alternate between the
        upstreams (a ticket request between two handshakes would make every handshake land on
        the same process under round robin).
        """
        clients: list[Client] = []
        while len(clients) < limit:
            for ticket in [api.ticket() for _ in range(4)]:
                clients.append(self.open_socket(api, project_id, ticket))
            counts = {name: sum(c.server == name for c in clients) for name in self.api}
            if min(counts.values()) >= per_server:
                return clients
        raise AssertionError(f"nginx never balanced the sockets: {[c.server for c in clients]}")


def collect_versions(clients: list[Client], expected: list[int], timeout: float) -> None:
    """Read every client until it has seen each expected version of the project (or time runs out)."""
    deadline = time.monotonic() + timeout
    for client in clients:
        while set(expected) - set(client.versions()) and time.monotonic() < deadline and not client.closed:
            client.recv(min(0.5, max(deadline - time.monotonic(), 0.01)))


def assert_in_order_without_gap(client: Client, expected: list[int], what: str) -> None:
    ids = [int(e["id"]) for e in client.events]
    assert ids == sorted(set(ids)), f"{what}: event ids out of order or repeated: {ids}"
    versions = client.versions()
    assert versions == expected, f"{what}: got versions {versions}, expected {expected}"


# ---------------------------------------------------------------- scenarios


def fan_out(cluster: Cluster, writes: int = 15) -> dict[str, Any]:
    """Changes through api A reach every socket, on A and on B, each event once and in order."""
    project_id = cluster.seed["live"][0]
    api = cluster.login()
    clients = cluster.sockets_on_both(api, project_id)
    try:
        direct_a = api.direct(cluster.url("a"))
        expected = [patch_project(direct_a, project_id, f"fan-out {i}") for i in range(writes)]
        assert expected == list(range(expected[0], expected[0] + writes)), expected
        collect_versions(clients, expected, timeout=20)
        for n, client in enumerate(clients):
            assert_in_order_without_gap(client, expected, f"socket {n} on api {client.server}")
        return {
            "sockets": {name: sum(c.server == name for c in clients) for name in cluster.api},
            "events_per_socket": writes,
        }
    finally:
        for client in clients:
            client.close()


def _received(worker: Proc) -> list[str]:
    """Task ids of the bulk operations this worker has received."""
    return re.findall(r"bulk_operation_run_task\[([0-9a-f-]+)\] received", worker.log())


def _submit(api: Api, project_ids: list[int]) -> int:
    items = [{"id": pid, "etag": f'"project-{pid}-v1"'} for pid in project_ids]
    response = api.http.post(
        "/bulk-operations/",
        json={"action": "transition", "items": items, "params": {"name": "start"}},
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert response.status_code == 202, response.text
    return int(response.json()["id"])


def _operation(api: Api, operation_id: int) -> dict[str, Any]:
    response = api.http.get(f"/bulk-operations/{operation_id}/")
    assert response.status_code == 200, response.text
    return dict(response.json())


def _finished(api: Api, operation_id: int, timeout: float) -> dict[str, Any]:
    return dict(
        wait_until(
            lambda: (op := _operation(api, operation_id))["status"] in ("succeeded", "failed") and op,
            timeout,
            f"bulk operation {operation_id} finished",
            interval=0.2,
        )
    )


def bulk_either_worker(cluster: Cluster) -> dict[str, Any]:
    """Four operations submitted back to back: each worker takes some, every one succeeds once."""
    api = cluster.login()
    before = {name: len(_received(w)) for name, w in cluster.workers.items()}
    operations = [_submit(api, ids) for ids in cluster.seed["bulk"]]
    for operation_id in operations:
        op = _finished(api, operation_id, 120)
        assert op["status"] == "succeeded" and op["attempts"] == 1, op
        assert op["processed"] == BULK_SIZE, op
    taken = {name: len(_received(w)) - before[name] for name, w in cluster.workers.items()}
    assert sum(taken.values()) == len(operations), taken
    assert all(taken.values()), f"one worker took every operation: {taken}"
    return {"operations": len(operations), "taken": taken}


def api_killed(cluster: Cluster, writes: int = 30) -> dict[str, Any]:
    """kill -9 of api B mid-stream: its clients reconnect through nginx to A and resume without a gap."""
    project_id = cluster.seed["live"][1]
    api = cluster.login()
    clients = cluster.sockets_on_both(api, project_id)
    resumed: list[Client] = []
    try:
        direct_a = api.direct(cluster.url("a"))
        versions: list[int] = []
        errors: list[Exception] = []

        def writer() -> None:
            try:
                for i in range(writes):
                    versions.append(patch_project(direct_a, project_id, f"during failover {i}"))
                    time.sleep(0.05)
            except Exception as exc:  # re-raised by the main thread below
                errors.append(exc)

        thread = threading.Thread(target=writer, name="writer")
        thread.start()
        wait_until(lambda: len(versions) >= writes // 3, 30, "first third of the writes")
        cluster.api["b"].kill9()
        on_b = [c for c in clients if c.server == "b"]
        for client in on_b:  # nginx closes the client side when its upstream dies
            wait_until(lambda c=client: c.recv(0.2) is None and c.closed, 15, "socket on B closed")
        for client in on_b:
            last_id = max((int(e["id"]) for e in client.events), default=0)
            again = cluster.open_socket(api, project_id)
            assert again.server == "a", f"reconnected to {again.server}"
            again.events = list(client.events)  # what this browser tab had already shown
            again.conn.send(json.dumps({"type": "resume", "last_id": last_id}))
            resumed.append(again)
        thread.join(timeout=60)
        assert not errors, errors
        assert len(versions) == writes
        survivors = [c for c in clients if c.server == "a"]
        collect_versions([*survivors, *resumed], versions, timeout=20)
        for n, client in enumerate(survivors):
            assert_in_order_without_gap(client, versions, f"socket {n} that stayed on A")
        for n, client in enumerate(resumed):
            assert_in_order_without_gap(client, versions, f"socket {n} resumed on A after B died")
        seen_before = [sum(1 for _ in c.events) for c in on_b]
        return {"resumed": len(resumed), "stayed": len(survivors), "events_before_kill": seen_before, "writes": writes}
    finally:
        for client in [*clients, *resumed]:
            client.close()


def worker_killed(cluster: Cluster) -> dict[str, Any]:
    """kill -9 of the worker running an operation: the other completes it, exactly once."""
    api = cluster.login()
    before = {name: len(_received(w)) for name, w in cluster.workers.items()}
    operation_id = _submit(api, cluster.seed["crash"])

    def running() -> str:
        op = _operation(api, operation_id)
        assert op["status"] != "succeeded", "finished before it could be interrupted"
        if op["status"] == "running" and op["phase"] == "writing":
            return next((n for n, w in cluster.workers.items() if len(_received(w)) > before[n]), "")
        return ""

    victim = str(wait_until(running, 90, "operation writing", interval=0.02))
    [survivor] = [n for n in cluster.workers if n != victim]
    task_id = _received(cluster.workers[victim])[-1]
    cluster.workers[victim].kill9()
    # Nothing is left to requeue the message: it waits in the unacked set until the visibility
    # timeout has passed. Move it one timeout into the past (what the clock would do in an hour);
    # the surviving worker restores it on its next periodic check.
    with cluster.broker() as broker:
        unacked = wait_until(lambda: broker.zrange("unacked_index", 0, -1, withscores=True), 10, "unacked message")
        assert len(unacked) == 1, unacked
        broker.zadd("unacked_index", {tag: score - VISIBILITY_TIMEOUT - 1 for tag, score in unacked})
    op = _finished(api, operation_id, 180)
    assert op["status"] == "succeeded", (op, cluster.workers[survivor].tail())
    assert op["attempts"] == 2 and op["processed"] == CRASH_SIZE, op
    assert task_id in _received(cluster.workers[survivor]), "the surviving worker did not take the task"
    first = cluster.seed["crash"][0]
    project = api.http.get(f"/projects/{first}/").json()
    assert project["status"] == "active" and project["version"] == 2, project  # applied once
    with cluster.broker() as broker:
        wait_until(lambda: broker.zcard("unacked_index") == 0, 30, "message acknowledged")
    return {"victim": victim, "survivor": survivor, "attempts": op["attempts"], "processed": op["processed"]}


SCENARIOS: dict[str, Callable[[Cluster], dict[str, Any]]] = {
    "fan_out": fan_out,
    "bulk_either_worker": bulk_either_worker,
    "api_killed": api_killed,
    "worker_killed": worker_killed,
}


@contextlib.contextmanager
def running_cluster(database_url: str, redis_url: str) -> Iterator[Cluster]:
    cluster = Cluster(database_url, redis_url)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def main() -> int:
    database_url = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    assert shutil.which(NGINX), f"{NGINX} is needed (apt-get install nginx)"
    report: dict[str, Any] = {}
    with running_cluster(database_url, redis_url) as cluster:
        print(f"logs in {cluster.workdir}", flush=True)
        for name, scenario in SCENARIOS.items():
            started = time.monotonic()
            report[name] = {**scenario(cluster), "seconds": round(time.monotonic() - started, 1)}
            print(f"{name}: ok {json.dumps(report[name])}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
