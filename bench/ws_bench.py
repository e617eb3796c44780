#!/usr/bin/env python
"""Websocket fan-out benchmark: one project, many subscribers, a steady stream of API writes.

For each channel layer (``--layer pubsub``, ``core`` or ``both``, the default), in one run:

1. (Once) recreate a separate database (``pulse_wsbench``, never the one in DATABASE_URL), migrate
   it with ``manage.py``, create the bench user with the ORM.
2. Serve ``config.asgi:application`` with uvicorn (1 worker, REDIS_URL set). ``pubsub`` uses
   ``config.django.test`` (which picks ``RedisPubSubChannelLayer`` when REDIS_URL is set); ``core``
   uses ``bench/settings_core_layer.py``, the same settings with ``channels_redis.core.RedisChannelLayer``.
3. Through the API: log in, create a project, then open ``--clients`` websockets from this one
   asyncio process, each with its own ``POST /api/v1/auth/ws-ticket/``, ``welcome``, ``subscribe``
   to ``project:ID``, ``subscribed``.
4. Floor: redis-py asyncio PUBLISH→SUBSCRIBE round trips, ``--floor-samples`` of them with the
   sockets open but idle, and sampled again (10/s) during the measured phase.
5. One warm-up PATCH; then ``--rate`` PATCH/s for ``--seconds`` s, sequential, each with
   ``If-Match`` chained from the previous response's ETag. The request start time of every write is
   kept by the version it produced; events carry ``version``, so each receipt is matched to its write.
   Latency per (event, client) = receipt − request start. Lost = writes × clients − distinct
   (version, client) receipts within ``--drain`` s after the last write.
6. Print p50/p95/p99/max, lost, the floor and the ratios; server log problems; then the comparison
   of the layers. Writes bench/results/ws-<timestamp>.json and ws-latest.json.

The load generator (this process), the server, PostgreSQL and Redis share the machine. Receipt
times are taken in this process's event loop, so they include its own scheduling delay: the
"loop lag" line and the floor sampled under load show how much.

Usage: ``.venv/bin/python bench/ws_bench.py`` (``--layer pubsub --clients 200 --seconds 10`` for a
smoke run; ``--strict`` exits 1 when a run misses a target).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime
import json
import math
import os
import platform
import re
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import leanws
import psycopg
import redis.asyncio as aioredis
from benchkit import log, running, server_command, step
from psycopg import sql
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

try:
    import orjson

    loads = orjson.loads
except ImportError:  # pragma: no cover
    loads = json.loads

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BACKEND = REPO / "backend"
RESULTS = BENCH / "results"

LAYERS = {
    "pubsub": ("config.django.test", "channels_redis.pubsub.RedisPubSubChannelLayer"),
    "core": ("bench.settings_core_layer", "channels_redis.core.RedisChannelLayer"),
}
TARGETS = {"p50_ms": 50.0, "p99_ms": 250.0, "lost": 0}
PASSWORD = "wsbench-" + secrets.token_hex(8)
perf = time.perf_counter


@dataclass
class Config:
    layers: list[str]
    clients: int
    rate: float
    seconds: float
    floor_samples: int
    drain: float
    port: int
    workers: int
    connect_concurrency: int
    compression: str | None
    client: str
    redis_url: str
    strict: bool


def parse_args() -> Config:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layer", choices=["pubsub", "core", "both"], default="both")
    parser.add_argument("--clients", type=int, default=1000, help="websocket subscribers (default 1000)")
    parser.add_argument("--rate", type=float, default=10.0, help="PATCH requests per second (default 10)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured phase length (default 30)")
    parser.add_argument("--floor-samples", type=int, default=300, help="idle PUBLISH→SUBSCRIBE samples (300)")
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait for late events (15)")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="uvicorn worker processes (default $WEB_CONCURRENCY or 1, as uvicorn itself)",
    )
    parser.add_argument("--connect-concurrency", type=int, default=50, help="sockets opened at once (50)")
    parser.add_argument(
        "--compression",
        choices=["deflate", "none"],
        default="deflate",
        help="offer permessage-deflate like browsers do (default) or not",
    )
    parser.add_argument(
        "--client",
        choices=["lean", "websockets"],
        default="lean",
        help="load-generator socket: a bare asyncio protocol per socket (default; bench/leanws.py) or the "
        "websockets library client (about three times the CPU per message in this one process)",
    )
    parser.add_argument("--redis-url", default=os.environ.get("PULSE_WSBENCH_REDIS_URL", "redis://127.0.0.1:6379/12"))
    parser.add_argument("--strict", action="store_true", help="exit 1 when a run misses a target")
    args = parser.parse_args()
    return Config(
        layers=["pubsub", "core"] if args.layer == "both" else [args.layer],
        clients=args.clients,
        rate=args.rate,
        seconds=args.seconds,
        floor_samples=args.floor_samples,
        drain=args.drain,
        port=args.port,
        workers=args.workers,
        connect_concurrency=args.connect_concurrency,
        compression=None if args.compression == "none" else "deflate",
        client=args.client,
        redis_url=args.redis_url,
        strict=args.strict,
    )


# ------------------------------------------------------------------ statistics


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1], 3)

    return {
        "n": len(ordered),
        "p50": at(50),
        "p95": at(95),
        "p99": at(99),
        "p999": at(99.9),
        "max": round(ordered[-1], 3),
        "mean": round(statistics.fmean(ordered), 3),
        "min": round(ordered[0], 3),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 1) if a is not None and b else None


# ------------------------------------------------------------------ database and server


def database_urls() -> tuple[str, str, str]:
    """(bench URL, bench database name, maintenance URL). The bench database is never the app's."""
    parts = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse"))
    name = parts.path.lstrip("/") or "pulse"
    bench_name = os.environ.get("PULSE_WSBENCH_DB", "pulse_wsbench")
    if bench_name == name:
        raise SystemExit(f"refusing to use {name!r}: the benchmark drops its database")
    return (
        urlunsplit(parts._replace(path=f"/{bench_name}")),
        bench_name,
        urlunsplit(parts._replace(path="/postgres")),
    )


