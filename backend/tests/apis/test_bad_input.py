"""Bad input is a 400 (or 404 for ids in paths) in the one error shape, writes nothing, and is never a 500."""

from __future__ import annotations

from typing import Any

import pytest

from tests.apis.conftest import World
from tests.apis.support import (
    API,
    activity_url,
    assert_error,
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
from tests.factories import make_user

BIG = 2**63
HUGE = 10**30


@pytest.fixture
def world(shared: World) -> World:
    return shared


def _assert_rejected(response: Any, before: dict[str, Any], field: str | None) -> None:
    error = assert_error(response, 400)
    if field is not None:
        assert field in error["details"], error
    assert state() == before


# ------------------------------------------------------------------ project create

PROJECT_CREATE = [
    ("nul-title", {"title": "Moon\u0000base"}, "title"),
    ("nul-description", {"title": "Fine", "description": "bad\u0000text"}, "description"),
    (
        "nul-override-reason",
        {"title": "Fine", "health_override": "at_risk", "health_override_reason": "x\u0000"},
        "health_override_reason",
    ),
    ("title-null", {"title": None}, "title"),
    ("title-missing", {"description": "no title"}, "title"),
    ("title-blank", {"title": "   "}, "title"),
    ("title-list", {"title": ["a"]}, "title"),
    ("title-object", {"title": {"a": 1}}, "title"),
    ("title-201", {"title": "x" * 201}, "title"),
    ("description-20001", {"title": "Fine", "description": "x" * 20001}, "description"),
    ("description-number-list", {"title": "Fine", "description": [1, 2]}, "description"),
    ("progress-string", {"title": "Fine", "progress": "lots"}, "progress"),
    ("progress-101", {"title": "Fine", "progress": 101}, "progress"),
    ("progress-negative", {"title": "Fine", "progress": -1}, "progress"),
    ("progress-2**63", {"title": "Fine", "progress": BIG}, "progress"),
    ("progress-fraction", {"title": "Fine", "progress": 50.5}, "progress"),
    ("progress-null", {"title": "Fine", "progress": None}, "progress"),
    ("start-invalid-day", {"title": "Fine", "start_date": "2025-02-30"}, "start_date"),
    ("due-not-a-date", {"title": "Fine", "due_date": "next tuesday"}, "due_date"),
    ("due-month-13", {"title": "Fine", "due_date": "2025-13-01"}, "due_date"),
    ("due-number", {"title": "Fine", "due_date": 20250101}, "due_date"),
    ("due-before-start", {"title": "Fine", "start_date": "2025-05-10", "due_date": "2025-05-01"}, "due_date"),
    ("tag-ids-2**63", {"title": "Fine", "tag_ids": [BIG]}, "tag_ids"),
    ("tag-ids-10**30", {"title": "Fine", "tag_ids": [HUGE]}, "tag_ids"),
    ("tag-ids-negative", {"title": "Fine", "tag_ids": [-1]}, "tag_ids"),
    ("tag-ids-zero", {"title": "Fine", "tag_ids": [0]}, "tag_ids"),
    ("tag-ids-not-list", {"title": "Fine", "tag_ids": "1"}, "tag_ids"),
    ("tag-ids-unknown", {"title": "Fine", "tag_ids": [987654]}, "tag_ids"),
    ("tag-ids-too-many", {"title": "Fine", "tag_ids": list(range(1, 60))}, "tag_ids"),
    ("health-override-enum", {"title": "Fine", "health_override": "purple"}, "health_override"),
    ("health-override-no-reason", {"title": "Fine", "health_override": "at_risk"}, "health_override_reason"),
    ("duplicate-title-other-case", {"title": "APOLLO"}, "title"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in PROJECT_CREATE], ids=[c[0] for c in PROJECT_CREATE])
def test_project_create_rejects(world: World, body: dict[str, Any], field: str | None) -> None:
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/projects/", body, format="json")
    _assert_rejected(response, before, field)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('[{"title": "A list"}]', id="list-body"),
        pytest.param('"just a string"', id="string-body"),
        pytest.param("42", id="number-body"),
        pytest.param("null", id="null-body"),
    ],
)
def test_project_create_rejects_non_object_json(world: World, raw: str) -> None:
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/projects/", raw, content_type="application/json")
    _assert_rejected(response, before, None)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param('{"title": ', id="truncated"),
        pytest.param("{'title': 'single quotes'}", id="single-quotes"),
        pytest.param('{"title": "x", "progress": NaN}', id="nan"),
        pytest.param('{"title": "x", "progress": Infinity}', id="infinity"),
        pytest.param(b'{"title": "\xff\xfe"}', id="invalid-utf8"),
        pytest.param('{"title": "x",}', id="trailing-comma"),
    ],
)
def test_malformed_json_is_a_parse_error(world: World, raw: Any) -> None:
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/projects/", raw, content_type="application/json")
    assert_error(response, 400, "parse_error")
    assert state() == before


