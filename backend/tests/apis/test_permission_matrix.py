"""SPEC §3 as a table: every /api/v1/ endpoint × every relation a person can have to a project.

Reading a row: ``allowed`` roles get ``ok``; anonymous gets 401; on project-scoped
endpoints a person who cannot see the project gets 404 (never 403) and a member
who may see but not do gets 403. A refused write changes nothing at all: no
version moves and no Activity row is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, resolve

from config.urls import api_v1
from pulse.bulk.models import BulkOperation
from pulse.bulk.services import bulk_operation_request
from pulse.projects import services
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.apis.conftest import World
from tests.apis.support import (
    API,
    AUTHENTICATED,
    DELETERS,
    EDITORS,
    MEMBER_ROLES,
    ROLES,
    VIEWERS,
    activity_url,
    assert_error,
    body_of,
    member_url,
    members_url,
    milestone_url,
    milestones_url,
    project_url,
    restore_url,
    state,
    tag_url,
    transition_url,
)
from tests.conftest import client_for, etag_of
from tests.factories import make_tag, make_user

ERROR_CODES = {401: "not_authenticated", 403: "permission_denied", 404: "not_found"}


@dataclass(frozen=True)
class Endpoint:
    id: str
    method: str
    url: Callable[[World], str]
    allowed: frozenset[str]
    ok: int
    body: Callable[[World], Any] | None = None
    # URL whose current ETag goes into If-Match (read as staff), or "self" for /auth/me/.
    if_match: Callable[[World], str] | str | None = None
    project_scoped: bool = True
    setup: Callable[[World], None] | None = None
    activities: int = 0  # Activity rows a successful call writes
    # What a signed-in person outside ``allowed`` gets when it is not the default (404 for a
    # resource that belongs to one person: they cannot tell it exists).
    refused: int | None = None


def _delete_project(w: World) -> None:
    services.project_delete(project_id=w.pid, expected_version=w.project.version, actor=w.cast.owner)


def _new_user_body(w: World) -> dict[str, Any]:
    return {"user_id": make_user("newcomer").pk, "role": "developer", "allocation": 5}


def _new_tag_body(w: World) -> dict[str, Any]:
    return {"tag_ids": [w.tag.pk, make_tag(w.cast.owner, "fresh-tag").pk]}


_BULK_OPERATION: dict[str, int] = {}


def _request_bulk_operation(w: World) -> None:
    """An operation the owner requested (in a test's transaction it is never run)."""
    operation, _ = bulk_operation_request(actor=w.cast.owner, **_bulk_body(w))
    _BULK_OPERATION["id"] = operation.pk


def _bulk_body(w: World) -> dict[str, Any]:
    project = Project.all_objects.get(pk=w.pid)
    return {
        "action": "set_health_override",
        "params": {"health": "at_risk", "reason": "Supplier is late"},
        "items": [{"id": project.pk, "etag": make_etag("project", project.pk, project.version)}],
    }


P = lambda w: project_url(w.pid)  # noqa: E731
MEMBER = lambda w: member_url(w.pid, w.extra_member.pk)  # noqa: E731
MILESTONE = lambda w: milestone_url(w.pid, w.milestone.pk)  # noqa: E731
FREE_MILESTONE = lambda w: milestone_url(w.pid, w.free_milestone.pk)  # noqa: E731
TAG = lambda w: tag_url(w.tag.pk)  # noqa: E731
ME = f"{API}/auth/me/"

ENDPOINTS = [
    # ---- projects
    Endpoint("projects-list", "GET", lambda w: f"{API}/projects/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint(
        "projects-create",
        "POST",
        lambda w: f"{API}/projects/",
        AUTHENTICATED,
        201,
        body=lambda w: {"title": "Brand new project"},
        project_scoped=False,
        activities=1,
    ),
    Endpoint("project-get", "GET", P, VIEWERS, 200),
    Endpoint(
        "project-patch", "PATCH", P, EDITORS, 200, body=lambda w: {"description": "Changed"}, if_match=P, activities=1
    ),
    Endpoint("project-patch-tags", "PATCH", P, EDITORS, 200, body=_new_tag_body, if_match=P, activities=1),
    Endpoint(
        "project-put",
        "PUT",
        P,
        EDITORS,
        200,
        body=lambda w: {"title": "Apollo", "description": "Replaced"},
        if_match=P,
        activities=1,
    ),
    Endpoint("project-delete", "DELETE", P, DELETERS, 204, if_match=P, activities=1),
    Endpoint(
        "project-transition", "POST", lambda w: transition_url(w.pid, "start"), EDITORS, 200, if_match=P, activities=1
    ),
    Endpoint(
        "project-restore", "POST", lambda w: restore_url(w.pid), DELETERS, 200, setup=_delete_project, activities=1
    ),
    Endpoint(
        "projects-selection", "GET", lambda w: f"{API}/projects/selection/", AUTHENTICATED, 200, project_scoped=False
    ),
    Endpoint("projects-trash", "GET", lambda w: f"{API}/projects/trash/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint("project-activity", "GET", lambda w: activity_url(w.pid), VIEWERS, 200),
    # ---- members
    Endpoint("members-list", "GET", lambda w: members_url(w.pid), VIEWERS, 200),
    Endpoint("members-create", "POST", lambda w: members_url(w.pid), EDITORS, 201, body=_new_user_body, activities=1),
    Endpoint("member-get", "GET", MEMBER, VIEWERS, 200),
    Endpoint(
        "member-patch", "PATCH", MEMBER, EDITORS, 200, body=lambda w: {"allocation": 30}, if_match=MEMBER, activities=1
    ),
    Endpoint("member-delete", "DELETE", MEMBER, EDITORS, 204, if_match=MEMBER, activities=1),
    # ---- milestones
    Endpoint("milestones-list", "GET", lambda w: milestones_url(w.pid), VIEWERS, 200),
    Endpoint(
        "milestones-create",
        "POST",
        lambda w: milestones_url(w.pid),
        EDITORS,
        201,
        body=lambda w: {"title": "New milestone"},
        activities=1,
    ),
    Endpoint("milestone-get", "GET", MILESTONE, VIEWERS, 200),
    Endpoint(
        "milestone-patch-progress-assigned-to-developer",
        "PATCH",
        MILESTONE,
        EDITORS | {"developer"},
        200,
        body=lambda w: {"progress": 40, "status": "in_progress", "description": "Underway"},
        if_match=MILESTONE,
        activities=1,
    ),
    Endpoint(
        "milestone-patch-title-assigned-to-developer",
        "PATCH",
        MILESTONE,
        EDITORS,
        200,
        body=lambda w: {"title": "Renamed"},
        if_match=MILESTONE,
        activities=1,
    ),
    Endpoint(
        "milestone-patch-progress-unassigned",
        "PATCH",
        FREE_MILESTONE,
        EDITORS,
        200,
        body=lambda w: {"progress": 40},
        if_match=FREE_MILESTONE,
        activities=1,
    ),
    Endpoint(
        "milestone-put",
        "PUT",
        MILESTONE,
        EDITORS,
        200,
        body=lambda w: {"title": "Launch window", "progress": 40},
        if_match=MILESTONE,
        activities=1,
    ),
    Endpoint("milestone-delete", "DELETE", MILESTONE, EDITORS, 204, if_match=MILESTONE, activities=1),
    # ---- tags (global; renaming / deleting belongs to the creator — here the owner — and staff)
    Endpoint("tags-list", "GET", lambda w: f"{API}/tags/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint(
        "tags-create",
        "POST",
        lambda w: f"{API}/tags/",
        AUTHENTICATED,
        201,
        body=lambda w: {"name": "brand-new-tag"},
        project_scoped=False,
        activities=1,
    ),
    Endpoint("tag-get", "GET", TAG, AUTHENTICATED, 200, project_scoped=False),
    Endpoint(
        "tag-patch",
        "PATCH",
        TAG,
        DELETERS,
        200,
        body=lambda w: {"colour": "#112233"},
        if_match=TAG,
        project_scoped=False,
        activities=1,
    ),
    # The tag's own row, and one for the project it is on (its tags, and so its version, change).
    Endpoint("tag-delete", "DELETE", TAG, DELETERS, 204, if_match=TAG, project_scoped=False, activities=2),
    # ---- everything else
    Endpoint("activity-feed", "GET", lambda w: f"{API}/activity/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint("search", "GET", lambda w: f"{API}/search/?q=Apollo", AUTHENTICATED, 200, project_scoped=False),
    Endpoint("dashboard", "GET", lambda w: f"{API}/dashboard/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint("users", "GET", lambda w: f"{API}/users/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint("me-get", "GET", lambda w: ME, AUTHENTICATED, 200, project_scoped=False),
    Endpoint("ws-ticket", "POST", lambda w: f"{API}/auth/ws-ticket/", AUTHENTICATED, 201, project_scoped=False),
    Endpoint("notifications-list", "GET", lambda w: f"{API}/notifications/", AUTHENTICATED, 200, project_scoped=False),
    Endpoint(
        "notifications-read-all",
        "POST",
        lambda w: f"{API}/notifications/read-all/",
        AUTHENTICATED,
        200,
        project_scoped=False,
    ),
    # Anyone signed in may ask; whether each project may be changed is the run's per-item report.
    Endpoint(
        "bulk-operations-create",
        "POST",
        lambda w: f"{API}/bulk-operations/",
        AUTHENTICATED,
        202,
        body=_bulk_body,
        project_scoped=False,
    ),
    Endpoint(
        "bulk-operation-get",
        "GET",
        lambda w: f"{API}/bulk-operations/{_BULK_OPERATION['id']}/",
        DELETERS,  # the requester (the owner here) and staff
        200,
        project_scoped=False,
        setup=_request_bulk_operation,
        refused=404,
    ),
    Endpoint(
        "me-patch",
        "PATCH",
        lambda w: ME,
        AUTHENTICATED,
        200,
        body=lambda w: {"display_name": "Renamed person"},
        if_match="self",
        project_scoped=False,
    ),
]


def expected_status(endpoint: Endpoint, role: str) -> int:
    if role == "anonymous":
        return 401
    if role in endpoint.allowed:
        return endpoint.ok
    if endpoint.refused is not None:
        return endpoint.refused
    if endpoint.project_scoped and role not in VIEWERS:
        return 404
    return 403


def _if_match(endpoint: Endpoint, world: World, role: str) -> dict[str, str]:
    if endpoint.if_match is None:
        return {}
    if endpoint.if_match == "self":
        user = world.user(role)
        value = etag_of(client_for(user), ME) if user else '"user-1-v1"'
    else:
        assert callable(endpoint.if_match)
        value = etag_of(client_for(world.cast.staff), endpoint.if_match(world))
    return {"HTTP_IF_MATCH": value}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.id)
def test_permission_matrix(shared_world: World, db: Any, endpoint: Endpoint, role: str) -> None:
    world = shared_world
    if endpoint.setup:
        endpoint.setup(world)
    body = endpoint.body(world) if endpoint.body else None
    headers = _if_match(endpoint, world, role)
    before = state()
    operations = BulkOperation.objects.count()

    call = getattr(world.client(role), endpoint.method.lower())
    response = (
        call(endpoint.url(world), data=body, format="json", **headers)
        if body is not None
        else call(endpoint.url(world), **headers)
    )

    want = expected_status(endpoint, role)
    if want >= 400:
        assert_error(response, want, ERROR_CODES[want])
        assert state() == before, "a refused request changed data"
        assert BulkOperation.objects.count() == operations, "a refused request queued work"
        return
    assert response.status_code == want, (role, response.status_code, response.content[:1000])
    after = state()
    if endpoint.method == "GET":
        assert after == before
        assert isinstance(body_of(response), dict)
    else:
        assert after["activity"] == before["activity"] + endpoint.activities
    if want == 204:
        assert response.content == b""


@pytest.mark.parametrize("role", sorted(AUTHENTICATED))
def test_users_list_is_scoped_to_shared_projects(shared_world: World, db: Any, role: str) -> None:
    """``/users/`` lists the owner and team of a project to those who may see it, the outsider only
    themself, and staff everyone: nobody enumerates the emails of people they share nothing with."""
    world = shared_world
    team = {world.cast.owner.pk, world.extra.pk} | {getattr(world.user(r), "pk", None) for r in MEMBER_ROLES}
    body = body_of(world.client(role).get(f"{API}/users/", {"page_size": 100}))
    seen = {u["id"] for u in body["results"]}
    me = world.user(role)
    assert me is not None
    if role == "staff":
        assert team | {me.pk, world.cast.outsider.pk} <= seen
    elif role == "outsider":
        assert seen == {me.pk}
    else:
        assert seen == team


# Endpoints whose access is not "a role towards the cast project", with the tests that pin it down.
# Everything else under /api/v1/ must have a row in ENDPOINTS (test below).
ELSEWHERE = {
    ("auth-token", "POST"): "public: credentials are the check (tests/apis/test_auth_api.py)",
    ("auth-refresh", "POST"): "public: the refresh token is the check (tests/apis/test_auth_api.py)",
    ("auth-logout", "POST"): "the refresh token is the check (tests/apis/test_auth_api.py)",
    ("notification-read", "POST"): "the recipient's own rows, 404 for others (tests/background/test_notifications.py)",
    ("webhook-mandrill", "HEAD"): "public: Mandrill's URL check (tests/background/test_mandrill_webhook.py)",
    ("webhook-mandrill", "POST"): "the signature is the check (tests/background/test_mandrill_webhook.py)",
}
NOT_METHODS = {"options", "head"}  # answered for every view by the framework (HEAD: where no view defines it)


def _api_routes() -> set[tuple[str, str]]:
    """(URL name, method) of every view under /api/v1/ in config/urls.py."""
    routes = set()
    for pattern in api_v1:
        assert isinstance(pattern, URLPattern) and not isinstance(pattern, URLResolver), pattern
        view = getattr(pattern.callback, "view_class", None)
        if view is None:  # the catch-all that answers 404 in the error shape
            assert str(pattern.pattern) == "^.*$", f"{pattern.pattern}: every API route is a named class-based view"
            continue
        assert pattern.name, f"{pattern.pattern} has no name"
        methods = {m for m in view.http_method_names if m not in NOT_METHODS and hasattr(view, m)}
        methods |= {"head"} if "head" in vars(view) else set()
        routes |= {(pattern.name, m.upper()) for m in methods}
    return routes


def test_every_api_endpoint_has_a_matrix_row(shared_world: World, db: Any) -> None:
    covered = set()
    for endpoint in ENDPOINTS:
        if endpoint.setup:
            endpoint.setup(shared_world)
        match = resolve(endpoint.url(shared_world).split("?", 1)[0])
        covered.add((match.url_name, endpoint.method))
    routes = _api_routes()
    assert len(routes) > 30, sorted(routes)  # the enumeration itself works
    missing = routes - covered - ELSEWHERE.keys()
    assert not missing, f"add a row to ENDPOINTS (or, with a reason, to ELSEWHERE) for: {sorted(missing)}"
    assert not (covered | ELSEWHERE.keys()) - routes, "rows for routes config/urls.py no longer has"
    assert not covered & ELSEWHERE.keys(), "a route both in the matrix and exempted from it"
