"""Concurrent keep-alive load for the API bench: N clients, Django and floor in alternating time slices.

The client is deliberately lean (asyncio streams, httptools' C parser, one persistent HTTP/1.1
connection per client and side) so that on a small machine it takes as little CPU from the server
as possible; httpx costs several times more per request. Both sides pay the same client cost.

Schedule per endpoint: a short warm-up of each side, then slices of ``slice_s`` seconds alternating
Django and floor (D F F D D F ...) until each side had ``seconds`` of load, so machine noise hits
both alike. In a slice every client sends requests back to back (closed loop, rotating through the
endpoint's variants from its own offset); when the slice ends no new request starts and those in
flight finish. Requests per second = completed requests / time the slices took, per side.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httptools


class LoadError(RuntimeError):
    pass


class _Response:
    """httptools callbacks: the status and whether the message is complete."""

    __slots__ = ("bytes", "complete", "parser")

    def __init__(self) -> None:
        self.parser = httptools.HttpResponseParser(self)
        self.complete = False
        self.bytes = 0

    def on_body(self, body: bytes) -> None:
        self.bytes += len(body)

    def on_message_complete(self) -> None:
        self.complete = True


class Connection:
    """One keep-alive HTTP/1.1 connection; reconnects when the server closed it."""

    def __init__(self, host: str, port: int, headers: dict[str, str]) -> None:
        self.host, self.port = host, port
        extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.head = f"Host: {host}:{port}\r\n{extra}\r\n".encode()
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def _open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def get(self, path: str) -> int:
        for attempt in (0, 1):
            if self.writer is None:
                await self._open()
            assert self.reader is not None and self.writer is not None
            self.writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
            response = _Response()
            try:
                while not response.complete:
                    data = await self.reader.read(262144)
                    if not data:
                        raise ConnectionResetError("server closed the connection")
                    response.parser.feed_data(data)
            except (ConnectionError, httptools.HttpParserError):
                await self.close()
                if attempt:
                    raise
                continue
            if not response.parser.should_keep_alive():
                await self.close()
            return int(response.parser.get_status_code())
        raise AssertionError("unreachable")

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


@dataclass
class Side:
    requests: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


async def _slice(connections: list[Connection], paths: list[str], seconds: float, side: Side | None) -> None:
    """All clients load ``paths`` for ``seconds``; counted into ``side`` (None: warm-up)."""
    started = time.perf_counter()
    deadline = started + seconds

    async def client(index: int, conn: Connection) -> None:
        i = index
        while time.perf_counter() < deadline:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter_ns()
            status = await conn.get(path)
            if status != 200:
                raise LoadError(f"{path} answered {status} under load")
            if side is not None:
                side.requests += 1
                side.latencies_ms.append((time.perf_counter_ns() - t0) / 1e6)

    await asyncio.gather(*(client(i, c) for i, c in enumerate(connections)))
    if side is not None:
        side.seconds += time.perf_counter() - started


async def _load(
    base: str,
    headers: dict[str, str],
    paths: list[str],
    floor_paths: list[str],
    *,
    clients: int,
    seconds: float,
    slice_s: float,
    warmup_s: float,
) -> tuple[Side, Side]:
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", int(parts.port or 80)
    django_conns = [Connection(host, port, headers) for _ in range(clients)]
    floor_conns = [Connection(host, port, headers) for _ in range(clients)]
    django, floor = Side(), Side()
    try:
        await _slice(django_conns, paths, warmup_s, None)
        await _slice(floor_conns, floor_paths, warmup_s, None)
        slices = max(1, math.ceil(seconds / slice_s))
        for i in range(slices):
            order = [(django_conns, paths, django), (floor_conns, floor_paths, floor)]
            if i % 2:
                order.reverse()
            for conns, p, side in order:
                await _slice(conns, p, seconds / slices, side)
    finally:
        for conn in django_conns + floor_conns:
            await conn.close()
    return django, floor


def run_load(
    base: str,
    headers: dict[str, str],
    paths: list[str],
    floor_paths: list[str],
    *,
    clients: int = 8,
    seconds: float = 15.0,
    slice_s: float = 2.5,
    warmup_s: float = 1.0,
) -> tuple[Side, Side]:
    """(Django, floor) under ``clients`` concurrent keep-alive clients for ``seconds`` each, interleaved."""
    return asyncio.run(
        _load(
            base,
            headers,
            paths,
            floor_paths,
            clients=clients,
            seconds=seconds,
            slice_s=slice_s,
            warmup_s=warmup_s,
        )
    )
