"""Undo of a bulk operation: the inverse recorded when it ran, put back with the same per-item checks."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.projects import services
from pulse.projects.models import Project, Role, TeamMember
from pulsekit.versioning import make_etag
from tests.apis.support import assert_error, body_of, state
from tests.background.support import BULK_URL, activities_of, bulk_fields, items_for, summaries_of
from tests.conftest import client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def _post(client: Any, body: dict[str, Any]) -> Any:
    return client.post(BULK_URL, body, format="json")


def _run(client: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Post the operation, run it here (in a test's transaction the queued task never starts), read it back."""
    response = _post(client, body)
    assert response.status_code == 202, response.content
    operation_id = body_of(response)["id"]
    bulk_services.bulk_operation_execute(operation_id=operation_id)
    return _get(client, operation_id)


def _get(client: Any, operation_id: int) -> dict[str, Any]:
    response = client.get(f"{BULK_URL}{operation_id}/")
    assert response.status_code == 200, response.content
    return dict(body_of(response))


def _facts(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Everything an action or its undo may touch, per project (versions and times aside)."""
    rows = Project.all_objects.filter(pk__in=ids).order_by("pk")
    return {
        p.pk: {
            **bulk_fields(p),
            "deleted_at": p.deleted_at,
            "deleted_by_id": p.deleted_by_id,
            "tags": sorted(p.tags.values_list("pk", flat=True)),
            # Its words: their positions follow the order tags are joined in, which no query fixes.
            "search_words": sorted(w.split(":")[0] for w in str(p.search_vector).split()),
        }
        for p in rows
    }


def _world() -> dict[str, Any]:
    """Three projects that differ in every field an action changes."""
    owner = make_user("undo-owner")
    heir = make_user("undo-heir")
    red, blue, green = (make_tag(owner, f"undo-{c}") for c in ("red", "blue", "green"))
    start = datetime.date(2030, 1, 1)
    first = make_project(owner, start_date=start, due_date=datetime.date(2030, 3, 1), tag_ids=[red.pk])
    second = make_project(owner, start_date=start, due_date=datetime.date(2030, 9, 1), tag_ids=[blue.pk, green.pk])
    third = make_project(owner, start_date=start)  # no due date, no tags
    make_milestone(first, due_date=datetime.date(2020, 1, 1))  # missed: derived health is not on track
    services.project_update(
        project_id=second.pk,
        expected_version=1,
        actor=owner,
        data={"health_override": "at_risk", "health_override_reason": "Supplier"},
    )
    services.project_transition(project_id=third.pk, name="start", expected_version=1, actor=owner)
    add_member(third, heir, role=Role.MANAGER)
    projects = list(Project.objects.filter(pk__in=[first.pk, second.pk, third.pk]).order_by("pk"))
    return {"owner": owner, "heir": heir, "tags": (red, blue, green), "projects": projects}


ACTIONS: list[tuple[str, Any]] = [
    ("transition", lambda w: {"name": "cancel"}),
    ("set_health_override", lambda w: {"health": "off_track", "reason": "Strike"}),
    ("clear_health_override", lambda w: {}),
    ("add_tags", lambda w: {"tag_ids": [w["tags"][0].pk]}),
    ("remove_tags", lambda w: {"tag_ids": [w["tags"][1].pk, w["tags"][0].pk]}),
    ("replace_tags", lambda w: {"tag_ids": [w["tags"][2].pk]}),
    ("change_owner", lambda w: {"owner_id": w["heir"].pk}),
    ("set_due_date", lambda w: {"due_date": "2030-12-31"}),
    ("set_due_date", lambda w: {"due_date": None}),
    ("delete", lambda w: {}),
    ("restore", lambda w: {}),
]
SHIFT = ("shift_due_date", lambda w: {"days": -20})  # only for projects with a due date


@pytest.mark.parametrize(
    ("action", "params_of"), [*ACTIONS, SHIFT], ids=[f"{a}-{i}" for i, (a, _) in enumerate([*ACTIONS, SHIFT])]
)
def test_undo_puts_back_exactly_what_was_there_and_redo_does_it_again(action: str, params_of: Any) -> None:
    world = _world()
    owner = world["owner"]
    # Undo of a change of owner is the new owner's (or staff's) to run: the old one gave it away.
    undoer = make_user("undo-staff", is_staff=True) if action == "change_owner" else owner
    client = client_for(owner)
    projects = world["projects"][:2] if action == "shift_due_date" else world["projects"]
    ids = [p.pk for p in projects]
    if action == "restore":
        _run(client, {"action": "delete", "items": items_for(projects)})
    before = _facts(ids)
    versions = dict(Project.all_objects.filter(pk__in=ids).values_list("pk", "version"))

    done = _run(
        client,
        {
            "action": action,
            "params": params_of(world),
            "items": items_for(list(Project.all_objects.filter(pk__in=ids).order_by("pk"))),
        },
    )
    assert done["status"] == "succeeded", done["report"]
    after = _facts(ids)
    assert after != before
    undo = done["undo"]
    assert undo == {
        "action": "undo",
        "params": {"operation_id": done["id"]},
        "items": [{"id": pk, "etag": make_etag("project", pk, versions[pk] + 1)} for pk in ids],
    }

    undone = _run(client_for(undoer), undo)

    assert undone["status"] == "succeeded", undone["report"]
    assert _facts(ids) == before  # health (re-derived), tags and search vectors included
    assert dict(Project.all_objects.filter(pk__in=ids).values_list("pk", "version")) == {
        pk: v + 2 for pk, v in versions.items()
    }
    # One activity per project, with the original's changes reversed, and the requester's summary.
    original_changes = {a.project_id: a.changes for a in activities_of(done["id"])}
    undo_rows = list(activities_of(undone["id"]))
    assert sorted(a.project_id for a in undo_rows) == ids
    for row in undo_rows:
        assert row.changes == {f: [new, old] for f, (old, new) in original_changes[row.project_id].items()}
        assert row.metadata["action"] == "undo" and row.actor_id == undoer.pk
        assert row.version == versions[row.project_id] + 2
    verbs = {a.verb for a in undo_rows}
    assert verbs == {"delete": {"project.restored"}, "restore": {"project.deleted"}}.get(action, {"project.updated"})
    assert summaries_of(undone["id"]).get().metadata["params"] == {"operation_id": done["id"]}
    # The original is undone: no second undo is offered; the undo offers the redo.
    again = _get(client_for(undoer), done["id"])
    assert again["undone_by"] == undone["id"] and again["undo"] is None
    assert undone["undo"]["params"] == {"operation_id": undone["id"]}

    redone = _run(client_for(undoer), undone["undo"])

    assert redone["status"] == "succeeded", redone["report"]
    assert _facts(ids) == after


def test_undoing_twice_is_refused_and_so_is_an_undo_already_queued() -> None:
    world = _world()
    client = client_for(world["owner"])
    done = _run(
        client, {"action": "set_due_date", "params": {"due_date": "2031-01-31"}, "items": items_for(world["projects"])}
    )
    queued = _post(client, done["undo"])
    assert queued.status_code == 202

    pending = _post(client, done["undo"])
    error = assert_error(pending, 422, "undo_pending")
    assert "being undone" in error["message"] and "operation_id" in error["details"]["params"]
    assert_error(_post(client, {**done["undo"], "dry_run": True}), 422, "undo_pending")

    bulk_services.bulk_operation_execute(operation_id=body_of(queued)["id"])
    twice = _post(client, done["undo"])
    error = assert_error(twice, 422, "already_undone")
    assert f"by operation {body_of(queued)['id']}" in error["message"]
    assert BulkOperation.objects.filter(action="undo").count() == 1


def test_an_undo_raced_by_another_finds_it_undone_and_changes_nothing() -> None:
    world = _world()
    client = client_for(world["owner"])
    done = _run(client, {"action": "transition", "params": {"name": "cancel"}, "items": items_for(world["projects"])})
    # Two undos recorded before either ran (as a race between two requests could leave them).
    first = bulk_services.bulk_operation_request(actor=world["owner"], action="undo", **_body(done["undo"]))[0]
    second = BulkOperation.objects.create(
        requested_by=world["owner"], action="undo", params=first.params, items=first.items, total=3, request_hash="x"
    )
    bulk_services.bulk_operation_execute(operation_id=first.pk)
    before = state()

    late = bulk_services.bulk_operation_execute(operation_id=second.pk)

    assert late is not None and late.status == BulkStatus.FAILED
    assert {e["result"] for e in late.report} == {"invalid"}
    assert all("already undone" in e["message"] for e in late.report)
    assert state() == before


def _body(undo: dict[str, Any]) -> dict[str, Any]:
    return {"params": undo["params"], "items": undo["items"]}


def test_a_change_since_is_a_conflict_and_the_rest_can_be_undone() -> None:
    world = _world()
    owner, heir = world["owner"], world["heir"]
    client = client_for(owner)
    projects = world["projects"]
    done = _run(
        client,
        {
            "action": "set_health_override",
            "params": {"health": "off_track", "reason": "x"},
            "items": items_for(projects),
        },
    )
    edited = projects[2]
    services.project_update(
        project_id=edited.pk, expected_version=edited.version + 1, actor=heir, data={"title": "Renamed meanwhile"}
    )
    edited_facts = _facts([edited.pk])
    before = state()

    failed = _run(client, done["undo"])

    assert failed["status"] == "failed" and failed["undo"] is None
    assert state() == before
    conflict = next(e for e in failed["report"] if e["id"] == edited.pk)
    assert conflict == {
        "id": edited.pk,
        "result": "conflict",
        "etag": make_etag("project", edited.pk, edited.version + 2),
        "changed_by": {"id": heir.pk, "name": heir.name},
        "changed_fields": ["title"],
    }
    assert _get(client, done["id"])["undone_by"] is None  # not undone: it may be tried again

    rest = {**done["undo"], "items": [i for i in done["undo"]["items"] if i["id"] != edited.pk]}
    undone = _run(client, rest)

    assert undone["status"] == "succeeded", undone["report"]
    assert [p.health_override for p in Project.objects.filter(pk__in=[p.pk for p in projects[:2]]).order_by("pk")] == [
        None,
        "at_risk",
    ]
    assert _facts([edited.pk]) == edited_facts  # the one changed since keeps the override
    assert _get(client, done["id"])["undone_by"] == undone["id"]


def test_only_the_requester_or_staff_may_undo_and_item_rules_still_apply() -> None:
    world = _world()
    owner, heir = world["owner"], world["heir"]
    projects = world["projects"]
    third = projects[2]  # heir manages it
    done = _run(
        client_for(heir), {"action": "set_due_date", "params": {"due_date": "2031-05-05"}, "items": items_for([third])}
    )
    assert done["status"] == "succeeded"
    operations = BulkOperation.objects.count()

    assert_error(_post(client_for(owner), done["undo"]), 404, "not_found")  # not theirs to undo
    assert_error(_post(client_for(make_user("undo-outsider")), done["undo"]), 404, "not_found")
    assert_error(_post(client_for(None), done["undo"]), 401, "not_authenticated")
    assert BulkOperation.objects.count() == operations
    # The requester, no longer a manager of the project, may ask; the item is refused.
    member = TeamMember.objects.get(project=third, user=heir)
    services.member_update(
        project_id=third.pk,
        member_id=member.pk,
        expected_version=member.version,
        actor=owner,
        data={"role": Role.DEVELOPER},
    )
    current = Project.objects.get(pk=third.pk)
    mine = {**done["undo"], "items": items_for([current])}
    refused = _run(client_for(heir), mine)
    assert refused["status"] == "failed" and refused["report"] == [{"id": third.pk, "result": "forbidden"}]
    # Staff may undo anyone's.
    staff = make_user("undo-staff", is_staff=True)
    assert _run(client_for(staff), mine)["status"] == "succeeded"
    assert Project.objects.get(pk=third.pk).due_date is None


def test_what_cannot_be_undone() -> None:
    world = _world()
    owner = world["owner"]
    client = client_for(owner)
    projects = world["projects"]
    stale = [{"id": projects[0].pk, "etag": make_etag("project", projects[0].pk, 99)}]
    failed = _run(client, {"action": "transition", "params": {"name": "start"}, "items": stale})
    assert failed["status"] == "failed" and failed["undo"] is None
    error = assert_error(
        _post(client, {"action": "undo", "params": {"operation_id": failed["id"]}, "items": stale}), 422, "not_undoable"
    )
    assert "did not succeed" in error["message"]
    assert_error(_post(client, {"action": "undo", "params": {"operation_id": 2**40}, "items": stale}), 404)
    assert "operation_id" in assert_error(_post(client, {"action": "undo", "items": stale}), 400)["details"]["params"]

    done = _run(
        client, {"action": "set_due_date", "params": {"due_date": "2031-01-01"}, "items": items_for(projects[:1])}
    )
    stranger_item = items_for(Project.objects.filter(pk=projects[1].pk))
    mixed = _run(client, {**done["undo"], "items": done["undo"]["items"] + stranger_item})
    assert mixed["status"] == "failed"
    assert mixed["report"][1] == {
        "id": projects[1].pk,
        "result": "invalid",
        "message": f"Operation {done['id']} did not change this project.",
    }


def test_an_undo_can_be_previewed_without_writing() -> None:
    world = _world()
    client = client_for(world["owner"])
    done = _run(client, {"action": "delete", "items": items_for(world["projects"])})
    before = state()
    activity = Activity.objects.count()

    preview = client.post(BULK_URL, {**done["undo"], "dry_run": True}, format="json")

    assert preview.status_code == 200, preview.content
    body = body_of(preview)
    assert body["results"] == {"ok": 3} and body["fields"] == {"deleted_at": {"count": 3}}
    assert all(e["changes"]["deleted_at"][1] is None for e in body["report"])
    assert state() == before and Activity.objects.count() == activity
    assert _get(client, done["id"])["undo"] is not None  # still to be undone


def test_undoing_a_delete_refuses_a_title_taken_meanwhile() -> None:
    world = _world()
    owner = world["owner"]
    client = client_for(owner)
    project = world["projects"][0]
    done = _run(client, {"action": "delete", "items": items_for([project])})
    make_project(owner, title=project.title.upper())

    refused = _run(client, done["undo"])

    assert refused["report"] == [
        {"id": project.pk, "result": "invalid", "message": "A live project already has this title."}
    ]
    assert Project.all_objects.get(pk=project.pk).deleted_at is not None
