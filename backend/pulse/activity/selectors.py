from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pulse.activity.models import Activity
from pulse.projects.selectors import visible_project_ids


def activity_feed(*, user: Any, verb: str = "") -> QuerySet[Activity]:
    """Activity of every project the user can see, plus tag activity (tags are shared by everyone)."""
    qs = Activity.objects.select_related("actor")
    if not getattr(user, "is_staff", False):
        qs = qs.filter(
            Q(project_id__in=visible_project_ids(user)) | Q(project_id__isnull=True, verb__startswith="tag.")
        )
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def project_activity(*, project_id: int, verb: str = "") -> QuerySet[Activity]:
    qs = Activity.objects.select_related("actor").filter(project_id=project_id)
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs
