"""Reads the websocket consumer needs (all sync; the consumer wraps them in database_sync_to_async)."""

from __future__ import annotations

import datetime
import math
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.dashboard.selectors import dashboard_counts
from pulse.projects.selectors import visible_among as _visible_among
from pulse.projects.selectors import visible_to
from pulse.realtime.events import EVENT_TYPES, Audience, envelope
from pulsekit.ids import MAX_ID


def can_see(user_id: int, project_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    return user is not None and visible_to(user).filter(pk=project_id).exists()


def visible_among(user_ids: set[int], project_ids: list[int]) -> dict[int, set[int]]:
    return _visible_among(user_ids=user_ids, project_ids=project_ids)


def subscription_start(user: User, project_id: int) -> int | None:
    """The project's latest event id if the user may see it (0 if none yet), else None."""
    if project_id > MAX_ID or not visible_to(user).filter(pk=project_id).exists():
        return None
    return Activity.objects.filter(project_id=project_id).aggregate(m=Max("id"))["m"] or 0


def latest_ids(project_ids: list[int]) -> dict[int, int]:
    rows = Activity.objects.filter(project_id__in=project_ids).values("project_id").annotate(m=Max("id"))
    return {pid: 0 for pid in project_ids} | {r["project_id"]: r["m"] for r in rows}


def _envelopes(rows: list[Activity]) -> list[dict[str, Any]]:
    """Envelopes for rows in id order, each with the id of its project's previous event (a private row
    of someone's `user` stream has no project, and none, as when it was published)."""
    previous: dict[int, int | None] = {}
    events = []
    for row in rows:
        pid = row.project_id
        if pid is None:
            events.append(envelope(row, prev_id=None))
            continue
        if pid not in previous:
            previous[pid] = Activity.objects.filter(project_id=pid, id__lt=row.pk).aggregate(m=Max("id"))["m"]
        events.append(envelope(row, prev_id=previous[pid]))
        previous[pid] = row.pk
    return events


def replay(
    user: User,
    project_ids: list[int],
    last_id: int,
    *,
    max_events: int,
    max_age_seconds: int,
    own_stream: bool = False,
) -> list[dict[str, Any]] | None:
    """Events after ``last_id`` of projects the user still sees and, with ``own_stream``, the private
    rows of the user's own `user` stream (their bulk summaries, their notifications' delivery), in id
    order; or None past the replay window."""
    visible = list(visible_to(user).filter(pk__in=project_ids).values_list("pk", flat=True))
    scope = Q(project_id__in=visible)
    if own_stream:
        private = [verb for verb, audience in EVENT_TYPES.items() if audience is Audience.RECIPIENT]
        scope |= Q(project_id__isnull=True, recipient_id=user.pk, verb__in=private)
    rows = list(Activity.objects.select_related("actor").filter(scope, id__gt=last_id).order_by("id")[: max_events + 1])
    if len(rows) > max_events:
        return None
    if rows and rows[0].created_at < timezone.now() - datetime.timedelta(seconds=max_age_seconds):
        return None
    return _envelopes(rows)


def project_events_between(project_id: int, after: int, before: int) -> list[dict[str, Any]]:
    rows = list(
        Activity.objects.select_related("actor")
        .filter(project_id=project_id, id__gt=after, id__lt=before)
        .order_by("id")[:10_000]
    )
    return _envelopes(rows)


def dashboard_stats(user: User) -> dict[str, Any]:
    return dashboard_counts(user=user)


def sessions_revoked(connected: dict[int, float]) -> dict[int, float]:
    """For users with open sockets (user id -> when their oldest socket opened, epoch seconds): the time
    before which their sockets are no longer valid. Deactivated or deleted: every socket (infinity);
    tokens revoked at T (logout, password change): sockets opened before T. Others are left out."""
    rows = {
        pk: (active, revoked_at)
        for pk, active, revoked_at in User.objects.filter(pk__in=list(connected)).values_list(
            "pk", "is_active", "tokens_valid_after"
        )
    }
    cutoffs: dict[int, float] = {}
    for user_id, since in connected.items():
        active, revoked_at = rows.get(user_id, (False, None))
        if not active:
            cutoffs[user_id] = math.inf
        elif revoked_at is not None and revoked_at.timestamp() > since:
            cutoffs[user_id] = revoked_at.timestamp()
    return cutoffs
