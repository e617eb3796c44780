"""Committed changes reach subscribers live, through the outbox, in id order; rolled-back ones never do (SPEC §6)."""

from __future__ import annotations

import datetime
import itertools
import threading
import time
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.realtime.conftest import DASHBOARD_DEBOUNCE_SECONDS, Team
from tests.realtime.support import Server, ids, is_event, wait_until

pytestmark = pytest.mark.usefixtures("transactional_db")

ENVELOPE_KEYS = {"id", "type", "project_id", "version", "actor", "data", "ts"}


def latest_id(project_id: int) -> int:
    return int(Activity.objects.filter(project_id=project_id).order_by("-id").values_list("id", flat=True)[0])


def parse_ts(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_a_patch_reaches_every_subscriber_within_a_second_with_the_spec_envelope(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    watchers = [owner.socket(), sessions(server_a, team.member).socket()]
    for sock in watchers:
        sock.subscribe(f"project:{team.pid}")
    before = latest_id(team.pid)

    path = f"/projects/{team.pid}/"
    etag = owner.etag(path)
    started = time.monotonic()
    response = owner.http.patch(path, json={"title": "Apollo 11"}, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    version = response.json()["version"]
    assert response.headers["ETag"] == make_etag("project", team.pid, version)

    events = [sock.event(timeout=max(0.01, 1.0 - (time.monotonic() - started))) for sock in watchers]
    assert time.monotonic() - started <= 1.0, "the event must reach every subscriber within 1 s of the PATCH"

    activity = Activity.objects.get(project_id=team.pid, id__gt=before)
    for sock, event in zip(watchers, events, strict=True):
        assert set(event) == ENVELOPE_KEYS
        assert {k: v for k, v in event.items() if k != "ts"} == {
            "id": activity.pk,
            "type": "project.updated",
            "project_id": team.pid,
            "version": version,
            "actor": {"id": team.owner.pk, "name": team.owner.name},
            "data": {
                "target_type": "project",
                "target_id": team.pid,
                "changes": {"title": ["Apollo", "Apollo 11"]},
                "metadata": {"title": "Apollo 11"},
                "prev_id": before,
            },
        }
        assert abs(parse_ts(event["ts"]) - activity.created_at) < datetime.timedelta(milliseconds=1)
        sock.assert_quiet(0.3)  # exactly one event for one change


def test_every_kind_of_change_is_one_event_in_order(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    start = latest_id(team.pid)

    milestone = owner.add_milestone(team.pid, "Launch")
    path = f"/projects/{team.pid}/milestones/{milestone['id']}/"
    assert owner.http.patch(path, json={"status": "done"}, headers={"If-Match": owner.etag(path)}).status_code == 200
    member_path = f"/projects/{team.pid}/members/{team.membership.pk}/"
    response = owner.http.patch(member_path, json={"allocation": 30}, headers={"If-Match": owner.etag(member_path)})
    assert response.status_code == 200, response.text
    path = f"/projects/{team.pid}/"
    response = owner.http.post(f"/projects/{team.pid}/transitions/start/", headers={"If-Match": owner.etag(path)})
    assert response.status_code == 200, response.text

    events = sock.events(4, timeout=3.0)
    assert [e["type"] for e in events] == [
        "milestone.created",
        "milestone.updated",
        "member.updated",
        "project.transitioned",
    ]
    expected_ids = list(
        Activity.objects.filter(project_id=team.pid, id__gt=start).order_by("id").values_list("id", flat=True)
    )
    assert ids(events) == expected_ids
    assert [e["data"]["prev_id"] for e in events] == [start, *expected_ids[:-1]]
    versions = [e["version"] for e in events]
    assert versions == sorted(versions) and len(set(versions)) == 4, versions
    assert versions[-1] == Project.objects.get(pk=team.pid).version
    sock.assert_quiet(0.5)


def test_a_client_only_gets_the_topics_it_subscribed_to(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    owner.update_project(team.other.pk, description="not watched")
    sock.assert_quiet(1.0)

    sock.send({"type": "unsubscribe", "topic": f"project:{team.pid}"})
    assert sock.next() == {"type": "unsubscribed", "topic": f"project:{team.pid}"}
    owner.update_project(team.pid, description="after unsubscribing")
    sock.assert_quiet()


def test_refused_http_writes_produce_no_event(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    member = sessions(server_a, team.member)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    last = latest_id(team.pid)
    version = Project.objects.get(pk=team.pid).version
    url = f"/projects/{team.pid}/"

    refused = {
        # the live-title unique constraint, hit inside the service's transaction
        "duplicate title": owner.patch_project(team.pid, title="gemini"),
        "stale If-Match": owner.http.patch(url, json={"title": "x"}, headers={"If-Match": make_etag("project", 1, 1)}),
        "not an editor": member.patch_project(team.pid, title="by a developer"),
        "invalid dates": owner.patch_project(team.pid, due_date="2020-01-01", start_date="2021-01-01"),
        "bad transition": owner.http.post(
            f"/projects/{team.pid}/transitions/resume/", headers={"If-Match": owner.etag(url)}
        ),
    }
    statuses = {name: r.status_code for name, r in refused.items()}
    assert all(400 <= code < 500 for code in statuses.values()), statuses
    sock.assert_quiet()
    assert latest_id(team.pid) == last

    updated = owner.update_project(team.pid, description="the next good change")
    event = sock.event()
    assert (event["data"]["prev_id"], event["version"]) == (last, version + 1) == (last, updated["version"])


def test_a_change_rolled_back_after_its_activity_was_written_produces_no_event(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    last = latest_id(team.pid)
    version = Project.objects.get(pk=team.pid).version

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        services.project_update(
            project_id=team.pid, expected_version=version, actor=team.owner, data={"description": "never committed"}
        )
        assert Activity.objects.filter(project_id=team.pid, id__gt=last).count() == 1  # the outbox row, uncommitted
        raise Abort
    assert latest_id(team.pid) == last
    sock.assert_quiet()

    # The same service call, committed from this process, is published to the servers' subscribers.
    services.project_update(
        project_id=team.pid, expected_version=version, actor=team.owner, data={"description": "committed"}
    )
    event = sock.event()
    assert event["data"]["changes"] == {"description": ["Moon landing programme", "committed"]}
    assert (event["data"]["prev_id"], event["version"]) == (last, version + 1)


def test_the_sweep_publishes_an_outbox_row_whose_publish_never_happened(
    team: Team, sessions: Any, server_a: Server
) -> None:
    """As if the process died between commit and publish: the row is committed, nobody published it."""
    sock = sessions(server_a, team.owner).socket()
    sock.subscribe(f"project:{team.pid}")
    last = latest_id(team.pid)
    version = Project.objects.get(pk=team.pid).version
    orphan = Activity.objects.create(
        verb="project.updated",
        actor=team.owner,
        target_type="project",
        target_id=team.pid,
        project_id=team.pid,
        version=version,
        changes={"description": ["a", "b"]},
        metadata={"title": "Apollo"},
    )
    started = time.monotonic()
    event = sock.event(timeout=4.0)  # sweep every 1 s, rows older than 1 s
    assert (event["id"], event["data"]["prev_id"]) == (orphan.pk, last)
    assert time.monotonic() - started < 4.0
    # Sent inside the sweep's transaction, marked published when it commits.
    wait_until(lambda: Activity.objects.get(pk=orphan.pk).published_at is not None, 2.0, what="published_at set")
    sock.assert_quiet(1.0)  # published once, not on every sweep


def test_a_republished_event_is_not_delivered_twice(team: Team, sessions: Any, server_a: Server) -> None:
    """At least once on the wire: the sweep re-sending an event (as after a publish that timed out) is deduped."""
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    owner.update_project(team.pid, description="once")
    event = sock.event()
    Activity.objects.filter(pk=event["id"]).update(published_at=None)
    wait_until(lambda: Activity.objects.get(pk=event["id"]).published_at is not None, 4.0, what="republished")
    sock.assert_quiet(0.5)
    updated = owner.update_project(team.pid, description="twice")
    assert sock.event()["version"] == updated["version"]


def test_concurrent_writes_through_two_servers_arrive_once_each_in_id_order(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner_a = sessions(server_a, team.owner)
    owner_b = owner_a.on(server_b)
    watchers = [owner_a.socket(server_a), owner_a.socket(server_b), sessions(server_b, team.member).socket()]
    for sock in watchers:
        sock.subscribe(f"project:{team.pid}")
    start = latest_id(team.pid)
    writers = 10
    errors: list[BaseException] = []

    def write(i: int) -> None:
        try:
            (owner_a if i % 2 else owner_b).add_milestone(team.pid, f"Stage {i}")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    expected = list(
        Activity.objects.filter(project_id=team.pid, id__gt=start).order_by("id").values_list("id", flat=True)
    )
    assert len(expected) == writers
    for sock in watchers:
        events = sock.events(writers, timeout=5.0)
        assert ids(events) == expected
        assert [e["data"]["prev_id"] for e in events] == [start, *expected[:-1]]
        sock.assert_quiet(0.5)


def test_a_change_through_one_server_reaches_a_client_on_the_other(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner_a = sessions(server_a, team.owner)
    member_a = sessions(server_a, team.member)
    on_b = member_a.socket(server_b)  # ticket issued by A, redeemed by B: the shared cache
    on_b.subscribe(f"project:{team.pid}")
    started = time.monotonic()
    updated = owner_a.update_project(team.pid, description="through A")
    event = on_b.event()
    assert time.monotonic() - started <= 2.0, "live across processes (the clock includes the GET and the PATCH)"
    assert (event["type"], event["version"]) == ("project.updated", updated["version"])

    owner_b = owner_a.on(server_b)
    on_a = member_a.socket(server_a)
    on_a.subscribe(f"project:{team.pid}")
    updated = owner_b.update_project(team.pid, description="through B")
    assert on_a.event()["version"] == updated["version"]
    assert on_b.event()["version"] == updated["version"]


def test_the_dashboard_stream_sends_debounced_stats_that_end_equal_to_the_dashboard(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.send({"type": "subscribe", "topic": "dashboard"})
    first = sock.collect(1.0)
    assert {"type": "subscribed", "topic": "dashboard"} in first
    initial = [m for m in first if m["type"] == "dashboard.stats"]
    assert len(initial) == 1 and initial[0]["data"]["totals"]["projects"] == 2, first
    assert initial[0]["data"]["by_status"]["planning"] == 2

    burst_started = time.monotonic()
    for name in ("start", "hold"):
        path = f"/projects/{team.pid}/"
        response = owner.http.post(f"/projects/{team.pid}/transitions/{name}/", headers={"If-Match": owner.etag(path)})
        assert response.status_code == 200, response.text
    for n in range(3):
        assert owner.http.post("/projects/", json={"title": f"Burst {n}"}).status_code == 201
    burst = time.monotonic() - burst_started
    assert burst < DASHBOARD_DEBOUNCE_SECONDS * 2, f"the burst took {burst:.2f}s; too slow to test debouncing"

    after = sock.collect(DASHBOARD_DEBOUNCE_SECONDS * 2 + 0.7)
    assert all(m["type"] == "dashboard.stats" for m in after), "project events only go to project subscribers"
    stamps = [initial[0]["ts"]] + [m["ts"] for m in after]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert 1 <= len(after) <= 3, f"5 changes in {burst:.2f}s must be debounced, got {len(after)} stats: {after}"
    assert all(g >= DASHBOARD_DEBOUNCE_SECONDS * 0.9 for g in gaps), f"stats closer than the debounce: {gaps}"

    dashboard = owner.http.get("/dashboard/").json()
    final = after[-1]["data"]
    assert final["totals"] == dashboard["totals"] and final["totals"]["projects"] == 5
    assert final["by_status"] == dashboard["by_status"] and final["by_status"]["on_hold"] == 1
    assert final["by_health"] == dashboard["by_health"]

    owner.update_project(team.pid, description="no number changes")
    quiet = sock.collect(DASHBOARD_DEBOUNCE_SECONDS + 0.5)
    assert quiet == [], f"unchanged numbers must not be re-sent: {quiet}"


def test_dashboard_subscribers_get_global_tag_events_and_project_subscribers_do_not(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    dashboard = owner.socket()
    dashboard.send({"type": "subscribe", "topic": "dashboard"})
    dashboard.collect(1.0)
    project = sessions(server_a, team.member).socket()
    project.subscribe(f"project:{team.pid}")

    response = owner.http.post("/tags/", json={"name": "lunar"})
    assert response.status_code == 201, response.text
    tag_events = [m for m in dashboard.collect(1.5) if is_event(m)]
    assert [(e["type"], e["project_id"], e["data"]["target_id"]) for e in tag_events] == [
        ("tag.created", None, response.json()["id"])
    ]
    assert tag_events[0]["data"]["prev_id"] is None
    project.assert_quiet(0.5)


def test_event_timestamps_are_the_commit_time_in_utc(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = owner.socket()
    sock.subscribe(f"project:{team.pid}")
    owner.update_project(team.pid, description="now")
    event = sock.event()
    assert event["ts"].endswith("Z")
    assert abs(parse_ts(event["ts"]) - timezone.now()) < datetime.timedelta(seconds=5)


def test_a_tag_rename_or_delete_tells_each_tagged_projects_subscribers_its_new_version(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    """A client holding a project's ETag learns from the project's own stream that it changed (so its next
    write carries the new ETag) instead of meeting a 412 nothing announced."""
    owner = sessions(server_a, team.owner)
    tag = owner.http.post("/tags/", json={"name": "lunar"}).json()
    owner.update_project(team.pid, tag_ids=[tag["id"]])
    held = owner.etag(f"/projects/{team.pid}/")
    watchers = [sessions(server_b, team.member).socket(), owner.socket()]
    for sock in watchers:
        sock.subscribe(f"project:{team.pid}")
    watchers[1].subscribe(f"project:{team.other.pk}")  # the owner's other project, not tagged: nothing
    last = latest_id(team.pid)

    tag_path = f"/tags/{tag['id']}/"
    renamed = owner.http.patch(tag_path, json={"name": "selene"}, headers={"If-Match": owner.etag(tag_path)})
    assert renamed.status_code == 200, renamed.text
    for sock in watchers:
        event = sock.event()
        assert (event["type"], event["project_id"], event["data"]["changes"], event["data"]["prev_id"]) == (
            "project.updated",
            team.pid,
            {"tags": [["lunar"], ["selene"]]},
            last,
        )
        sock.assert_quiet(0.5)
    told = make_etag("project", team.pid, event["version"])
    assert told != held and told == owner.etag(f"/projects/{team.pid}/"), "the event carries the new version"

    stale = owner.http.patch(f"/projects/{team.pid}/", json={"description": "old etag"}, headers={"If-Match": held})
    assert stale.status_code == 412, "the held ETag is stale, but the client was told so"
    fresh = owner.http.patch(f"/projects/{team.pid}/", json={"description": "told"}, headers={"If-Match": told})
    assert fresh.status_code == 200, fresh.text
    updated = [sock.event() for sock in watchers]
    assert {e["version"] for e in updated} == {fresh.json()["version"]}

    deleted = owner.http.delete(tag_path, headers={"If-Match": owner.etag(tag_path)})
    assert deleted.status_code == 204, deleted.text
    for sock in watchers:
        event = sock.event()
        assert (event["type"], event["data"]["changes"]) == ("project.updated", {"tags": [["selene"], []]})
        assert event["version"] == fresh.json()["version"] + 1
        sock.assert_quiet(0.5)
    assert make_etag("project", team.pid, event["version"]) == owner.etag(f"/projects/{team.pid}/")
