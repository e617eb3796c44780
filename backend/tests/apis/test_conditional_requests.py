"""RFC 9110 conditional requests: strong ETags, If-None-Match → 304, If-Match required on every write."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.apis.conftest import World
from tests.apis.support import (
    API,
    assert_error,
    body_of,
    member_url,
    milestone_url,
    project_url,
    state,
    tag_url,
    transition_url,
)
from tests.conftest import client_for, etag_of
from tests.factories import make_user

ME = f"{API}/auth/me/"
STRONG_ETAG = re.compile(r'^"[!#-~]+"$')  # RFC 9110 §8.8.3: DQUOTE *etagc DQUOTE, no W/ prefix


@pytest.fixture
def world(shared: World) -> World:
    """Every test here starts from the module's shared world (rolled back after each test)."""
    return shared


@dataclass(frozen=True)
class Resource:
    id: str
    kind: str
    url: Callable[[World], str]
    pk: Callable[[World], int]
    bump: dict[str, Any]  # a PATCH body that changes it


RESOURCES = [
    Resource("project", "project", lambda w: project_url(w.pid), lambda w: w.pid, {"description": "Bumped"}),
    Resource(
        "member",
        "member",
        lambda w: member_url(w.pid, w.extra_member.pk),
        lambda w: w.extra_member.pk,
        {"allocation": 44},
    ),
    Resource(
        "milestone",
        "milestone",
        lambda w: milestone_url(w.pid, w.milestone.pk),
        lambda w: w.milestone.pk,
        {"progress": 44},
    ),
    Resource("tag", "tag", lambda w: tag_url(w.tag.pk), lambda w: w.tag.pk, {"colour": "#abcdef"}),
    Resource("me", "user", lambda w: ME, lambda w: w.cast.owner.pk, {"display_name": "Bumped"}),
]
BY_ID = {r.id: r for r in RESOURCES}


@dataclass(frozen=True)
class Write:
    id: str
    resource: str
    method: str
    url: Callable[[World], str] | None = None  # defaults to the resource URL
    body: dict[str, Any] | None = None
    ok: int = 200


WRITES = [
    Write("project-patch", "project", "patch", body={"description": "Conditional"}),
    Write("project-put", "project", "put", body={"title": "Apollo", "description": "Conditional", "progress": 5}),
    Write("project-delete", "project", "delete", ok=204),
    Write("project-transition", "project", "post", url=lambda w: transition_url(w.pid, "start")),
    Write("member-patch", "member", "patch", body={"allocation": 33}),
    Write("member-delete", "member", "delete", ok=204),
    Write("milestone-patch", "milestone", "patch", body={"progress": 55}),
    Write("milestone-put", "milestone", "put", body={"title": "Launch window", "progress": 55}),
    Write("milestone-delete", "milestone", "delete", ok=204),
    Write("tag-patch", "tag", "patch", body={"colour": "#123456"}),
    Write("tag-delete", "tag", "delete", ok=204),
    Write("me-patch", "me", "patch", body={"display_name": "Conditional"}),
]


def _send(client: Any, write: Write, world: World, **headers: Any) -> Any:
    url = write.url(world) if write.url else BY_ID[write.resource].url(world)
    call = getattr(client, write.method)
    if write.body is not None:
        return call(url, write.body, format="json", **headers)
    return call(url, **headers)


def _owner(world: World) -> Any:
    return client_for(world.cast.owner)


# ------------------------------------------------------------------ reads


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.id)
def test_single_resource_get_has_a_strong_etag(world: World, resource: Resource) -> None:
    response = _owner(world).get(resource.url(world))
    assert response.status_code == 200
    etag = response["ETag"]
    assert not etag.startswith("W/")
    assert STRONG_ETAG.match(etag), etag
    assert body_of(response)["etag"] == etag
    assert etag == f'"{resource.kind}-{resource.pk(world)}-v{body_of(response)["version"]}"'


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.id)
def test_if_none_match_with_current_etag_is_304_with_empty_body(world: World, resource: Resource) -> None:
    client = _owner(world)
    etag = etag_of(client, resource.url(world))
    response = client.get(resource.url(world), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.id)
def test_if_none_match_uses_weak_comparison_and_lists(world: World, resource: Resource) -> None:
    client = _owner(world)
    etag = etag_of(client, resource.url(world))
    assert client.get(resource.url(world), HTTP_IF_NONE_MATCH=f"W/{etag}").status_code == 304
    assert client.get(resource.url(world), HTTP_IF_NONE_MATCH=f'"something-else", {etag}').status_code == 304
    assert client.get(resource.url(world), HTTP_IF_NONE_MATCH="*").status_code == 304


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.id)
def test_if_none_match_with_an_old_etag_returns_the_new_representation(world: World, resource: Resource) -> None:
    client = _owner(world)
    url = resource.url(world)
    old = etag_of(client, url)
    assert client.patch(url, resource.bump, format="json", HTTP_IF_MATCH=old).status_code == 200

    response = client.get(url, HTTP_IF_NONE_MATCH=old)

    assert response.status_code == 200
    assert response["ETag"] != old
    assert body_of(response)["etag"] == response["ETag"]


