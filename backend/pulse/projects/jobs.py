"""Scheduled maintenance of projects (run by Celery beat). Each job is idempotent."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import activity_record, diff
from pulse.notifications.models import NotificationKind
from pulse.notifications.services import notify
from pulse.projects.models import OPEN_STATUSES, Milestone, MilestoneStatus, Project, Role
from pulse.projects.services import derive, milestone_facts
from pulse.realtime.outbox import publish_after_commit
from pulsekit.bulk import update_from_values
from pulsekit.versioning import compare_and_swap

BATCH = 1000


@transaction.atomic
def trash_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete for good the projects that have been in the trash longer than the retention period."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.PULSE["TRASH_RETENTION_DAYS"])
    expired = list(Project.all_objects.select_for_update().filter(deleted_at__lt=cutoff).order_by("pk"))
    for project in expired:
        activity_record(
            verb="project.purged",
            actor=None,
            target_type="project",
            target_id=project.pk,
            project_id=project.pk,
            version=project.version,
            metadata={
                "title": project.title,
                "deleted_at": project.deleted_at.isoformat() if project.deleted_at else None,
            },
        )
    Project.all_objects.filter(pk__in=[p.pk for p in expired]).delete()
    return len(expired)


def health_recompute(*, today: datetime.date | None = None) -> int:
    """Recompute progress and health of every open project; record and publish only real changes."""
    ids = list(Project.objects.filter(status__in=OPEN_STATUSES).order_by("pk").values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            batch = list(Project.objects.select_for_update().filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
            facts = milestone_facts([p.pk for p in batch])
            updates, activities = [], []
            for p in batch:
                before = {"progress": p.progress, "health": p.health, "health_reasons": p.health_reasons}
                derive(p, facts[p.pk], today=today)
                after = {"progress": p.progress, "health": p.health, "health_reasons": p.health_reasons}
                if after == before:
                    continue
                p.version += 1
                updates.append((p.pk, p.progress, p.health, json.dumps(p.health_reasons)))
                activities.append(
                    Activity(
                        verb="project.updated",
                        target_type="project",
                        target_id=p.pk,
                        project_id=p.pk,
                        version=p.version,
                        changes=diff(
                            {k: before[k] for k in ("progress", "health")},
                            {k: after[k] for k in ("progress", "health")},
                        ),
                        metadata={
                            "title": p.title,
                            "reason": "scheduled_recompute",
                            "health_reasons": p.health_reasons,
                        },
                    )
                )
            if updates:
                update_from_values(
                    "projects_project",
                    [("progress", "smallint"), ("health", "varchar"), ("health_reasons", "jsonb")],
                    updates,
                    extra_set='"version" = t."version" + 1, "updated_at" = now()',
                )
                Activity.objects.bulk_create(activities)
                publish_after_commit([u[0] for u in updates])
            changed += len(updates)
    return changed


@transaction.atomic
def milestones_mark_missed(*, today: datetime.date | None = None) -> int:
    """Open milestones past their due date become ``missed``; assignee and project leads are told."""
    today = today or timezone.localdate()
    overdue = (
        Milestone.objects.select_for_update(of=("self",))
        .filter(
            status__in=[MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS],
            due_date__lt=today,
            project__deleted_at__isnull=True,
            project__status__in=OPEN_STATUSES,
        )
        .select_related("project", "assignee")
        .order_by("project_id", "pk")
    )
    by_project: dict[int, list[Milestone]] = {}
    for m in overdue:
        by_project.setdefault(m.project_id, []).append(m)
    for project_id, milestones in by_project.items():
        project = Project.objects.select_for_update().get(pk=project_id)
        Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(
            status=MilestoneStatus.MISSED, version=F("version") + 1, updated_at=timezone.now()
        )
        before = {"progress": project.progress, "health": project.health}
        derive(project, milestone_facts([project.pk])[project.pk], today=today)
        project.version = compare_and_swap(
            Project.objects,
            kind="project",
            pk=project.pk,
            version=project.version,
            values={"progress": project.progress, "health": project.health, "health_reasons": project.health_reasons},
        )
        leads = User.objects.filter(memberships__project_id=project.pk, memberships__role__in=[Role.LEAD, Role.MANAGER])
        for m in milestones:
            activity = activity_record(
                verb="milestone.updated",
                actor=None,
                target_type="milestone",
                target_id=m.pk,
                project_id=project.pk,
                version=project.version,
                changes={"status": [m.status, MilestoneStatus.MISSED]},
                metadata={
                    "title": m.title,
                    "project_title": project.title,
                    "reason": "overdue",
                    "project_changes": diff(before, {"progress": project.progress, "health": project.health}),
                },
            )
            notify(
                recipients=[*leads, *([m.assignee] if m.assignee else [])],
                kind=NotificationKind.MILESTONE_MISSED,
                title=f"“{m.title}” on {project.title} was missed",
                body=f"It was due {m.due_date.isoformat() if m.due_date else '?'} and is {m.progress}% done.",
                project_id=project.pk,
                target=("milestone", m.pk),
                dedupe_key=f"missed:{m.pk}:{activity.pk}",
            )
    return sum(len(v) for v in by_project.values())
