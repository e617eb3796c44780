"""No live data reaches someone who may not see it (SPEC §6, issue 9 B): private rows go to their one
person, shared (tag) events carry only what each recipient may see."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.realtime.conftest import Team
from tests.realtime.support import Server, Socket, is_event

pytestmark = pytest.mark.usefixtures("transactional_db")

REASON = "Vendor slipped; the contract is worth 1.2M"


def run_bulk(
    monkeypatch: pytest.MonkeyPatch, actor: Any, projects: list[Project], action: str, params: dict[str, Any]
) -> BulkOperation:
    """Request and run a bulk operation in this process (what a worker would do), committed."""
    monkeypatch.setattr(bulk_services, "enqueue", lambda *args: None)
    items = [{"id": p.pk, "etag": make_etag("project", p.pk, Project.objects.get(pk=p.pk).version)} for p in projects]
    operation, _ = bulk_services.bulk_operation_request(actor=actor, action=action, params=params, items=items)
    done = bulk_services.bulk_operation_execute(operation_id=operation.pk)
    assert done is not None and done.status == BulkStatus.SUCCEEDED, done and done.report
    return done


def listening(sock: Socket, *topics: str) -> Socket:
    for topic in sorted(topics, key=lambda t: t == "dashboard"):
        if topic == "dashboard":  # its first stats may come before or after the answer
            sock.send({"type": "subscribe", "topic": topic})
            assert {"type": "subscribed", "topic": topic} in sock.collect(0.5)
        else:
            sock.subscribe(topic)
    return sock


def events_of(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m for m in messages if is_event(m) and m["type"] == kind]


def test_a_bulk_summary_reaches_only_its_requester(
    team: Team, sessions: Any, server_a: Server, server_b: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    requester = listening(sessions(server_a, team.owner).socket(), "user", "dashboard")
    requester_elsewhere = listening(sessions(server_b, team.owner).socket(), "user")
    requester_dashboard_only = listening(sessions(server_a, team.owner).socket(), "dashboard")
    colleague = listening(
        sessions(server_b, team.member).socket(), "user", "dashboard", f"project:{team.pid}"
    )  # sees the project, not the requester's operation
    outsider = listening(sessions(server_a, team.outsider).socket(), "user", "dashboard")

    params = {"health": "at_risk", "reason": REASON}
    op = run_bulk(monkeypatch, team.owner, [team.project], "set_health_override", params)

    for sock in (requester, requester_elsewhere):
        summaries = events_of(sock.collect(1.5), "bulk.completed")
        assert [(e["data"]["target_id"], e["project_id"]) for e in summaries] == [(op.pk, None)]
        assert summaries[0]["data"]["metadata"]["params"]["reason"] == REASON
    assert events_of(requester_dashboard_only.collect(0.5), "bulk.completed") == [], "the user topic only"
    seen = colleague.collect(1.0)
    assert [e["data"]["changes"]["health_override"] for e in events_of(seen, "project.updated")] == [[None, "at_risk"]]
    assert events_of(seen, "bulk.completed") == []
    assert REASON not in str([m for m in seen if m.get("type") != "project.updated"])
    outsider.assert_quiet(0.5)


def test_a_shared_tag_event_lists_only_the_projects_each_subscriber_may_see(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner_api = sessions(server_a, team.owner)
    tag = owner_api.http.post("/tags/", json={"name": "classified"}).json()
    outsider_api = sessions(server_a, team.outsider)
    outsiders_project = outsider_api.http.post("/projects/", json={"title": "Outsider's own"}).json()
    for api, pid in ((owner_api, team.pid), (owner_api, team.other.pk), (outsider_api, outsiders_project["id"])):
        api.update_project(pid, tag_ids=[tag["id"]])

    watchers = {
        "owner": listening(owner_api.socket(server_b), "dashboard"),
        "member": listening(sessions(server_a, team.member).socket(), "dashboard"),
        "outsider": listening(outsider_api.socket(), "dashboard"),
        "outsider elsewhere": listening(outsider_api.socket(server_b), "dashboard"),
    }
    expected = {
        "owner": sorted([team.pid, team.other.pk]),
        "member": [team.pid],
        "outsider": [outsiders_project["id"]],
        "outsider elsewhere": [outsiders_project["id"]],
    }
    path = f"/tags/{tag['id']}/"
    response = owner_api.http.patch(path, json={"name": "declassified"}, headers={"If-Match": owner_api.etag(path)})
    assert response.status_code == 200, response.text
    created = owner_api.http.post("/tags/", json={"name": "right after"})  # shared events keep their order
    assert created.status_code == 201, created.text

    for name, sock in watchers.items():
        shared = [m for m in sock.collect(1.5) if is_event(m) and m["project_id"] is None]
        assert [m["type"] for m in shared] == ["tag.updated", "tag.created"], (name, shared)
        assert sorted(shared[0]["data"]["metadata"]["project_ids"]) == expected[name], name
