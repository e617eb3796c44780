"""Creating and editing a project (fields, tags, owner)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from pulse.accounts.models import User
from pulse.activity.services import diff
from pulse.common.validation import clean_or_fail, integrity_failed
from pulse.projects.models import Project, Role, TeamMember
from pulse.projects.rules import permissions
from pulse.projects.rules.validation import OVERRIDE_REASON_REQUIRED, override_reason_missing
from pulse.projects.services.common import (
    PROJECT_FIELDS,
    active_user_or_fail,
    check_version,
    lock_project,
    project_snapshot,
    record_project_change,
    tags_or_fail,
    write_project,
)
from pulse.projects.services.derivation import derive, derive_project, milestone_facts
from pulse.search.index import search_index_refresh
from pulsekit.errors import ValidationFailed

# Checks that cost a database round trip each (unique title, owner exists, the two check
# constraints), keyed by the fields they read. A check whose fields all kept their stored values
# cannot start failing, so an update skips it; the database still enforces every constraint.
_ROUND_TRIP_CHECKS = (("title",), ("owner_id",), ("progress",), ("start_date", "due_date"))


def _unchanged_checks(before: dict[str, Any], project: Project) -> list[str]:
    """Field names to leave out of ``full_clean`` because none of the fields their check reads changed."""
    skip: list[str] = []
    for fields in _ROUND_TRIP_CHECKS:
        if all(before[f] == getattr(project, f) for f in fields):
            skip.extend(f.removesuffix("_id") for f in fields)
    return skip


@transaction.atomic
def project_create(
    *,
    actor: User,
    title: str,
    description: str = "",
    start_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    progress: int = 0,
    tag_ids: list[int] | None = None,
    health_override: str | None = None,
    health_override_reason: str = "",
) -> Project:
    """Create a project owned by ``actor``, who also becomes its ``lead`` member."""
    if health_override and override_reason_missing(health_override_reason):
        raise ValidationFailed(details={"health_override_reason": [OVERRIDE_REASON_REQUIRED]})
    project = Project(
        title=title.strip(),
        description=description,
        start_date=start_date,
        due_date=due_date,
        progress=progress,
        owner=actor,
        health_override=health_override,
        health_override_reason=health_override_reason if health_override else "",
    )
    derive_project(project)
    clean_or_fail(project, exclude=["search_vector", "tags"])
    tags = tags_or_fail(tag_ids or [])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        raise integrity_failed(error) from error
    project.tags.set(tags)
    TeamMember.objects.create(project=project, user=actor, role=Role.LEAD, allocation=0)
    search_index_refresh([project.pk])
    record_project_change(
        "project.created",
        actor=actor,
        project=project,
        changes=diff({}, project_snapshot(project, sorted(t.name for t in tags))),
    )
    return project


@transaction.atomic
def project_update(
    *, project_id: int, expected_version: int | None, actor: User, data: dict[str, Any], replace: bool = False
) -> Project:
    """Change project fields (and ``tag_ids``, ``owner_id``). ``replace`` resets omitted fields (PUT).

    A new owner follows the rules of the bulk ``change_owner``: only the owner or staff may hand
    the project over, to an active user, who becomes a ``lead`` member unless already on the team.
    """
    project = lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="edit")
    owner_changes = data.get("owner_id", project.owner_id) != project.owner_id
    if owner_changes:
        permissions.require_owner_change(actor, project)
    check_version("project", project, expected_version)
    new_owner = active_user_or_fail(data["owner_id"], field="owner_id") if owner_changes else None

    milestones = milestone_facts([project.pk])[project.pk]  # read under the project's row lock
    has_milestones = bool(milestones)
    if replace:
        defaults: dict[str, Any] = {
            "description": "",
            "start_date": None,
            "due_date": None,
            "health_override": None,
            "health_override_reason": "",
            "tag_ids": [],
        }
        if not has_milestones:
            defaults["progress"] = 0  # derived, not reset, while there are milestones
        data = defaults | data

    # Tag names are read only when tags may change; otherwise both snapshots share one placeholder.
    before = project_snapshot(project, None if "tag_ids" in data else [])
    if "progress" in data and has_milestones and data["progress"] != project.progress:
        raise ValidationFailed(details={"progress": ["Progress is derived from milestones while the project has any."]})
    for field in PROJECT_FIELDS:
        if field in data:
            setattr(project, field, data[field].strip() if field == "title" else data[field])
    if new_owner is not None:
        project.owner = new_owner
    if "health_override" in data and project.health_override is None:
        project.health_override_reason = ""
    elif project.health_override and override_reason_missing(project.health_override_reason):
        raise ValidationFailed(details={"health_override_reason": [OVERRIDE_REASON_REQUIRED]})

    tags = tags_or_fail(data["tag_ids"]) if "tag_ids" in data else None
    derive(project, milestones)
    clean_or_fail(project, exclude=["search_vector", "tags", *_unchanged_checks(before, project)])

    after = project_snapshot(project, sorted(t.name for t in tags) if tags is not None else before["tags"])
    changes = diff(before, after)
    if not changes:
        return project

    values = {f: getattr(project, f) for f in (*PROJECT_FIELDS, "health", "health_reasons", "owner_id")}
    try:
        write_project(project, expected_version or 0, values)
    except IntegrityError as error:  # this service's own savepoint rolls the attempt back
        raise integrity_failed(error) from error
    if tags is not None:
        project.tags.set(tags)
    if new_owner is not None:
        # As the bulk change_owner: a new owner joins as lead; a member already keeps their role.
        TeamMember.objects.get_or_create(
            project_id=project.pk, user_id=new_owner.pk, defaults={"role": Role.LEAD, "allocation": 0}
        )
    if {"title", "description", "tags"} & changes.keys():
        search_index_refresh([project.pk])
    record_project_change("project.updated", actor=actor, project=project, changes=changes)
    return project
