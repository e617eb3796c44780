"""ASGI app for the API benchmark: Pulse plus a "floor" endpoint in the same process.

``/floor/<name>/<index>/`` replays the SQL statements that the Django endpoint
``<name>`` issued for variant ``<index>`` (captured by ``api_bench.py`` with
``CaptureQueriesContext`` and written to the JSON file named by
``PULSE_BENCH_FLOOR_PLAN``) through persistent psycopg connections, and
answers with the rows serialized by orjson. Connections are opened on demand
and kept: one serves sequential requests; under concurrent load each request in
flight takes its own (up to ``PULSE_BENCH_FLOOR_CONNECTIONS``, default 16, the
app's pool size), so the database works for the floor as much in parallel as it
does for Django's thread-per-request views. No ORM, no DRF, no middleware:
the cheapest way to return the same data from the same database in the same
event loop. Everything else (other paths, websockets, the lifespan with its outbox
sweep) goes to ``config.asgi.application`` unchanged.

Run with ``uvicorn floor_asgi:app --app-dir bench`` from ``backend/``.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg.rows import dict_row

BACKEND = Path(__file__).resolve().parent.parent / "backend"
if str(BACKEND) not in sys.path:
    sys.path.insert(0, str(BACKEND))

from django.conf import settings  # noqa: E402

from config.asgi import application  # noqa: E402

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON = [(b"content-type", b"application/json")]


def connection_kwargs() -> dict[str, Any]:
    """The Django connection's parameters, including ``options`` (pg_trgm thresholds and the like)."""
    db = settings.DATABASES["default"]
    kwargs: dict[str, Any] = {"dbname": db["NAME"], "user": db.get("USER") or None}
    if db.get("PASSWORD"):
        kwargs["password"] = db["PASSWORD"]
    if db.get("HOST"):
        kwargs["host"] = db["HOST"]
    if db.get("PORT"):
        kwargs["port"] = str(db["PORT"])
    options = (db.get("OPTIONS") or {}).get("options")
    if options:
        kwargs["options"] = options
    return kwargs


class Floor:
    def __init__(self) -> None:
        path = os.environ.get("PULSE_BENCH_FLOOR_PLAN")
        self.plan: dict[str, list[list[str]]] = orjson.loads(Path(path).read_bytes()) if path else {}
        self.idle: list[psycopg.AsyncConnection[dict[str, Any]]] = []
        self.opened = 0
        self.limit = int(os.environ.get("PULSE_BENCH_FLOOR_CONNECTIONS", "16"))
        self.available = asyncio.Condition()

    async def acquire(self) -> psycopg.AsyncConnection[dict[str, Any]]:
        async with self.available:
            while not self.idle and self.opened >= self.limit:
                await self.available.wait()
            if self.idle:
                return self.idle.pop()
            self.opened += 1
        return await psycopg.AsyncConnection.connect(**connection_kwargs(), autocommit=True, row_factory=dict_row)

    async def release(self, conn: psycopg.AsyncConnection[dict[str, Any]]) -> None:
        async with self.available:
            self.idle.append(conn)
            self.available.notify()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        parts = [p for p in scope["path"].split("/") if p]
        if parts == ["floor", "ping"]:
            await respond(send, 200, b'{"status":"ok"}')
            return
        statements: list[str] | None = None
        if len(parts) == 3 and parts[2].isdigit():
            variants = self.plan.get(parts[1], [])
            index = int(parts[2])
            statements = variants[index] if index < len(variants) else None
        if statements is None:
            await respond(send, 404, b'{"error":"unknown floor variant"}')
            return
        results: list[list[dict[str, Any]]] = []
        conn = await self.acquire()  # a kept connection (the floor's best case)
        try:
            async with conn.cursor() as cursor:
                for statement in statements:
                    await cursor.execute(statement.encode())
                    results.append(await cursor.fetchall() if cursor.description else [])
        finally:
            await self.release(conn)
        await respond(send, 200, orjson.dumps({"results": results}, default=str))


async def respond(send: Send, status: int, body: bytes) -> None:
    headers = [*JSON, (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


floor = Floor()


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope["path"].startswith("/floor/"):
        await floor(scope, receive, send)
    else:
        await application(scope, receive, send)
