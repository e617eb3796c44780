"""Activity feeds: newest first, cursor-paginated, {field: [before, after]}, scoped to what you may see."""

from __future__ import annotations

import base64
import logging
from typing import Any

import pytest

from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkStatus
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.apis.support import API, activity_url, assert_error, body_of, milestone_url, project_url
from tests.conftest import client_for, etag_of
from tests.factories import add_member, make_milestone, make_project, make_user

pytestmark = pytest.mark.django_db


def _busy_project() -> tuple[Any, Any]:
    owner = make_user("owner")
    project = make_project(owner, title="Chatty", description="v0")
    client = client_for(owner)
    url = project_url(project.pk)
    for n in range(1, 6):
        response = client.patch(url, {"description": f"v{n}"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
        assert response.status_code == 200
    return owner, project


def test_project_feed_is_newest_first_with_changes() -> None:
    owner, project = _busy_project()
    body = body_of(client_for(owner).get(activity_url(project.pk)))

    results = body["results"]
    ids = [a["id"] for a in results]
    assert ids == sorted(ids, reverse=True)
    assert len(results) == 6  # created + five updates
    newest = results[0]
    assert newest["verb"] == "project.updated"
    assert newest["changes"] == {"description": ["v4", "v5"]}
    assert newest["actor"]["id"] == owner.pk
    assert (newest["target_type"], newest["target_id"], newest["project_id"]) == ("project", project.pk, project.pk)
    assert newest["version"] == body_of(client_for(owner).get(project_url(project.pk)))["version"]
    assert results[-1]["verb"] == "project.created"
    assert "count" not in body  # cursor pagination: no counting


def test_project_feed_cursor_pagination_walks_back_without_gaps_or_overlap() -> None:
    owner, project = _busy_project()
    client = client_for(owner)

    first = body_of(client.get(activity_url(project.pk), {"page_size": 2}))
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "cursor=" in first["next"]

    seen = [a["id"] for a in first["results"]]
    page = first
    while page["next"]:
        page = body_of(client.get(page["next"]))
        seen.extend(a["id"] for a in page["results"])
    assert seen == sorted(seen, reverse=True)
    assert len(seen) == len(set(seen)) == 6

    back = body_of(client.get(body_of(client.get(first["next"]))["previous"]))
    assert [a["id"] for a in back["results"]] == [a["id"] for a in first["results"]]


def test_new_activity_does_not_shift_an_open_cursor() -> None:
    owner, project = _busy_project()
    client = client_for(owner)
    first = body_of(client.get(activity_url(project.pk), {"page_size": 3}))
    url = project_url(project.pk)
    client.patch(url, {"description": "late"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    second = body_of(client.get(first["next"]))
    assert [a["id"] for a in second["results"]] == sorted((a["id"] for a in second["results"]), reverse=True)
    assert max(a["id"] for a in second["results"]) < min(a["id"] for a in first["results"])


def test_verb_filter() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Mixed")
    milestone = make_milestone(project, title="M1")
    client = client_for(owner)
    url = milestone_url(project.pk, milestone.pk)
    client.patch(url, {"progress": 5}, format="json", HTTP_IF_MATCH=etag_of(client, url))

    verbs = [a["verb"] for a in body_of(client.get(activity_url(project.pk), {"verb": "milestone."}))["results"]]
    assert verbs == ["milestone.updated", "milestone.created"]
    global_verbs = {a["verb"] for a in body_of(client.get(f"{API}/activity/", {"verb": "milestone."}))["results"]}
    assert global_verbs == {"milestone.updated", "milestone.created"}


def test_global_feed_covers_visible_projects_only() -> None:
    me, stranger = make_user("me"), make_user("stranger")
    mine = make_project(me, title="Mine")
    theirs = make_project(stranger, title="Theirs")
    shared = make_project(stranger, title="Shared")
    add_member(shared, me, role="stakeholder")

    results = body_of(client_for(me).get(f"{API}/activity/"))["results"]
    projects = {a["project_id"] for a in results if a["project_id"] is not None}
    assert projects == {mine.pk, shared.pk}
    assert theirs.pk not in projects
    ids = [a["id"] for a in results]
    assert ids == sorted(ids, reverse=True)
    assert_error(client_for(me).get(activity_url(theirs.pk)), 404)


def test_a_bulk_summary_is_in_its_requesters_feed_and_nobody_elses(monkeypatch: pytest.MonkeyPatch) -> None:
    requester, colleague, stranger = make_user("requester"), make_user("colleague"), make_user("stranger")
    staff = make_user("staff", is_staff=True)
    project = make_project(requester, title="Bulked")
    add_member(project, colleague, role="manager")
    monkeypatch.setattr(bulk_services, "enqueue", lambda *args: None)  # run here, below, not in a worker
    version = Project.objects.get(pk=project.pk).version
    operation, _ = bulk_services.bulk_operation_request(
        actor=requester,
        action="set_health_override",
        params={"health": "at_risk", "reason": "Vendor slipped; contract value 1.2M"},
        items=[{"id": project.pk, "etag": make_etag("project", project.pk, version)}],
    )
    done = bulk_services.bulk_operation_execute(operation_id=operation.pk)
    assert done is not None and done.status == BulkStatus.SUCCEEDED

    def summaries(user: Any) -> list[dict[str, Any]]:
        results = body_of(client_for(user).get(f"{API}/activity/"))["results"]
        return [a for a in results if a["verb"] == "bulk.completed"]

    mine = summaries(requester)
    assert [(a["target_type"], a["target_id"], a["project_id"]) for a in mine] == [
        ("bulk_operation", operation.pk, None)
    ]
    assert mine[0]["metadata"]["count"] == 1 and mine[0]["actor"]["id"] == requester.pk
    only_mine = body_of(client_for(requester).get(f"{API}/activity/", {"verb": "bulk."}))["results"]
    assert [a["id"] for a in only_mine] == [mine[0]["id"]]
    # The colleague sees the change to the project they share, not the requester's operation and its reason.
    colleague_feed = body_of(client_for(colleague).get(f"{API}/activity/"))["results"]
    assert "project.updated" in {a["verb"] for a in colleague_feed if a["project_id"] == project.pk}
    assert summaries(colleague) == [] and summaries(stranger) == []
    assert [a["id"] for a in summaries(staff)] == [mine[0]["id"]], "staff see every activity"


def test_transition_activity_changes() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Moving")
    client = client_for(owner)
    response = client.post(
        f"{API}/projects/{project.pk}/transitions/start/", HTTP_IF_MATCH=etag_of(client, project_url(project.pk))
    )
    assert response.status_code == 200
    newest = body_of(client.get(activity_url(project.pk)))["results"][0]
    assert newest["verb"] == "project.transitioned"
    assert newest["changes"]["status"] == ["planning", "active"]
    for before_after in newest["changes"].values():
        assert isinstance(before_after, list) and len(before_after) == 2


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


TAMPERED_CURSORS = {
    "position-not-a-number": "cD1hYmM=",  # p=abc
    "garbage-base64": base64.b64encode(bytes(range(200))).decode(),
    "huge-position": _b64("p=" + "9" * 40),
    "negative-position": _b64("p=-1"),
    "huge-offset": _b64("o=" + "9" * 40 + "&p=5"),
    "negative-offset": _b64("o=-3"),
    "float-position": _b64("p=2.5"),
    "reverse-flag-not-a-flag": _b64("r=x"),
    "another-orderings-position": _b64("p=2026-12-03+18%3A00%3A00%2B00%3A00"),
    "nul-in-position": _b64("p=5%00"),
    "not-base64": "garbage!",
    "a-nul-byte": "\x00",
    "ten-kilobytes": _b64("p=" + "7" * 10_240),
}


@pytest.mark.parametrize("cursor", TAMPERED_CURSORS.values(), ids=TAMPERED_CURSORS.keys())
@pytest.mark.parametrize("feed", ["global", "project"])
def test_a_tampered_cursor_is_a_400_on_cursor_and_logs_no_error(
    caplog: pytest.LogCaptureFixture, feed: str, cursor: str
) -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Feed")
    url = f"{API}/activity/" if feed == "global" else activity_url(project.pk)
    with caplog.at_level(logging.WARNING):
        response = client_for(owner).get(url, {"cursor": cursor})
    if cursor == "\x00":  # refused with the other NUL-bearing query parameters, before pagination
        assert_error(response, 400, "validation_error")
        return
    error = assert_error(response, 400, "invalid_cursor")
    assert set(error["details"]) == {"cursor"}
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_every_cursor_paginated_endpoint_shares_the_cursor_guard() -> None:
    """The class, not the instances: a list added later with DRF's own CursorPagination would again pass
    an unchecked position to the database."""
    from django.urls import URLPattern, URLResolver, get_resolver
    from rest_framework.pagination import CursorPagination

    from pulsekit.pagination import GuardedCursor

    def views(patterns: Any) -> Any:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from views(entry.url_patterns)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "view_class"):
                yield entry.callback.view_class

    cursor_views = [
        view
        for view in views(get_resolver().url_patterns)
        if isinstance(getattr(view, "pagination_class", None), type)
        and issubclass(view.pagination_class, CursorPagination)
    ]
    assert {v.__name__ for v in cursor_views} >= {"ActivityFeedApi", "ProjectActivityApi"}
    assert [v.__name__ for v in cursor_views if not issubclass(v.pagination_class, GuardedCursor)] == []
