"""Projects over HTTP: create, list filters / ordering / pagination, lifecycle, soft delete, trash, restore."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Project
from tests.apis.support import (
    API,
    assert_error,
    body_of,
    members_url,
    milestones_url,
    project_url,
    restore_url,
    result_ids,
    state,
    transition_url,
)
from tests.conftest import client_for, etag_of
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

LIST = f"{API}/projects/"


def _transition(client: Any, project_id: int, name: str) -> Any:
    return client.post(transition_url(project_id, name), HTTP_IF_MATCH=etag_of(client, project_url(project_id)))


# ------------------------------------------------------------------ create


def test_create_returns_201_location_etag_and_makes_the_creator_lead() -> None:
    user = make_user("creator")
    client = client_for(user)
    before = Activity.objects.count()

    response = client.post(
        LIST,
        {
            "title": "  Mars rover  ",
            "description": "Drive around",
            "start_date": "2030-01-01",
            "due_date": "2030-06-30",
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = body_of(response)
    assert body["title"] == "Mars rover"
    assert body["status"] == "planning"
    assert body["owner"]["id"] == user.pk
    assert body["my_role"] == "lead"
    assert [(m["user"]["id"], m["role"]) for m in body["members"]] == [(user.pk, "lead")]
    assert body["allowed_transitions"] == ["start", "cancel"]
    assert response["Location"] == f"http://testserver{project_url(body['id'])}"
    assert response["ETag"] == body["etag"] == f'"project-{body["id"]}-v{body["version"]}"'
    assert client.get(response["Location"]).status_code == 200

    members = body_of(client.get(members_url(body["id"])))
    assert members["count"] == 1
    assert members["results"][0]["role"] == "lead"

    assert Activity.objects.count() == before + 1
    created = Activity.objects.latest("id")
    assert created.verb == "project.created"
    assert created.project_id == body["id"]
    assert created.changes["title"] == [None, "Mars rover"]


def test_create_with_tags() -> None:
    user = make_user("creator")
    red, blue = make_tag(user, "red"), make_tag(user, "blue")
    response = client_for(user).post(LIST, {"title": "Tagged", "tag_ids": [red.pk, blue.pk, red.pk]}, format="json")
    assert response.status_code == 201, response.content
    assert sorted(t["name"] for t in body_of(response)["tags"]) == ["blue", "red"]


def test_title_is_unique_case_insensitively_among_live_projects_only() -> None:
    user = make_user("creator")
    client = client_for(user)
    first = client.post(LIST, {"title": "Atlas"}, format="json")
    assert first.status_code == 201
    clash = client.post(LIST, {"title": "ATLAS"}, format="json")
    assert "title" in assert_error(clash, 400, "validation_error")["details"]

    pid = body_of(first)["id"]
    assert client.delete(project_url(pid), HTTP_IF_MATCH=first["ETag"]).status_code == 204
    again = client.post(LIST, {"title": "atlas"}, format="json")
    assert again.status_code == 201, again.content


def test_renaming_onto_a_taken_title_is_400() -> None:
    user = make_user("creator")
    make_project(user, title="Taken")
    other = make_project(user, title="Free")
    client = client_for(user)
    before = state()
    response = client.patch(
        project_url(other.pk), {"title": "taken"}, format="json", HTTP_IF_MATCH=etag_of(client, project_url(other.pk))
    )
    assert "title" in assert_error(response, 400)["details"]
    assert state() == before


def test_patch_records_changes_and_bumps_version_and_noop_does_not() -> None:
    user = make_user("editor")
    project = make_project(user, title="Versioned", description="old")
    client = client_for(user)
    url = project_url(project.pk)
    etag = etag_of(client, url)
    version = body_of(client.get(url))["version"]

    response = client.patch(url, {"description": "new"}, format="json", HTTP_IF_MATCH=etag)

    assert response.status_code == 200
    assert body_of(response)["version"] == version + 1
    latest = Activity.objects.latest("id")
    assert (latest.verb, latest.changes) == ("project.updated", {"description": ["old", "new"]})

    count = Activity.objects.count()
    same = client.patch(url, {"description": "new"}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert same.status_code == 200
    assert body_of(same)["version"] == version + 1
    assert Activity.objects.count() == count


def test_put_replaces_omitted_fields_with_defaults() -> None:
    user = make_user("editor")
    tag = make_tag(user, "keep-me")
    project = make_project(user, title="Full", description="text", progress=40, tag_ids=[tag.pk])
    client = client_for(user)
    url = project_url(project.pk)

    response = client.put(url, {"title": "Full"}, format="json", HTTP_IF_MATCH=etag_of(client, url))

    assert response.status_code == 200, response.content
    body = body_of(response)
    assert (body["description"], body["progress"], body["tags"]) == ("", 0, [])


def test_put_on_a_project_with_milestones_works_without_sending_progress() -> None:
    """Progress is derived from milestones; a PUT that leaves it out must not be refused for it."""
    user = make_user("editor")
    project = make_project(user, title="Derived")
    make_milestone(project, title="Half done", progress=50)
    client = client_for(user)
    url = project_url(project.pk)

    response = client.put(
        url, {"title": "Derived", "description": "Replaced"}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 200, response.content
    assert body_of(response)["description"] == "Replaced"
    assert body_of(response)["progress"] == 50


# ------------------------------------------------------------------ filters and ordering


@dataclass
class Portfolio:
    me: Any
    other: Any
    red: Any
    blue: Any
    alpha: int
    bravo: int
    charlie: int
    delta: int
    echo: int
    hidden: int

    @property
    def visible(self) -> set[int]:
        return {self.alpha, self.bravo, self.charlie, self.delta, self.echo}


@pytest.fixture
def portfolio() -> Portfolio:
    me, other = make_user("me"), make_user("other")
    red, blue = make_tag(me, "red"), make_tag(me, "blue")
    alpha = make_project(me, title="Alpha", due_date=datetime.date(2030, 1, 10), tag_ids=[red.pk], progress=10)
    bravo = make_project(me, title="Bravo", due_date=datetime.date(2020, 1, 1), tag_ids=[blue.pk], progress=50)
    charlie = make_project(
        me, title="Charlie", due_date=datetime.date(2031, 6, 1), tag_ids=[red.pk, blue.pk], progress=90
    )
    delta = make_project(me, title="Delta", due_date=datetime.date(2019, 1, 1), progress=70)
    echo = make_project(
        other,
        title="Echo",
        progress=30,
        description="Telemetry downlink",
        health_override="off_track",
        health_override_reason="Supplier failed",
    )
    add_member(echo, me, role="developer", allocation=10)
    hidden = make_project(other, title="Foxtrot hidden", tag_ids=[red.pk])
    for project, names in ((bravo, ["start"]), (charlie, ["start", "hold"]), (delta, ["start", "complete"])):
        for name in names:
            current = Project.objects.get(pk=project.pk)
            services.project_transition(project_id=project.pk, name=name, expected_version=current.version, actor=me)
    return Portfolio(me, other, red, blue, alpha.pk, bravo.pk, charlie.pk, delta.pk, echo.pk, hidden.pk)


def _ids(portfolio: Portfolio, **params: Any) -> list[int]:
    return result_ids(client_for(portfolio.me).get(LIST, params))


def test_list_shows_only_visible_projects(portfolio: Portfolio) -> None:
    assert set(_ids(portfolio)) == portfolio.visible
    assert portfolio.hidden in set(result_ids(client_for(portfolio.other).get(LIST)))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "active"}, ["bravo"]),
        ({"status": ["active", "on_hold"]}, ["bravo", "charlie"]),
        ({"status": "completed"}, ["delta"]),
        ({"status": "planning"}, ["alpha", "echo"]),
        ({"tag": "RED"}, ["alpha", "charlie"]),
        ({"tag": ["RED", "BLUE"]}, ["alpha", "bravo", "charlie"]),
        ({"owner": "OTHER"}, ["echo"]),
        ({"owner": "ME"}, ["alpha", "bravo", "charlie", "delta"]),
        ({"member": "OTHER"}, ["echo"]),
        ({"member": "ME"}, ["alpha", "bravo", "charlie", "delta", "echo"]),
        ({"due_before": "2025-01-01"}, ["bravo", "delta"]),
        ({"due_after": "2030-01-10"}, ["alpha", "charlie"]),
        ({"due_after": "2020-01-01", "due_before": "2030-01-10"}, ["alpha", "bravo"]),
        ({"progress_min": "50"}, ["bravo", "charlie", "delta"]),
        ({"progress_min": "25", "progress_max": "74"}, ["bravo", "delta", "echo"]),
        ({"progress_max": "10"}, ["alpha"]),
        ({"overdue": "true"}, ["bravo"]),
        ({"overdue": "false"}, ["alpha", "charlie", "delta", "echo"]),
        ({"q": "Charlie"}, ["charlie"]),
        ({"q": "telemetry"}, ["echo"]),
        ({"status": "planning", "tag": "RED"}, ["alpha"]),
    ],
)
def test_list_filters(portfolio: Portfolio, params: dict[str, Any], expected: list[str]) -> None:
    substitutions = {
        "RED": portfolio.red.pk,
        "BLUE": portfolio.blue.pk,
        "OTHER": portfolio.other.pk,
        "ME": portfolio.me.pk,
    }

    def sub(value: Any) -> Any:
        if isinstance(value, list):
            return [sub(v) for v in value]
        return substitutions.get(value, value)

    ids = _ids(portfolio, **{k: sub(v) for k, v in params.items()})
    assert sorted(ids) == sorted(getattr(portfolio, name) for name in expected)


def test_health_filter_matches_the_health_field(portfolio: Portfolio) -> None:
    everything = body_of(client_for(portfolio.me).get(LIST))["results"]
    for health in ("on_track", "at_risk", "off_track"):
        want = {p["id"] for p in everything if p["health"] == health}
        assert set(_ids(portfolio, health=health)) == want
    assert portfolio.echo in set(_ids(portfolio, health="off_track"))
    assert set(_ids(portfolio, health=["on_track", "off_track"])) == {
        p["id"] for p in everything if p["health"] in ("on_track", "off_track")
    }


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("title", ["alpha", "bravo", "charlie", "delta", "echo"]),
        ("-title", ["echo", "delta", "charlie", "bravo", "alpha"]),
        ("progress", ["alpha", "echo", "bravo", "delta", "charlie"]),
        ("-progress", ["charlie", "delta", "bravo", "echo", "alpha"]),
    ],
)
def test_list_ordering(portfolio: Portfolio, ordering: str, expected: list[str]) -> None:
    assert _ids(portfolio, ordering=ordering) == [getattr(portfolio, name) for name in expected]


def test_ordering_by_due_date_and_health_and_updated(portfolio: Portfolio) -> None:
    rows = body_of(client_for(portfolio.me).get(LIST, {"ordering": "due_date"}))["results"]
    dues = [r["due_date"] for r in rows if r["due_date"]]
    assert dues == sorted(dues) and len(dues) == 4

    rank = {"on_track": 0, "at_risk": 1, "off_track": 2}
    rows = body_of(client_for(portfolio.me).get(LIST, {"ordering": "-health"}))["results"]
    assert [rank[r["health"]] for r in rows] == sorted((rank[r["health"]] for r in rows), reverse=True)

    rows = body_of(client_for(portfolio.me).get(LIST, {"ordering": "-updated_at"}))["results"]
    stamps = [r["updated_at"] for r in rows]
    assert stamps == sorted(stamps, reverse=True)


# ------------------------------------------------------------------ pagination


def test_pagination_count_next_previous() -> None:
    user = make_user("many")
    for n in range(25):
        make_project(user, title=f"Project {n:02d}")
    client = client_for(user)

    first = body_of(client.get(LIST, {"page_size": 10, "ordering": "title"}))
    assert first["count"] == 25
    assert len(first["results"]) == 10
    assert first["previous"] is None
    assert "page=2" in first["next"]

    second = body_of(client.get(first["next"]))
    assert len(second["results"]) == 10
    assert second["previous"] is not None and second["next"] is not None

    last = body_of(client.get(LIST, {"page_size": 10, "page": 3, "ordering": "title"}))
    assert len(last["results"]) == 5
    assert last["next"] is None
    seen = [r["title"] for page in (first, second, last) for r in page["results"]]
    assert seen == sorted(seen) and len(set(seen)) == 25

    default = body_of(client.get(LIST))
    assert len(default["results"]) == 20


def test_page_size_is_capped_at_100() -> None:
    user = make_user("hoarder")
    for n in range(105):
        make_project(user, title=f"Bulk {n:03d}")
    body = body_of(client_for(user).get(LIST, {"page_size": 1000}))
    assert body["count"] == 105
    assert len(body["results"]) == 100
    assert body["next"] is not None


# ------------------------------------------------------------------ lifecycle


def test_lifecycle_transitions() -> None:
    user = make_user("pm")
    project = make_project(user, title="Lifecycle")
    client = client_for(user)
    pid = project.pk

    for name, status, allowed in [
        ("start", "active", ["hold", "complete", "cancel"]),
        ("hold", "on_hold", ["resume", "cancel"]),
        ("resume", "active", ["hold", "complete", "cancel"]),
        ("complete", "completed", []),
    ]:
        response = _transition(client, pid, name)
        assert response.status_code == 200, (name, response.content)
        body = body_of(response)
        assert (body["status"], body["allowed_transitions"]) == (status, allowed)
        assert response["ETag"] == body["etag"]
        latest = Activity.objects.latest("id")
        assert latest.verb == "project.transitioned"
        assert latest.changes["status"][1] == status
        assert latest.metadata["transition"] == name


def test_planning_can_be_cancelled() -> None:
    user = make_user("pm")
    project = make_project(user, title="Short lived")
    response = _transition(client_for(user), project.pk, "cancel")
    assert response.status_code == 200
    assert body_of(response)["status"] == "cancelled"


@pytest.mark.parametrize(
    ("path", "name", "allowed"),
    [
        ([], "complete", ["start", "cancel"]),
        ([], "hold", ["start", "cancel"]),
        ([], "resume", ["start", "cancel"]),
        (["start"], "start", ["hold", "complete", "cancel"]),
        (["start"], "resume", ["hold", "complete", "cancel"]),
        (["start", "hold"], "complete", ["resume", "cancel"]),
        (["start", "complete"], "cancel", []),
        (["start", "complete"], "start", []),
        (["cancel"], "start", []),
    ],
)
def test_forbidden_transition_is_409_with_allowed(path: list[str], name: str, allowed: list[str]) -> None:
    user = make_user("pm")
    project = make_project(user, title="Strict")
    client = client_for(user)
    for step in path:
        assert _transition(client, project.pk, step).status_code == 200
    before = state()

    response = _transition(client, project.pk, name)

    error = assert_error(response, 409)
    assert error["details"]["allowed"] == allowed
    assert state() == before


# ------------------------------------------------------------------ soft delete, trash, restore


def test_soft_delete_trash_and_restore_bring_everything_back() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Phoenix")
    add_member(project, dev, role="developer", allocation=30)
    make_milestone(project, title="Rise", assignee_id=dev.pk, progress=40)
    make_milestone(project, title="Shine", progress=60)
    client = client_for(owner)
    pid = project.pk
    members_before = body_of(client.get(members_url(pid)))["results"]
    milestones_before = body_of(client.get(milestones_url(pid)))["results"]

    deleted = client.delete(project_url(pid), HTTP_IF_MATCH=etag_of(client, project_url(pid)))
    assert deleted.status_code == 204
    assert deleted.content == b""

    assert_error(client.get(project_url(pid)), 404, "not_found")
    assert_error(client.get(milestones_url(pid)), 404)
    assert_error(client_for(dev).get(project_url(pid)), 404)
    assert pid not in result_ids(client.get(LIST))
    assert pid not in result_ids(client_for(dev).get(LIST))
    search = body_of(client.get(f"{API}/search/", {"q": "Phoenix"}))
    assert all(r["project_id"] != pid for r in search["results"])

    trash = body_of(client.get(f"{API}/projects/trash/"))
    entry = next(r for r in trash["results"] if r["id"] == pid)
    assert entry["title"] == "Phoenix"
    assert entry["deleted_by"]["id"] == owner.pk
    deleted_at = datetime.datetime.fromisoformat(entry["deleted_at"].replace("Z", "+00:00"))
    purge_after = datetime.datetime.fromisoformat(entry["purge_after"].replace("Z", "+00:00"))
    assert purge_after - deleted_at == datetime.timedelta(days=30)
    assert pid not in result_ids(client_for(dev).get(f"{API}/projects/trash/"))

    restored = client.post(restore_url(pid))
    assert restored.status_code == 200, restored.content
    assert restored["ETag"] == body_of(restored)["etag"]
    assert Activity.objects.latest("id").verb == "project.restored"
    assert body_of(client.get(members_url(pid)))["results"] == members_before
    assert [m["id"] for m in body_of(client.get(milestones_url(pid)))["results"]] == [
        m["id"] for m in milestones_before
    ]
    assert client_for(dev).get(project_url(pid)).status_code == 200
    assert pid not in result_ids(client.get(f"{API}/projects/trash/"))
    assert pid in result_ids(client.get(LIST))


def test_staff_trash_shows_everyones_deleted_projects() -> None:
    owner, staff = make_user("owner"), make_user("staff", is_staff=True)
    project = make_project(owner, title="Gone")
    services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    assert project.pk in result_ids(client_for(staff).get(f"{API}/projects/trash/"))
    assert project.pk not in result_ids(client_for(make_user("nobody")).get(f"{API}/projects/trash/"))
    restored = client_for(staff).post(restore_url(project.pk))
    assert restored.status_code == 200


def test_trash_hides_projects_past_the_retention_window() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Ancient")
    services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    Project.all_objects.filter(pk=project.pk).update(deleted_at=timezone.now() - datetime.timedelta(days=31))
    assert project.pk not in result_ids(client_for(owner).get(f"{API}/projects/trash/"))


def test_restore_with_the_title_now_taken_is_409_and_changes_nothing() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Orion")
    client = client_for(owner)
    assert (
        client.delete(project_url(project.pk), HTTP_IF_MATCH=etag_of(client, project_url(project.pk))).status_code
        == 204
    )
    assert client.post(LIST, {"title": "ORION"}, format="json").status_code == 201
    before = state()

    response = client.post(restore_url(project.pk))

    assert_error(response, 409, "title_taken")
    assert state() == before
    assert project.pk in result_ids(client.get(f"{API}/projects/trash/"))


def test_restoring_a_live_project_is_409() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Alive")
    before = state()
    assert_error(client_for(owner).post(restore_url(project.pk)), 409)
    assert state() == before


def test_deleted_project_cannot_be_edited_or_transitioned() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Frozen")
    client = client_for(owner)
    etag = etag_of(client, project_url(project.pk))
    assert client.delete(project_url(project.pk), HTTP_IF_MATCH=etag).status_code == 204
    before = state()
    assert_error(client.patch(project_url(project.pk), {"description": "x"}, format="json", HTTP_IF_MATCH=etag), 404)
    assert_error(client.post(transition_url(project.pk, "start"), HTTP_IF_MATCH=etag), 404)
    assert_error(client.post(milestones_url(project.pk), {"title": "m"}, format="json"), 404)
    assert state() == before


# ------------------------------------------------------------------ list rows are the detail's shape


@pytest.mark.parametrize("viewer", ["staff", "owner", "manager", "developer"])
def test_a_list_row_is_exactly_the_project_s_detail(viewer: str) -> None:
    """The list builds its rows from plain values, the detail from the model: the same project reads the same."""
    owner, manager, developer = make_user("row-owner"), make_user("row-manager"), make_user("row-dev")
    # Names from each rule: full name (no display name), display name, username (neither).
    User.objects.filter(pk=owner.pk).update(display_name="", first_name="Ada", last_name="Lovelace")
    User.objects.filter(pk=developer.pk).update(display_name="", first_name="", last_name="")
    staff = make_user("row-staff", is_staff=True)
    tags = [make_tag(owner, name) for name in ("zeta", "alpha", "mid")]
    project = make_project(
        owner,
        title="Row parity",
        description="Both paths",
        due_date=timezone.localdate() - datetime.timedelta(days=2),
        start_date=timezone.localdate() - datetime.timedelta(days=30),
        tag_ids=[t.pk for t in tags],
    )
    add_member(project, manager, role="manager", allocation=40)
    add_member(project, developer, allocation=25)
    make_milestone(project, due_date=timezone.localdate() - datetime.timedelta(days=1))
    make_milestone(project, status="done")
    make_project(owner, title="Another one")
    user = {"staff": staff, "owner": owner, "manager": manager, "developer": developer}[viewer]
    client = client_for(user)

    rows = {row["id"]: row for row in client.get(LIST, {"page_size": 50}).json()["results"]}
    detail = client.get(project_url(project.pk)).json()
    assert rows[project.pk] == detail
    assert [t["name"] for t in detail["tags"]] == ["alpha", "mid", "zeta"]
    assert detail["owner"]["name"] == "Ada Lovelace"
    assert {m["user"]["name"] for m in detail["members"]} >= {developer.username}
    assert detail["milestone_summary"]["total"] == 2 and detail["is_overdue"] is True
