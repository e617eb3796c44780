"""Publishing the Activity outbox to the channel layer, after commit, in id order per project.

Every service writes its Activity row in the change's transaction and asks for
``publish_after_commit``. The publisher takes a per-project advisory lock, so
two publishers of one project take turns; and since every project-scoped
write holds the project row lock while inserting its activity, the rows of a
project commit in id order. Together: events of a project leave in id order.

If the channel layer is down the rows simply stay unpublished and the sweep
(``sweep``, run every few seconds by the ASGI lifespan task and by beat)
publishes them later. Delivery is at least once; clients dedupe by id.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.realtime.events import DASHBOARD_GROUP, GLOBAL_GROUP, envelope, project_group

logger = logging.getLogger(__name__)

BATCH = 500


def _send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group, message)


def publish_pending(project_id: int | None) -> int:
    """Publish the unpublished activities of one project (None: global ones) in id order."""
    published = 0
    while True:
        with transaction.atomic():
            if project_id is not None:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7357, project_id % 2**31])
            rows = list(
                Activity.objects.select_related("actor")
                .filter(project_id=project_id, published_at__isnull=True)
                .order_by("id")
                .select_for_update(of=("self",), skip_locked=True)[:BATCH]
            )
            if not rows:
                return published
            prev_id = (
                Activity.objects.filter(project_id=project_id, id__lt=rows[0].pk).aggregate(m=Max("id"))["m"]
                if project_id is not None
                else None
            )
            for activity in rows:
                event = envelope(activity, prev_id=prev_id)
                if project_id is None:
                    _send(GLOBAL_GROUP, {"type": "pulse.event", "event": event})
                else:
                    _send(project_group(project_id), {"type": "pulse.event", "event": event})
                    _send(
                        DASHBOARD_GROUP,
                        {"type": "pulse.dashboard_hint", "project_id": project_id, "verb": activity.verb},
                    )
                prev_id = activity.pk
            Activity.objects.filter(pk__in=[r.pk for r in rows]).update(published_at=timezone.now())
            published += len(rows)
        if len(rows) < BATCH:
            return published


def publish_after_commit(project_id: int | None) -> None:
    """Register the publish of a project's pending events for when the current transaction commits."""

    def publish() -> None:
        try:
            publish_pending(project_id)
        except Exception:  # the sweep will retry; the write itself has committed
            logger.warning("Publishing events of project %s failed; the sweep will retry", project_id, exc_info=True)

    transaction.on_commit(publish)


def sweep(*, min_age_seconds: float = 1.0) -> int:
    """Publish every activity still unpublished after ``min_age_seconds``. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=min_age_seconds)
    project_ids = (
        Activity.objects.filter(published_at__isnull=True, created_at__lte=cutoff)
        .values_list("project_id", flat=True)
        .distinct()
    )
    total = 0
    for project_id in list(project_ids):
        total += publish_pending(project_id)
    return total
