"""A project's milestones: create, update, delete; a change recomputes the project's derived fields."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import diff
from pulse.common.validation import clean_or_fail
from pulse.notifications.models import NotificationKind
from pulse.projects.models import Milestone, MilestoneStatus, Project, TeamMember
from pulse.projects.rules import permissions
from pulse.projects.rules.notifications import notify_about
from pulse.projects.services.common import check_version, lock_project, record_child_change, touch_project
from pulse.search.index import milestone_search_index_refresh
from pulsekit.errors import NotFound, ValidationFailed
from pulsekit.versioning import compare_and_swap

MILESTONE_FIELDS = ("title", "description", "status", "start_date", "due_date", "progress", "weight", "assignee_id")


def _lock_milestone(project: Project, milestone_id: int) -> Milestone:
    milestone = Milestone.objects.select_for_update(of=("self",)).filter(pk=milestone_id, project_id=project.pk).first()
    if milestone is None:
        raise NotFound("Milestone not found.")
    return milestone


def _milestone_snapshot(m: Milestone) -> dict[str, Any]:
    return {f: getattr(m, f) for f in MILESTONE_FIELDS}


def _check_assignee(project: Project, assignee_id: int | None) -> None:
    if assignee_id is not None and not TeamMember.objects.filter(project_id=project.pk, user_id=assignee_id).exists():
        raise ValidationFailed(details={"assignee_id": ["The assignee must be a member of the project."]})


def _apply_completion(milestone: Milestone, data: dict[str, Any]) -> None:
    if milestone.status == MilestoneStatus.DONE:
        if "progress" not in data:
            milestone.progress = 100
        milestone.completed_at = milestone.completed_at or timezone.now()
    else:
        milestone.completed_at = None


@transaction.atomic
def milestone_create(*, project_id: int, actor: User, data: dict[str, Any]) -> Milestone:
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="add_milestone")
    _check_assignee(project, data.get("assignee_id"))
    milestone = Milestone(project=project, **{k: v for k, v in data.items() if k in MILESTONE_FIELDS})
    milestone.title = milestone.title.strip()
    _apply_completion(milestone, data)
    clean_or_fail(milestone, exclude=["search_vector", "project"])
    milestone.save()
    milestone_search_index_refresh([milestone.pk])
    activity = _record_with_project(
        "milestone.created", actor, project, milestone, diff({}, _milestone_snapshot(milestone))
    )
    _notify_assignee(milestone, project, actor, activity)
    return milestone


def _record_with_project(
    verb: str, actor: User, project: Project, milestone: Milestone, changes: dict[str, Any]
) -> Activity:
    """A milestone changed: recompute its project's derived fields, then record the change's activity
    with what it did to the project."""
    project_changes = touch_project(project)
    return record_child_change(
        verb,
        actor=actor,
        project=project,
        target=("milestone", milestone.pk),
        changes=changes,
        title=milestone.title,
        project_title=project.title,
        project_changes=project_changes,
    )


def _notify_assignee(milestone: Milestone, project: Project, actor: User, activity: Activity) -> None:
    if milestone.assignee_id is None:
        return
    due = f", due {milestone.due_date.isoformat()}" if milestone.due_date else ""
    notify_about(
        activity,
        recipient=User.objects.get(pk=milestone.assignee_id),
        kind=NotificationKind.MILESTONE_ASSIGNED,
        title=f"Milestone “{milestone.title}” on {project.title} is yours",
        body=f"{actor.name} assigned you “{milestone.title}”{due}.",
    )


@transaction.atomic
def milestone_update(
    *,
    project_id: int,
    milestone_id: int,
    expected_version: int | None,
    actor: User,
    data: dict[str, Any],
    replace: bool = False,
) -> Milestone:
    project = lock_project(project_id, actor=actor)
    milestone = _lock_milestone(project, milestone_id)
    fields = set(data)
    permissions.require_milestone_update(actor, project, milestone, fields)
    check_version("milestone", milestone, expected_version)
    if replace:
        data = {
            "description": "",
            "status": MilestoneStatus.PENDING,
            "start_date": None,
            "due_date": None,
            "progress": 0,
            "weight": 1,
            "assignee_id": None,
        } | data
    if "assignee_id" in data:
        _check_assignee(project, data["assignee_id"])
    before = _milestone_snapshot(milestone)
    for field in MILESTONE_FIELDS:
        if field in data:
            setattr(milestone, field, data[field].strip() if field == "title" else data[field])
    if "status" in data or "progress" in data:
        _apply_completion(milestone, data)
    clean_or_fail(milestone, exclude=["search_vector", "project"])
    changes = diff(before, _milestone_snapshot(milestone))
    if not changes:
        return milestone
    milestone.version = compare_and_swap(
        Milestone.objects,
        kind="milestone",
        pk=milestone.pk,
        version=milestone.version,
        values={**{f: getattr(milestone, f) for f in MILESTONE_FIELDS}, "completed_at": milestone.completed_at},
    )
    if {"title", "description"} & changes.keys():
        milestone_search_index_refresh([milestone.pk])
    activity = _record_with_project("milestone.updated", actor, project, milestone, changes)
    if "assignee_id" in changes:
        _notify_assignee(milestone, project, actor, activity)
    return milestone


@transaction.atomic
def milestone_delete(*, project_id: int, milestone_id: int, expected_version: int | None, actor: User) -> None:
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="delete_milestone")
    milestone = _lock_milestone(project, milestone_id)
    check_version("milestone", milestone, expected_version)
    now = timezone.now()
    compare_and_swap(
        Milestone.objects,
        kind="milestone",
        pk=milestone.pk,
        version=milestone.version,
        values={"deleted_at": now, "deleted_by": actor},
    )
    _record_with_project("milestone.deleted", actor, project, milestone, {"deleted_at": [None, now.isoformat()]})
