"""Data builders and small helpers for the background tests."""

from __future__ import annotations

import itertools
import time
import uuid
from collections import Counter
from collections.abc import Callable
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
