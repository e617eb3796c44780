from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q, QuerySet

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.projects.selectors import visible_among, visible_project_ids

# Rows private to one person that belong in their feed (delivery statuses are not changes).
FEED_PRIVATE_VERBS = ("bulk.completed",)


def activity_feed(*, user: Any, verb: str = "") -> QuerySet[Activity]:
    """Activity of every project the user can see, tag activity (tags are shared by everyone) and the
    summaries of the user's own bulk operations."""
    qs = Activity.objects.select_related("actor")
    if not getattr(user, "is_staff", False):
        qs = qs.filter(
            Q(project_id__in=visible_project_ids(user))
            | Q(project_id__isnull=True, verb__startswith="tag.")
            | Q(project_id__isnull=True, recipient_id=user.pk, verb__in=FEED_PRIVATE_VERBS)
        )
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def project_activity(*, project_id: int, verb: str = "") -> QuerySet[Activity]:
    qs = Activity.objects.select_related("actor").filter(project_id=project_id)
    if verb:
        qs = qs.filter(verb__startswith=verb)
    return qs


def as_seen_by(*, user: Any, activities: Iterable[Activity]) -> list[Activity]:
    """The rows as ``user`` may see them: a shared (tag) row's ``metadata.project_ids`` lists only the
    projects the user may see. The same few queries for the whole page; the rows are not saved."""
    rows = list(activities)
    if getattr(user, "is_staff", False):
        return rows  # the whole audit log, as the feed itself
    listed = {pid for a in rows if a.project_id is None for pid in a.metadata.get("project_ids", ())}
    if not listed:
        return rows
    visible = visible_among(user_ids=[user.pk], project_ids=listed).get(user.pk, set())
    for a in rows:
        if a.project_id is None and "project_ids" in a.metadata:
            a.metadata = {**a.metadata, "project_ids": [p for p in a.metadata["project_ids"] if p in visible]}
    return rows


# The object kinds whose activity rows carry the object's own version (a child's carry its project's).
_OWN_VERSION_KINDS = ("project", "tag")
# The kinds whose changes are recorded as activity (a user's profile is not: its 412 names nobody).
EXPLAINED_KINDS = (*_OWN_VERSION_KINDS, "member", "milestone")


def explain_stale(kind: str, pk: int) -> Callable[[int | None, int], dict[str, Any]]:
    """``conditional_write``'s ``explain``: the ``changed_by`` and ``changed_fields`` of this object's 412."""
    return lambda expected, current: stale_write_explained(kind, {pk: (expected, current)})[pk]


def stale_write_explained(kind: str, since: dict[int, tuple[int | None, int]]) -> dict[int, dict[str, Any]]:
    """Who changed each object since the version a stale write named, and what, in one query.

    ``since`` maps each object's id to ``(expected, current)``: the version the client sent (None when
    its ETag named none: the latest change) and the version it holds now. Answers, per id,
    ``changed_by`` ({id, name} of the newest change's actor, None if unknown) and ``changed_fields``
    (the union of the fields the changes since touched, sorted; a child's change on a project names
    its kind, ``milestones``, and what it did to the project). Only public rows of the object itself:
    whoever may read the object may read them in its activity.

    A project's or tag's rows carry its own version; a member's or milestone's carry the project's,
    so theirs are the newest ``current - expected`` rows on that object (each write bumps it once;
    a removed member's unassigned milestones count the removal).
    """
    base = {
        pk: (current - 1 if expected is None else min(expected, current)) for pk, (expected, current) in since.items()
    }
    answer: dict[int, dict[str, Any]] = {pk: {"changed_by": None, "changed_fields": []} for pk in since}
    moved = {pk: v for pk, v in base.items() if v < since[pk][1]}
    if not moved or kind not in EXPLAINED_KINDS:
        return answer
    public = Activity.objects.filter(recipient_id__isnull=True)
    names = ("actor__display_name", "actor__first_name", "actor__last_name", "actor__username")
    columns = (
        "project_id",
        "target_id",
        "version",
        "actor_id",
        *names,
        "target_type",
        "changes",
        "metadata__project_changes",
    )
    if kind in _OWN_VERSION_KINDS:
        key = "project_id" if kind == "project" else "target_id"
        where = Q(**{f"{key}__in": list(moved)}, version__gt=min(moved.values()))
        if kind == "tag":
            where &= Q(target_type="tag", project_id__isnull=True)
        rows = list(public.filter(where).order_by("id").values_list(*columns))
    else:
        if len(moved) != 1:
            raise ValueError(f"Explain one {kind} at a time: its activity rows do not carry its version.")
        ((pk, version),) = moved.items()
        where = Q(target_type=kind, target_id=pk)
        if kind == "milestone":
            where |= Q(verb="member.removed", metadata__unassigned_milestones__contains=[pk])
        newest = public.filter(where).order_by("-id").values_list(*columns)[: since[pk][1] - version]
        rows = [(row[0], pk, None, *row[3:]) for row in reversed(list(newest))]
    for project_id, target_id, version, actor_id, *name, target_type, changes, project_changes in rows:
        pk = project_id if kind == "project" else target_id
        if (
            pk not in moved
            or (version is not None and version <= moved[pk])
            or (kind in _OWN_VERSION_KINDS and version is None)
        ):
            continue
        entry = answer[pk]
        entry["changed_by"] = {"id": actor_id, "name": User.name_from(*name)} if actor_id is not None else None
        fields = set(entry["changed_fields"])
        if target_type == kind:
            fields.update(changes or {})
        elif kind == "project":
            fields.add(f"{target_type}s")
            fields.update(project_changes or {})
        else:  # a member's removal unassigned this milestone
            fields.add("assignee_id")
        entry["changed_fields"] = sorted(fields)
    return answer
