"""Bulk operations run by a real Celery worker process over Redis (SPEC §7, issue item 2)."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkOperation, BulkStatus
from pulse.notifications.models import Notification
from pulse.projects import services
from pulse.projects.models import Project, ProjectStatus, Role, TeamMember
from pulse.realtime.events import GLOBAL_GROUP, project_group, user_group
from pulsekit.versioning import make_etag
from tests.background.conftest import StreamListener, Worker
from tests.background.support import (
    BULK_URL,
    activities_of,
    assert_refusals_reported,
    bulk_projects,
    items_for,
    per_project_counts,
    post_bulk,
    refusal_case,
    snapshot,
    summaries_of,
    wait_finished,
    wait_until,
)
from tests.factories import make_project, make_tag, make_user


def test_ten_thousand_projects_in_one_operation(worker: Worker, api: Any) -> None:
    requester = make_user("bulk-owner")
    projects = bulk_projects(requester, 10_000)
    ids = [p.pk for p in projects]
    first, last = ids[0], ids[-1]
    client = api(requester)

    with StreamListener([user_group(requester.pk), project_group(first), project_group(last), GLOBAL_GROUP]) as stream:
        started = time.monotonic()
        response = post_bulk(client, "transition", items_for(projects), {"name": "start"})
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == BulkStatus.QUEUED and body["total"] == 10_000 and body["action"] == "transition"
        location = response["Location"]
        assert location.endswith(f"{BULK_URL}{body['id']}/")

        op = wait_finished(body["id"], timeout=150)
        elapsed = time.monotonic() - started
        assert op.status == BulkStatus.SUCCEEDED, (op.summary, op.report[:5], worker.log_tail())

        detail = client.get(location.replace("http://testserver", ""))
        assert detail.status_code == 200
        shown = detail.json()
        assert shown["status"] == "succeeded" and shown["processed"] == 10_000 and shown["attempts"] == 1
        assert shown["started_at"] and shown["finished_at"] and shown["duration_ms"] is not None
        assert 0 <= shown["duration_ms"] <= elapsed * 1000
        assert shown["summary"] == {"changed": 10_000, "results": {"ok": 10_000}}
        assert len(shown["report"]) == 10_000
        assert {e["result"] for e in shown["report"]} == {"ok"}
        assert shown["report"][0] == {"id": first, "result": "ok", "etag": make_etag("project", first, 2)}

        # Every project changed once; one activity each; one summary.
        assert Project.objects.filter(pk__in=ids, status=ProjectStatus.ACTIVE, version=2).count() == 10_000
        counts = per_project_counts(op.pk)
        assert len(counts) == 10_000 and set(counts.values()) == {1}
        sample = activities_of(op.pk).get(project_id=last)
        assert sample.verb == "project.transitioned" and sample.actor_id == requester.pk
        assert sample.changes["status"] == ["planning", "active"] and sample.version == 2
        summary = summaries_of(op.pk).get()
        assert summary.metadata["count"] == 10_000 and summary.metadata["action"] == "transition"

        # The events go out: every activity is published, the stream carries them and the progress.
        wait_until(
            lambda: (
                not Activity.objects.filter(project_id__in=ids, published_at__isnull=True).exists()
                and not summaries_of(op.pk).filter(published_at__isnull=True).exists()
            ),
            150,
            interval=0.5,
            what="all 10,001 activities published",
        )
        wait_until(
            lambda: (
                any(e.get("id") == sample.pk for e in stream.events(project_group(last)))
                and any(e.get("id") == summary.pk for e in stream.events(user_group(requester.pk)))
            ),
            10,
            what="project events and the summary on the requester's stream received",
        )
        wait_until(
            lambda: any(e.get("phase") == "succeeded" for e in stream.events(user_group(requester.pk))),
            10,
            what="final progress event",
        )

    # Other test sessions may share this Redis (pub/sub ignores the db number): keep this operation's events.
    mine = [
        e
        for e in stream.events(project_group(last))
        if e.get("project_id") == last and e.get("data", {}).get("metadata", {}).get("bulk_operation_id") == op.pk
    ]
    assert [(e["id"], e["type"], e["version"]) for e in mine] == [(sample.pk, "project.transitioned", 2)]
    completed = [e for e in stream.events(user_group(requester.pk)) if e.get("id") == summary.pk]
    assert [e["type"] for e in completed] == ["bulk.completed"]
    assert not [e for e in stream.events(GLOBAL_GROUP) if e.get("id") == summary.pk], "the summary is private"
    assert completed[0]["data"]["metadata"]["count"] == 10_000
    progress = [
        e
        for e in stream.events(user_group(requester.pk))
        if e.get("type") == "bulk.progress" and e.get("operation_id") == op.pk
    ]
    assert all(e["total"] == 10_000 for e in progress)
    checking = [e["processed"] for e in progress if e["phase"] == "checking"]
    assert checking == sorted(checking) and len(checking) >= 10, checking
    assert any(e["phase"] == "writing" for e in progress)
    assert progress[-1]["phase"] == "succeeded" and progress[-1]["processed"] == 10_000
    assert BulkOperation.objects.get(pk=op.pk).attempts == 1


def test_one_stale_etag_among_a_thousand_changes_nothing(worker: Worker, api: Any) -> None:
    requester = make_user("stale-owner")
    projects = bulk_projects(requester, 1_000)
    ids = [p.pk for p in projects]
    stale = projects[637]
    items = items_for(projects)  # everyone read at version 1 …
    # … then someone edits one project before the operation runs.
    services.project_update(project_id=stale.pk, expected_version=1, actor=requester, data={"description": "edited"})
    before = snapshot(ids)
    activity_ids = set(Activity.objects.values_list("id", flat=True))

    client = api(requester)
    response = post_bulk(client, "set_health_override", items, {"health": "off_track", "reason": "Audit"})
    assert response.status_code == 202, response.content
    op = wait_finished(response.json()["id"], timeout=60)

    assert op.status == BulkStatus.FAILED
    assert op.summary == {"changed": 0, "results": {"ok": 999, "conflict": 1}}
    assert len(op.report) == 1_000
    problems = [e for e in op.report if e["result"] != "ok"]
    assert problems == [
        {
            "id": stale.pk,
            "result": "conflict",
            "etag": make_etag("project", stale.pk, 2),
            "changed_by": {"id": requester.pk, "name": requester.name},
            "changed_fields": ["description"],
        }
    ]
    assert snapshot(ids) == before
    assert set(Activity.objects.values_list("id", flat=True)) == activity_ids
    assert not summaries_of(op.pk).exists()

    shown = client.get(f"{BULK_URL}{op.pk}/").json()
    assert shown["status"] == "failed" and shown["report"][637]["result"] == "conflict"
    assert shown["finished_at"] is not None


def test_the_report_names_every_kind_of_refusal(worker: Worker, api: Any) -> None:
    case = refusal_case("report")
    ids = [p.pk for p in case.targets]
    before = snapshot(ids)

    response = post_bulk(api(case.requester), "transition", case.items, {"name": "start"})
    assert response.status_code == 202, response.content
    op = wait_finished(response.json()["id"], timeout=60)

    assert op.status == BulkStatus.FAILED
    assert_refusals_reported(case, op.report)
    assert op.summary["results"] == {"ok": 1, "invalid": 1, "not_found": 3, "forbidden": 1, "conflict": 1}
    assert snapshot(ids) == before
    assert not activities_of(op.pk).exists() and not summaries_of(op.pk).exists()


def test_bad_requests_are_refused_before_anything_is_queued(api: Any, db: Any) -> None:
    requester = make_user("bad-requester")
    project = make_project(requester)
    client = api(requester)
    item = [{"id": project.pk, "etag": make_etag("project", project.pk, 1)}]

    no_reason = post_bulk(client, "set_health_override", item, {"health": "at_risk", "reason": "  "})
    assert no_reason.status_code == 400, no_reason.content
    assert post_bulk(client, "transition", item, {}).status_code == 400
    assert post_bulk(client, "transition", item + item, {"name": "start"}).status_code == 400
    too_many = [{"id": n, "etag": make_etag("project", n, 1)} for n in range(1, 10_002)]
    assert post_bulk(client, "delete", too_many).status_code == 400
    assert post_bulk(client, "add_tags", item, {"tag_ids": [2**40]}).status_code == 400
    assert not BulkOperation.objects.exists()
    assert api(None).get(f"{BULK_URL}1/").status_code == 401


def test_a_malformed_item_is_a_400(db: Any, api: Any) -> None:
    requester = make_user("typo-requester")
    client = api(requester)
    client.raise_request_exception = False  # see the answer a real client would get
    bad_id = post_bulk(client, "delete", [{"id": "abc", "etag": '"project-1-v1"'}])
    assert bad_id.status_code == 400, bad_id.content
    bad_tag = post_bulk(client, "add_tags", [{"id": 1, "etag": '"project-1-v1"'}], {"tag_ids": ["x"]})
    assert bad_tag.status_code == 400, bad_tag.content
    assert not BulkOperation.objects.exists()


def test_item_errors_name_each_bad_item_by_position(db: Any, api: Any) -> None:
    client = api(make_user("careless-requester"))
    good = {"id": 7, "etag": '"project-7-v1"'}
    items = [good, {"id": True, "etag": "x"}, {"etag": '"project-1-v1"'}, {"id": 0, "etag": "  "}, "7", good]

    response = post_bulk(client, "delete", items)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error", error
    assert error["details"]["items"] == {
        "1": {"id": ["A valid integer is required."]},
        "2": {"id": ["This field is required."]},
        "3": {"id": ["Ensure this value is greater than or equal to 1."], "etag": ["This field may not be blank."]},
        "4": {"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]},
    }
    assert post_bulk(client, "delete", []).status_code == 400
    assert post_bulk(client, "delete", {"id": 7}).status_code == 400
    # A control character in an ETag (a NUL would break the jsonb the operation is stored in) is refused.
    for etag in ('"project-7-v1\u0000"', '"project-7\u0014v1"', '"project-7-v1\u007f"'):
        hostile = post_bulk(client, "delete", [good, {"id": 8, "etag": etag.encode().decode("unicode_escape")}])
        assert hostile.status_code == 400, hostile.content
        assert hostile.json()["error"]["details"]["items"] == {
            "1": {"etag": ["Not a valid ETag: control characters are not allowed."]}
        }
    assert not BulkOperation.objects.exists()


def test_idempotency_key_replays_the_operation_and_refuses_another_body(worker: Worker, api: Any) -> None:
    requester = make_user("idem-owner")
    projects = bulk_projects(requester, 3)
    client = api(requester)
    items = items_for(projects)
    params = {"health": "at_risk", "reason": "Vendor late"}

    first = post_bulk(client, "set_health_override", items, params, key="key-1")
    assert first.status_code == 202, first.content
    op = wait_finished(first.json()["id"], timeout=60)
    assert op.status == BulkStatus.SUCCEEDED

    replay = post_bulk(client, "set_health_override", items, params, key="key-1")
    assert replay.status_code == 202
    assert replay.json()["id"] == op.pk and replay.json()["status"] == "succeeded"
    assert replay["Location"] == first["Location"]
    time.sleep(1.0)  # a second run, had one been queued, would have had time to start
    assert BulkOperation.objects.filter(requested_by=requester).count() == 1
    assert BulkOperation.objects.get(pk=op.pk).attempts == 1
    assert summaries_of(op.pk).count() == 1 and len(per_project_counts(op.pk)) == 3
    assert Project.objects.filter(pk__in=[p.pk for p in projects], version=2, health="at_risk").count() == 3

    other = post_bulk(client, "set_health_override", items, {**params, "reason": "Other"}, key="key-1")
    assert other.status_code == 422, other.content
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert post_bulk(client, "clear_health_override", items, key="key-1").status_code == 422
    assert BulkOperation.objects.filter(requested_by=requester).count() == 1

    # Keys belong to one person; and they expire after 24 hours.
    colleague = make_user("idem-colleague", is_staff=True)
    theirs = post_bulk(api(colleague), "set_health_override", items, params, key="key-1")
    assert theirs.status_code == 202 and theirs.json()["id"] != op.pk
    BulkOperation.objects.filter(pk=op.pk).update(created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1))
    later = post_bulk(client, "set_health_override", items, params, key="key-1")
    assert later.status_code == 202 and later.json()["id"] not in (op.pk, theirs.json()["id"])
    # Both new operations carry version-1 ETags of rows now at version 2: they fail, changing nothing.
    assert wait_finished(theirs.json()["id"], timeout=60).status == BulkStatus.FAILED
    assert wait_finished(later.json()["id"], timeout=60).status == BulkStatus.FAILED


INJECT = {
    # Raised by the UPDATE statement when it reaches the last project of the operation.
    "last_row_update": """
        CREATE TRIGGER bgtest_inject BEFORE UPDATE ON projects_project
        FOR EACH ROW WHEN (NEW.id = {last}) EXECUTE FUNCTION bgtest_fail()
    """,
    # Raised at COMMIT, once every row, activity and the summary have been written.
    "at_commit": """
        CREATE CONSTRAINT TRIGGER bgtest_inject AFTER UPDATE ON projects_project
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN (NEW.id = {last}) EXECUTE FUNCTION bgtest_fail()
    """,
}


@pytest.mark.parametrize("where", list(INJECT))
def test_a_failure_at_the_last_row_changes_nothing(transactional_db: Any, where: str) -> None:
    """The service run in-process with a fault injected in the database, whatever the SQL it writes."""
    requester = make_user("inject-owner")
    projects = bulk_projects(requester, 1_200)
    ids = [p.pk for p in projects]
    before = snapshot(ids)
    # Recorded without queueing: this test runs the service itself.
    op = BulkOperation.objects.create(
        requested_by=requester,
        action="transition",
        params={"name": "start"},
        items=items_for(projects),
        request_hash="x",
        total=len(ids),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION bgtest_fail() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'injected failure at project %', NEW.id; END $$"
        )
        cursor.execute(INJECT[where].format(last=ids[-1]))
    try:
        with pytest.raises(DatabaseError, match=f"injected failure at project {ids[-1]}"):
            bulk_services.bulk_operation_execute(operation_id=op.pk)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS bgtest_inject ON projects_project")
            cursor.execute("DROP FUNCTION IF EXISTS bgtest_fail()")

    assert snapshot(ids) == before
    assert not activities_of(op.pk).exists() and not summaries_of(op.pk).exists()
    assert not Activity.objects.filter(project_id__in=ids).exists()
    failed_run = BulkOperation.objects.get(pk=op.pk)
    assert failed_run.report == [] and failed_run.finished_at is None and failed_run.attempts == 1

    # The rerun (a redelivered task) starts from a clean slate and succeeds once.
    done = bulk_services.bulk_operation_execute(operation_id=op.pk)
    assert done is not None and done.status == BulkStatus.SUCCEEDED and done.attempts == 2
    assert set(per_project_counts(op.pk).values()) == {1} and len(per_project_counts(op.pk)) == 1_200
    assert summaries_of(op.pk).count() == 1
    assert Project.objects.filter(pk__in=ids, status="active", version=2).count() == 1_200
    wait_until(
        lambda: not activities_of(op.pk).filter(published_at__isnull=True).exists(),
        60,
        what="the rerun's events published",
    )


def test_every_action_through_the_worker(worker: Worker, api: Any) -> None:
    requester = make_user("actions-owner")
    heir = make_user("actions-heir")
    start, due = datetime.date(2030, 1, 1), datetime.date(2030, 6, 30)
    projects = [make_project(requester, start_date=start, due_date=due) for _ in range(3)]
    ids = [p.pk for p in projects]
    red, blue = make_tag(requester, "bulk-red"), make_tag(requester, "bulk-blue")
    client = api(requester)

    def run(action: str, params: dict[str, Any] | None = None) -> BulkOperation:
        current = list(Project.all_objects.filter(pk__in=ids).order_by("pk"))
        response = post_bulk(client, action, items_for(current), params)
        assert response.status_code == 202, (action, response.content)
        op = wait_finished(response.json()["id"], timeout=60)
        assert op.status == BulkStatus.SUCCEEDED, (action, op.report)
        assert len(per_project_counts(op.pk)) == 3 and summaries_of(op.pk).count() == 1
        return op

    def rows() -> list[Project]:
        return list(Project.all_objects.filter(pk__in=ids).order_by("pk"))

    run("set_health_override", {"health": "off_track", "reason": "Supplier strike"})
    assert {(p.health, p.health_override, p.health_override_reason) for p in rows()} == {
        ("off_track", "off_track", "Supplier strike")
    }
    run("clear_health_override")
    assert {(p.health, p.health_override, p.health_override_reason) for p in rows()} == {("on_track", None, "")}
    run("add_tags", {"tag_ids": [red.pk, blue.pk]})
    assert all({t.name for t in p.tags.all()} == {"bulk-red", "bulk-blue"} for p in rows())
    op = run("remove_tags", {"tag_ids": [red.pk]})
    assert all([t.name for t in p.tags.all()] == ["bulk-blue"] for p in rows())
    assert activities_of(op.pk).first().changes == {"tags": [["bulk-blue", "bulk-red"], ["bulk-blue"]]}
    run("replace_tags", {"tag_ids": [red.pk]})
    assert all([t.name for t in p.tags.all()] == ["bulk-red"] for p in rows())
    run("shift_due_date", {"days": 10})
    assert {p.due_date for p in rows()} == {datetime.date(2030, 7, 10)}
    run("set_due_date", {"due_date": "2030-12-31"})
    assert {p.due_date for p in rows()} == {datetime.date(2030, 12, 31)}
    run("transition", {"name": "start"})
    assert {p.status for p in rows()} == {"active"}
    op = run("delete")
    assert all(p.deleted_at is not None and p.deleted_by_id == requester.pk for p in rows())
    assert {a.verb for a in activities_of(op.pk)} == {"project.deleted"}
    op = run("restore")
    assert all(p.deleted_at is None and p.deleted_by_id is None for p in rows())
    assert {a.verb for a in activities_of(op.pk)} == {"project.restored"}
    run("change_owner", {"owner_id": heir.pk})
    assert {p.owner_id for p in rows()} == {heir.pk}
    assert TeamMember.objects.filter(project_id__in=ids, user=heir, role=Role.LEAD).count() == 3
    assert {p.version for p in rows()} == {12}
    assert all(p.search_vector is not None for p in rows())


def test_a_bulk_transition_notifies_each_member_once_with_a_summary(worker: Worker, api: Any) -> None:
    """SPEC §7: lifecycle transitions notify the members concerned, whichever endpoint ran them.

    A bulk run tells each person once, naming their projects, rather than once per project.
    """
    requester = make_user("notify-owner")
    colleague = make_user("notify-colleague")
    projects = bulk_projects(requester, 5, members=((colleague, Role.DEVELOPER),))
    response = post_bulk(api(requester), "transition", items_for(projects), {"name": "start"})
    assert response.status_code == 202
    assert wait_finished(response.json()["id"], timeout=60).status == BulkStatus.SUCCEEDED

    told = list(Notification.objects.filter(recipient=colleague, kind="project_transitioned"))
    assert len(told) == 1
    assert told[0].title == "5 projects are now active"
    assert all(p.title in told[0].body for p in projects)
    assert not Notification.objects.filter(recipient=requester).exists()


def test_without_a_broker_the_work_still_runs_after_the_response(
    transactional_db: Any, api: Any, settings: Any
) -> None:
    """``make run`` without Redis: an in-process pool runs the task after commit, not in the request."""
    settings.CELERY_BROKER_URL = "memory://"
    requester = make_user("local-owner")
    projects = bulk_projects(requester, 200)
    response = post_bulk(api(requester), "transition", items_for(projects), {"name": "start"})
    assert response.status_code == 202
    assert response.json()["status"] == "queued" and response.json()["started_at"] is None
    op = wait_finished(response.json()["id"], timeout=60)
    assert op.status == BulkStatus.SUCCEEDED and op.attempts == 1
    assert len(per_project_counts(op.pk)) == 200
    wait_until(
        lambda: not activities_of(op.pk).filter(published_at__isnull=True).exists(),
        60,
        what="events published by the in-process pool",
    )
