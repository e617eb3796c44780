"""Mass assignment: server-owned fields in a request body change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.projects.models import Milestone, Project, Tag, TeamMember
from tests.apis.conftest import World
from tests.apis.support import (
    API,
    assert_error,
    body_of,
    member_url,
    members_url,
    milestone_url,
    project_url,
    state,
    tag_url,
)
from tests.conftest import client_for, etag_of
from tests.factories import PASSWORD, make_project, make_user


@pytest.fixture
def world(shared: World) -> World:
    return shared


# owner_id is writable on PATCH / PUT (tests/apis/test_project_owner_api.py); the nested owner is not.
PROJECT_SERVER_FIELDS = [
    ("owner", "OUTSIDER"),
    ("version", 999),
    ("created_at", "2000-01-01T00:00:00Z"),
    ("updated_at", "2000-01-01T00:00:00Z"),
    ("deleted_at", "2000-01-01T00:00:00Z"),
    ("deleted_by", "OUTSIDER"),
    ("id", 424242),
    ("status", "completed"),
    ("health", "off_track"),
    ("health_reasons", [{"code": "forged", "severity": "off_track", "message": "forged"}]),
    ("search_vector", "'forged':1"),
    ("etag", '"project-1-v999"'),
    ("members", [{"user": {"id": 1}, "role": "lead"}]),
]


def _value(world: World, value: Any) -> Any:
    return world.cast.outsider.pk if value == "OUTSIDER" else value


def _project_row(pk: int) -> dict[str, Any]:
    return dict(
        Project.all_objects.filter(pk=pk)
        .values(
            "owner_id",
            "created_at",
            "updated_at",
            "deleted_at",
            "deleted_by_id",
            "status",
            "health",
            "health_reasons",
            "title",
        )
        .get()
    )


@pytest.mark.parametrize(("field", "value"), PROJECT_SERVER_FIELDS, ids=[f for f, _ in PROJECT_SERVER_FIELDS])
def test_project_patch_ignores_server_owned_field(world: World, field: str, value: Any) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    etag = etag_of(client, url)
    before = _project_row(world.pid)
    version = Project.objects.get(pk=world.pid).version

    response = client.patch(
        url, {"description": "Legitimate change", field: _value(world, value)}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code in (200, 400), response.content
    after = _project_row(world.pid)
    if response.status_code == 200:
        assert body_of(response)["description"] == "Legitimate change"
        assert Project.objects.get(pk=world.pid).version == version + 1
        assert after.pop("updated_at") > before.pop("updated_at")
    else:
        assert Project.objects.get(pk=world.pid).version == version
    assert after == {k: v for k, v in before.items() if k in after}
    assert Project.objects.filter(pk=424242).count() == 0
    assert set(TeamMember.objects.filter(project_id=world.pid).values_list("user_id", flat=True)) == {
        m["user"]["id"] for m in body_of(client.get(url))["members"]
    }
    assert world.cast.outsider.pk not in {m["user"]["id"] for m in body_of(client.get(url))["members"]}


def test_project_patch_with_only_server_owned_fields_changes_nothing(world: World) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    etag = etag_of(client, url)
    before = state()

    response = client.patch(
        url, {field: _value(world, value) for field, value in PROJECT_SERVER_FIELDS}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code in (200, 400), response.content
    assert state() == before
    assert etag_of(client, url) == etag


def test_project_create_ignores_server_owned_fields(world: World) -> None:
    client = client_for(world.cast.developer)
    before_activity = Activity.objects.count()
    response = client.post(
        f"{API}/projects/",
        {
            "title": "Forged project",
            "owner": world.cast.outsider.pk,
            "owner_id": world.cast.outsider.pk,
            "status": "completed",
            "health": "off_track",
            "version": 50,
            "id": 777777,
            "deleted_at": "2000-01-01T00:00:00Z",
            "created_at": "2000-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = body_of(response)
    assert body["owner"]["id"] == world.cast.developer.pk
    assert body["status"] == "planning"
    assert body["health"] == "on_track"
    assert body["version"] == 1
    assert body["id"] != 777777
    assert not body["created_at"].startswith("2000")
    project = Project.objects.get(pk=body["id"])  # live manager: not deleted
    assert project.owner_id == world.cast.developer.pk
    assert Activity.objects.count() == before_activity + 1
    # The outsider did not become anything on it.
    assert_error(client_for(world.cast.outsider).get(project_url(project.pk)), 404, "not_found")


def test_health_can_only_change_through_an_override_with_reason(world: World) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    etag = etag_of(client, url)

    missing_reason = client.patch(url, {"health_override": "off_track"}, format="json", HTTP_IF_MATCH=etag)
    assert_error(missing_reason, 400, "validation_error")
    assert "health_override_reason" in missing_reason.json()["error"]["details"]

    response = client.patch(
        url,
        {"health_override": "off_track", "health_override_reason": "Vendor slipped"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200, response.content
    assert body_of(response)["health"] == "off_track"
    latest = Activity.objects.order_by("-id").first()
    assert latest is not None and latest.verb == "project.updated"
    assert latest.changes["health_override"] == [None, "off_track"]
    assert latest.changes["health_override_reason"] == ["", "Vendor slipped"]


MILESTONE_SERVER_FIELDS = [
    ("project_id", "OTHER_PROJECT"),
    ("project", "OTHER_PROJECT"),
    ("completed_at", "2000-01-01T00:00:00Z"),
    ("version", 999),
    ("id", 515151),
    ("created_at", "2000-01-01T00:00:00Z"),
    ("deleted_at", "2000-01-01T00:00:00Z"),
    ("assignee", {"id": 1}),
]


@pytest.mark.parametrize(("field", "value"), MILESTONE_SERVER_FIELDS, ids=[f for f, _ in MILESTONE_SERVER_FIELDS])
def test_milestone_patch_ignores_server_owned_field(world: World, field: str, value: Any) -> None:
    other = make_project(world.cast.owner, title="Other project")
    client = client_for(world.cast.owner)
    url = milestone_url(world.pid, world.milestone.pk)
    etag = etag_of(client, url)
    before = Milestone.all_objects.filter(pk=world.milestone.pk).values().get()

    response = client.patch(
        url,
        {"progress": 77, field: other.pk if value == "OTHER_PROJECT" else value},
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code in (200, 400), response.content
    after = Milestone.all_objects.filter(pk=world.milestone.pk).values().get()
    for key in ("project_id", "completed_at", "created_at", "deleted_at", "assignee_id"):
        assert after[key] == before[key], key
    assert after["version"] == before["version"] + (1 if response.status_code == 200 else 0)
    assert not Milestone.all_objects.filter(project_id=other.pk).exists()
    assert not Milestone.all_objects.filter(pk=515151).exists()


def test_member_patch_cannot_swap_the_person_or_project(world: World) -> None:
    other = make_project(world.cast.owner, title="Other project")
    client = client_for(world.cast.owner)
    url = member_url(world.pid, world.extra_member.pk)
    etag = etag_of(client, url)

    response = client.patch(
        url,
        {
            "allocation": 15,
            "user_id": world.cast.outsider.pk,
            "user": world.cast.outsider.pk,
            "project_id": other.pk,
            "version": 99,
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code in (200, 400), response.content
    member = TeamMember.objects.get(pk=world.extra_member.pk)
    assert member.user_id == world.extra.pk
    assert member.project_id == world.pid
    assert member.version in (world.extra_member.version, world.extra_member.version + 1)
    assert not TeamMember.objects.filter(user=world.cast.outsider).exists()


def test_member_create_goes_to_the_project_in_the_url(world: World) -> None:
    other = make_project(world.cast.outsider, title="Outsider's project")
    newcomer = make_user("newcomer")
    response = client_for(world.cast.owner).post(
        members_url(world.pid),
        {"user_id": newcomer.pk, "role": "qa", "project_id": other.pk, "project": other.pk, "version": 9},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert body_of(response)["project_id"] == world.pid
    assert body_of(response)["version"] == 1
    assert not TeamMember.objects.filter(project=other, user=newcomer).exists()


def test_tag_created_by_cannot_be_forged(world: World) -> None:
    client = client_for(world.cast.developer)
    response = client.post(
        f"{API}/tags/", {"name": "forged", "created_by": world.cast.owner.pk, "version": 5}, format="json"
    )
    assert response.status_code == 201, response.content
    tag = Tag.objects.get(pk=body_of(response)["id"])
    assert tag.created_by_id == world.cast.developer.pk
    assert tag.version == 1

    url = tag_url(world.tag.pk)
    etag = etag_of(client_for(world.cast.owner), url)
    patch = client_for(world.cast.owner).patch(
        url, {"colour": "#000000", "created_by": world.cast.developer.pk}, format="json", HTTP_IF_MATCH=etag
    )
    assert patch.status_code in (200, 400)
    assert Tag.objects.get(pk=world.tag.pk).created_by_id == world.cast.owner.pk


def test_me_patch_cannot_escalate_privileges(world: World) -> None:
    user = world.cast.developer
    client = client_for(user)
    url = f"{API}/auth/me/"
    etag = etag_of(client, url)
    before = User.objects.filter(pk=user.pk).values().get()

    response = client.patch(
        url,
        {
            "display_name": "Still a developer",
            "is_staff": True,
            "is_superuser": True,
            "is_active": False,
            "username": "hijacked",
            "password": "plain-text-password",
            "version": 99,
            "tokens_valid_after": None,
            "date_joined": "2000-01-01T00:00:00Z",
            "id": 1,
            "last_login": "2000-01-01T00:00:00Z",
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )

    assert response.status_code in (200, 400), response.content
    after = User.objects.filter(pk=user.pk).values().get()
    for key in ("is_staff", "is_superuser", "is_active", "username", "password", "date_joined", "id"):
        assert after[key] == before[key], key
    assert after["version"] in (before["version"], before["version"] + 1)
    assert not body_of(client.get(url))["is_staff"]
    login = client_for(None).post(
        f"{API}/auth/token/", {"username": user.username, "password": "plain-text-password"}, format="json"
    )
    assert_error(login, 401)
    still = client_for(None).post(
        f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert still.status_code == 200
