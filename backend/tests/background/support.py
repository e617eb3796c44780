"""Data builders and small helpers for the background tests."""

from __future__ import annotations

import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from rest_framework.test import APIClient

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.projects.models import Project, ProjectStatus, Role, TeamMember
from pulse.search.index import search_index_refresh
from pulsekit.versioning import make_etag


def wait_until(check: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not reached within {timeout}s")
        time.sleep(interval)


BULK_URL = "/api/v1/bulk-operations/"
_batch = itertools.count(1)


def bulk_projects(
    owner: User,
    n: int,
    *,
    status: str = ProjectStatus.PLANNING,
    members: tuple[tuple[User, str], ...] = (),
    **fields: Any,
) -> list[Project]:
    """``n`` live projects owned by ``owner`` (lead member), built with a few set-based INSERTs.

    Realistic rows (owner, lead membership, version 1, derived health, search vector), without
    10,000 service calls. ``members`` adds more team members to every project.
    """
    tag = f"B{next(_batch)}-{uuid.uuid4().hex[:6]}"
    projects = Project.objects.bulk_create(
        [
            Project(
                title=f"{tag} project {i:05d}", description="Made for a bulk test", owner=owner, status=status, **fields
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    team = [TeamMember(project=p, user=owner, role=Role.LEAD) for p in projects]
    team += [TeamMember(project=p, user=user, role=role) for p in projects for user, role in members]
    TeamMember.objects.bulk_create(team, batch_size=5000)
    search_index_refresh([p.pk for p in projects])
    return projects


def items_for(projects: list[Project]) -> list[dict[str, Any]]:
    return [{"id": p.pk, "etag": make_etag("project", p.pk, p.version)} for p in projects]


def post_bulk(
    client: APIClient, action: str, items: list[dict[str, Any]], params: dict[str, Any] | None = None, key: str = ""
) -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    body = {"action": action, "items": items, "params": params or {}}
    return client.post(BULK_URL, body, format="json", **headers)


def wait_finished(operation_id: int, timeout: float = 120.0) -> BulkOperation:
    """The operation once the worker has finished it (succeeded or failed)."""

    def done() -> BulkOperation | None:
        op = BulkOperation.objects.get(pk=operation_id)
        return op if op.status in (BulkStatus.SUCCEEDED, BulkStatus.FAILED) else None

    return wait_until(done, timeout, interval=0.2, what=f"bulk operation {operation_id} finished")


def activities_of(operation_id: int) -> Any:
    return Activity.objects.filter(metadata__bulk_operation_id=operation_id)


def per_project_counts(operation_id: int) -> Counter[int]:
    rows = activities_of(operation_id).values("project_id").annotate(n=Count("id")).values_list("project_id", "n")
    return Counter(dict(rows))


def summaries_of(operation_id: int) -> Any:
    return Activity.objects.filter(verb="bulk.completed", target_type="bulk_operation", target_id=operation_id)


def snapshot(ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """Everything a bulk operation could change on these projects, to compare before and after."""
    rows = Project.all_objects.filter(pk__in=ids).values_list(
        "pk",
        "version",
        "status",
        "health",
        "health_override",
        "health_override_reason",
        "due_date",
        "owner_id",
        "deleted_at",
        "updated_at",
    )
    return {row[0]: row[1:] for row in rows}


# What a bulk action (or its undo) may change on a project, besides tags and the deletion.
BULK_FIELDS = (
    "status",
    "health",
    "health_reasons",
    "health_override",
    "health_override_reason",
    "due_date",
    "owner_id",
)


def bulk_fields(project: Project) -> dict[str, Any]:
    """The project's ``BULK_FIELDS`` as stored."""
    return {field: getattr(project, field) for field in BULK_FIELDS}


MISSING_ID = 2**62  # no project has it


@dataclass(frozen=True)
class RefusalCase:
    """A ``transition start`` by ``requester`` over one project per way an item can be refused, and one
    that passes: ``items`` carries each one's ETag as read at version 1 (``active`` at 2) and an id
    that names no project."""

    requester: User
    fine: Project
    active: Project  # already active: invalid
    hidden: Project  # the requester is not on its team: not found
    as_developer: Project  # the requester may see it, not edit it: forbidden
    trashed: Project  # not found
    moved: Project  # changed since version 1: conflict
    moved_version: int
    changer: User
    changed_fields: list[str]

    @property
    def targets(self) -> list[Project]:
        return [self.fine, self.active, self.hidden, self.as_developer, self.trashed, self.moved]

    @property
    def items(self) -> list[dict[str, Any]]:
        items = [{"id": p.pk, "etag": make_etag("project", p.pk, 1)} for p in self.targets]
        items[1]["etag"] = make_etag("project", self.active.pk, 2)
        return [*items, {"id": MISSING_ID, "etag": make_etag("project", MISSING_ID, 1)}]


def refusal_case(name: str, *, moved_by_manager: bool = False) -> RefusalCase:
    """Build a ``RefusalCase``; ``moved_by_manager``: a manager joins ``moved`` and edits it (else its owner)."""
    from pulse.projects import services
    from tests.factories import add_member, make_project, make_user

    requester, stranger = make_user(f"{name}-owner"), make_user(f"{name}-stranger")
    fine, active = make_project(requester), make_project(requester)
    services.project_transition(project_id=active.pk, name="start", expected_version=1, actor=requester)
    hidden, as_developer = make_project(stranger), make_project(stranger)
    add_member(as_developer, requester, role=Role.DEVELOPER)
    trashed = make_project(requester)
    services.project_delete(project_id=trashed.pk, expected_version=1, actor=requester)
    moved = make_project(requester)
    changer, fields = requester, ["description"]
    if moved_by_manager:
        changer, fields = make_user(f"{name}-manager"), ["description", "members"]
        add_member(moved, changer, role=Role.MANAGER)
    services.project_update(
        project_id=moved.pk,
        expected_version=Project.objects.get(pk=moved.pk).version,
        actor=changer,
        data={"description": "x"},
    )
    return RefusalCase(
        requester=requester,
        fine=fine,
        active=active,
        hidden=hidden,
        as_developer=as_developer,
        trashed=trashed,
        moved=moved,
        moved_version=Project.objects.get(pk=moved.pk).version,
        changer=changer,
        changed_fields=fields,
    )


def assert_refusals_reported(case: RefusalCase, report: list[dict[str, Any]], **fine: Any) -> None:
    """Each item of ``case`` has the result it must (``fine``: what the passing entry adds to ``ok``)."""
    results = {entry["id"]: entry for entry in report}
    assert results[case.fine.pk] == {"id": case.fine.pk, "result": "ok", **fine}
    assert results[case.active.pk]["result"] == "invalid" and "active" in results[case.active.pk]["message"]
    assert results[case.hidden.pk] == {"id": case.hidden.pk, "result": "not_found"}
    assert results[case.as_developer.pk] == {"id": case.as_developer.pk, "result": "forbidden"}
    assert results[case.trashed.pk] == {"id": case.trashed.pk, "result": "not_found"}
    assert results[case.moved.pk] == {
        "id": case.moved.pk,
        "result": "conflict",
        "etag": make_etag("project", case.moved.pk, case.moved_version),
        "changed_by": {"id": case.changer.pk, "name": case.changer.name},
        "changed_fields": case.changed_fields,
    }
    assert results[MISSING_ID] == {"id": MISSING_ID, "result": "not_found"}
    assert len(report) == len(case.items)
