"""``dry_run: true`` on POST /bulk-operations/: the real run's checks and changes, and nothing else.

And the conflict entries of both (dry and real runs): who changed the project since, and what.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.notifications.models import Notification
from pulse.projects import services
from pulse.projects.models import Project, Role
from pulsekit.versioning import make_etag
from tests.apis.support import assert_error, body_of, state
from tests.background.support import (
    BULK_URL,
    activities_of,
    assert_refusals_reported,
    items_for,
    refusal_case,
    snapshot,
)
from tests.conftest import client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def _dry(client: Any, action: str, items: list[dict[str, Any]], params: dict[str, Any] | None = None) -> Any:
    body = {"action": action, "items": items, "params": params or {}, "dry_run": True}
    return client.post(BULK_URL, body, format="json")


def _run_for_real(actor: Any, action: str, items: list[dict[str, Any]], params: dict[str, Any]) -> BulkOperation:
    """Record the operation and run it here (in a test's transaction the queued task never starts)."""
    operation, _ = bulk_services.bulk_operation_request(actor=actor, action=action, params=params, items=items)
    done = bulk_services.bulk_operation_execute(operation_id=operation.pk)
    assert done is not None
    return done


@pytest.fixture
def sent(monkeypatch: Any) -> list[Any]:
    """Every progress message the bulk service hands to the channel layer."""
    messages: list[Any] = []
    monkeypatch.setattr(bulk_services, "send_to_user", lambda user_id, message: messages.append(message))
    return messages


def _world() -> dict[str, Any]:
    owner = make_user("dry-owner")
    heir = make_user("dry-heir")
    start, due = datetime.date(2030, 1, 1), datetime.date(2030, 6, 30)
    red, blue = make_tag(owner, "dry-red"), make_tag(owner, "dry-blue")
    projects = [make_project(owner, start_date=start, due_date=due, tag_ids=[blue.pk]) for _ in range(3)]
    make_milestone(projects[0], due_date=datetime.date(2020, 1, 1))  # overdue: health is derived off track
    projects = list(Project.objects.filter(pk__in=[p.pk for p in projects]).order_by("pk"))
    return {"owner": owner, "heir": heir, "red": red, "blue": blue, "projects": projects}


ACTIONS: list[tuple[str, Any]] = [
    ("transition", lambda w: {"name": "start"}),
    ("set_health_override", lambda w: {"health": "off_track", "reason": "Supplier strike"}),
    ("clear_health_override", lambda w: {}),
    ("add_tags", lambda w: {"tag_ids": [w["red"].pk]}),
    ("remove_tags", lambda w: {"tag_ids": [w["blue"].pk]}),
    ("replace_tags", lambda w: {"tag_ids": [w["red"].pk]}),
    ("change_owner", lambda w: {"owner_id": w["heir"].pk}),
    ("shift_due_date", lambda w: {"days": 10}),
    ("set_due_date", lambda w: {"due_date": "2030-12-31"}),
    ("set_due_date", lambda w: {"due_date": None}),
    ("delete", lambda w: {}),
    ("restore", lambda w: {}),
]


def _comparable(changes: dict[str, Any]) -> dict[str, Any]:
    # A deletion's time is the moment it runs: only that it is set can match.
    return {f: ([v[0], v[1] is not None] if f == "deleted_at" else v) for f, v in changes.items()}


@pytest.mark.parametrize(("action", "params_of"), ACTIONS, ids=[f"{a}-{i}" for i, (a, _) in enumerate(ACTIONS)])
def test_a_dry_run_writes_nothing_and_predicts_the_real_run(action: str, params_of: Any, sent: list[Any]) -> None:
    world = _world()
    owner, projects = world["owner"], world["projects"]
    if action == "clear_health_override":
        done = _run_for_real(owner, "set_health_override", items_for(projects), {"health": "at_risk", "reason": "x"})
        assert done.status == BulkStatus.SUCCEEDED, done.report
    if action == "restore":
        assert _run_for_real(owner, "delete", items_for(projects), {}).status == BulkStatus.SUCCEEDED
    projects = list(Project.all_objects.filter(pk__in=[p.pk for p in projects]).order_by("pk"))
    ids = [p.pk for p in projects]
    items, params = items_for(projects), params_of(world)
    before, rows_before = state(), snapshot(ids)
    vectors = dict(Project.all_objects.filter(pk__in=ids).values_list("pk", "search_vector"))
    notifications, operations = Notification.objects.count(), BulkOperation.objects.count()
    sent.clear()

    response = _dry(client_for(owner), action, items, params)

    assert response.status_code == 200, response.content
    preview = body_of(response)
    # Nothing was written, recorded, queued or sent.
    assert state() == before and snapshot(ids) == rows_before
    assert dict(Project.all_objects.filter(pk__in=ids).values_list("pk", "search_vector")) == vectors
    assert BulkOperation.objects.count() == operations and Notification.objects.count() == notifications
    assert sent == [] and cache.get("bulk-progress:None") is None
    assert "Location" not in response

    assert preview["dry_run"] is True and preview["action"] == action and preview["total"] == 3
    assert preview["results"] == {"ok": 3}
    assert [e["id"] for e in preview["report"]] == ids
    assert all(set(e) == {"id", "result", "changes"} and e["result"] == "ok" for e in preview["report"])
    counted: dict[str, dict[str, int]] = {}
    for entry in preview["report"]:
        for field in entry["changes"]:
            counted.setdefault(field, {"count": 0})["count"] += 1
    assert counted and preview["fields"] == counted

    # The real run, from the same items, records exactly the previewed changes.
    operation = _run_for_real(owner, action, items, params)
    assert operation.status == BulkStatus.SUCCEEDED, operation.report
    recorded = {a.project_id: a.changes for a in activities_of(operation.pk)}
    assert {e["id"]: _comparable(e["changes"]) for e in preview["report"]} == {
        pk: _comparable(c) for pk, c in recorded.items()
    }


def test_a_preview_derives_health_like_the_run(sent: list[Any]) -> None:
    world = _world()
    owner, project = world["owner"], world["projects"][0]  # the one with an overdue milestone
    _run_for_real(owner, "set_health_override", items_for([project]), {"health": "on_track", "reason": "Fine"})
    project.refresh_from_db()
    assert project.health == "on_track"

    preview = body_of(_dry(client_for(owner), "clear_health_override", items_for([project])))

    assert preview["report"][0]["changes"]["health"] == ["on_track", "at_risk"]  # one missed milestone
    assert preview["fields"]["health"] == {"count": 1}
    project.refresh_from_db()
    assert _run_for_real(owner, "clear_health_override", items_for([project]), {}).status == BulkStatus.SUCCEEDED
    project.refresh_from_db()
    assert project.health == "at_risk"


def test_a_dry_run_reports_every_refusal_and_still_previews_the_rest(sent: list[Any]) -> None:
    case = refusal_case("dry-report", moved_by_manager=True)
    requester, items = case.requester, case.items
    before = state()

    response = _dry(client_for(requester), "transition", items, {"name": "start"})

    assert response.status_code == 200, response.content
    preview = body_of(response)
    assert state() == before and not BulkOperation.objects.exists() and sent == []
    assert_refusals_reported(case, preview["report"], changes={"status": ["planning", "active"]})
    assert preview["results"] == {"ok": 1, "invalid": 1, "not_found": 3, "forbidden": 1, "conflict": 1}
    assert preview["fields"] == {"status": {"count": 1}}

    # The real run refuses the same items for the same reasons (and changes nothing).
    operation = _run_for_real(requester, "transition", items, {"name": "start"})
    assert operation.status == BulkStatus.FAILED
    assert [{k: v for k, v in e.items() if k != "changes"} for e in preview["report"]] == operation.report


def test_a_conflict_names_the_latest_changer_and_every_field_since(sent: list[Any]) -> None:
    owner = make_user("since-owner")
    manager = make_user("since-manager")
    project = make_project(owner, start_date=datetime.date(2030, 1, 1))
    add_member(project, manager, role=Role.MANAGER)  # v2
    read = make_etag("project", project.pk, 2)
    services.project_update(project_id=project.pk, expected_version=2, actor=owner, data={"title": "Renamed"})  # v3
    milestone = make_milestone(project, title="Kick-off")  # v4, by the owner
    services.milestone_update(
        project_id=project.pk, milestone_id=milestone.pk, expected_version=1, actor=manager, data={"progress": 50}
    )  # v5, by the manager: the project's progress moves with it
    item = [{"id": project.pk, "etag": read}]

    entry = body_of(_dry(client_for(owner), "delete", item))["report"][0]

    assert entry["result"] == "conflict" and entry["etag"] == make_etag("project", project.pk, 5)
    assert entry["changed_by"] == {"id": manager.pk, "name": manager.name}
    assert entry["changed_fields"] == ["milestones", "progress", "title"]
    # An ETag that names no version of this project: the latest change is the one named.
    garbled = body_of(_dry(client_for(owner), "delete", [{"id": project.pk, "etag": "whatever"}]))["report"][0]
    assert garbled["changed_by"]["id"] == manager.pk and garbled["changed_fields"] == ["milestones", "progress"]
    # A change nobody is recorded for (its author since removed): no name, the fields still.
    Activity.objects.filter(project_id=project.pk, version=5).update(actor=None)
    anonymous = body_of(_dry(client_for(owner), "delete", item))["report"][0]
    assert anonymous["changed_by"] is None and anonymous["changed_fields"] == ["milestones", "progress", "title"]
    # The real run's report carries the same.
    operation = _run_for_real(owner, "delete", item, {})
    assert operation.status == BulkStatus.FAILED and operation.report == [anonymous]


BAD_BODIES: list[tuple[str, Any, str]] = [
    ("set_health_override", {"health": "at_risk", "reason": "  "}, "params"),
    ("set_health_override", {"health": "purple", "reason": "x"}, "params"),
    ("transition", {}, "params"),
    ("add_tags", {"tag_ids": [2**40]}, "params"),
    ("add_tags", {"tag_ids": []}, "params"),
    ("change_owner", {"owner_id": 2**40}, "params"),
    ("shift_due_date", {"days": 99999}, "params"),
    ("explode", {}, "action"),
]


@pytest.mark.parametrize(("action", "params", "field"), BAD_BODIES)
def test_bad_params_are_the_usual_400(action: str, params: Any, field: str, sent: list[Any]) -> None:
    owner = make_user("dry-bad")
    project = make_project(owner)
    before = state()

    response = _dry(client_for(owner), action, items_for([project]), params)

    error = assert_error(response, 400, "validation_error")
    assert field in error["details"], error
    assert state() == before and not BulkOperation.objects.exists() and sent == []


def test_bad_items_and_flags_are_400_and_anonymous_401(sent: list[Any]) -> None:
    owner = make_user("dry-items")
    project = make_project(owner)
    client = client_for(owner)
    one = items_for([project])
    assert_error(_dry(client, "delete", one + one), 400, "validation_error")
    assert_error(_dry(client, "delete", []), 400, "validation_error")
    too_many = [{"id": n, "etag": make_etag("project", n, 1)} for n in range(1, 10_002)]
    assert "items" in assert_error(_dry(client, "delete", too_many), 400)["details"]
    not_a_flag = client.post(BULK_URL, {"action": "delete", "items": one, "dry_run": "maybe"}, format="json")
    assert "dry_run" in assert_error(not_a_flag, 400)["details"]
    assert_error(_dry(client_for(None), "delete", one), 401, "not_authenticated")
    assert not BulkOperation.objects.exists() and sent == []


def test_ten_thousand_items_preview_without_writing(sent: list[Any]) -> None:
    from tests.background.support import bulk_projects

    owner = make_user("dry-tenk")
    projects = bulk_projects(owner, 10_000)
    ids = [p.pk for p in projects]
    activity = Activity.objects.count()

    response = _dry(client_for(owner), "set_health_override", items_for(projects), {"health": "at_risk", "reason": "x"})

    assert response.status_code == 200
    preview = body_of(response)
    assert preview["results"] == {"ok": 10_000} and preview["fields"]["health_override"] == {"count": 10_000}
    assert Project.objects.filter(pk__in=ids, version=1, health_override__isnull=True).count() == 10_000
    assert Activity.objects.count() == activity and sent == []
