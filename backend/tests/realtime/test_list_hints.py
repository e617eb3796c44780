"""The `projects` topic (a list page): after each published batch, which of the projects the subscriber may
see changed what, so a list that does not show a project can tell whether it may now match its filters."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.realtime.conftest import Team
from tests.realtime.support import Server, Socket, is_event

pytestmark = pytest.mark.usefixtures("transactional_db")


def changed(sock: Socket, seconds: float = 1.5) -> list[dict[str, Any]]:
    """Every `projects.changed` entry arriving within ``seconds`` (other messages must not come)."""
    messages = sock.collect(seconds)
    assert all(m["type"] == "projects.changed" for m in messages), messages
    return [p for m in messages for p in m["projects"]]


def test_a_list_hears_which_visible_project_changed_what_without_subscribing_to_it(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner, member = sessions(server_a, team.owner), sessions(server_a, team.member)
    watcher = member.socket()
    watcher.subscribe("projects")

    started = time.monotonic()
    path = f"/projects/{team.pid}/"
    response = owner.http.post(f"{path}transitions/start/", headers={"If-Match": owner.etag(path)})
    assert response.status_code == 200, response.text
    first = watcher.next(timeout=1.0)
    assert time.monotonic() - started < 1.0
    assert first["type"] == "projects.changed" and not is_event(first)
    assert first["projects"] == [{"id": team.pid, "verbs": ["project.transitioned"], "fields": ["status"]}]

    owner.add_milestone(team.pid, "Launch")  # recomputes the project's progress: named as the project's field
    entries = changed(watcher)
    assert [(e["id"], e["verbs"]) for e in entries] == [(team.pid, ["milestone.created"])]
    assert set(entries[0]["fields"]) <= {"progress", "health"}

    owner.update_project(team.other.pk, description="the member is not on this one")
    assert changed(watcher) == [], "a project the member cannot see is never named"


def test_a_project_created_by_someone_else_reaches_the_lists_of_those_who_may_see_it_only(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner, outsider = sessions(server_a, team.owner), sessions(server_b, team.outsider)
    owners_list = owner.socket(server_b)  # another process than the write's
    owners_list.subscribe("projects")
    outsiders_list = outsider.socket()
    outsiders_list.subscribe("projects")

    response = owner.http.post("/projects/", json={"title": "Artemis", "status": "active"})
    assert response.status_code == 201, response.text
    new = response.json()["id"]
    entries = changed(owners_list)
    assert [(e["id"], e["verbs"]) for e in entries] == [(new, ["project.created"])]
    assert "status" in entries[0]["fields"] and "title" in entries[0]["fields"]
    outsiders_list.assert_quiet(0.3)


def test_unsubscribing_from_projects_stops_the_hints_and_the_dashboard_keeps_its_own(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe("projects")
    sock.send({"type": "subscribe", "topic": "dashboard"})
    assert {"type": "subscribed", "topic": "dashboard"} in sock.collect(1.0)

    sock.send({"type": "unsubscribe", "topic": "projects"})
    assert sock.next() == {"type": "unsubscribed", "topic": "projects"}
    path = f"/projects/{team.pid}/"
    assert owner.http.post(f"{path}transitions/start/", headers={"If-Match": owner.etag(path)}).status_code == 200
    after = sock.collect(1.5)
    assert [m["type"] for m in after] == ["dashboard.stats"], "the dashboard still gets its hints, the list none"

    sock.send({"type": "unsubscribe", "topic": "dashboard"})
    assert sock.next() == {"type": "unsubscribed", "topic": "dashboard"}
    sock.subscribe("projects")
    sock.send({"type": "unsubscribe", "topic": "dashboard"})  # not subscribed: must not drop the list's hints
    assert sock.next() == {"type": "unsubscribed", "topic": "dashboard"}
    owner.update_project(team.pid, title="Apollo 12")
    assert [e["id"] for e in changed(sock)] == [team.pid]
