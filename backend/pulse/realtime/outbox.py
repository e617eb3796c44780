"""Publishing the Activity outbox to the channel layer, after commit, in id order per project.

Every service writes its Activity row in the change's transaction and asks for
``publish_after_commit``. The publisher takes per-project advisory locks, so two
publishers of one project take turns; and since every project-scoped write holds
the project row lock while inserting its activity, a project's rows commit in id
order. Together: the events of a project leave in id order.

If the channel layer is down the rows stay unpublished and ``sweep`` (every few
seconds in each server's lifespan task, and from Celery beat) publishes them
later. Delivery is at least once; consumers and clients dedupe by id.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from typing import Any

import orjson
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.realtime.events import (
    DASHBOARD_GROUP,
    EVENT_TYPES,
    USER_MESSAGE_TYPES,
    Audience,
    envelope,
    group_of,
    user_group,
)

logger = logging.getLogger(__name__)

BATCH = 1000
_LOCK_CLASS = 7357


def send_group(group: str, message: dict[str, Any]) -> None:
    send_many([(group, message)])


def send_many(messages: list[tuple[str, dict[str, Any]]]) -> None:
    """Send several group messages with one trip into the event loop (not one per message).

    Each message names its group: every server process's hub receives it on one channel and
    hands it to the local sockets of that group (pulse.realtime.hub)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def send_all() -> None:
        for group, message in messages:
            await layer.group_send(group, {**message, "group": group})

    async_to_sync(send_all)()


def send_to_user(user_id: int, event: dict[str, Any]) -> None:
    """An ephemeral message for one person's `user` stream (progress, notifications)."""
    if event.get("type") not in USER_MESSAGE_TYPES:
        raise ValueError(f"Unregistered user message {event.get('type')!r}: add it to USER_MESSAGE_TYPES.")
    send_group(user_group(user_id), {"type": "pulse.user_event", "event": event})


def _previous_ids(project_ids: list[int], before: int) -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT project_id, max(id) FROM activity_activity WHERE project_id = ANY(%s) AND id < %s "
            "GROUP BY project_id",
            [project_ids, before],
        )
        return dict(cursor.fetchall())


def _project_fields(activity: Activity) -> list[str]:
    """The project's own fields an activity changed: its changes for a project row, the recomputed
    progress or health a milestone change carries, nothing for a member."""
    if activity.target_type == "project":
        return list(activity.changes or {})
    recomputed = (activity.metadata or {}).get("project_changes")
    return list(recomputed) if isinstance(recomputed, dict) else []


def publish_pending(project_ids: Iterable[int | None]) -> int:
    """Publish the unpublished activities of these projects (None: global ones) in id order."""
    ids = list(project_ids)
    wanted = sorted({p for p in ids if p is not None})
    include_global = None in ids
    published = 0
    while True:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # The mark only saves the sweep a republish: losing it in a crash costs a duplicate
                # event (clients dedupe by id), so this commit need not wait for the disk. In the
                # same round trip, per project in id order, the lock that keeps its publishers in turn.
                cursor.execute(
                    "SELECT set_config('synchronous_commit', 'off', true); "
                    "SELECT pg_advisory_xact_lock(%s, (x %% 2147483647)::int) FROM unnest(%s::bigint[]) x ORDER BY x",
                    [_LOCK_CLASS, wanted],
                )
            filters = Activity.objects.filter(published_at__isnull=True)
            scope = filters.filter(project_id__in=wanted)
            if include_global:
                scope = scope | filters.filter(project_id__isnull=True)
            rows = list(
                scope.select_related("actor").order_by("id").select_for_update(of=("self",), skip_locked=True)[:BATCH]
            )
            if not rows:
                return published
            previous = _previous_ids(sorted({r.project_id for r in rows if r.project_id}), rows[0].pk)
            touched: dict[int, tuple[set[str], set[str]]] = {}  # project id -> (verbs, project fields changed)
            outgoing: list[tuple[str, dict[str, Any]]] = []
            for activity in rows:
                pid = activity.project_id
                group = group_of(activity)
                if group is None:
                    logger.warning("Activity %s (%s) has no audience; not delivered", activity.pk, activity.verb)
                elif EVENT_TYPES[activity.verb] is Audience.RECIPIENT:
                    event = envelope(activity, prev_id=None)
                    outgoing.append((group, {"type": "pulse.user_event", "event": event}))
                else:
                    event = envelope(activity, prev_id=previous.get(pid) if pid is not None else None)
                    # Encoded once here, so a thousand sockets do not each re-encode the same event.
                    text = orjson.dumps(event).decode()
                    outgoing.append((group, {"type": "pulse.event", "event": event, "text": text}))
                if pid is not None:
                    previous[pid] = activity.pk
                    verbs, fields = touched.setdefault(pid, (set(), set()))
                    verbs.add(activity.verb)
                    fields.update(_project_fields(activity))
            if touched:
                # One hint per batch: dashboard subscribers recompute (debounced); `projects` subscribers
                # are told which of these they may see changed what (pulse.realtime.consumers).
                hint = {
                    "type": "pulse.dashboard_hint",
                    "project_ids": sorted(touched)[:100],
                    "projects": [
                        {"id": pid, "verbs": sorted(verbs), "fields": sorted(fields)}
                        for pid, (verbs, fields) in sorted(touched.items())
                    ],
                }
                outgoing.append((DASHBOARD_GROUP, hint))
            send_many(outgoing)
            Activity.objects.filter(pk__in=[r.pk for r in rows]).update(published_at=timezone.now())
            published += len(rows)
        if len(rows) < BATCH:
            return published


def publish_after_commit(project_ids: Iterable[int | None]) -> None:
    """Publish these projects' pending events once the current transaction commits."""
    ids = list(project_ids)

    def publish() -> None:
        try:
            publish_pending(ids)
        except Exception:  # the write has committed; the sweep retries the publish
            logger.warning("Publishing events failed; the sweep will retry", exc_info=True)

    transaction.on_commit(publish)


def sweep(*, min_age_seconds: float = 1.0) -> int:
    """Publish every activity still unpublished after ``min_age_seconds``. Returns how many."""
    cutoff = timezone.now() - datetime.timedelta(seconds=min_age_seconds)
    project_ids = list(
        Activity.objects.filter(published_at__isnull=True, created_at__lte=cutoff)
        .values_list("project_id", flat=True)
        .distinct()
    )
    return publish_pending(project_ids) if project_ids else 0
