"""Requests anyone can send that used to crash the server (issue #9 D): each is a 400 in the error
shape, and the server logs nothing at ERROR about them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.apis.support import API, assert_error
from tests.conftest import client_for
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors_logged(caplog: Any) -> Iterator[list[logging.LogRecord]]:
    """Records at ERROR or above, from any logger, while the test runs."""
    with caplog.at_level(logging.WARNING):
        records: list[logging.LogRecord] = []
        yield records
        records.extend(r for r in caplog.records if r.levelno >= logging.ERROR)


def assert_quiet(records: list[logging.LogRecord]) -> None:
    assert not records, [f"{r.name}: {r.getMessage()}" for r in records]


# ------------------------------------------------------------------ q with stacked negations


NEGATIONS = [
    pytest.param("-" * 40, id="40-dashes"),
    pytest.param("-" * 200, id="200-dashes"),
    pytest.param(" ".join("-" * 40), id="40-spaced-dashes"),
    pytest.param("!-" * 40, id="dashes-between-operators"),
    pytest.param("(-" * 40 + ")", id="dashes-in-parentheses"),
    pytest.param("- or " * 30, id="dashes-and-ors"),
]


@pytest.mark.parametrize("q", NEGATIONS)
@pytest.mark.parametrize("path", ["search/", "projects/"])
def test_q_of_only_negations_is_400_on_q(q: str, path: str, errors_logged: list[logging.LogRecord]) -> None:
    owner = make_user("searcher")
    make_project(owner, title="Apollo guidance")
    response = client_for(owner).get(f"{API}/{path}", {"q": q})
    error = assert_error(response, 400, "validation_error")
    assert "q" in error["details"], error
    assert_quiet(errors_logged)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        pytest.param("apollo " + "-" * 40, True, id="word-then-40-dashes"),
        pytest.param("-" * 40 + "apollo", False, id="40-dashes-then-the-word"),
        pytest.param("guidance " + "-" * 40 + "apollo", False, id="40-dashes-exclude-a-word"),
        pytest.param("guidance " + "- " * 40 + "mercury", True, id="40-spaced-dashes-exclude-a-word"),
        pytest.param('"apollo guidance" ' + "-" * 40 + '"gemini"', True, id="40-dashes-before-a-phrase"),
    ],
)
@pytest.mark.parametrize("path", ["search/", "projects/"])
def test_stacked_negations_beside_words_mean_one_exclusion(
    q: str, found: bool, path: str, errors_logged: list[logging.LogRecord]
) -> None:
    owner = make_user("searcher")
    project = make_project(owner, title="Apollo guidance")
    response = client_for(owner).get(f"{API}/{path}", {"q": q})
    assert response.status_code == 200, response.content
    ids = [row["id"] for row in response.json()["results"] if row.get("type", "project") == "project"]
    assert ids == ([project.pk] if found else [])
    assert_quiet(errors_logged)


# ------------------------------------------------------------------ more than 1,000 parameters

MANY = "&".join(f"p{i}=1" for i in range(1001))
FORM = "application/x-www-form-urlencoded"


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "content_type"),
    [
        pytest.param("user", "get", f"projects/?{MANY}", None, None, id="query-on-a-list"),
        pytest.param("user", "get", f"search/?q=apollo&{MANY}", None, None, id="query-on-search"),
        pytest.param("anonymous", "get", f"projects/?{MANY}", None, None, id="query-anonymous"),
        pytest.param("anonymous", "post", f"webhooks/mandrill/?{MANY}", "", None, id="query-on-the-webhook"),
        pytest.param("anonymous", "post", "webhooks/mandrill/", MANY, FORM, id="form-on-the-webhook"),
        pytest.param("anonymous", "post", "webhooks/mandrill/", "MULTIPART", None, id="multipart-on-the-webhook"),
        pytest.param("user", "post", f"tags/?{MANY}", '{"name": "x"}', "application/json", id="query-on-a-json-write"),
    ],
)
def test_more_than_a_thousand_parameters_is_400(
    who: str,
    method: str,
    path: str,
    body: str | None,
    content_type: str | None,
    errors_logged: list[logging.LogRecord],
    clear_cache: Any,
) -> None:
    client = client_for(make_user("many") if who == "user" else None)
    if body == "MULTIPART":
        response = client.post(f"{API}/{path}", {f"p{i}": "1" for i in range(1001)}, format="multipart")
    elif method == "get":
        response = client.get(f"{API}/{path}")
    else:
        response = client.post(f"{API}/{path}", body, content_type=content_type or FORM)
    error = assert_error(response, 400, "too_many_fields")
    assert "1000" in error["message"]
    assert_quiet(errors_logged)


def test_a_thousand_parameters_are_still_read(errors_logged: list[logging.LogRecord]) -> None:
    # The bound is Django's DATA_UPLOAD_MAX_NUMBER_FIELDS: 1,000 is allowed (and then refused as unknown).
    query = "&".join(f"p{i}=1" for i in range(1000))
    error = assert_error(client_for(make_user("many")).get(f"{API}/projects/?{query}"), 400, "unknown_parameter")
    assert "p999" in error["details"]
    assert_quiet(errors_logged)


# ------------------------------------------------------------------ deeply nested JSON


def nested(depth: int) -> str:
    """A string nested ``depth`` lists deep."""
    return "[" * depth + '"x"' + "]" * depth


DEEP_BODIES = [
    pytest.param("auth/token/", "anonymous", '{"username": %s, "password": "pw"}', id="login"),
    pytest.param("auth/token/refresh/", "anonymous", '{"refresh": %s}', id="refresh"),
    pytest.param("auth/logout/", "user", '{"refresh": %s}', id="logout"),
    pytest.param("tags/", "user", '{"name": %s}', id="tags"),
    pytest.param("projects/", "user", '{"title": %s}', id="projects"),
]


@pytest.mark.parametrize("depth", [32, 950, 1000, 1023, 1024, 1025, 100_000])
@pytest.mark.parametrize(("path", "who", "template"), DEEP_BODIES)
def test_deeply_nested_json_is_a_400_parse_error(
    path: str, who: str, template: str, depth: int, errors_logged: list[logging.LogRecord], clear_cache: Any
) -> None:
    # depth 32 inside the top-level object is 33 levels: one past the bound.
    client = client_for(make_user("nester") if who == "user" else None)
    response = client.post(f"{API}/{path}", template % nested(depth), content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert error["message"].startswith("JSON parse error"), error
    assert_quiet(errors_logged)


@pytest.mark.parametrize(("path", "who", "template"), DEEP_BODIES)
def test_json_nested_to_the_bound_reaches_validation(
    path: str, who: str, template: str, errors_logged: list[logging.LogRecord], clear_cache: Any
) -> None:
    client = client_for(make_user("nester") if who == "user" else None)
    response = client.post(f"{API}/{path}", template % nested(31), content_type="application/json")
    assert response.status_code in (400, 401), response.content
    assert assert_error(response, response.status_code)["code"] != "parse_error"
    assert_quiet(errors_logged)


# ------------------------------------------------------------------ any parser failure is the client's


class Weird(Exception):
    """An exception type nothing in the stack knows."""


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(Weird("unheard of"), id="unknown-type"),
        pytest.param(KeyError("boundary"), id="KeyError"),
        pytest.param(TypeError("bad operand"), id="TypeError"),
        pytest.param(RecursionError("maximum recursion depth exceeded"), id="RecursionError"),
        pytest.param(UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), id="UnicodeDecodeError"),
        pytest.param(MemoryError(), id="MemoryError"),
    ],
)
def test_whatever_a_parser_raises_is_a_400_parse_error(
    failure: Exception, monkeypatch: Any, errors_logged: list[logging.LogRecord]
) -> None:
    from rest_framework.parsers import BaseParser

    from pulse.projects.apis import TagListCreateApi

    class FailingParser(BaseParser):
        media_type = "application/json"

        def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
            raise failure

    monkeypatch.setattr(TagListCreateApi, "parser_classes", [FailingParser])
    user = make_user("parsed")
    response = client_for(user).post(f"{API}/tags/", '{"name": "fine"}', content_type="application/json")
    error = assert_error(response, 400, "parse_error")
    assert str(failure) not in error["message"] or not str(failure)
    assert_quiet(errors_logged)