def recreate_database(maintenance_url: str, name: str) -> None:
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BACKEND, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# Ids start at a per-run value so the group names (project.<id>) never match a group left in Redis
# by an earlier run or by a test database (the pub/sub namespace is shared by every Redis db).
SETUP_CODE = """
import json
from django.db import connection
from pulse.accounts.models import User
with connection.cursor() as cursor:
    for table in ("accounts_user", "projects_project"):
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, {base}])
user = User.objects.create_user(
    username="wsbench", email="wsbench@bench.example", password={password!r}, display_name="WS bench"
)
print("WSBENCH " + json.dumps({{"user_id": user.pk}}))
"""


def setup_database(env: dict[str, str], maintenance_url: str, db_name: str) -> int:
    recreate_database(maintenance_url, db_name)
    manage(env, "migrate", "--no-input", "-v", "0")
    out = manage(env, "shell", "-c", SETUP_CODE.format(base=int(time.time()), password=PASSWORD))
    line = next(x for x in out.splitlines() if x.startswith("WSBENCH "))
    return int(json.loads(line.removeprefix("WSBENCH "))["user_id"])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log_path: Path


@contextlib.contextmanager
def serve(env: dict[str, str], port: int, log_path: Path, workers: int) -> Iterator[Server]:
    # `make run`'s server command (backend/pulse/ops/processes.py), with the process count.
    command = server_command("127.0.0.1", port, workers=workers)
    base = f"http://127.0.0.1:{port}"
    with running("uvicorn", command, env, log_path, f"{base}/healthz", stop_timeout=20) as process:
        yield Server(process, base, log_path)


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Timeout)\b")


def scan_log(path: Path, measured_end_offset: int) -> dict[str, Any]:
    """Warnings, errors and exceptions in the server log, split at the end of the measured phase.

    "during" covers start-up, connecting and the measured phase; "teardown" the closing of the
    sockets and the server's shutdown. Exceptions are keyed by their final line (the exception).
    """
    raw = path.read_bytes()
    parts = {"during": raw[:measured_end_offset], "teardown": raw[measured_end_offset:]}
    result: dict[str, Any] = {"path": str(path)}
    for name, chunk in parts.items():
        lines = chunk.decode(errors="replace").splitlines()
        flagged = collections.Counter(
            _log_key(line)
            for line in lines
            if EXCEPTION_LINE.match(line) or re.search(r"\b(ERROR|WARNING|CRITICAL)\b|sweep published", line)
        )
        result[name] = {
            "lines": len(lines),
            "tracebacks": sum(1 for line in lines if line.startswith("Traceback")),
            "errors": sum(1 for line in lines if re.search(r"\b(ERROR|CRITICAL)\b", line)),
            "warnings": sum(1 for line in lines if re.search(r"\bWARNING\b", line)),
            "sweep_published": sum(1 for line in lines if "sweep published" in line),
            "top": [{"count": n, "line": key} for key, n in flagged.most_common(12)],
        }
    return result


def _log_key(line: str) -> str:
    parts = line.split(" ", 2)  # drop the timestamp of "YYYY-MM-DD HH:MM:SS,mmm LEVEL logger message"
    key = parts[2] if len(parts) == 3 and parts[0][:2].isdigit() else line
    return key[:200]


# ------------------------------------------------------------------ CPU accounting


def _process_tree(pid: int) -> list[int]:
    """The server and its worker processes (uvicorn --workers N forks N children)."""
    pids = [pid]
    for parent in pids:
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as f:
                pids.extend(int(x) for x in f.read().split())
        except OSError:
            pass
    return pids


