"""Portfolio overview numbers, all scoped to what the user can see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.selectors import activity_feed, as_seen_by
from pulse.projects.models import OPEN_STATUSES, Health, Milestone, MilestoneStatus, ProjectStatus, TeamMember
from pulse.projects.selectors import visible_project_ids, visible_to

LIST_LIMIT = 10
# Progress bands of open projects (inclusive bounds); each maps to `progress_min`/`progress_max` on the list.
PROGRESS_BANDS: list[tuple[int, int]] = [(0, 24), (25, 49), (50, 74), (75, 99), (100, 100)]


def progress_band_key(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"


def dashboard_counts(*, user: Any) -> dict[str, Any]:
    """The KPI numbers: one aggregate query."""
    today = timezone.localdate()
    counts = visible_to(user).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today, status__in=OPEN_STATUSES)),
        avg_progress=Sum("progress", filter=Q(status__in=OPEN_STATUSES)),
        open_count=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        **{f"status_{s}": Count("id", filter=Q(status=s)) for s in ProjectStatus.values},
        **{f"health_{h}": Count("id", filter=Q(health=h, status__in=OPEN_STATUSES)) for h in Health.values},
        **{
            f"progress_{low}": Count("id", filter=Q(progress__gte=low, progress__lte=high, status__in=OPEN_STATUSES))
            for low, high in PROGRESS_BANDS
        },
    )
    open_count = counts["open_count"] or 0
    return {
        "totals": {
            "projects": counts["total"],
            "open": open_count,
            "overdue": counts["overdue"],
            "average_progress": round((counts["avg_progress"] or 0) / open_count) if open_count else 0,
        },
        "by_status": {s: counts[f"status_{s}"] for s in ProjectStatus.values},
        "by_health": {h: counts[f"health_{h}"] for h in Health.values},
        "by_progress": {progress_band_key(low, high): counts[f"progress_{low}"] for low, high in PROGRESS_BANDS},
    }


def dashboard(*, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    projects = visible_to(user)
    overdue_milestones = (
        Milestone.objects.filter(
            project_id__in=visible_project_ids(user),
            project__status__in=OPEN_STATUSES,
            due_date__lt=today,
            status__in=[MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS, MilestoneStatus.MISSED],
        )
        .select_related("project", "assignee")
        .order_by("due_date", "id")[:LIST_LIMIT]
    )
    at_risk = (
        projects.filter(status__in=OPEN_STATUSES, health__in=[Health.AT_RISK, Health.OFF_TRACK])
        .select_related("owner")
        .order_by("-health", "due_date", "id")[:LIST_LIMIT]
    )
    visible_people = TeamMember.objects.filter(project_id__in=visible_project_ids(user)).values("user_id")
    over_allocated = (
        User.objects.filter(pk__in=visible_people)
        .annotate(
            total_allocation=Sum(
                "memberships__allocation",
                filter=Q(memberships__project__deleted_at__isnull=True, memberships__project__status__in=OPEN_STATUSES),
            ),
            project_count=Count(
                "memberships",
                filter=Q(memberships__project__deleted_at__isnull=True, memberships__project__status__in=OPEN_STATUSES),
            ),
        )
        .filter(total_allocation__gt=100)
        .order_by("-total_allocation", "id")[:LIST_LIMIT]
    )
    recent = activity_feed(user=user)[:LIST_LIMIT]

    return {
        **dashboard_counts(user=user),
        "overdue_milestones": list(overdue_milestones),
        "at_risk_projects": list(at_risk),
        "over_allocated_people": list(over_allocated),
        "recent_activity": as_seen_by(user=user, activities=recent),
    }
