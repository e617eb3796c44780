"""Every write to projects, members, milestones and tags.

Each public service is one transaction, checks permission and the expected
version under a row lock, writes with a compare-and-swap on ``version`` and
records exactly one Activity (the event outbox row) for the change.
Lock order is always project, then milestone / member, so writers never deadlock.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.activity.services import activity_record, diff
from pulse.common.validation import clean_or_fail, integrity_failed
from pulse.notifications.models import NotificationKind
from pulse.notifications.services import notify
from pulse.projects.health import MilestoneFacts, compute_health, weighted_progress
from pulse.projects.models import (
    Milestone,
    MilestoneStatus,
    Project,
    Role,
    Tag,
    TeamMember,
)
from pulse.projects.rules import permissions
from pulse.projects.rules.activity import project_activity
from pulse.projects.rules.lifecycle import TRANSITIONS, allowed_transitions, transition_problem, transition_target
from pulse.projects.rules.notifications import notify_transitioned
from pulse.projects.rules.validation import (
    NO_ACTIVE_USER,
    OVERRIDE_REASON_REQUIRED,
    active_user,
    override_reason_missing,
    resolve_tags,
)
from pulse.realtime.outbox import publish_after_commit
from pulsekit.errors import Conflict, NotFound, ValidationFailed
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
MILESTONE_FIELDS = ("title", "description", "status", "start_date", "due_date", "progress", "weight", "assignee_id")

# ---------------------------------------------------------------- helpers


def _lock_project(project_id: int, *, actor: Any, include_deleted: bool = False) -> Project:
    manager = Project.all_objects if include_deleted else Project.objects
    project = manager.select_for_update(of=("self",)).filter(pk=project_id).first()
    if project is None or not permissions.can_view(actor, project):
        raise NotFound("Project not found.")
    return project


def _check_version(kind: str, obj: Any, expected: int | None) -> None:
    if expected is None or obj.version != expected:
        raise StaleVersion(kind=kind, pk=obj.pk, current_version=obj.version)


def _project_snapshot(project: Project, tag_names: list[str] | None = None) -> dict[str, Any]:
    snap = {f: getattr(project, f) for f in (*PROJECT_FIELDS, "status", "health", "owner_id")}
    snap["tags"] = tag_names if tag_names is not None else _tag_names(project.pk)
    return snap


def _tag_names(project_id: int) -> list[str]:
    return sorted(Tag.objects.filter(projects__id=project_id).values_list("name", flat=True))


MILESTONE_FACT_FIELDS = ("title", "status", "start_date", "due_date", "progress", "weight")


def milestone_facts(project_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """Live milestones' facts per project, in one query (for set-based recomputation)."""
    facts: dict[int, list[tuple[Any, ...]]] = {pid: [] for pid in project_ids}
    # Plain SQL: a bulk operation reads ~30,000 of these rows, where the ORM's per-row work showed.
    columns = ", ".join(f'"{name}"' for name in MILESTONE_FACT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT project_id, {columns} FROM projects_milestone "  # noqa: S608 (column names from code)
            "WHERE deleted_at IS NULL AND project_id = ANY(%s::bigint[])",
            [list(project_ids)],
        )
        for row in cursor.fetchall():
            facts[row[0]].append(row[1:])
    return facts


def derive(project: Project, milestones: list[tuple[Any, ...]], *, today: datetime.date | None = None) -> None:
    """Recompute progress (weighted, from milestones) and health with reasons, on the instance."""
    derived = weighted_progress((m[4], m[5]) for m in milestones)
    if derived is not None:
        project.progress = derived
    health, reasons = compute_health(
        status=project.status,
        progress=project.progress,
        start_date=project.start_date,
        due_date=project.due_date,
        milestones=[MilestoneFacts(*m[:5]) for m in milestones],
        today=today or timezone.localdate(),
    )
    project.health = project.health_override or health
    project.health_reasons = reasons


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


