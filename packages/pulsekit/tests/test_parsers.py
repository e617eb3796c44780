"""Parsing cannot crash: JSON nesting is bounded, and whatever a parser raises is a 400."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.exceptions import TooManyFieldsSent
from django.urls import path
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import BaseParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulsekit.parsers import MAX_JSON_DEPTH, BoundedJSONParser, GuardedContentNegotiation, nesting_exceeds
from tests.conftest import assert_error_shape


def nested(depth: int) -> str:
    return "[" * depth + "1" + "]" * depth


@pytest.mark.parametrize(
    ("value", "depth"),
    [(1, 0), ("text", 0), ([], 1), ({}, 1), ({"a": [1, {"b": []}]}, 4), ([[[[]]]], 4), ({"a": "x" * 10}, 1)],
)
def test_nesting_exceeds_counts_containers(value: Any, depth: int) -> None:
    assert not nesting_exceeds(value, depth)
    assert nesting_exceeds(value, depth - 1) is (depth > 0)


def test_nesting_is_measured_without_recursion() -> None:
    value: Any = []
    for _ in range(100_000):
        value = [value]
    assert nesting_exceeds(value, 32)
    assert not nesting_exceeds(value, 100_001)


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 950, 1024, 100_000])
def test_bounded_json_parser_refuses_deep_bodies(depth: int) -> None:
    with pytest.raises(ParseError, match=f"nested deeper than {MAX_JSON_DEPTH} levels"):
        BoundedJSONParser().parse(io.BytesIO(nested(depth).encode()))


def test_bounded_json_parser_reads_bodies_at_the_bound() -> None:
    data = BoundedJSONParser().parse(io.BytesIO(('{"a": ' + nested(MAX_JSON_DEPTH - 1) + "}").encode()))
    assert not nesting_exceeds(data, MAX_JSON_DEPTH)
    assert BoundedJSONParser().parse(io.BytesIO(b'"just a string"')) == "just a string"


class Weird(Exception):
    pass


FAILURES: dict[str, Exception] = {
    "weird": Weird("unheard of"),
    "key": KeyError("k"),
    "recursion": RecursionError("too deep"),
    "memory": MemoryError(),
    "parse": ParseError("already a parse error"),
    "media": UnsupportedMediaType("text/x"),
    "fields": TooManyFieldsSent("too many"),
}


class FailingParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        raise FAILURES[parser_context["kwargs"]["name"]]


class FailingParserApi(APIView):
    parser_classes = [FailingParser]
    content_negotiation_class = GuardedContentNegotiation

    def post(self, request: Request, name: str) -> Response:
        return Response({"read": request.data})


urlpatterns = [path("parse/<str:name>/", FailingParserApi.as_view())]


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("weird", 400, "parse_error"),
        ("key", 400, "parse_error"),
        ("recursion", 400, "parse_error"),
        ("memory", 400, "parse_error"),
        # DRF's and Django's own request errors pass through as they are.
        ("parse", 400, "parse_error"),
        ("media", 415, "unsupported_media_type"),
        ("fields", 400, "too_many_fields"),
    ],
)
def test_whatever_a_parser_raises_is_a_client_error(
    api_client: Any, caplog: pytest.LogCaptureFixture, name: str, status: int, code: str
) -> None:
    with caplog.at_level(logging.WARNING):
        response = api_client.post(f"/parse/{name}/", "{}", content_type="application/json")
    assert response.status_code == status
    assert_error_shape(response.json(), code)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.urls(__name__)
def test_without_the_guard_an_unknown_parser_exception_is_a_500(api_client: Any, monkeypatch: Any) -> None:
    """What the guard prevents (and proof the test above can fail)."""
    from rest_framework.negotiation import DefaultContentNegotiation

    monkeypatch.setattr(FailingParserApi, "content_negotiation_class", DefaultContentNegotiation)
    response = api_client.post("/parse/weird/", "{}", content_type="application/json")
    assert response.status_code == 500