def _cpu_seconds(pid: int, ticks: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / ticks


def cpu_snapshot(pid: int) -> dict[str, float]:
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        total = [int(x) for x in f.readline().split()[1:]]
    idle = total[3] + total[4]
    return {
        "wall": perf(),
        "server": sum(_cpu_seconds(p, ticks) for p in _process_tree(pid)),
        "bench": time.process_time(),
        "machine_busy": (sum(total) - idle) / ticks,
        "machine_total": sum(total) / ticks,
    }


def machine_busy(seconds: float = 2.0) -> float:
    """Percent of all CPUs busy over ``seconds``: other work on the machine skews every figure."""

    def read() -> tuple[int, int]:
        with open("/proc/stat") as f:
            total = [int(x) for x in f.readline().split()[1:]]
        return sum(total), total[3] + total[4]

    t0, i0 = read()
    time.sleep(seconds)
    t1, i1 = read()
    return round(100 * (1 - (i1 - i0) / max(1, t1 - t0)), 1)


def cpu_usage(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    wall = b["wall"] - a["wall"]
    busy = (b["machine_busy"] - a["machine_busy"]) / max(1e-9, b["machine_total"] - a["machine_total"])
    return {
        "server_process_cores": round((b["server"] - a["server"]) / wall, 2),
        "load_generator_cores": round((b["bench"] - a["bench"]) / wall, 2),
        "machine_busy_pct": round(100 * busy, 1),
        "cpus": os.cpu_count() or 0,
    }


# ------------------------------------------------------------------ clients


@dataclass
class Shared:
    project_id: int
    counts: collections.Counter[int] = field(default_factory=collections.Counter)
    event_ts: dict[int, str] = field(default_factory=dict)
    other_types: collections.Counter[str] = field(default_factory=collections.Counter)
    ticket_retries: int = 0
    failed_after_ticket: list[float] = field(default_factory=list)


@dataclass
class Client:
    index: int
    ws: ClientConnection | leanws.LeanSocket | None = None
    task: asyncio.Task[None] | None = None
    got: dict[int, float] = field(default_factory=dict)
    duplicates: int = 0
    connect_seconds: float = 0.0
    closed: str | None = None

    def on_message(self, raw: str | bytes, received: float, shared: Shared) -> None:
        message = loads(raw)
        version = message.get("version")
        if message.get("project_id") == shared.project_id and "id" in message and version is not None:
            if version in self.got:
                self.duplicates += 1
            else:
                self.got[version] = received
                shared.counts[version] += 1
                if version not in shared.event_ts:
                    shared.event_ts[version] = message.get("ts", "")
        else:
            shared.other_types[str(message.get("type"))] += 1

    async def read(self, shared: Shared) -> None:
        """The ``websockets`` library client's read loop (``--client websockets``)."""
        assert self.ws is not None
        try:
            async for raw in self.ws:
                self.on_message(raw, perf(), shared)
        except ConnectionClosed as exc:
            self.closed = f"{exc.rcvd.code if exc.rcvd else 'none'} {exc.rcvd.reason if exc.rcvd else ''}".strip()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.closed = f"error {type(exc).__name__}: {exc}"[:200]
        else:
            self.closed = f"{self.ws.close_code} {self.ws.close_reason or ''}".strip()


async def subscribe(
    recv: Callable[[], Awaitable[str | bytes]], send: Callable[[str], Awaitable[None]], project_id: int
) -> None:
    """The opening exchange of every bench socket: ``welcome``, ``subscribe project:ID``, ``subscribed``."""
    welcome = loads(await recv())
    if welcome.get("type") != "welcome":
        raise RuntimeError(f"expected welcome, got {welcome}")
    await send(json.dumps({"type": "subscribe", "topic": f"project:{project_id}"}))
    answer = loads(await recv())
    if answer.get("type") != "subscribed":
        raise RuntimeError(f"expected subscribed, got {answer}")


async def open_client(
    client: Client, http: httpx.AsyncClient, ws_base: str, shared: Shared, cfg: Config, gate: asyncio.Semaphore
) -> None:
    async with gate:
        started = perf()
        for attempt in range(3):  # a pooled keep-alive connection the server just closed: retry once or twice
            try:
                response = await http.post("/api/v1/auth/ws-ticket/")
                break
            except httpx.TransportError:
                if attempt == 2:
                    raise
                shared.ticket_retries += 1
        response.raise_for_status()
        ticket = response.json()["ticket"]
        issued = perf()
        if cfg.client == "lean":
            await _open_lean(client, f"{ws_base}/ws/?ticket={ticket}", shared, issued)
            client.connect_seconds = perf() - started
            return
        try:
            ws = await connect(
                f"{ws_base}/ws/?ticket={ticket}",
                open_timeout=60,
                close_timeout=5,
                ping_interval=None,
                compression=cfg.compression,
                max_queue=None,
            )
        except BaseException:
            shared.failed_after_ticket.append(perf() - issued)
            raise
        try:
            await subscribe(lambda: asyncio.wait_for(ws.recv(), 30), ws.send, shared.project_id)
        except BaseException:
            shared.failed_after_ticket.append(perf() - issued)
            await ws.close()
            raise
        client.ws = ws
        client.connect_seconds = perf() - started
        client.task = asyncio.create_task(client.read(shared))


async def _open_lean(client: Client, url: str, shared: Shared, issued: float) -> None:
    def on_text(payload: bytes, received: float) -> None:
        client.on_message(payload, received, shared)

    try:
        ws = await leanws.connect(url, on_text)
    except BaseException:
        shared.failed_after_ticket.append(perf() - issued)
        raise

    async def send(text: str) -> None:
        ws.send_text(text)

    try:
        await subscribe(lambda: ws.recv_text(30), send, shared.project_id)
    except BaseException:
        shared.failed_after_ticket.append(perf() - issued)
        await ws.close()
        raise

    def closed(done: asyncio.Future[tuple[int | None, str]]) -> None:
        code, reason = done.result()
        client.closed = f"{code if code is not None else 'none'} {reason}".strip()

    ws.closed.add_done_callback(closed)
    client.ws = ws


async def close_clients(clients: list[Client]) -> None:
    gate = asyncio.Semaphore(200)

    async def close(client: Client) -> None:
        if client.ws is None:
            return
        async with gate:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.ws.close(), 10)
        if client.task is not None:
            client.task.cancel()
            with contextlib.suppress(BaseException):
                await client.task

    await asyncio.gather(*(close(c) for c in clients))


# ------------------------------------------------------------------ floor


class Floor:
    """Redis PUBLISH → SUBSCRIBE round trip with redis-py asyncio, in this process's event loop."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.channel = f"wsbench:floor:{secrets.token_hex(6)}"
        self.waiter: asyncio.Future[float] | None = None

    async def start(self) -> None:
        self.publisher = aioredis.from_url(self.url)
        self.subscriber = aioredis.from_url(self.url)
        self.pubsub = self.subscriber.pubsub()
        await self.pubsub.subscribe(self.channel)
        self.task = asyncio.create_task(self._listen())
        await self.sample()  # connections warm

    async def _listen(self) -> None:
        async for message in self.pubsub.listen():
            if message["type"] == "message" and self.waiter is not None and not self.waiter.done():
                self.waiter.set_result(perf())

    async def sample(self) -> float:
        self.waiter = asyncio.get_running_loop().create_future()
        started = perf()
        await self.publisher.publish(self.channel, b"x")
        received = await asyncio.wait_for(self.waiter, 10)
        return (received - started) * 1000

    async def stop(self) -> None:
        self.task.cancel()
        with contextlib.suppress(BaseException):
            await self.task
        await self.pubsub.aclose()
        await self.subscriber.aclose()
        await self.publisher.aclose()


# ------------------------------------------------------------------ one layer


@dataclass
class Write:
    index: int
    version: int
    start: float
    end: float
    wall_start: float
    late: float


async def write_stream(
    http: httpx.AsyncClient, project_id: int, etag: str, count: int, rate: float, label: str
) -> tuple[list[Write], list[str], str]:
    """Sequential PATCHes at ``rate``/s, If-Match chained, for ``count / rate`` seconds at most.

    A slow request delays the next one; a write that would start after the phase ends is not sent,
    so the phase keeps its length and the achieved rate says whether the API kept up.
    """
    writes: list[Write] = []
    failures: list[str] = []
    t0 = perf() + 0.05
    ends = t0 + count / rate
    for i in range(count):
        target = t0 + i / rate
        if perf() >= ends:
            break
        delay = target - perf()
        if delay > 0:
            await asyncio.sleep(delay)
        start, wall = perf(), time.time()
        response = await http.patch(
            f"/api/v1/projects/{project_id}/",
            json={"description": f"ws bench {label} change {i}"},
            headers={"If-Match": etag},
        )
        end = perf()
        if response.status_code == 200:
            etag = response.headers["ETag"]
            writes.append(Write(i, int(response.json()["version"]), start, end, wall, max(0.0, start - target)))
        else:
            failures.append(f"{response.status_code} {response.text[:200]}")
            current = await http.get(f"/api/v1/projects/{project_id}/")
            etag = current.headers.get("ETag", etag)
    return writes, failures, etag


async def lag_monitor(stop: asyncio.Event, out: list[float]) -> None:
    """How late this process's event loop wakes up a 10 ms sleep: its own contribution to receipt times."""
    while not stop.is_set():
        started = perf()
        await asyncio.sleep(0.01)
        out.append((perf() - started - 0.01) * 1000)


async def floor_under_load(floor: Floor, stop: asyncio.Event, out: list[float]) -> None:
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            out.append(await floor.sample())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.1)