def _derive(project: Project) -> None:
    derive(project, milestone_facts([project.pk])[project.pk])


def _write_project(project: Project, expected_version: int, values: dict[str, Any]) -> int:
    """Compare-and-swap the row; return the new version."""
    project.version = compare_and_swap(
        Project.all_objects, kind="project", pk=project.pk, version=expected_version, values=values
    )
    return project.version


def search_index_refresh(project_ids: list[int]) -> None:
    """Rebuild the weighted search vector (title A, tags B, description C) in one statement."""
    if not project_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE projects_project p SET search_vector =
                setweight(to_tsvector('english', p.title), 'A') ||
                setweight(to_tsvector('english', coalesce(t.names, '')), 'B') ||
                setweight(to_tsvector('english', p.description), 'C')
            FROM (
                SELECT p2.id, string_agg(tag.name, ' ') AS names
                FROM projects_project p2
                LEFT JOIN projects_project_tags pt ON pt.project_id = p2.id
                LEFT JOIN projects_tag tag ON tag.id = pt.tag_id AND tag.deleted_at IS NULL
                WHERE p2.id = ANY(%s)
                GROUP BY p2.id
            ) t
            WHERE p.id = t.id
            """,
            [list(project_ids)],
        )
        cursor.execute(VOCABULARY_SQL.format(table="projects_project", column="title"), [list(project_ids)])


VOCABULARY_SQL = """
    INSERT INTO search_searchword (word)
    SELECT DISTINCT w FROM {table} x, regexp_split_to_table(lower(x.{column}), '[^[:alnum:]]+') w
    WHERE x.id = ANY(%s) AND length(w) BETWEEN 3 AND 100 AND w !~ '^[0-9]+$'
    ON CONFLICT DO NOTHING