def test_overflowing_json_number_is_a_parse_error(world: World) -> None:
    before = state()
    response = client_for(world.cast.owner).post(
        f"{API}/projects/", '{"title": "x", "progress": 1e400}', content_type="application/json"
    )
    error = assert_error(response, 400, "parse_error")
    assert "infinity" in error["message"]
    assert state() == before


def test_deeply_nested_json_is_a_400_not_a_500(world: World) -> None:
    depth = 100_000
    raw = '{"title": "Deep", "description": ' + "[" * depth + "]" * depth + "}"
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/projects/", raw, content_type="application/json")
    assert_error(response, 400)
    assert state() == before


@pytest.mark.parametrize(
    ("content_type", "payload"),
    [
        ("text/plain", "title=Plain"),
        ("application/x-www-form-urlencoded", "title=Form"),
        ("application/xml", "<title>XML</title>"),
    ],
)
def test_non_json_content_type_is_415(world: World, content_type: str, payload: str) -> None:
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/projects/", payload, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    assert state() == before


# ------------------------------------------------------------------ project update

PROJECT_PATCH = [
    ("nul-title", {"title": "\u0000"}, "title"),
    ("nul-description", {"description": "\u0000"}, "description"),
    ("title-null", {"title": None}, "title"),
    ("title-201", {"title": "y" * 201}, "title"),
    ("description-20001", {"description": "y" * 20001}, "description"),
    ("progress-string", {"progress": "abc"}, "progress"),
    ("progress-101", {"progress": 101}, "progress"),
    ("start-invalid", {"start_date": "2025-04-31"}, "start_date"),
    ("due-before-existing-start", {"due_date": "2025-01-01"}, "due_date"),
    ("start-after-existing-due", {"start_date": "2026-01-01"}, "due_date"),
    ("tag-ids-2**63", {"tag_ids": [BIG]}, "tag_ids"),
    ("tag-ids-negative", {"tag_ids": [-7]}, "tag_ids"),
    ("progress-while-milestones-exist", {"progress": 99}, "progress"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in PROJECT_PATCH], ids=[c[0] for c in PROJECT_PATCH])
def test_project_patch_rejects(world: World, body: dict[str, Any], field: str) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    set_dates = client.patch(
        url,
        {"start_date": "2025-01-10", "due_date": "2025-12-31"},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert set_dates.status_code == 200
    etag = etag_of(client, url)
    before = state()

    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)

    _assert_rejected(response, before, field)
    assert etag_of(client, url) == etag


@pytest.mark.parametrize("raw", ["[]", '["title"]', '"x"', "7"])
def test_project_patch_rejects_non_object_json(world: World, raw: str) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    etag = etag_of(client, url)
    before = state()
    response = client.patch(url, raw, content_type="application/json", HTTP_IF_MATCH=etag)
    _assert_rejected(response, before, None)


def test_put_requires_the_title(world: World) -> None:
    client = client_for(world.cast.owner)
    url = project_url(world.pid)
    etag = etag_of(client, url)
    before = state()
    response = client.put(url, {"description": "No title"}, format="json", HTTP_IF_MATCH=etag)
    _assert_rejected(response, before, "title")


# ------------------------------------------------------------------ milestones