async def wait_for_versions(shared: Shared, versions: list[int], expected: int, deadline: float) -> bool:
    while perf() < deadline:
        if all(shared.counts[v] >= expected for v in versions):
            return True
        await asyncio.sleep(0.05)
    return all(shared.counts[v] >= expected for v in versions)


def iso_to_epoch(ts: str) -> float | None:
    try:
        return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


async def run_layer(cfg: Config, layer: str, server: Server) -> dict[str, Any]:
    ws_base = server.base.replace("http://", "ws://")
    limits = httpx.Limits(
        max_connections=cfg.connect_concurrency + 10, max_keepalive_connections=cfg.connect_concurrency
    )
    async with httpx.AsyncClient(base_url=server.base, timeout=60, limits=limits) as http:
        login = await http.post("/api/v1/auth/token/", json={"username": "wsbench", "password": PASSWORD})
        login.raise_for_status()
        http.headers["Authorization"] = f"Bearer {login.json()['access']}"
        created = await http.post("/api/v1/projects/", json={"title": f"WS bench ({layer})"})
        created.raise_for_status()
        project_id, etag = int(created.json()["id"]), created.headers["ETag"]
        shared = Shared(project_id=project_id)

        # ---------------------------------------------------------- connect
        clients = [Client(i) for i in range(cfg.clients)]
        gate = asyncio.Semaphore(cfg.connect_concurrency)
        log(f"  project {project_id}; opening {cfg.clients} websockets ({cfg.connect_concurrency} at a time)")
        connect_started = perf()
        outcomes = await asyncio.gather(
            *(open_client(c, http, ws_base, shared, cfg, gate) for c in clients), return_exceptions=True
        )
        connect_seconds = perf() - connect_started
        connect_errors = collections.Counter(
            f"{type(o).__name__}: {o}"[:160] for o in outcomes if isinstance(o, BaseException)
        )
        live = [c for c in clients if c.ws is not None]
        log(
            f"  {len(live)}/{cfg.clients} subscribed in {connect_seconds:.1f}s"
            + (f"; failures: {dict(connect_errors.most_common(3))}" if connect_errors else "")
        )
        if not live:
            raise SystemExit(f"no websocket could subscribe: {dict(connect_errors)}")
        cpu_pid = server.process.pid

        # ---------------------------------------------------------- floor (idle) and warm-up
        floor = Floor(cfg.redis_url)
        await floor.start()
        floor_idle = [await floor.sample() for _ in range(cfg.floor_samples)]
        warm_writes, warm_failures, etag = await write_stream(http, project_id, etag, 1, 1.0, f"{layer} warm-up")
        warm_complete = await wait_for_versions(shared, [w.version for w in warm_writes], len(live), perf() + 10)
        log(
            f"  floor (idle) p50 {percentile(floor_idle, 50):.3f} ms; warm-up event reached "
            f"{shared.counts[warm_writes[0].version] if warm_writes else 0}/{len(live)} clients"
        )

        # ---------------------------------------------------------- measured phase
        count = round(cfg.rate * cfg.seconds)
        stop = asyncio.Event()
        lags: list[float] = []
        floor_loaded: list[float] = []
        cpu_before = cpu_snapshot(cpu_pid)
        helpers = [
            asyncio.create_task(lag_monitor(stop, lags)),
            asyncio.create_task(floor_under_load(floor, stop, floor_loaded)),
        ]
        log(f"  writing {count} PATCHes at {cfg.rate:g}/s ...")
        phase_started = perf()
        writes, failures, etag = await write_stream(http, project_id, etag, count, cfg.rate, layer)
        writes_done = perf()
        drain_deadline = writes_done + cfg.drain
        complete = await wait_for_versions(shared, [w.version for w in writes], len(live), drain_deadline)
        measured_end = perf()
        stop.set()
        await asyncio.gather(*helpers)
        cpu_after = cpu_snapshot(cpu_pid)
        await floor.stop()
        closed_during_run = collections.Counter(c.closed for c in live if c.closed is not None)
        log_offset = server.log_path.stat().st_size
        await close_clients(clients)

    # -------------------------------------------------------------- figures
    latencies: list[float] = []
    first: list[float] = []
    last: list[float] = []
    before_row: list[float] = []
    lost = 0
    lost_by_version: dict[int, int] = {}
    for w in writes:
        arrivals = [c.got[w.version] for c in live if w.version in c.got and c.got[w.version] <= measured_end]
        missing = len(live) - len(arrivals)
        lost += missing
        if missing:
            lost_by_version[w.version] = missing
        if not arrivals:
            continue
        these = [(t - w.start) * 1000 for t in arrivals]
        latencies.extend(these)
        first.append(min(these))
        last.append(max(these))
        created = iso_to_epoch(shared.event_ts.get(w.version, ""))
        if created is not None:
            before_row.append((created - w.wall_start) * 1000)
    lat = summary(latencies)
    idle = summary(floor_idle)
    loaded = summary(floor_loaded)
    patch = summary([(w.end - w.start) * 1000 for w in writes])
    duplicates = sum(c.duplicates for c in live)
    span = (writes[-1].start - writes[0].start) if len(writes) > 1 else 0.0
    result: dict[str, Any] = {
        "layer": layer,
        "backend": LAYERS[layer][1],
        "settings": LAYERS[layer][0],
        "project_id": project_id,
        "clients": {
            "requested": cfg.clients,
            "subscribed": len(live),
            "connect_seconds": round(connect_seconds, 1),
            "connect_each_ms": summary([c.connect_seconds * 1000 for c in live]),
            "connect_errors": dict(connect_errors),
            "ticket_retries": shared.ticket_retries,
            "failed_seconds_after_ticket": summary(shared.failed_after_ticket),
            "closed_during_run": dict(closed_during_run),
        },
        "writes": {
            "requested": count,
            "ok": len(writes),
            "failed": failures[:20],
            "achieved_rate": round((len(writes) - 1) / span, 2) if span else None,
            "kept_rate": len(writes) + len(failures) >= count,
            "started_late_over_10ms": sum(1 for w in writes if w.late > 0.01),
            "patch_ms": patch,
            "warm_up_complete": warm_complete,
            "warm_up_failures": warm_failures,
        },
        "expected": len(writes) * len(live),
        "received": len(latencies),
        "lost": lost,
        "lost_by_version": dict(list(lost_by_version.items())[:50]),
        "duplicates": duplicates,
        "other_messages": dict(shared.other_types),
        "all_delivered_before_drain_deadline": complete,
        "drain_seconds_used": round(measured_end - writes_done, 2),
        "drain_limit": cfg.drain,
        "latency_ms": lat,
        "first_client_latency_ms": summary(first),
        "last_client_latency_ms": summary(last),
        "request_start_to_activity_row_ms": summary(before_row),
        "floor_idle_ms": idle,
        "floor_under_load_ms": loaded,
        "ratios": {
            "p50_over_floor_idle_p50": ratio(lat.get("p50"), idle.get("p50")),
            "p99_over_floor_idle_p99": ratio(lat.get("p99"), idle.get("p99")),
            "p50_over_floor_loaded_p50": ratio(lat.get("p50"), loaded.get("p50")),
            "p99_over_floor_loaded_p99": ratio(lat.get("p99"), loaded.get("p99")),
            "p50_over_patch_p50": ratio(lat.get("p50"), patch.get("p50")),
        },
        "load_generator_loop_lag_ms": summary(lags),
        "cpu_during_measured_phase": cpu_usage(cpu_before, cpu_after),
        "measured_phase_seconds": round(measured_end - phase_started, 1),
        "log_offset_measured_end": log_offset,
    }
    result["targets_met"] = {
        "p50": lat.get("p50", math.inf) <= TARGETS["p50_ms"],
        "p99": lat.get("p99", math.inf) <= TARGETS["p99_ms"],
        "lost": lost == TARGETS["lost"] and len(live) == cfg.clients,
    }
    return result