"""


def milestone_search_index_refresh(milestone_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_SQL.format(table="projects_milestone", column="title"), [list(milestone_ids)])
        cursor.execute(
            """
            UPDATE projects_milestone SET search_vector =
                setweight(to_tsvector('english', title), 'A') ||
                setweight(to_tsvector('english', description), 'C')
            WHERE id = ANY(%s)
            """,
            [list(milestone_ids)],
        )


def _active_user(user_id: int, *, field: str) -> User:
    user = active_user(user_id)
    if user is None:
        raise ValidationFailed(details={field: [NO_ACTIVE_USER]})
    return user


def _resolve_tags(tag_ids: list[int]) -> list[Tag]:
    tags, missing = resolve_tags(tag_ids)
    if missing:
        raise ValidationFailed(details={"tag_ids": [f"Unknown tag id(s): {', '.join(map(str, missing))}."]})
    return tags


# ---------------------------------------------------------------- projects


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
    _derive(project)
    clean_or_fail(project, exclude=["search_vector", "tags"])
    tags = _resolve_tags(tag_ids or [])
    try:
        with transaction.atomic():
            project.save()
    except IntegrityError as error:
        raise integrity_failed(error) from error
    project.tags.set(tags)
    TeamMember.objects.create(project=project, user=actor, role=Role.LEAD, allocation=0)
    search_index_refresh([project.pk])
    activity_record(
        **project_activity(
            verb="project.created",
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes=diff({}, _project_snapshot(project, sorted(t.name for t in tags))),
            title=project.title,
        )
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
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="edit")
    owner_changes = data.get("owner_id", project.owner_id) != project.owner_id
    if owner_changes:
        permissions.require_owner_change(actor, project)
    _check_version("project", project, expected_version)
    new_owner = _active_user(data["owner_id"], field="owner_id") if owner_changes else None

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
    before = _project_snapshot(project, None if "tag_ids" in data else [])
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

    tags = _resolve_tags(data["tag_ids"]) if "tag_ids" in data else None
    derive(project, milestones)
    clean_or_fail(project, exclude=["search_vector", "tags", *_unchanged_checks(before, project)])

    after = _project_snapshot(project, sorted(t.name for t in tags) if tags is not None else before["tags"])
    changes = diff(before, after)
    if not changes:
        return project

    values = {f: getattr(project, f) for f in (*PROJECT_FIELDS, "health", "health_reasons", "owner_id")}
    try:
        _write_project(project, expected_version or 0, values)
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
    activity_record(
        **project_activity(
            verb="project.updated",
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes=changes,
            title=project.title,
        )
    )
    return project


@transaction.atomic
def project_transition(*, project_id: int, name: str, expected_version: int | None, actor: User) -> Project:
    """Run a lifecycle transition; 409 listing the allowed ones when it does not apply."""
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="transition")
    _check_version("project", project, expected_version)
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
    _derive(project)
    _write_project(
        project,
        project.version,
        {"status": project.status, "health": project.health, "health_reasons": project.health_reasons},
    )
    activity = activity_record(
        **project_activity(
            verb="project.transitioned",
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes=diff(before, {"status": project.status, "health": project.health}),
            title=project.title,
            transition=name,
        )
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
    project = _lock_project(project_id, actor=actor)
    permissions.require_owner(actor, project, to="delete")
    _check_version("project", project, expected_version)
    now = timezone.now()
    _write_project(project, project.version, {"deleted_at": now, "deleted_by": actor})
    project.deleted_at = now
    activity_record(
        **project_activity(
            verb="project.deleted",
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes={"deleted_at": [None, now.isoformat()]},
            title=project.title,
        )
    )
    return project


@transaction.atomic
def project_restore(*, project_id: int, actor: User) -> Project:
    """Bring a project back from the trash with the milestones and team it had."""
    project = _lock_project(project_id, actor=actor, include_deleted=True)
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
    _derive(project)
    _write_project(
        project,
        project.version,
        {"deleted_at": None, "deleted_by": None, "health": project.health, "health_reasons": project.health_reasons},
    )
    activity_record(
        **project_activity(
            verb="project.restored",
            actor=actor,
            project_id=project.pk,
            version=project.version,
            changes={"deleted_at": [deleted_at.isoformat(), None]},
            title=project.title,
        )
    )
    return project


def _touch_project(project: Project) -> dict[str, list[Any]]:
    """A child changed: recompute derived fields and bump the project's version once."""
    before = {"progress": project.progress, "health": project.health}
    _derive(project)
    _write_project(
        project,
        project.version,
        {"progress": project.progress, "health": project.health, "health_reasons": project.health_reasons},
    )
    return diff(before, {"progress": project.progress, "health": project.health})


# ---------------------------------------------------------------- members


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


def _member_snapshot(member: TeamMember) -> dict[str, Any]:
    return {"user_id": member.user_id, "role": member.role, "allocation": member.allocation}


@transaction.atomic
def member_add(*, project_id: int, actor: User, user_id: int, role: str, allocation: int = 0) -> TeamMember:
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="manage_team")
    user = _active_user(user_id, field="user_id")
    if TeamMember.objects.filter(project_id=project.pk, user_id=user.pk).exists():
        raise ValidationFailed(details={"user_id": ["This person is already a member of the project."]})
    member = TeamMember(project=project, user=user, role=role, allocation=allocation)
    clean_or_fail(member, exclude=["project", "user"])
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError as error:
        raise integrity_failed(error) from error
    _touch_project(project)
    activity = activity_record(
        verb="member.added",
        actor=actor,
        target_type="member",
        target_id=member.pk,
        project_id=project.pk,
        version=project.version,
        changes=diff({}, _member_snapshot(member)),
        metadata={"title": project.title, "user_name": user.name},
    )
    notify(
        recipients=[user],
        kind=NotificationKind.MEMBER_ADDED,
        title=f"You joined {project.title} as {member.get_role_display().lower()}",
        body=f"{actor.name} added you to {project.title} with {member.allocation}% allocation.",
        project_id=project.pk,
        target=("member", member.pk),
        dedupe_key=f"activity:{activity.pk}",
        exclude=actor,
    )
    return member


