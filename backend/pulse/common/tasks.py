"""Queueing background work after the current transaction commits.

With a broker (REDIS_URL / CELERY_BROKER_URL) tasks go to Celery with
``delay_on_commit``. Without one (`make run` on a laptop) they run on a small
in-process thread pool, still after commit and still off the request path, so
the API answers 202 at once and progress streams the same way.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from celery import Task
from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_local_pool: ThreadPoolExecutor | None = None


def uses_broker() -> bool:
    return not str(settings.CELERY_BROKER_URL).startswith("memory://")


def _run_locally(task: Task, args: tuple[Any, ...]) -> None:
    close_old_connections()
    try:
        task.apply(args=args, throw=False)
    except Exception:
        logger.exception("Background task %s failed", task.name)
    finally:
        close_old_connections()


def enqueue(task: Task, *args: Any) -> None:
    """Run ``task(*args)`` in the background once the surrounding transaction commits."""
    if uses_broker():
        task.delay_on_commit(*args)
        return
    global _local_pool
    if _local_pool is None:
        _local_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pulse-task")
    pool = _local_pool
    transaction.on_commit(lambda: pool.submit(_run_locally, task, args))