# ------------------------------------------------------------------ report


def fmt(stats: dict[str, Any], keys: tuple[str, ...] = ("p50", "p95", "p99", "max")) -> str:
    if not stats.get("n"):
        return "no samples"
    return "  ".join(f"{k} {stats[k]:.1f}" if stats[k] >= 10 else f"{k} {stats[k]:.3g}" for k in keys)


def print_run(r: dict[str, Any]) -> None:
    c, w, cpu, ratios, s = r["clients"], r["writes"], r["cpu_during_measured_phase"], r["ratios"], r["server_log"]
    missed = [k for k, v in r["targets_met"].items() if not v]
    two = ("p50", "p99")
    lines = [
        f"\n== {r['layer']}: {r['backend']}",
        f"  clients     {c['subscribed']}/{c['requested']} subscribed in {c['connect_seconds']}s",
        f"  writes      {w['ok']}/{w['requested']} PATCH ok, {w['achieved_rate']}/s achieved"
        + ("" if w["kept_rate"] else " (rate NOT kept: sequential PATCHes slower than the interval)"),
        f"  PATCH ms    {fmt(w['patch_ms'])}",
        f"  latency ms  {fmt(r['latency_ms'])}   (request start → receipt, {r['received']:,} receipts)",
        f"  first client of each event ms {fmt(r['first_client_latency_ms'])}",
        f"  last client of each event ms  {fmt(r['last_client_latency_ms'])}",
        f"  request start → activity row created ms {fmt(r['request_start_to_activity_row_ms'], two)}",
        f"  lost        {r['lost']:,} of {r['expected']:,} (not received {r['drain_limit']}s after the last write); "
        f"duplicates {r['duplicates']}",
        f"  targets     p50 ≤ {TARGETS['p50_ms']:g} ms, p99 ≤ {TARGETS['p99_ms']:g} ms, lost 0: "
        + ("MET" if not missed else "MISSED " + ", ".join(missed)),
        f"  floor ms    Redis PUBLISH→SUBSCRIBE idle {fmt(r['floor_idle_ms'], two)}; "
        f"under load {fmt(r['floor_under_load_ms'], two)}",
        f"  ratios      p50/floor p50 {ratios['p50_over_floor_idle_p50']}x (idle), "
        f"{ratios['p50_over_floor_loaded_p50']}x (under load)",
        f"              p99/floor p99 {ratios['p99_over_floor_idle_p99']}x (idle), "
        f"{ratios['p99_over_floor_loaded_p99']}x (under load)",
        f"  bench loop lag ms {fmt(r['load_generator_loop_lag_ms'], ('p50', 'p99', 'max'))}",
        f"  CPU         server {cpu['server_process_cores']} cores, load generator {cpu['load_generator_cores']} "
        f"cores, machine {cpu['machine_busy_pct']}% busy of {cpu['cpus']} (shared; "
        f"{r['machine_busy_before_pct']}% before the run)",
        *(
            f"  server log, {phase}: {s[phase]['tracebacks']} tracebacks, {s[phase]['errors']} errors, "
            f"{s[phase]['warnings']} warnings, {s[phase]['sweep_published']} sweep publishes"
            + "".join(f"\n    {item['count']:>5} x {item['line'][:150]}" for item in s[phase]["top"][:4])
            for phase in ("during", "teardown")
        ),
    ]
    if c["closed_during_run"]:
        lines.append(f"  closed during run: {c['closed_during_run']}")
    if c["connect_errors"]:
        lines.append(f"  connect errors: {c['connect_errors']}")
    log("\n".join(lines))