def test_if_none_match_does_not_reveal_an_invisible_project(world: World) -> None:
    etag = etag_of(_owner(world), project_url(world.pid))
    response = client_for(world.cast.outsider).get(project_url(world.pid), HTTP_IF_NONE_MATCH=etag)
    assert_error(response, 404, "not_found")
    assert "ETag" not in response


# ------------------------------------------------------------------ writes need If-Match


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.id)
def test_write_without_if_match_is_428_and_changes_nothing(world: World, write: Write) -> None:
    before = state()
    response = _send(_owner(world), write, world)
    assert_error(response, 428, "precondition_required")
    assert state() == before


@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.id)
def test_write_with_empty_if_match_is_428(world: World, write: Write) -> None:
    before = state()
    response = _send(_owner(world), write, world, HTTP_IF_MATCH="")
    assert_error(response, 428, "precondition_required")
    assert state() == before


def _bad_if_match(variant: str, world: World, resource: Resource, current: str) -> str:
    client = _owner(world)
    url = resource.url(world)
    if variant == "stale":
        assert client.patch(url, resource.bump, format="json", HTTP_IF_MATCH=current).status_code == 200
        return current
    if variant == "weak":
        return f"W/{current}"
    if variant == "garbage":
        return "not-an-etag"
    if variant == "quoted-garbage":
        return '"garbage"'
    if variant == "other-resource":
        return current.replace(f"-{resource.pk(world)}-", f"-{resource.pk(world) + 1000}-")
    if variant == "padded-version":
        return current.replace("-v", "-v0")
    raise AssertionError(variant)


@pytest.mark.parametrize("variant", ["stale", "weak", "garbage", "quoted-garbage", "other-resource", "padded-version"])
@pytest.mark.parametrize("write", WRITES, ids=lambda w: w.id)
def test_bad_if_match_is_412_with_current_representation(world: World, write: Write, variant: str) -> None:
    resource = BY_ID[write.resource]
    client = _owner(world)
    current = etag_of(client, resource.url(world))
    if_match = _bad_if_match(variant, world, resource, current)
    now = client.get(resource.url(world))
    before = state()

    response = _send(client, write, world, HTTP_IF_MATCH=if_match)

    error = assert_error(response, 412, "precondition_failed")
    assert error["details"]["etag"] == now["ETag"]
    assert response["ETag"] == now["ETag"]
    assert error["details"]["current"] == body_of(now)
    assert state() == before


def test_412_then_retry_with_the_etag_from_the_error_succeeds(world: World) -> None:
    """The conflict dialog flow: two people read, one writes, the other is told and retries knowingly."""
    url = project_url(world.pid)
    alice, bob = client_for(world.cast.owner), client_for(world.cast.manager)
    seen_by_both = etag_of(alice, url)
    assert etag_of(bob, url) == seen_by_both

    first = alice.patch(url, {"description": "Alice's text"}, format="json", HTTP_IF_MATCH=seen_by_both)
    assert first.status_code == 200
    second = bob.patch(url, {"description": "Bob's text"}, format="json", HTTP_IF_MATCH=seen_by_both)

    error = assert_error(second, 412, "precondition_failed")
    assert error["details"]["current"]["description"] == "Alice's text"
    assert body_of(bob.get(url))["description"] == "Alice's text"  # no lost update

    retry = bob.patch(url, {"description": "Bob's text"}, format="json", HTTP_IF_MATCH=error["details"]["etag"])
    assert retry.status_code == 200
    assert body_of(retry)["description"] == "Bob's text"


def test_if_match_list_containing_the_current_etag_succeeds(world: World) -> None:
    """RFC 9110 §13.1.1: If-Match is true when *any* listed entity-tag matches the current one."""
    client = _owner(world)
    url = project_url(world.pid)
    old = etag_of(client, url)
    assert client.patch(url, {"description": "One"}, format="json", HTTP_IF_MATCH=old).status_code == 200
    current = etag_of(client, url)

    response = client.patch(url, {"description": "Two"}, format="json", HTTP_IF_MATCH=f"{old}, {current}")

    assert response.status_code == 200, response.content
    assert body_of(response)["description"] == "Two"


def test_if_match_star_does_not_bypass_the_version_check(world: World) -> None:
    before = state()
    response = _owner(world).patch(project_url(world.pid), {"description": "x"}, format="json", HTTP_IF_MATCH="*")
    # "*" names no version, so the compare-and-swap has nothing to compare: refused, never applied blindly.
    assert response.status_code in (412, 428)
    assert_error(response, response.status_code)
    assert state() == before


