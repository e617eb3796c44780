from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pulse.activity.models import Activity
from pulse.projects.selectors import visible_project_ids

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
