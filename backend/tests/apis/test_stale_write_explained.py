"""A single object's 412 says who changed it since the client's version, and which fields."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pulse.activity.models import Activity
from pulse.activity.selectors import stale_write_explained
from pulse.projects.models import TeamMember
from tests.apis.conftest import World
from tests.apis.support import API, assert_error, member_url, milestone_url, project_url, state, tag_url, transition_url
from tests.conftest import client_for, etag_of
from tests.factories import make_user

ME = f"{API}/auth/me/"


@pytest.fixture
def world(shared: World) -> World:
    return shared


@dataclass(frozen=True)
class Case:
    id: str
    url: Any  # World -> str
    first: dict[str, Any]  # the owner's change
    second: dict[str, Any]  # then someone else's
    write: tuple[str, dict[str, Any] | None]  # the stale write: method, body
    fields: list[str]  # the union of what the two changed
    by_staff: bool = False  # a tag: only its creator or staff may change it


CASES = [
    Case(
        "project-patch",
        lambda w: project_url(w.pid),
        {"description": "First"},
        {"title": "Second"},
        ("patch", {"description": "Mine"}),
        ["description", "title"],
    ),
    Case(
        "project-delete",
        lambda w: project_url(w.pid),
        {"description": "First"},
        {"due_date": "2031-01-01"},
        ("delete", None),
        ["description", "due_date"],
    ),
    Case(
        "project-transition",
        lambda w: project_url(w.pid),
        {"description": "First"},
        {"title": "Second"},
        ("post:transition", None),
        ["description", "title"],
    ),
    Case(
        "member-patch",
        lambda w: member_url(w.pid, w.extra_member.pk),
        {"allocation": 40},
        {"role": "qa"},
        ("patch", {"allocation": 10}),
        ["allocation", "role"],
    ),
    Case(
        "milestone-delete",
        lambda w: milestone_url(w.pid, w.free_milestone.pk),
        {"title": "First"},
        {"weight": 3},
        ("delete", None),
        ["title", "weight"],
    ),
    Case(
        "tag-patch",
        lambda w: tag_url(w.tag.pk),
        {"colour": "#111111"},
        {"name": "second-name"},
        ("patch", {"colour": "#222222"}),
        ["colour", "name"],
        by_staff=True,
    ),
]


def _stale_write(client: Any, world: World, case: Case, if_match: str) -> Any:
    method, body = case.write
    url = case.url(world)
    if method == "post:transition":
        return client.post(transition_url(world.pid, "start"), HTTP_IF_MATCH=if_match)
    call = getattr(client, method)
    return call(url, body, format="json", HTTP_IF_MATCH=if_match) if body else call(url, HTTP_IF_MATCH=if_match)


def _change(client: Any, url: str, body: dict[str, Any]) -> None:
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_a_412_names_the_newest_changer_and_every_field_since(world: World, case: Case) -> None:
    owner = client_for(world.cast.owner)
    other_user = make_user("staff-changer", is_staff=True) if case.by_staff else world.cast.manager
    other = client_for(other_user)
    url = case.url(world)
    read = etag_of(owner, url)
    _change(owner, url, case.first)
    _change(other, url, case.second)
    before = state()

    response = _stale_write(owner, world, case, read)

    details = assert_error(response, 412, "precondition_failed")["details"]
    assert details["changed_by"] == {"id": other_user.pk, "name": other_user.name}
    assert details["changed_fields"] == case.fields
    assert details["etag"] == etag_of(owner, url)
    assert state() == before


def test_an_if_match_naming_no_version_names_the_latest_change_only(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = project_url(world.pid)
    _change(owner, url, {"description": "First"})
    _change(manager, url, {"title": "Second"})

    details = assert_error(owner.patch(url, {"progress": 3}, format="json", HTTP_IF_MATCH='W/"x"'), 412)["details"]

    assert details["changed_by"]["id"] == world.cast.manager.pk and details["changed_fields"] == ["title"]


def test_a_milestone_change_moves_the_project_and_its_412_says_so(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    read_project = etag_of(owner, project_url(world.pid))
    _change(manager, milestone_url(world.pid, world.free_milestone.pk), {"progress": 80})

    stale = owner.patch(project_url(world.pid), {"title": "Mine"}, format="json", HTTP_IF_MATCH=read_project)

    details = assert_error(stale, 412, "precondition_failed")["details"]
    assert details["changed_by"]["id"] == world.cast.manager.pk
    assert "milestones" in details["changed_fields"] and "progress" in details["changed_fields"]


def test_a_project_change_does_not_make_its_milestone_stale_nor_name_project_fields(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = milestone_url(world.pid, world.free_milestone.pk)
    read = etag_of(owner, url)
    _change(manager, project_url(world.pid), {"title": "Renamed project"})  # the milestone's version stays
    _change(manager, url, {"weight": 2})
    _change(manager, project_url(world.pid), {"description": "Again"})

    details = assert_error(owner.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"]["id"] == world.cast.manager.pk and details["changed_fields"] == ["weight"]


def test_a_removed_assignee_is_the_change_a_milestone_412_names(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = milestone_url(world.pid, world.milestone.pk)  # assigned to the developer
    read = etag_of(owner, url)
    member = TeamMember.objects.get(project_id=world.pid, user=world.cast.developer)
    member_at = member_url(world.pid, member.pk)
    removed = manager.delete(member_at, HTTP_IF_MATCH=etag_of(manager, member_at))
    assert removed.status_code == 204, removed.content

    details = assert_error(owner.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"] == {"id": world.cast.manager.pk, "name": world.cast.manager.name}
    assert details["changed_fields"] == ["assignee_id"]


@pytest.mark.parametrize("which", ["project", "milestone"])
def test_a_412_whose_activity_is_missing_still_answers(world: World, which: str) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = project_url(world.pid) if which == "project" else milestone_url(world.pid, world.free_milestone.pk)
    read = etag_of(owner, url)
    _change(manager, url, {"title": "Changed"})
    Activity.objects.filter(project_id=world.pid).update(project_id=None, target_id=None)  # history lost

    details = assert_error(owner.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"] is None and details["changed_fields"] == []
    assert details["current"]["title"] == "Changed"


def test_a_change_whose_author_is_gone_names_nobody_but_its_fields(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = project_url(world.pid)
    read = etag_of(owner, url)
    _change(manager, url, {"title": "Changed"})
    Activity.objects.filter(project_id=world.pid, actor=world.cast.manager).update(actor=None)

    details = assert_error(owner.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"] is None and details["changed_fields"] == ["title"]


def test_a_private_row_on_the_project_is_not_named(world: World) -> None:
    owner, manager = client_for(world.cast.owner), client_for(world.cast.manager)
    url = project_url(world.pid)
    read = etag_of(owner, url)
    _change(manager, url, {"title": "Changed"})
    secret = make_user("someone-else")
    Activity.objects.filter(project_id=world.pid, actor=world.cast.manager).update(recipient_id=secret.pk)

    details = assert_error(owner.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"] is None and details["changed_fields"] == []


def test_a_profile_412_names_nobody(world: World) -> None:
    client = client_for(world.cast.owner)
    read = etag_of(client, ME)
    assert client.patch(ME, {"display_name": "A"}, format="json", HTTP_IF_MATCH=read).status_code == 200

    details = assert_error(client.patch(ME, {"display_name": "B"}, format="json", HTTP_IF_MATCH=read), 412)["details"]

    assert details["changed_by"] is None and details["changed_fields"] == []


def test_the_lookup_is_one_query_for_many_projects(world: World) -> None:
    owner = client_for(world.cast.owner)
    url = project_url(world.pid)
    _change(owner, url, {"title": "One"})
    _change(owner, url, {"title": "Two"})
    current = int(etag_of(owner, url).rsplit("-v", 1)[1].rstrip('"'))

    with CaptureQueriesContext(connection) as queries:
        explained = stale_write_explained("project", {world.pid: (current - 2, current), 10**9: (1, 3)})

    assert len(queries) == 1
    assert explained[world.pid] == {
        "changed_by": {"id": world.cast.owner.pk, "name": world.cast.owner.name},
        "changed_fields": ["title"],
    }
    assert explained[10**9] == {"changed_by": None, "changed_fields": []}