# ------------------------------------------------------------------ 401 / 403 / 404 before 412 / 428


ORDER_CASES = [
    ("anonymous", 401, "not_authenticated"),
    ("outsider", 404, "not_found"),
    ("stakeholder", 403, "permission_denied"),
]


@pytest.mark.parametrize("if_match", ["missing", "stale", "weak"])
@pytest.mark.parametrize(("role", "status", "code"), ORDER_CASES)
@pytest.mark.parametrize(
    "write",
    [w for w in WRITES if w.resource in ("project", "member", "milestone")],
    ids=lambda w: w.id,
)
def test_authorization_and_existence_are_checked_before_preconditions(
    world: World, write: Write, role: str, status: int, code: str, if_match: str
) -> None:
    resource = BY_ID[write.resource]
    current = etag_of(_owner(world), resource.url(world))
    headers = {"missing": {}, "stale": {"HTTP_IF_MATCH": current.replace("-v", "-v9")}, "weak": {}}[if_match]
    if if_match == "weak":
        headers = {"HTTP_IF_MATCH": f"W/{current}"}
    before = state()

    response = _send(world.client(role), write, world, **headers)

    assert_error(response, status, code)
    assert state() == before


@pytest.mark.parametrize("if_match", [None, '"project-1-v1"'])
@pytest.mark.parametrize("method", ["patch", "put", "delete"])
@pytest.mark.parametrize("project_id", [999_999, 2**63, 10**30])
def test_missing_project_is_404_before_precondition(world: World, project_id: int, method: str, if_match: Any) -> None:
    headers = {"HTTP_IF_MATCH": if_match} if if_match else {}
    before = state()
    response = getattr(client_for(world.cast.staff), method)(
        project_url(project_id), {"title": "x"}, format="json", **headers
    )
    assert_error(response, 404, "not_found")
    assert state() == before


def test_anonymous_me_patch_is_401_not_428() -> None:
    response = client_for(None).patch(ME, {"display_name": "x"}, format="json")
    assert_error(response, 401, "not_authenticated")


# ------------------------------------------------------------------ after a successful write


@pytest.mark.parametrize("write", [w for w in WRITES if w.ok == 200], ids=lambda w: w.id)
def test_successful_write_returns_the_new_etag_and_it_works_again(world: World, write: Write) -> None:
    resource = BY_ID[write.resource]
    client = _owner(world)
    url = resource.url(world)
    old = etag_of(client, url)

    response = _send(client, write, world, HTTP_IF_MATCH=old)

    assert response.status_code == 200, response.content
    new = response["ETag"]
    assert new != old
    assert STRONG_ETAG.match(new)
    assert body_of(response)["etag"] == new
    assert etag_of(client, url) == new
    # The new ETag is good for the next write; the old one is now stale.
    assert client.patch(url, resource.bump, format="json", HTTP_IF_MATCH=new).status_code == 200
    assert_error(client.patch(url, resource.bump, format="json", HTTP_IF_MATCH=old), 412, "precondition_failed")


@pytest.mark.parametrize(
    ("collection", "body", "kind"),
    [
        ("projects", {"title": "Created conditionally"}, "project"),
        ("milestones", {"title": "Created milestone"}, "milestone"),
        ("members", None, "member"),
        ("tags", {"name": "created-tag"}, "tag"),
    ],
)
def test_create_returns_an_etag_usable_for_the_first_write(world: World, collection: str, body: Any, kind: str) -> None:
    client = _owner(world)
    url = {
        "projects": f"{API}/projects/",
        "milestones": f"{API}/projects/{world.pid}/milestones/",
        "members": f"{API}/projects/{world.pid}/members/",
        "tags": f"{API}/tags/",
    }[collection]
    if body is None:
        body = {"user_id": make_user("joiner").pk, "role": "qa"}
    created = client.post(url, body, format="json")
    assert created.status_code == 201, created.content
    etag = created["ETag"]
    assert STRONG_ETAG.match(etag)
    assert etag == body_of(created)["etag"]
    location = created["Location"]
    assert etag_of(client, location) == etag

    patch = {"project": {"description": "d"}, "milestone": {"progress": 3}, "member": {"allocation": 3}}.get(
        kind, {"colour": "#000000"}
    )
    response = client.patch(location, patch, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200, response.content


def test_child_write_changes_the_parent_project_etag(world: World) -> None:
    client = _owner(world)
    project_etag = etag_of(client, project_url(world.pid))
    url = milestone_url(world.pid, world.milestone.pk)
    assert client.patch(url, {"progress": 90}, format="json", HTTP_IF_MATCH=etag_of(client, url)).status_code == 200
    assert etag_of(client, project_url(world.pid)) != project_etag
    stale = client.patch(project_url(world.pid), {"description": "x"}, format="json", HTTP_IF_MATCH=project_etag)
    assert_error(stale, 412, "precondition_failed")
