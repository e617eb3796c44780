"""Scheduled notification jobs (run by Celery beat)."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.notifications.models import NotificationKind
from pulse.notifications.services import notify
from pulse.projects.models import OPEN_STATUSES, Milestone, MilestoneStatus, TeamMember


@transaction.atomic
def milestones_due_soon_notify(*, now: datetime.datetime | None = None) -> int:
    """Tell assignees about open milestones due within 48 hours (once per milestone and due date)."""
    today = (now or timezone.now()).date()
    soon = Milestone.objects.filter(
        status__in=[MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS],
        due_date__gte=today,
        due_date__lte=today + datetime.timedelta(days=2),
        assignee__isnull=False,
        project__deleted_at__isnull=True,
        project__status__in=OPEN_STATUSES,
    ).select_related("assignee", "project")
    sent = 0
    for m in soon:
        assert m.assignee is not None and m.due_date is not None
        sent += len(
            notify(
                recipients=[m.assignee],
                kind=NotificationKind.MILESTONE_DUE_SOON,
                title=f"“{m.title}” on {m.project.title} is due {m.due_date.isoformat()}",
                body=f"It is {m.progress}% done.",
                project_id=m.project_id,
                target=("milestone", m.pk),
                dedupe_key=f"due-soon:{m.pk}:{m.due_date.isoformat()}",
            )
        )
    return sent


def daily_digest_send(*, now: datetime.datetime | None = None) -> int:
    """One email per person summarising yesterday's changes in their projects."""
    end = now or timezone.now()
    start = end - datetime.timedelta(days=1)
    changed = Activity.objects.filter(created_at__gte=start, created_at__lt=end, project_id__isnull=False)
    per_project = Counter(changed.values_list("project_id", flat=True))
    if not per_project:
        return 0
    people: dict[int, list[int]] = defaultdict(list)
    for user_id, project_id in TeamMember.objects.filter(
        project_id__in=per_project, project__deleted_at__isnull=True
    ).values_list("user_id", "project_id"):
        people[user_id].append(project_id)
    titles = dict(
        TeamMember.objects.filter(project_id__in=per_project).values_list("project_id", "project__title").distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=people, is_active=True):
        lines = [f"- {titles.get(pid, pid)}: {per_project[pid]} change(s)" for pid in sorted(people[user.pk])]
        with transaction.atomic():
            sent += len(
                notify(
                    recipients=[user],
                    kind=NotificationKind.DIGEST,
                    title=f"Your projects on {start.date().isoformat()}",
                    body="\n".join(lines),
                    dedupe_key=f"digest:{start.date().isoformat()}",
                )
            )
    return sent
