"""A lean RFC 6455 client for the fan-out benchmark: one ``asyncio.Protocol`` per socket.

A thousand sockets in one load-generator process are read one after another by one event loop,
so whatever the client spends per message is added to the receipt time of every socket read after
it; real clients (browsers) each have their own machine. This client does only what a websocket
client must: the opening handshake (``Sec-WebSocket-Accept`` checked), masked frames out,
unmasked frames in, pong for ping, the closing handshake. It stamps each read with the time the
bytes arrived, before any parsing. ``ws_bench.py --client websockets`` uses the full
``websockets`` library client instead, for comparison in the same run.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import struct
import time
from collections.abc import Callable
from typing import cast
from urllib.parse import urlsplit

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA

perf = time.perf_counter


class HandshakeFailed(Exception):
    pass


class LeanSocket(asyncio.Protocol):
    """``on_text(payload_bytes, received_at)`` is called for every text message, in order."""

    def __init__(self, key: bytes, on_text: Callable[[bytes, float], None]) -> None:
        self.key = key
        self.on_text = on_text
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[tuple[int | None, str]] = loop.create_future()
        self.handshake_done = False
        self.close_sent = False
        self.text_waiters: list[asyncio.Future[bytes]] = []

    # ------------------------------------------------------------ asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's transports are not asyncio's classes

    def data_received(self, data: bytes) -> None:
        received = perf()
        self.buffer += data
        if not self.handshake_done:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[: end + 4]
            self._check_handshake(head)
            if not self.handshake_done:
                return
        self._read_frames(received)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(HandshakeFailed(f"connection lost during the handshake: {exc}"))
        if not self.closed.done():
            self.closed.set_result((None, f"connection lost: {exc}" if exc else "connection lost"))
        for waiter in self.text_waiters:
            if not waiter.done():
                waiter.set_exception(ConnectionError("closed"))

    # ------------------------------------------------------------ protocol

    def _check_handshake(self, head: str) -> None:
        status, *lines = head.split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        expected = base64.b64encode(hashlib.sha1(self.key + GUID).digest()).decode()  # noqa: S324  (RFC 6455)
        if not status.startswith("HTTP/1.1 101") or headers.get("sec-websocket-accept") != expected:
            self.opened.set_exception(HandshakeFailed(status))
            assert self.transport is not None
            self.transport.close()
            return
        self.handshake_done = True
        self.opened.set_result(None)

    def _read_frames(self, received: float) -> None:
        buf = self.buffer
        while len(buf) >= 2:
            first, second = buf[0], buf[1]
            length, offset = second & 0x7F, 2
            if length == 126:
                if len(buf) < 4:
                    return
                length, offset = struct.unpack_from("!H", buf, 2)[0], 4
            elif length == 127:
                if len(buf) < 10:
                    return
                length, offset = struct.unpack_from("!Q", buf, 2)[0], 10
            if second & 0x80:
                raise HandshakeFailed("a server frame must not be masked")
            if len(buf) < offset + length:
                return
            payload = bytes(buf[offset : offset + length])
            del buf[: offset + length]
            opcode = first & 0x0F
            if not first & 0x80:
                raise HandshakeFailed("fragmented messages are not expected from this server")
            if opcode == TEXT:
                if self.text_waiters:
                    self.text_waiters.pop(0).set_result(payload)
                else:
                    self.on_text(payload, received)
            elif opcode == PING:
                self._send(PONG, payload)
            elif opcode == CLOSE:
                code = struct.unpack_from("!H", payload)[0] if len(payload) >= 2 else None
                if not self.close_sent:
                    self._send(CLOSE, payload[:2])
                if not self.closed.done():
                    self.closed.set_result((code, payload[2:].decode("utf-8", "replace")))
                assert self.transport is not None
                self.transport.close()
                return

    def _send(self, opcode: int, payload: bytes) -> None:
        assert self.transport is not None
        if self.transport.is_closing():
            return
        mask = os.urandom(4)
        n = len(payload)
        if n < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
        elif n < 65536:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.transport.write(header + mask + masked)

    # ------------------------------------------------------------ API

    def send_text(self, text: str) -> None:
        self._send(TEXT, text.encode())

    async def recv_text(self, timeout: float) -> bytes:
        """The next text message (only while connecting: afterwards messages go to ``on_text``)."""
        waiter: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self.text_waiters.append(waiter)
        return await asyncio.wait_for(waiter, timeout)

    async def close(self, timeout: float = 10) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        self.close_sent = True
        self._send(CLOSE, struct.pack("!H", 1000))
        try:
            await asyncio.wait_for(asyncio.shield(self.closed), timeout)
        except TimeoutError:
            self.transport.abort()


async def connect(url: str, on_text: Callable[[bytes, float], None], *, timeout: float = 60) -> LeanSocket:
    """Open ``ws://host:port/path?query`` and finish the opening handshake."""
    parts = urlsplit(url)
    key = base64.b64encode(os.urandom(16))
    loop = asyncio.get_running_loop()
    _, protocol = await asyncio.wait_for(
        loop.create_connection(lambda: LeanSocket(key, on_text), parts.hostname, parts.port or 80), timeout
    )
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request = (
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    assert protocol.transport is not None
    protocol.transport.write(request.encode())
    try:
        await asyncio.wait_for(asyncio.shield(protocol.opened), timeout)
    except BaseException:
        protocol.transport.abort()
        raise
    return protocol