@transaction.atomic
def member_update(
    *, project_id: int, member_id: int, expected_version: int | None, actor: User, data: dict[str, Any]
) -> TeamMember:
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="manage_team")
    member = _lock_member(project, member_id)
    _check_version("member", member, expected_version)
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
    _touch_project(project)
    activity = activity_record(
        verb="member.updated",
        actor=actor,
        target_type="member",
        target_id=member.pk,
        project_id=project.pk,
        version=project.version,
        changes=changes,
        metadata={"title": project.title, "user_name": member.user.name, "user_id": member.user_id},
    )
    if "role" in changes:
        notify(
            recipients=[member.user],
            kind=NotificationKind.MEMBER_ROLE_CHANGED,
            title=f"Your role on {project.title} is now {member.get_role_display().lower()}",
            body=f"{actor.name} changed your role from {changes['role'][0]} to {changes['role'][1]}.",
            project_id=project.pk,
            target=("member", member.pk),
            dedupe_key=f"activity:{activity.pk}",
            exclude=actor,
        )
    return member


@transaction.atomic
def member_remove(*, project_id: int, member_id: int, expected_version: int | None, actor: User) -> None:
    """Remove a member; milestones assigned to them become unassigned."""
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="manage_team")
    member = _lock_member(project, member_id)
    _check_version("member", member, expected_version)
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
    _touch_project(project)
    activity_record(
        verb="member.removed",
        actor=actor,
        target_type="member",
        target_id=member_id,
        project_id=project.pk,
        version=project.version,
        changes={k: [v, None] for k, v in snapshot.items()},
        metadata={"title": project.title, "user_name": member.user.name, "unassigned_milestones": unassigned},
    )


# ---------------------------------------------------------------- milestones


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
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="add_milestone")
    _check_assignee(project, data.get("assignee_id"))
    milestone = Milestone(project=project, **{k: v for k, v in data.items() if k in MILESTONE_FIELDS})
    milestone.title = milestone.title.strip()
    _apply_completion(milestone, data)
    clean_or_fail(milestone, exclude=["search_vector", "project"])
    milestone.save()
    milestone_search_index_refresh([milestone.pk])
    project_changes = _touch_project(project)
    activity = activity_record(
        verb="milestone.created",
        actor=actor,
        target_type="milestone",
        target_id=milestone.pk,
        project_id=project.pk,
        version=project.version,
        changes=diff({}, _milestone_snapshot(milestone)),
        metadata={"title": milestone.title, "project_title": project.title, "project_changes": project_changes},
    )
    _notify_assignee(milestone, project, actor, activity.pk)
    return milestone