def compare(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    rows = [
        ("subscribed", lambda r: r["clients"]["subscribed"]),
        ("connect s", lambda r: r["clients"]["connect_seconds"]),
        ("p50 ms", lambda r: r["latency_ms"].get("p50")),
        ("p95 ms", lambda r: r["latency_ms"].get("p95")),
        ("p99 ms", lambda r: r["latency_ms"].get("p99")),
        ("max ms", lambda r: r["latency_ms"].get("max")),
        ("last client p99 ms", lambda r: r["last_client_latency_ms"].get("p99")),
        ("PATCH p50 ms", lambda r: r["writes"]["patch_ms"].get("p50")),
        ("lost", lambda r: r["lost"]),
        ("floor idle p50 ms", lambda r: r["floor_idle_ms"].get("p50")),
        ("p50 / floor", lambda r: r["ratios"]["p50_over_floor_idle_p50"]),
        ("p99 / floor", lambda r: r["ratios"]["p99_over_floor_idle_p99"]),
        ("server cores", lambda r: r["cpu_during_measured_phase"]["server_process_cores"]),
        ("errors during run", lambda r: r["server_log"]["during"]["errors"]),
        ("errors at teardown", lambda r: r["server_log"]["teardown"]["errors"]),
    ]
    names = list(runs)
    log("\n== comparison (same machine, same run)")
    log(f"  {'':<20}" + "".join(f"{n:>14}" for n in names))
    table = {}
    for label, get in rows:
        values = [get(runs[n]) for n in names]
        table[label] = dict(zip(names, values, strict=True))
        log(f"  {label:<20}" + "".join(f"{'-' if v is None else v:>14}" for v in values))
    if len(names) < 2:
        return {"table": table}

    def key(name: str) -> tuple[int, float, float]:
        r = runs[name]
        return (r["lost"], r["latency_ms"].get("p99", math.inf), r["latency_ms"].get("p50", math.inf))

    best = min(names, key=key)
    other = next(n for n in names if n != best)
    b, o = runs[best], runs[other]
    reason = (
        f"{best}: lost {b['lost']} vs {o['lost']}, p99 {b['latency_ms'].get('p99')} vs "
        f"{o['latency_ms'].get('p99')} ms, p50 {b['latency_ms'].get('p50')} vs {o['latency_ms'].get('p50')} ms"
    )
    close = (
        b["lost"] == o["lost"]
        and o["latency_ms"].get("p99", math.inf) <= 1.1 * b["latency_ms"].get("p99", math.inf)
        and o["latency_ms"].get("p50", math.inf) <= 1.1 * b["latency_ms"].get("p50", math.inf)
    )
    if close:
        reason += " (within 10%: a tie here; prefer one PUBLISH per event and no per-channel capacity)"
    log(f"  measured choice: {reason}")
    return {"table": table, "choice": best, "reason": reason, "within_noise": close}


def git_revision() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)  # noqa: S607
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True)  # noqa: S607
        return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except OSError:
        return "unknown"