MILESTONE_CREATE = [
    ("nul-title", {"title": "a\u0000"}, "title"),
    ("nul-description", {"title": "ok", "description": "\u0000"}, "description"),
    ("title-null", {"title": None}, "title"),
    ("title-201", {"title": "m" * 201}, "title"),
    ("description-20001", {"title": "ok", "description": "m" * 20001}, "description"),
    ("assignee-2**63", {"title": "ok", "assignee_id": BIG}, "assignee_id"),
    ("assignee-10**30", {"title": "ok", "assignee_id": HUGE}, "assignee_id"),
    ("assignee-negative", {"title": "ok", "assignee_id": -5}, "assignee_id"),
    ("assignee-string", {"title": "ok", "assignee_id": "me"}, "assignee_id"),
    ("assignee-not-member", {"title": "ok", "assignee_id": "OUTSIDER"}, "assignee_id"),
    ("progress-101", {"title": "ok", "progress": 101}, "progress"),
    ("progress-string", {"title": "ok", "progress": "half"}, "progress"),
    ("weight-0", {"title": "ok", "weight": 0}, "weight"),
    ("weight-101", {"title": "ok", "weight": 101}, "weight"),
    ("status-enum", {"title": "ok", "status": "finished"}, "status"),
    ("due-invalid", {"title": "ok", "due_date": "2025-02-29"}, "due_date"),
    ("due-before-start", {"title": "ok", "start_date": "2025-06-02", "due_date": "2025-06-01"}, "due_date"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in MILESTONE_CREATE], ids=[c[0] for c in MILESTONE_CREATE])
def test_milestone_create_rejects(world: World, body: dict[str, Any], field: str) -> None:
    body = {k: (world.cast.outsider.pk if v == "OUTSIDER" else v) for k, v in body.items()}
    before = state()
    response = client_for(world.cast.owner).post(milestones_url(world.pid), body, format="json")
    _assert_rejected(response, before, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"progress": -1}, "progress"),
        ({"title": None}, "title"),
        ({"assignee_id": BIG}, "assignee_id"),
        ({"due_date": "2000-01-01", "start_date": "2001-01-01"}, "due_date"),
        ({"status": None}, "status"),
        ({"weight": "heavy"}, "weight"),
    ],
)
def test_milestone_patch_rejects(world: World, body: dict[str, Any], field: str) -> None:
    client = client_for(world.cast.owner)
    url = milestone_url(world.pid, world.milestone.pk)
    etag = etag_of(client, url)
    before = state()
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    _assert_rejected(response, before, field)


# ------------------------------------------------------------------ members

MEMBER_CREATE = [
    ("user-2**63", {"user_id": BIG}, "user_id"),
    ("user-10**30", {"user_id": HUGE}, "user_id"),
    ("user-negative", {"user_id": -1}, "user_id"),
    ("user-zero", {"user_id": 0}, "user_id"),
    ("user-string", {"user_id": "abc"}, "user_id"),
    ("user-null", {"user_id": None}, "user_id"),
    ("user-missing", {"role": "qa"}, "user_id"),
    ("user-unknown", {"user_id": 987654}, "user_id"),
    ("user-inactive", {"user_id": "INACTIVE"}, "user_id"),
    ("user-duplicate", {"user_id": "DEVELOPER"}, "user_id"),
    ("role-enum", {"user_id": "NEW", "role": "boss"}, "role"),
    ("allocation-negative", {"user_id": "NEW", "allocation": -1}, "allocation"),
    ("allocation-101", {"user_id": "NEW", "allocation": 101}, "allocation"),
    ("allocation-string", {"user_id": "NEW", "allocation": "lots"}, "allocation"),
    ("allocation-2**63", {"user_id": "NEW", "allocation": BIG}, "allocation"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in MEMBER_CREATE], ids=[c[0] for c in MEMBER_CREATE])
def test_member_create_rejects(world: World, body: dict[str, Any], field: str) -> None:
    names = {
        "INACTIVE": lambda: make_user("inactive", is_active=False).pk,
        "DEVELOPER": lambda: world.cast.developer.pk,
        "NEW": lambda: make_user("candidate").pk,
    }
    body = {k: (names[v]() if isinstance(v, str) and v in names else v) for k, v in body.items()}
    before = state()
    response = client_for(world.cast.owner).post(members_url(world.pid), body, format="json")
    _assert_rejected(response, before, field)


