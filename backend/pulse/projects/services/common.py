"""What every service here shares: the project row lock, the version check, the compare-and-swap
write, the snapshot a change is diffed against, and the recomputation after a child changed."""

from __future__ import annotations

from typing import Any

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import activity_record, diff
from pulse.projects.models import Project, Tag
from pulse.projects.rules import permissions
from pulse.projects.rules.activity import activity_fields, project_activity
from pulse.projects.rules.validation import NO_ACTIVE_USER, active_user, resolve_tags
from pulse.projects.services.derivation import derive_project
from pulsekit.errors import NotFound, ValidationFailed
from pulsekit.versioning import StaleVersion, compare_and_swap

PROJECT_FIELDS = (
    "title",
    "description",
    "progress",
    "start_date",
    "due_date",
    "health_override",
    "health_override_reason",
)


def lock_project(project_id: int, *, actor: Any, include_deleted: bool = False) -> Project:
    manager = Project.all_objects if include_deleted else Project.objects
    project = manager.select_for_update(of=("self",)).filter(pk=project_id).first()
    if project is None or not permissions.can_view(actor, project):
        raise NotFound("Project not found.")
    return project


def check_version(kind: str, obj: Any, expected: int | None) -> None:
    if expected is None or obj.version != expected:
        raise StaleVersion(kind=kind, pk=obj.pk, current_version=obj.version)


def project_snapshot(project: Project, tag_names: list[str] | None = None) -> dict[str, Any]:
    snap = {f: getattr(project, f) for f in (*PROJECT_FIELDS, "status", "health", "owner_id")}
    snap["tags"] = tag_names if tag_names is not None else _tag_names(project.pk)
    return snap


def _tag_names(project_id: int) -> list[str]:
    return sorted(Tag.objects.filter(projects__id=project_id).values_list("name", flat=True))


def write_project(project: Project, expected_version: int, values: dict[str, Any]) -> int:
    """Compare-and-swap the row; return the new version."""
    project.version = compare_and_swap(
        Project.all_objects, kind="project", pk=project.pk, version=expected_version, values=values
    )
    return project.version


def touch_project(project: Project) -> dict[str, list[Any]]:
    """A child changed: recompute derived fields and bump the project's version once."""
    before = {"progress": project.progress, "health": project.health}
    derive_project(project)
    write_project(
        project,
        project.version,
        {"progress": project.progress, "health": project.health, "health_reasons": project.health_reasons},
    )
    return diff(before, {"progress": project.progress, "health": project.health})


def active_user_or_fail(user_id: int, *, field: str) -> User:
    user = active_user(user_id)
    if user is None:
        raise ValidationFailed(details={field: [NO_ACTIVE_USER]})
    return user


def tags_or_fail(tag_ids: list[int]) -> list[Tag]:
    tags, missing = resolve_tags(tag_ids)
    if missing:
        raise ValidationFailed(details={"tag_ids": [f"Unknown tag id(s): {', '.join(map(str, missing))}."]})
    return tags


def record_project_change(
    verb: str, *, actor: User, project: Project, changes: dict[str, Any], **metadata: Any
) -> Activity:
    """The activity (outbox row) of a change to the project itself, at its new version."""
    return activity_record(
        **project_activity(
            verb=verb,
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes=changes,
            title=project.title,
            **metadata,
        )
    )


def record_child_change(
    verb: str, *, actor: User, project: Project, target: tuple[str, int], changes: dict[str, Any], **metadata: Any
) -> Activity:
    """The activity of a change to one of the project's members or milestones, at the project's new version."""
    return activity_record(
        **activity_fields(
            verb=verb,
            actor=actor,
            target=target,
            project_id=project.pk,
            version=project.version,
            changes=changes,
            **metadata,
        )
    )
