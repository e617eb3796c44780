"""A project's team: adding, changing and removing members."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import diff
from pulse.common.validation import clean_or_fail, integrity_failed
from pulse.notifications.models import NotificationKind
from pulse.projects.models import Milestone, Project, TeamMember
from pulse.projects.rules import permissions
from pulse.projects.rules.notifications import notify_about
from pulse.projects.services.common import (
    active_user_or_fail,
    check_version,
    lock_project,
    record_child_change,
    touch_project,
)
from pulsekit.errors import Conflict, NotFound, ValidationFailed
from pulsekit.versioning import compare_and_swap


def _lock_for_change(
    project_id: int, member_id: int, expected_version: int | None, actor: User
) -> tuple[Project, TeamMember]:
    """The project and the member, locked in that order, once the actor may manage the team and has
    read the member's current version."""
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="manage_team")
    member = _lock_member(project, member_id)
    check_version("member", member, expected_version)
    return project, member


def _lock_member(project: Project, member_id: int) -> TeamMember:
    member = (
        TeamMember.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=member_id, project_id=project.pk)
        .first()
    )
    if member is None:
        raise NotFound("Member not found.")
    return member


def _record(
    verb: str, actor: User, project: Project, member: TeamMember, changes: dict[str, Any], **metadata: Any
) -> Activity:
    """The member change's activity: its project's title and the member's name in the metadata."""
    target_id = metadata.pop("member_id", member.pk)  # a removed member has no pk left
    return record_child_change(
        verb,
        actor=actor,
        project=project,
        target=("member", target_id),
        changes=changes,
        title=project.title,
        user_name=member.user.name,
        **metadata,
    )


def _member_snapshot(member: TeamMember) -> dict[str, Any]:
    return {"user_id": member.user_id, "role": member.role, "allocation": member.allocation}


@transaction.atomic
def member_add(*, project_id: int, actor: User, user_id: int, role: str, allocation: int = 0) -> TeamMember:
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="manage_team")
    user = active_user_or_fail(user_id, field="user_id")
    if TeamMember.objects.filter(project_id=project.pk, user_id=user.pk).exists():
        raise ValidationFailed(details={"user_id": ["This person is already a member of the project."]})
    member = TeamMember(project=project, user=user, role=role, allocation=allocation)
    clean_or_fail(member, exclude=["project", "user"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        raise integrity_failed(error) from error
    touch_project(project)
    activity = _record("member.added", actor, project, member, diff({}, _member_snapshot(member)))
    notify_about(
        activity,
        recipient=user,
        kind=NotificationKind.MEMBER_ADDED,
        title=f"You joined {project.title} as {member.get_role_display().lower()}",
        body=f"{actor.name} added you to {project.title} with {member.allocation}% allocation.",
    )
    return member


@transaction.atomic
def member_update(
    *, project_id: int, member_id: int, expected_version: int | None, actor: User, data: dict[str, Any]
) -> TeamMember:
    project, member = _lock_for_change(project_id, member_id, expected_version, actor)
    before = _member_snapshot(member)
    for field in ("role", "allocation"):
        if field in data:
            setattr(member, field, data[field])
    clean_or_fail(member, exclude=["project", "user"])
    changes = diff(before, _member_snapshot(member))
    if not changes:
        return member
    member.version = compare_and_swap(
        TeamMember.objects,
        kind="member",
        pk=member.pk,
        version=member.version,
        values={"role": member.role, "allocation": member.allocation},
    )
    touch_project(project)
    activity = _record("member.updated", actor, project, member, changes, user_id=member.user_id)
    if "role" in changes:
        notify_about(
            activity,
            recipient=member.user,
            kind=NotificationKind.MEMBER_ROLE_CHANGED,
            title=f"Your role on {project.title} is now {member.get_role_display().lower()}",
            body=f"{actor.name} changed your role from {changes['role'][0]} to {changes['role'][1]}.",
        )
    return member


@transaction.atomic
def member_remove(*, project_id: int, member_id: int, expected_version: int | None, actor: User) -> None:
    """Remove a member; milestones assigned to them become unassigned."""
    project, member = _lock_for_change(project_id, member_id, expected_version, actor)
    if member.user_id == project.owner_id:
        raise Conflict("The project owner cannot be removed from the team.", code="owner_membership")
    unassigned = list(
        Milestone.objects.filter(project_id=project.pk, assignee_id=member.user_id).values_list("pk", flat=True)
    )
    Milestone.objects.filter(pk__in=unassigned).update(
        assignee=None, version=F("version") + 1, updated_at=timezone.now()
    )
    snapshot = _member_snapshot(member)
    member.delete()
    touch_project(project)
    changes = {k: [v, None] for k, v in snapshot.items()}
    _record("member.removed", actor, project, member, changes, member_id=member_id, unassigned_milestones=unassigned)