@pytest.mark.parametrize(
    ("body", "field"),
    [({"allocation": -1}, "allocation"), ({"allocation": 101}, "allocation"), ({"role": "boss"}, "role")],
)
def test_member_patch_rejects(world: World, body: dict[str, Any], field: str) -> None:
    client = client_for(world.cast.owner)
    url = member_url(world.pid, world.extra_member.pk)
    etag = etag_of(client, url)
    before = state()
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    _assert_rejected(response, before, field)


# ------------------------------------------------------------------ tags, profile, login

TAG_CREATE = [
    ("name-blank", {"name": ""}, "name"),
    ("name-null", {"name": None}, "name"),
    ("name-51", {"name": "t" * 51}, "name"),
    ("name-nul", {"name": "t\u0000g"}, "name"),
    ("colour-word", {"name": "ok-tag", "colour": "red"}, "colour"),
    ("colour-bad-hex", {"name": "ok-tag", "colour": "#12345g"}, "colour"),
    ("colour-short", {"name": "ok-tag", "colour": "#fff"}, "colour"),
    ("duplicate-other-case", {"name": "SPACE"}, "name"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in TAG_CREATE], ids=[c[0] for c in TAG_CREATE])
def test_tag_create_rejects(world: World, body: dict[str, Any], field: str) -> None:
    before = state()
    response = client_for(world.cast.owner).post(f"{API}/tags/", body, format="json")
    _assert_rejected(response, before, field)


ME_PATCH = [
    ("email-invalid", {"email": "not-an-email"}, "email"),
    ("display-name-151", {"display_name": "d" * 151}, "display_name"),
    ("display-name-nul", {"display_name": "nul\u0000"}, "display_name"),
    ("new-password-without-current", {"new_password": "a-much-better-passphrase-42"}, "current_password"),
    (
        "new-password-too-weak",
        {"current_password": "correct-horse-battery-staple", "new_password": "123"},
        "new_password",
    ),
    (
        "current-password-wrong",
        {"current_password": "wrong", "new_password": "a-much-better-passphrase-42"},
        "current_password",
    ),
    ("email-taken-other-case", {"email": "OTHER"}, "email"),
    ("email-opt-out-unknown-kind", {"email_opt_out": ["not-a-kind"]}, "email_opt_out"),
    ("email-opt-out-not-list", {"email_opt_out": "digest"}, "email_opt_out"),
]


@pytest.mark.parametrize(("body", "field"), [c[1:] for c in ME_PATCH], ids=[c[0] for c in ME_PATCH])
def test_me_patch_rejects(world: World, body: dict[str, Any], field: str) -> None:
    if body.get("email") == "OTHER":
        body = {"email": world.cast.manager.email.upper()}
    client = client_for(world.cast.developer)
    url = f"{API}/auth/me/"
    etag = etag_of(client, url)
    before = state()
    response = client.patch(url, body, format="json", HTTP_IF_MATCH=etag)
    _assert_rejected(response, before, field)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"username": "owner\u0000", "password": "x"}, id="nul-username"),
        pytest.param({"username": "someone"}, id="no-password"),
        pytest.param({"password": "x"}, id="no-username"),
        pytest.param({"username": ["a"], "password": "x"}, id="list-username"),
    ],
)
def test_login_rejects_malformed_bodies(db: Any, body: dict[str, Any], clear_cache: Any) -> None:
    response = client_for(None).post(f"{API}/auth/token/", body, format="json")
    assert_error(response, 400)


# ------------------------------------------------------------------ query strings

