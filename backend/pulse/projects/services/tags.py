"""Tags: anyone creates them, their creator renames or deletes them; a change reaches every project carrying it."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import activity_record, diff
from pulse.common.validation import clean_or_fail, integrity_failed
from pulse.projects.models import Project, Tag
from pulse.projects.rules import permissions
from pulse.projects.rules.activity import activity_fields, project_activity
from pulse.projects.services.common import check_version
from pulse.realtime.outbox import publish_after_commit
from pulse.search.index import search_index_refresh
from pulsekit.errors import NotFound
from pulsekit.versioning import compare_and_swap


def _lock_tag(tag_id: int) -> Tag:
    # NO KEY UPDATE: a project writer tagging a project meanwhile (its foreign key takes KEY SHARE on the
    # tag while it holds its project's lock) is not blocked, so the two can never deadlock.
    tag = Tag.objects.select_for_update(no_key=True).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound("Tag not found.")
    return tag


def tag_names_by_project(project_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {pid: [] for pid in project_ids}
    rows = Tag.objects.filter(projects__id__in=project_ids).values_list("projects__id", "name").order_by("name")
    for project_id, name in rows:
        names[project_id].append(name)
    return names


def _lock_tagged_projects(tag: Tag) -> dict[int, tuple[int, str]]:
    """The live projects carrying the tag, locked in id order like every project writer: id -> (version, title)."""
    rows = (
        Project.objects.select_for_update(of=("self",))
        .filter(tags=tag)
        .order_by("pk")
        .values_list("pk", "version", "title")
    )
    return {pk: (version, title) for pk, version, title in rows}


def _tagged_projects_changed(
    *, tag: Tag, locked: dict[int, tuple[int, str]], names_before: dict[int, list[str]], actor: User, cause: str
) -> list[int]:
    """A tag's name or existence changed, and with it the representation (and so the ETag) of every project
    carrying it: each gets a new version, a fresh search vector and its own ``project.updated`` event (its
    tag names before and after), so whoever holds its ETag is told the new version like for any change."""
    ids = list(locked)
    if not ids:
        return ids
    now = timezone.now()
    Project.objects.filter(pk__in=ids).update(version=F("version") + 1, updated_at=now)
    search_index_refresh(ids)
    names_after = tag_names_by_project(ids)
    Activity.objects.bulk_create(
        [
            Activity(
                **project_activity(
                    verb="project.updated",
                    actor=actor,
                    project_id=pid,
                    version=version + 1,
                    changes=diff({"tags": names_before[pid]}, {"tags": names_after[pid]}),
                    title=title,
                    tag_id=tag.pk,
                    cause=cause,
                ),
                created_at=now,
            )
            for pid, (version, title) in locked.items()
        ],
        batch_size=1000,
    )
    publish_after_commit(ids)
    return ids


def _record(verb: str, actor: User, tag: Tag, *, version: int, changes: dict[str, Any], **metadata: Any) -> None:
    """A tag's change: its activity (no project's), the tag's name in the metadata."""
    target = ("tag", tag.pk)
    activity_record(
        **activity_fields(
            verb=verb,
            actor=actor,
            target=target,
            project_id=None,
            version=version,
            changes=changes,
            name=tag.name,
            **metadata,
        )
    )


@transaction.atomic
def tag_create(*, actor: User, name: str, colour: str | None = None) -> Tag:
    tag = Tag(name=name.strip(), created_by=actor)  # its words reach the vocabulary when it tags a project
    if colour:
        tag.colour = colour
    clean_or_fail(tag)
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError as error:
        raise integrity_failed(error) from error
    _record("tag.created", actor, tag, version=tag.version, changes=diff({}, {"name": tag.name, "colour": tag.colour}))
    return tag


@transaction.atomic
def tag_update(*, tag_id: int, expected_version: int | None, actor: User, data: dict[str, Any]) -> Tag:
    tag = _lock_tag(tag_id)
    permissions.require_tag_owner(actor, tag)
    check_version("tag", tag, expected_version)
    before = {"name": tag.name, "colour": tag.colour}
    if "name" in data:
        tag.name = data["name"].strip()
    if "colour" in data:
        tag.colour = data["colour"]
    clean_or_fail(tag)
    changes = diff(before, {"name": tag.name, "colour": tag.colour})
    if not changes:
        return tag
    locked = _lock_tagged_projects(tag) if "name" in changes else {}
    names_before = tag_names_by_project(list(locked))
    try:
        with transaction.atomic():
            tag.version = compare_and_swap(
                Tag.objects, kind="tag", pk=tag.pk, version=tag.version, values={"name": tag.name, "colour": tag.colour}
            )
    except IntegrityError as error:
        raise integrity_failed(error) from error
    _record("tag.updated", actor, tag, version=tag.version, changes=changes, project_ids=list(locked))
    _tagged_projects_changed(tag=tag, locked=locked, names_before=names_before, actor=actor, cause="tag.updated")
    return tag


@transaction.atomic
def tag_delete(*, tag_id: int, expected_version: int | None, actor: User) -> None:
    tag = _lock_tag(tag_id)
    permissions.require_tag_owner(actor, tag)
    check_version("tag", tag, expected_version)
    locked = _lock_tagged_projects(tag)
    names_before = tag_names_by_project(list(locked))
    compare_and_swap(
        Tag.objects,
        kind="tag",
        pk=tag.pk,
        version=tag.version,
        values={"deleted_at": timezone.now(), "deleted_by": actor},
    )
    _record(
        "tag.deleted", actor, tag, version=tag.version + 1, changes={"name": [tag.name, None]}, project_ids=list(locked)
    )
    _tagged_projects_changed(tag=tag, locked=locked, names_before=names_before, actor=actor, cause="tag.deleted")
