"""A project's lifecycle: transitions (the table is in ``pulse.projects.rules.lifecycle``), the trash and back."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.services import diff
from pulse.projects.models import Project
from pulse.projects.rules import permissions
from pulse.projects.rules.lifecycle import TRANSITIONS, allowed_transitions, transition_problem, transition_target
from pulse.projects.rules.notifications import notify_transitioned
from pulse.projects.services.common import check_version, lock_project, record_project_change, write_project
from pulse.projects.services.derivation import derive_project
from pulsekit.errors import Conflict, NotFound


@transaction.atomic
def project_transition(*, project_id: int, name: str, expected_version: int | None, actor: User) -> Project:
    """Run a lifecycle transition; 409 listing the allowed ones when it does not apply."""
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="transition")
    check_version("project", project, expected_version)
    if name not in TRANSITIONS:
        raise NotFound(f"Unknown transition “{name}”.")
    if problem := transition_problem(name, project.status):
        allowed = allowed_transitions(project.status)
        raise Conflict(
            problem,
            code="transition_not_allowed",
            details={"status": project.status, "transition": name, "allowed": allowed},
        )
    before = {"status": project.status, "health": project.health}
    project.status = transition_target(name)
    derive_project(project)
    write_project(
        project,
        project.version,
        {"status": project.status, "health": project.health, "health_reasons": project.health_reasons},
    )
    after = {"status": project.status, "health": project.health}
    activity = record_project_change(
        "project.transitioned", actor=actor, project=project, changes=diff(before, after), transition=name
    )
    notify_transitioned(
        actor=actor,
        name=name,
        projects=[(project.pk, project.title, project.owner_id)],
        target=("project", project.pk),
        dedupe_key=f"activity:{activity.pk}",
    )
    return project


@transaction.atomic
def project_delete(*, project_id: int, expected_version: int | None, actor: User) -> Project:
    """Soft delete: the project, its milestones and team leave every live query together."""
    project = lock_project(project_id, actor=actor)
    permissions.require_owner(actor, project, to="delete")
    check_version("project", project, expected_version)
    now = timezone.now()
    write_project(project, project.version, {"deleted_at": now, "deleted_by": actor})
    project.deleted_at = now
    record_project_change(
        "project.deleted", actor=actor, project=project, changes={"deleted_at": [None, now.isoformat()]}
    )
    return project


@transaction.atomic
def project_restore(*, project_id: int, actor: User) -> Project:
    """Bring a project back from the trash with the milestones and team it had."""
    project = lock_project(project_id, actor=actor, include_deleted=True)
    if project.deleted_at is None:
        raise Conflict("The project is not in the trash.", code="not_deleted")
    permissions.require_owner(actor, project, to="restore")
    if Project.objects.filter(title__iexact=project.title).exists():
        raise Conflict(
            "A live project already has this title; rename one of them first.",
            code="title_taken",
            details={"title": project.title},
        )
    deleted_at = project.deleted_at
    project.deleted_at = None
    derive_project(project)
    write_project(
        project,
        project.version,
        {"deleted_at": None, "deleted_by": None, "health": project.health, "health_reasons": project.health_reasons},
    )
    record_project_change(
        "project.restored", actor=actor, project=project, changes={"deleted_at": [deleted_at.isoformat(), None]}
    )
    return project