PROJECT_QUERIES = [
    ("typo", {"stauts": "active"}),
    ("status-enum", {"status": "bogus"}),
    ("health-enum", {"health": "great"}),
    ("owner-string", {"owner": "abc"}),
    ("owner-negative", {"owner": "-1"}),
    ("owner-zero", {"owner": "0"}),
    ("owner-2**63", {"owner": str(BIG)}),
    ("owner-10**30", {"owner": str(HUGE)}),
    ("owner-fraction", {"owner": "1.5"}),
    ("progress-min-101", {"progress_min": "101"}),
    ("progress-max-negative", {"progress_max": "-1"}),
    ("progress-min-fraction", {"progress_min": "49.5"}),
    ("member-2**63", {"member": str(BIG)}),
    ("member-negative", {"member": "-3"}),
    ("tag-2**63", {"tag": str(BIG)}),
    ("tag-negative", {"tag": "-1"}),
    ("tag-string", {"tag": "space"}),
    ("tag-unknown", {"tag": "987654"}),
    ("due-before-invalid", {"due_before": "2025-02-30"}),
    ("due-after-garbage", {"due_after": "soon"}),
    ("overdue-not-boolean", {"overdue": "maybe"}),
    # Sent but empty: not "no filter" (that is the parameter left out).
    ("due-after-empty", {"due_after": ""}),
    ("due-before-blank", {"due_before": " "}),
    ("owner-empty", {"owner": ""}),
    ("member-empty", {"member": ""}),
    ("progress-min-empty", {"progress_min": ""}),
    ("q-nul", {"q": "apo\u0000llo"}),
    ("q-201", {"q": "q" * 201}),
    ("ordering-unknown", {"ordering": "password"}),
    ("ordering-relation", {"ordering": "-owner__password"}),
    ("ordering-one-bad", {"ordering": "title,nonexistent"}),
    ("status-nul", {"status": "active\u0000"}),
]


@pytest.mark.parametrize("params", [c[1] for c in PROJECT_QUERIES], ids=[c[0] for c in PROJECT_QUERIES])
def test_project_list_rejects_bad_query(world: World, params: dict[str, str]) -> None:
    error = assert_error(client_for(world.cast.owner).get(f"{API}/projects/", params), 400)
    assert set(params) & set(error["details"]), error


def test_unknown_parameter_error_names_it_and_lists_the_allowed_ones(world: World) -> None:
    error = assert_error(client_for(world.cast.owner).get(f"{API}/projects/?stauts=active"), 400, "unknown_parameter")
    assert "stauts" in error["details"]
    assert "status" in error["details"]["allowed"]


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/tags/?colour=red",
        f"{API}/users/?name=x",
        f"{API}/activity/?project=1",
        f"{API}/dashboard/?days=7",
        f"{API}/projects/trash/?q=x",
        f"{API}/search/?q=apollo&sort=rank",
        "MEMBERS?role=lead",
        "MILESTONES?status=done",
        "ACTIVITY?actor=1",
    ],
)
def test_every_collection_rejects_unknown_parameters(world: World, url: str) -> None:
    url = (
        url.replace("MEMBERS", members_url(world.pid))
        .replace("MILESTONES", milestones_url(world.pid))
        .replace("ACTIVITY", activity_url(world.pid))
    )
    assert_error(client_for(world.cast.owner).get(url), 400, "unknown_parameter")


@pytest.mark.parametrize(
    "params",
    [
        pytest.param({}, id="missing-q"),
        pytest.param({"q": ""}, id="empty-q"),
        pytest.param({"q": "   "}, id="blank-q"),
        pytest.param({"q": "s" * 201}, id="q-201"),
        pytest.param({"q": "apo\u0000llo"}, id="q-nul"),
        pytest.param({"q": "apollo", "limit": "0"}, id="limit-0"),
        pytest.param({"q": "apollo", "limit": "51"}, id="limit-51"),
        pytest.param({"q": "apollo", "limit": "many"}, id="limit-string"),
        pytest.param({"q": "apollo", "limit": str(BIG)}, id="limit-2**63"),
        pytest.param({"q": "apollo", "type": "person"}, id="type-enum"),
    ],
)
def test_search_rejects_bad_query(world: World, params: dict[str, str]) -> None:
    assert_error(client_for(world.cast.owner).get(f"{API}/search/", params), 400)


