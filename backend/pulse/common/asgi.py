"""Django over ASGI with one thread hop per request instead of one per middleware method."""

from __future__ import annotations

from typing import Any

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    """Runs the middleware chain and the (synchronous) views as one synchronous call.

    Our views are synchronous, and Django's own middleware runs each ``process_request`` /
    ``process_response`` through ``sync_to_async`` when the chain is built for async: a dozen
    trips between the event loop and a worker thread per request, each paying a wait for the GIL
    while the loop is busy pushing websocket events. Built synchronous, a request makes one trip
    into its thread and back (plus the request signals), as under WSGI.
    """

    def __init__(self) -> None:
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        response: HttpResponseBase = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        return response


def get_asgi_application() -> Any:
    """``django.core.asgi.get_asgi_application`` with the synchronous chain."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