def _notify_assignee(milestone: Milestone, project: Project, actor: User, activity_id: int) -> None:
    if milestone.assignee_id is None:
        return
    assignee = User.objects.get(pk=milestone.assignee_id)
    due = f", due {milestone.due_date.isoformat()}" if milestone.due_date else ""
    notify(
        recipients=[assignee],
        kind=NotificationKind.MILESTONE_ASSIGNED,
        title=f"Milestone “{milestone.title}” on {project.title} is yours",
        body=f"{actor.name} assigned you “{milestone.title}”{due}.",
        project_id=project.pk,
        target=("milestone", milestone.pk),
        dedupe_key=f"activity:{activity_id}",
        exclude=actor,
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
    project = _lock_project(project_id, actor=actor)
    milestone = _lock_milestone(project, milestone_id)
    fields = set(data)
    permissions.require_milestone_update(actor, project, milestone, fields)
    _check_version("milestone", milestone, expected_version)
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
    project_changes = _touch_project(project)
    activity = activity_record(
        verb="milestone.updated",
        actor=actor,
        target_type="milestone",
        target_id=milestone.pk,
        project_id=project.pk,
        version=project.version,
        changes=changes,
        metadata={"title": milestone.title, "project_title": project.title, "project_changes": project_changes},
    )
    if "assignee_id" in changes:
        _notify_assignee(milestone, project, actor, activity.pk)
    return milestone


@transaction.atomic
def milestone_delete(*, project_id: int, milestone_id: int, expected_version: int | None, actor: User) -> None:
    project = _lock_project(project_id, actor=actor)
    permissions.require_editor(actor, project, to="delete_milestone")
    milestone = _lock_milestone(project, milestone_id)
    _check_version("milestone", milestone, expected_version)
    now = timezone.now()
    compare_and_swap(
        Milestone.objects,
        kind="milestone",
        pk=milestone.pk,
        version=milestone.version,
        values={"deleted_at": now, "deleted_by": actor},
    )
    project_changes = _touch_project(project)
    activity_record(
        verb="milestone.deleted",
        actor=actor,
        target_type="milestone",
        target_id=milestone.pk,
        project_id=project.pk,
        version=project.version,
        changes={"deleted_at": [None, now.isoformat()]},
        metadata={"title": milestone.title, "project_title": project.title, "project_changes": project_changes},
    )


# ---------------------------------------------------------------- tags


def _lock_tag(tag_id: int) -> Tag:
    # NO KEY UPDATE: a project writer tagging a project meanwhile (its foreign key takes KEY SHARE on the
    # tag while it holds its project's lock) is not blocked, so the two can never deadlock.
    tag = Tag.objects.select_for_update(no_key=True).filter(pk=tag_id).first()
    if tag is None:
        raise NotFound("Tag not found.")
    return tag


def _tag_names_by_project(project_ids: list[int]) -> dict[int, list[str]]:
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
    names_after = _tag_names_by_project(ids)
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
    activity_record(
        verb="tag.created",
        actor=actor,
        target_type="tag",
        target_id=tag.pk,
        version=tag.version,
        changes=diff({}, {"name": tag.name, "colour": tag.colour}),
        metadata={"name": tag.name},
    )
    return tag


@transaction.atomic
def tag_update(*, tag_id: int, expected_version: int | None, actor: User, data: dict[str, Any]) -> Tag:
    tag = _lock_tag(tag_id)
    permissions.require_tag_owner(actor, tag)
    _check_version("tag", tag, expected_version)
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
    names_before = _tag_names_by_project(list(locked))
    try:
        with transaction.atomic():
            tag.version = compare_and_swap(
                Tag.objects, kind="tag", pk=tag.pk, version=tag.version, values={"name": tag.name, "colour": tag.colour}
            )
    except IntegrityError as error:
        raise integrity_failed(error) from error
    activity_record(
        verb="tag.updated",
        actor=actor,
        target_type="tag",
        target_id=tag.pk,
        version=tag.version,
        changes=changes,
        metadata={"name": tag.name, "project_ids": list(locked)},
    )
    _tagged_projects_changed(tag=tag, locked=locked, names_before=names_before, actor=actor, cause="tag.updated")
    return tag


@transaction.atomic
def tag_delete(*, tag_id: int, expected_version: int | None, actor: User) -> None:
    tag = _lock_tag(tag_id)
    permissions.require_tag_owner(actor, tag)
    _check_version("tag", tag, expected_version)
    locked = _lock_tagged_projects(tag)
    names_before = _tag_names_by_project(list(locked))
    compare_and_swap(
        Tag.objects,
        kind="tag",
        pk=tag.pk,
        version=tag.version,
        values={"deleted_at": timezone.now(), "deleted_by": actor},
    )
    activity_record(
        verb="tag.deleted",
        actor=actor,
        target_type="tag",
        target_id=tag.pk,
        version=tag.version + 1,
        changes={"name": [tag.name, None]},
        metadata={"name": tag.name, "project_ids": list(locked)},
    )
    _tagged_projects_changed(tag=tag, locked=locked, names_before=names_before, actor=actor, cause="tag.deleted")