@pytest.mark.parametrize(
    "url",
    [f"{API}/users/?q=a%00b", f"{API}/tags/?q=a%00b", f"{API}/activity/?verb=project%00"],
)
def test_nul_in_other_query_strings_is_400(world: World, url: str) -> None:
    assert_error(client_for(world.cast.owner).get(url), 400)


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/projects/?page=abc",
        f"{API}/projects/?page=0",
        f"{API}/projects/?page={BIG}",
        f"{API}/projects/?page=99999",
    ],
)
def test_bad_page_is_a_clean_client_error(world: World, url: str) -> None:
    response = client_for(world.cast.owner).get(url)
    assert response.status_code in (400, 404)
    assert_error(response, response.status_code)


@pytest.mark.parametrize("page_size", ["0.5", "true", "0", "-1", ""])
@pytest.mark.parametrize(
    "path", ["/projects/", "/tags/", "/users/", "/notifications/", "/activity/", "/projects/trash/"]
)
def test_a_page_size_that_is_not_a_whole_number_is_a_400(world: World, path: str, page_size: str) -> None:
    """It used to fall back to the default silently, so a client's mistake looked like a short page."""
    response = client_for(world.cast.owner).get(f"{API}{path}", {"page_size": page_size})
    assert set(assert_error(response, 400, "validation_error")["details"]) == {"page_size"}


# ------------------------------------------------------------------ ids in URL paths


@pytest.mark.parametrize("bad", [BIG, HUGE, 0])
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("get", "PROJECT"),
        ("get", "MEMBERS_OF"),
        ("get", "MILESTONES_OF"),
        ("get", "ACTIVITY_OF"),
        ("get", "MEMBER"),
        ("get", "MILESTONE"),
        ("get", "TAG"),
        ("patch", "PROJECT"),
        ("delete", "MILESTONE"),
        ("patch", "MEMBER"),
        ("delete", "TAG"),
        ("post", "TRANSITION"),
        ("post", "RESTORE"),
        ("post", "MILESTONES_OF"),
        ("post", "MEMBERS_OF"),
    ],
)
def test_out_of_range_ids_in_paths_are_404(world: World, method: str, template: str, bad: int) -> None:
    url = {
        "PROJECT": project_url(bad),
        "MEMBERS_OF": members_url(bad),
        "MILESTONES_OF": milestones_url(bad),
        "ACTIVITY_OF": activity_url(bad),
        "MEMBER": member_url(world.pid, bad),
        "MILESTONE": milestone_url(world.pid, bad),
        "TAG": tag_url(bad),
        "TRANSITION": transition_url(bad, "start"),
        "RESTORE": restore_url(bad),
    }[template]
    before = state()
    client = client_for(world.cast.staff)
    if method == "get":
        response = client.get(url)
    else:
        body = {"title": "x", "user_id": world.extra.pk}
        response = getattr(client, method)(url, body, format="json", HTTP_IF_MATCH='"project-1-v1"')
    assert_error(response, 404, "not_found")
    assert state() == before


@pytest.mark.parametrize(
    "path",
    ["projects/-1/", "projects/abc/", "projects/1.5/", "tags/-3/", "projects/1/transitions/explode/", "projects/%00/"],
)
def test_malformed_ids_in_paths_are_404(world: World, path: str) -> None:
    assert_error(client_for(world.cast.staff).get(f"{API}/{path}"), 404, "not_found")


@pytest.mark.parametrize(
    "q",
    [
        "!!!",
        "a & b | (c",
        "'",
        "\\",
        "%_%",
        "*",
        '"unterminated',
        "-apollo",
        "apollo:*",
        "🚀 rocket",
        "x" * 200,
        "<script>",
        "apollo OR moon",
    ],
)
def test_odd_search_strings_never_fail(world: World, q: str) -> None:
    # A q with a word in it searches; one with nothing to search for is a 400 on q, on both endpoints.
    client = client_for(world.cast.owner)
    expected = 200 if any(c.isalnum() for c in q) else 400
    for path in ("search/", "projects/"):
        response = client.get(f"{API}/{path}", {"q": q})
        assert response.status_code == expected, (path, response.content)
        if expected == 400:
            assert "q" in assert_error(response, 400, "validation_error")["details"]
