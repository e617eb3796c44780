"""ASGI lifespan: run the outbox sweep inside every server process.

This keeps `make run` (no Redis, no Celery) complete: events whose publish failed
are republished within seconds. With several processes each sweeps; rows are
claimed with SKIP LOCKED and clients dedupe, so overlap is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)


def _sweep_once() -> int:
    from pulse.realtime.outbox import sweep

    close_old_connections()
    try:
        return sweep()
    finally:
        close_old_connections()


async def sweep_forever(interval: float) -> None:
    while True:
        await asyncio.sleep(interval)
        try:
            published = await sync_to_async(_sweep_once, thread_sensitive=False)()
            if published:
                logger.info("Outbox sweep published %s event(s)", published)
        except Exception:
            logger.warning("Outbox sweep failed; retrying", exc_info=True)


class LifespanApp:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.application(scope, receive, send)
            return
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                interval = settings.PULSE.get("OUTBOX_SWEEP_SECONDS", 2.0)
                if interval:
                    task = asyncio.create_task(sweep_forever(interval))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send({"type": "lifespan.shutdown.complete"})
                return
