"""Helpers shared by the HTTP API tests: URLs, the error shape, and "nothing changed" snapshots."""

from __future__ import annotations

import json
from typing import Any

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.projects.models import Milestone, Project, Tag, TeamMember

API = "/api/v1"

ROLES = ("owner", "lead", "manager", "developer", "designer", "qa", "stakeholder", "outsider", "staff", "anonymous")
MEMBER_ROLES = frozenset({"lead", "manager", "developer", "designer", "qa", "stakeholder"})
EDITORS = frozenset({"owner", "lead", "manager", "staff"})
VIEWERS = EDITORS | MEMBER_ROLES
AUTHENTICATED = frozenset(ROLES) - {"anonymous"}
DELETERS = frozenset({"owner", "staff"})


def project_url(project_id: int) -> str:
    return f"{API}/projects/{project_id}/"


def members_url(project_id: int) -> str:
    return f"{API}/projects/{project_id}/members/"


def member_url(project_id: int, member_id: int) -> str:
    return f"{API}/projects/{project_id}/members/{member_id}/"


def milestones_url(project_id: int) -> str:
    return f"{API}/projects/{project_id}/milestones/"


def milestone_url(project_id: int, milestone_id: int) -> str:
    return f"{API}/projects/{project_id}/milestones/{milestone_id}/"


def transition_url(project_id: int, name: str) -> str:
    return f"{API}/projects/{project_id}/transitions/{name}/"


def restore_url(project_id: int) -> str:
    return f"{API}/projects/{project_id}/restore/"


def activity_url(project_id: int) -> str:
    return f"{API}/projects/{project_id}/activity/"


def tag_url(tag_id: int) -> str:
    return f"{API}/tags/{tag_id}/"


def body_of(response: Any) -> Any:
    """The decoded JSON body (works for DRF and plain Django responses)."""
    return json.loads(response.content)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """Assert the status and the one error shape; return the inner ``error`` object."""
    assert response.status_code == status, (response.status_code, response.content[:2000])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = body_of(response)
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code, error
    return dict(error)


def state() -> dict[str, Any]:
    """A fingerprint of everything a write could touch: versions of every row and the activity log."""
    return {
        "activity": Activity.objects.count(),
        "last_activity": Activity.objects.order_by("-id").values_list("id", flat=True).first(),
        "projects": dict(Project.all_objects.values_list("id", "version")),
        "deleted": sorted(Project.all_objects.filter(deleted_at__isnull=False).values_list("id", flat=True)),
        "milestones": dict(Milestone.all_objects.values_list("id", "version")),
        "members": dict(TeamMember.objects.values_list("id", "version")),
        "tags": dict(Tag.all_objects.values_list("id", "version")),
        "project_tags": sorted(Project.tags.through.objects.values_list("project_id", "tag_id")),
        "users": dict(User.objects.values_list("id", "version")),
    }


def result_ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content[:2000]
    return [row["id"] for row in body_of(response)["results"]]