def raise_fd_limit(clients: int) -> dict[str, int]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < clients + 200:
        log(f"  warning: open-file limit {soft} is below {clients} sockets + headroom; expect connect failures")
    return {"soft": soft, "hard": hard}


def new_loop() -> asyncio.AbstractEventLoop:
    try:
        import uvloop

        return uvloop.new_event_loop()
    except ImportError:  # pragma: no cover
        return asyncio.new_event_loop()


def main() -> int:
    cfg = parse_args()
    started = perf()
    fds = raise_fd_limit(cfg.clients)  # inherited by the server subprocess too
    url, db_name, maintenance_url = database_urls()
    base_env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "REDIS_URL", "DATABASE_URL")}
    env = base_env | {
        # One bench user holds every socket: lift the per-user bound (WS_MAX_SOCKETS_PER_USER, default 20).
        "WS_MAX_SOCKETS_PER_USER": str(max(2_000, 2 * cfg.clients)),
        # ... and its ticket minting (WS_TICKET_THROTTLE_RATE, default 30/min per account).
        "WS_TICKET_THROTTLE_RATE": f"{max(100_000, 10 * cfg.clients)}/min",
        "WS_TICKET_IP_THROTTLE_RATE": f"{max(100_000, 10 * cfg.clients)}/min",
        "DATABASE_URL": url,
        "REDIS_URL": cfg.redis_url,
        "DJANGO_SETTINGS_MODULE": "config.django.test",
        "PYTHONPATH": os.pathsep.join([str(REPO), str(BACKEND)]),
        "SECRET_KEY": "wsbench-" + secrets.token_hex(24),
        "DEBUG": "false",
        "LOG_LEVEL": "INFO",
        "JWT_ACCESS_MINUTES": "15",
        # Pub/sub ignores the Redis database number: a prefix of our own keeps other users of this Redis out.
        "CHANNEL_LAYER_PREFIX": "wsbench" + secrets.token_hex(4),
    }
    log(
        f"Pulse websocket fan-out benchmark: {cfg.clients} clients, {cfg.rate:g} PATCH/s for {cfg.seconds:g}s, "
        f"layers {', '.join(cfg.layers)}; database {db_name}; Redis {cfg.redis_url}"
    )
    log(
        f"  NOTE: load generator, server (uvicorn, {cfg.workers} worker process(es)), PostgreSQL and Redis "
        f"share this machine ({os.cpu_count()} cores); open-file limit {fds['soft']}"
    )
    with step(f"recreate database {db_name}, migrate, create the bench user"):
        user_id = setup_database(env, maintenance_url, db_name)

    workdir = Path(tempfile.mkdtemp(prefix="pulse-wsbench-"))
    runs: dict[str, dict[str, Any]] = {}
    for layer in cfg.layers:
        settings_module, backend = LAYERS[layer]
        layer_env = env | {"DJANGO_SETTINGS_MODULE": settings_module}
        log_path = workdir / f"uvicorn-{layer}.log"
        manage(layer_env, "migrate", "--no-input", "-v", "0")  # cheap; keeps up with a tree that gained migrations
        busy = machine_busy()
        if busy > 25:
            log(f"  WARNING: the machine was {busy}% busy before this run (other processes); figures are skewed")
        with (
            step(f"layer {layer}: {backend} (settings {settings_module})"),
            serve(layer_env, cfg.port, log_path, cfg.workers) as srv,
        ):
            loop = new_loop()
            try:
                runs[layer] = loop.run_until_complete(run_layer(cfg, layer, srv))
            finally:
                loop.close()
        runs[layer]["server_log"] = scan_log(log_path, runs[layer].pop("log_offset_measured_end"))
        runs[layer]["machine_busy_before_pct"] = busy
        print_run(runs[layer])

    comparison = compare(runs)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "benchmark": "ws",
        "timestamp": stamp,
        "git": git_revision(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "shared": "load generator, server, PostgreSQL and Redis run on the same machine",
        },
        "config": {
            "clients": cfg.clients,
            "rate": cfg.rate,
            "seconds": cfg.seconds,
            "floor_samples": cfg.floor_samples,
            "drain": cfg.drain,
            "connect_concurrency": cfg.connect_concurrency,
            "compression": cfg.compression or "none",
            "client": cfg.client,
            "redis_url": cfg.redis_url,
            "database": db_name,
            "user_id": user_id,
            "server": f"uvicorn config.asgi:application, {cfg.workers} worker(s), --no-access-log, "
            "--ws-per-message-deflate false",
            "open_file_limit": fds,
        },
        "targets": TARGETS,
        "runs": runs,
        "comparison": comparison,
        "total_seconds": round(perf() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(report, indent=2, default=str)
    (RESULTS / f"ws-{stamp}.json").write_text(text)
    (RESULTS / "ws-latest.json").write_text(text)
    log(f"\nwrote {RESULTS / f'ws-{stamp}.json'} and ws-latest.json; server logs in {workdir}")
    log(f"total {perf() - started:.0f}s")
    missed = [name for name, r in runs.items() if not all(r["targets_met"].values())]
    return 1 if cfg.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
