"""ASGI lifespan: run the outbox sweep (and, without a broker, the beat schedule) in each server process.

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
from django.utils import timezone

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


def _run_task(name: str) -> None:
    from celery import current_app

    close_old_connections()
    try:
        current_app.tasks[name].apply(throw=False)
    finally:
        close_old_connections()


async def local_beat(poll: float = 30.0) -> None:
    """Without a broker (`make run`), run the Celery beat schedule in-process so scheduled jobs still happen."""
    from celery import current_app, schedules

    current_app.loader.import_default_modules()
    entries = {
        name: schedules.maybe_schedule(entry["schedule"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    last_run = {name: timezone.now() for name in entries}
    while True:
        await asyncio.sleep(poll)
        for name, schedule in entries.items():
            due, _next = schedule.is_due(last_run[name])
            if not due:
                continue
            last_run[name] = timezone.now()
            try:
                await sync_to_async(_run_task, thread_sensitive=False)(settings.CELERY_BEAT_SCHEDULE[name]["task"])
            except Exception:
                logger.warning("Scheduled job %s failed", name, exc_info=True)


class LifespanApp:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await self.application(scope, receive, send)
            return
        tasks: list[asyncio.Task[None]] = []
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                interval = settings.PULSE.get("OUTBOX_SWEEP_SECONDS", 2.0)
                if interval:
                    tasks.append(asyncio.create_task(sweep_forever(interval)))
                if settings.PULSE.get("LOCAL_BEAT"):
                    tasks.append(asyncio.create_task(local_beat()))
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send({"type": "lifespan.shutdown.complete"})
                return
