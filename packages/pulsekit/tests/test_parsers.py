"""Parsing cannot crash: JSON nesting is bounded, and whatever a parser raises is a 400."""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.exceptions import ParseError

from pulsekit.parsers import MAX_JSON_DEPTH, BoundedJSONParser, nesting_exceeds


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
