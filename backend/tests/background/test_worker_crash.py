"""A worker killed mid-operation: the operation still completes exactly once (SPEC §7 "safe to rerun").

Two crashes of one operation, both while it is writing its 10,000 rows:

1. ``kill -9`` of the pool process running the task. The main worker process survives and, with
   ``task_reject_on_worker_lost``, puts the message back at once; a new pool process runs it again.
2. ``kill -9`` of the whole worker (main process and pool), as when a machine dies. Nothing is left
   to requeue the message: it sits in the broker's *unacked* set until the visibility timeout
   (CELERY_BROKER_TRANSPORT_OPTIONS, one hour) has passed, and then a worker restores it. The test
   does not wait an hour: it moves the message's unacked timestamp one visibility timeout into the
   past (what the clock would do) and starts a new worker, which restores and runs it.
"""

from __future__ import annotations

import json
import os
import signal
import time
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.notifications.models import Notification
from pulse.projects.models import Project, ProjectStatus, Role
from tests.background.conftest import Worker, Workers
from tests.background.support import (
    activities_of,
    bulk_projects,
    items_for,
    per_project_counts,
    post_bulk,
    snapshot,
    summaries_of,
    wait_finished,
    wait_until,
)
from tests.factories import make_user

SIZE = 10_000


def _progress_key(operation_id: int) -> str:
    return f"bulk-progress:{operation_id}"


def _wait_writing(operation_id: int, attempt: int, worker: Worker) -> None:
    """Until attempt number ``attempt`` of the operation is inside its transaction, writing rows."""

    def writing() -> bool:
        assert worker.process.poll() is None, f"worker died:\n{worker.log_tail()}"
        op = BulkOperation.objects.get(pk=operation_id)
        assert op.status != BulkStatus.SUCCEEDED, "finished before it could be interrupted"
        progress = cache.get(_progress_key(operation_id)) or {}
        return op.status == BulkStatus.RUNNING and op.attempts == attempt and progress.get("phase") == "writing"

    wait_until(writing, 90, interval=0.02, what=f"attempt {attempt} writing")


def _assert_nothing_committed(operation_id: int, ids: list[int], before: dict[int, Any], attempts: int) -> None:
    op = BulkOperation.objects.get(pk=operation_id)
    assert op.status == BulkStatus.RUNNING and op.attempts == attempts and op.report == []
    assert not activities_of(operation_id).exists()
    assert not summaries_of(operation_id).exists()
    assert snapshot(ids) == before


def test_kill_9_mid_operation_then_the_operation_completes_once(
    workers: Workers, worker: Worker, broker: redis.Redis, api: Any
) -> None:
    requester = make_user("crash-owner")
    colleague = make_user("crash-colleague")
    projects = bulk_projects(requester, SIZE, members=((colleague, Role.DEVELOPER),))
    ids = [p.pk for p in projects]
    before = snapshot(ids)

    client = api(requester)
    response = post_bulk(client, "transition", items_for(projects), {"name": "start"})
    assert response.status_code == 202, response.content
    op_id = response.json()["id"]

    # 1. The pool process dies mid-write: the surviving main process requeues the task.
    _wait_writing(op_id, 1, worker)
    live = client.get(f"/api/v1/bulk-operations/{op_id}/").json()  # progress while it runs
    assert (live["status"], live["phase"], live["attempts"]) == ("running", "writing", 1)
    assert live["started_at"] is not None and live["finished_at"] is None
    pool = worker.children()
    assert len(pool) == 1, pool
    os.kill(pool[0], signal.SIGKILL)
    cache.delete(_progress_key(op_id))
    wait_until(lambda: worker.process.poll() is None and len(worker.children()) == 1, 30, what="pool replaced")

    _wait_writing(op_id, 2, worker)  # redelivered at once, to the same worker
    assert "WorkerLostError" in worker.log() or "SIGKILL" in worker.log(), worker.log_tail()

    # 2. The whole worker dies mid-write: nothing committed, the message waits in the unacked set.
    worker.kill_group()
    cache.delete(_progress_key(op_id))
    time.sleep(0.5)  # let PostgreSQL notice the closed connection and roll back
    _assert_nothing_committed(op_id, ids, before, attempts=2)
    assert broker.llen("celery") == 0, "the killed worker's task must not be back in the queue by itself"
    unacked = broker.zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1, unacked

    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    broker.zadd("unacked_index", {tag: score - visibility - 1 for tag, score in unacked})
    restarted = workers.start()

    op = wait_finished(op_id, timeout=150)
    assert op.status == BulkStatus.SUCCEEDED, (op.summary, restarted.log_tail())
    assert op.attempts == 3
    assert op.processed == SIZE and len(op.report) == SIZE and {e["result"] for e in op.report} == {"ok"}

    # Exactly once: one activity per project, one summary, each project moved one version.
    counts = per_project_counts(op_id)
    assert len(counts) == SIZE and set(counts.values()) == {1}
    assert summaries_of(op_id).count() == 1
    assert Project.objects.filter(pk__in=ids, status=ProjectStatus.ACTIVE, version=2).count() == SIZE
    duplicated = (
        Notification.objects.filter(project_id__in=ids)
        .values("recipient_id", "project_id", "kind")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(duplicated) == []

    # The message is gone for good: no further run, nothing left in the broker.
    wait_until(
        lambda: not activities_of(op_id).filter(published_at__isnull=True).exists(),
        150,
        interval=0.5,
        what="the operation's events published",
    )
    wait_until(lambda: broker.zcard("unacked_index") == 0, 30, what="message acknowledged")
    assert broker.llen("celery") == 0
    assert BulkOperation.objects.get(pk=op_id).attempts == 3
    lines = [
        json.loads(line)["event"]
        for line in restarted.log().splitlines()
        if line.startswith("{") and "bulk_operation_run_task[" in line
    ]
    assert len([line for line in lines if line.endswith(" received")]) == 1, lines
    assert len([line for line in lines if " succeeded in " in line]) == 1, lines
