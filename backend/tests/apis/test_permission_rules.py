"""SPEC §3 beyond the endpoint table: what collections reveal, capabilities, the assignee rule, scoping of ids."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.projects import services
from pulse.projects.models import Milestone, Project
from tests.apis.conftest import World
from tests.apis.support import (
    API,
    AUTHENTICATED,
    DELETERS,
    EDITORS,
    VIEWERS,
    activity_url,
    assert_error,
    body_of,
    member_url,
    members_url,
    milestone_url,
    milestones_url,
    project_url,
    result_ids,
    state,
)
from tests.conftest import client_for, etag_of
from tests.factories import add_member, make_milestone, make_project, make_user


@pytest.fixture
def world(shared: World) -> World:
    """Every test here starts from the module's shared world (rolled back after each test)."""
    return shared


@pytest.fixture
def cast(shared: World) -> Any:
    return shared.cast


def _delete_project(w: World) -> None:
    services.project_delete(project_id=w.pid, expected_version=w.project.version, actor=w.cast.owner)


# ------------------------------------------------------------------ collections only show what you may see


@pytest.mark.parametrize("role", sorted(AUTHENTICATED))
def test_collections_show_the_project_only_to_those_who_may_see_it(world: World, role: str) -> None:
    client = world.client(role)
    visible = role in VIEWERS

    assert (world.pid in result_ids(client.get(f"{API}/projects/"))) is visible

    feed = body_of(client.get(f"{API}/activity/"))["results"]
    assert any(a["project_id"] == world.pid for a in feed) is visible

    search = client.get(f"{API}/search/", {"q": "Apollo"})
    assert search.status_code == 200
    assert any(r["project_id"] == world.pid for r in body_of(search)["results"]) is visible

    dashboard = body_of(client.get(f"{API}/dashboard/"))
    assert dashboard["totals"]["projects"] == (1 if visible else 0)
    assert sum(dashboard["by_status"].values()) == (1 if visible else 0)


@pytest.mark.parametrize("role", sorted(VIEWERS))
def test_representation_reports_role_and_capabilities(world: World, role: str) -> None:
    body = body_of(world.client(role).get(project_url(world.pid)))
    assert body["capabilities"] == {
        "can_edit": role in EDITORS,
        "can_manage_team": role in EDITORS,
        "can_delete": role in DELETERS,
        "can_change_owner": role in DELETERS,
    }
    expected_role = {"owner": "lead", "staff": None}.get(role, role)
    assert body["my_role"] == expected_role


# ------------------------------------------------------------------ the assignee rule


@pytest.mark.parametrize(
    ("assignee_role", "status"),
    [("developer", 200), ("designer", 200), ("qa", 200), ("stakeholder", 403)],
)
def test_assignee_may_update_status_progress_description_of_own_milestone(
    cast: Any, assignee_role: str, status: int
) -> None:
    assignee = cast.user(assignee_role)
    milestone = make_milestone(cast.project, title="Mine", assignee_id=assignee.pk)
    url = milestone_url(cast.project.pk, milestone.pk)
    client = client_for(assignee)
    before = state()

    response = client.patch(
        url,
        {"status": "in_progress", "progress": 60, "description": "Halfway"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )

    if status == 200:
        assert response.status_code == 200, response.content
        assert body_of(response)["progress"] == 60
        assert state()["activity"] == before["activity"] + 1
    else:
        assert_error(response, 403, "permission_denied")
        assert state() == before


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("patch", {"title": "Mine, renamed"}),
        ("patch", {"due_date": "2031-01-01"}),
        ("patch", {"weight": 5}),
        ("patch", {"assignee_id": None}),
        ("patch", {"progress": 50, "title": "Sneaky"}),
        ("put", {"title": "Mine", "progress": 50}),
        ("delete", None),
    ],
)
@pytest.mark.parametrize("assignee_role", ["developer", "designer", "qa"])
def test_assignee_may_not_do_more_than_that(cast: Any, assignee_role: str, method: str, body: Any) -> None:
    assignee = cast.user(assignee_role)
    milestone = make_milestone(cast.project, title="Mine", assignee_id=assignee.pk)
    url = milestone_url(cast.project.pk, milestone.pk)
    client = client_for(assignee)
    etag = etag_of(client, url)
    before = state()

    kwargs: dict[str, Any] = {"HTTP_IF_MATCH": etag}
    if body is not None:
        kwargs.update(data=body, format="json")
    response = getattr(client, method)(url, **kwargs)

    assert_error(response, 403, "permission_denied")
    assert state() == before


def test_developer_may_not_update_a_milestone_assigned_to_someone_else(cast: Any) -> None:
    milestone = make_milestone(cast.project, title="Designer's", assignee_id=cast.designer.pk)
    url = milestone_url(cast.project.pk, milestone.pk)
    client = client_for(cast.developer)
    before = state()
    response = client.patch(url, {"progress": 70}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert_error(response, 403, "permission_denied")
    assert state() == before
    assert Milestone.objects.get(pk=milestone.pk).progress == 0


# ------------------------------------------------------------------ ids from another project


def test_child_ids_are_scoped_to_their_project(world: World) -> None:
    """An editor of project B cannot reach project A's members or milestones through B's URL."""
    intruder = make_user("intruder")
    other = make_project(intruder, title="Intruder's own")
    client = client_for(intruder)
    before = state()

    for url in (
        milestone_url(other.pk, world.milestone.pk),
        member_url(other.pk, world.extra_member.pk),
    ):
        assert_error(client.get(url), 404, "not_found")
        assert_error(client.patch(url, {"progress": 1}, format="json", HTTP_IF_MATCH='"x-1-v1"'), 404, "not_found")
        assert_error(client.delete(url, HTTP_IF_MATCH='"x-1-v1"'), 404, "not_found")
    assert state() == before


def test_member_of_another_project_is_an_outsider_here(world: World) -> None:
    neighbour = make_user("neighbour")
    elsewhere = make_project(world.cast.owner, title="Elsewhere")
    add_member(elsewhere, neighbour, role="lead")
    client = client_for(neighbour)
    assert_error(client.get(project_url(world.pid)), 404, "not_found")
    assert world.pid not in result_ids(client.get(f"{API}/projects/"))
    assert elsewhere.pk in result_ids(client.get(f"{API}/projects/"))


@pytest.mark.parametrize("role", ["owner", "lead", "staff"])
def test_deleted_project_and_its_children_are_404_for_everyone(world: World, role: str) -> None:
    _delete_project(world)
    client = world.client(role)
    for url in (
        project_url(world.pid),
        members_url(world.pid),
        member_url(world.pid, world.extra_member.pk),
        milestones_url(world.pid),
        milestone_url(world.pid, world.milestone.pk),
        activity_url(world.pid),
    ):
        assert_error(client.get(url), 404, "not_found")
    assert Project.all_objects.get(pk=world.pid).deleted_at is not None
