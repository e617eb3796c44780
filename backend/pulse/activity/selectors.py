from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from pulse.activity.models import Activity
from pulse.projects.selectors import visible_among, visible_project_ids

# Rows private to one person that belong in their feed (delivery statuses are not changes).
FEED_PRIVATE_VERBS = ("bulk.completed",)


def activity_feed(*, user: Any, verb: str = "") -> QuerySet[Activity]:
    """Activity of every project the user can see, tag activity (tags are shared by everyone) and the
    summaries of the user's own bulk operations."""
    qs = Activity.objects.select_related("actor")
    if not getattr(user, "is_staff", False):
        qs = qs.filter(
            Q(project_id__in=visible_project_ids(user))
            | Q(project_id__isnull=True, verb__startswith="tag.")
            | Q(project_id__isnull=True, recipient_id=user.pk, verb__in=FEED_PRIVATE_VERBS)
        )
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def project_activity(*, project_id: int, verb: str = "") -> QuerySet[Activity]:
    qs = Activity.objects.select_related("actor").filter(project_id=project_id)
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def as_seen_by(*, user: Any, activities: Iterable[Activity]) -> list[Activity]:
    """The rows as ``user`` may see them: a shared (tag) row's ``metadata.project_ids`` lists only the
    projects the user may see. The same few queries for the whole page; the rows are not saved."""
    rows = list(activities)
    if getattr(user, "is_staff", False):
        return rows  # the whole audit log, as the feed itself
    listed = {pid for a in rows if a.project_id is None for pid in a.metadata.get("project_ids", ())}
    if not listed:
        return rows
    visible = visible_among(user_ids=[user.pk], project_ids=listed).get(user.pk, set())
    for a in rows:
        if a.project_id is None and "project_ids" in a.metadata:
            a.metadata = {**a.metadata, "project_ids": [p for p in a.metadata["project_ids"] if p in visible]}
    return rows
