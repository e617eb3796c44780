"""The request body cap (SPEC §12): a larger body is refused with 413, in the error shape, unread.

Two layers, one limit (``PULSE["MAX_REQUEST_BODY_BYTES"]``): :class:`RequestBodyLimit` wraps the
ASGI application (the deployed path), where it also counts the bytes of a body sent without a
``Content-Length`` (chunked) as they arrive; :class:`RequestBodyLimitMiddleware` covers Django's
own handlers (WSGI, the test client). Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is set to the same
value, but DRF's parsers read the stream directly and never consult it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from pulsekit.errors import error_body

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def max_body_bytes() -> int:
    return int(settings.PULSE["MAX_REQUEST_BODY_BYTES"])


def too_large(limit: int) -> dict[str, Any]:
    return error_body("payload_too_large", "The request body is too large.", {"max_bytes": limit})


def _declared_length(value: str | bytes | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None  # the server has already refused a malformed Content-Length


class RequestBodyLimitMiddleware:
    """Django middleware: refuses a request whose ``Content-Length`` is over the cap."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_body_bytes()
        length = _declared_length(request.META.get("CONTENT_LENGTH"))
        if length is not None and length > limit:
            return JsonResponse(too_large(limit), status=413)
        return self.get_response(request)


class RequestBodyLimit:
    """ASGI middleware: reads the body (at most the cap) before the application runs, and answers 413
    as soon as the declared or the received length passes the cap. Django would otherwise take any
    size, spooling what does not fit in memory to disk, before a view gets to refuse it."""

    def __init__(self, app: Callable[..., Awaitable[None]], *, limit: int | None = None) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit if self.limit is not None else max_body_bytes()
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                length = _declared_length(value)
                if length is not None and length > limit:
                    await self._refuse(send, limit)
                    return
        chunks: list[bytes] = []
        size = 0
        pending: list[Message] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # http.disconnect: let the application see it
                pending.append(message)
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, limit)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        pending.insert(0, {"type": "http.request", "body": b"".join(chunks), "more_body": False})

        async def replay() -> Message:
            return pending.pop(0) if pending else await receive()

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = orjson.dumps(too_large(limit))
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # the rest of the body is never read
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})
