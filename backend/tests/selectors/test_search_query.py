"""The search query builder: whatever is typed, PostgreSQL's websearch parser can read what it builds,
and it means what the person meant."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from pulse.projects.filters import websearch_terms

pytestmark = pytest.mark.django_db

# Heavy on what stacks negations in websearch_to_tsquery: dashes, operator characters between them.
PIECES = ["-"] * 20 + ["! ", " - ", "(-", "-)", " ", "--", "|", "&", "<", "<->", "moon", '"', "or ", "OR", ":*", "'"]


def tsquery(text: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery('english', %s)::text", [text])
        return str(cursor.fetchone()[0])


def test_postgres_fails_on_the_raw_strings_this_test_generates() -> None:
    """The generator below is hostile enough: the raw strings do break the parser."""
    with pytest.raises(DatabaseError, match="tsquery stack too small"), transaction.atomic():
        connection.cursor().execute("SELECT websearch_to_tsquery('english', %s)", ["-" * 40])


def test_any_typed_string_becomes_a_query_postgres_can_parse() -> None:
    rng = random.Random(9)
    failures: list[tuple[str, str, str]] = []
    for _ in range(2000):
        raw = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 120)))[:200]
        text = " ".join(websearch_terms(raw))
        try:
            with transaction.atomic():
                tsquery(text)
        except DatabaseError as exc:
            failures.append((raw, text, str(exc)))
    assert not failures, failures[:3]


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        ("moon landing", "'moon' & 'land'"),
        ("moon -landing", "'moon' & !'land'"),
        ("moon - landing", "'moon' & !'land'"),
        ("moon " + "-" * 40 + "landing", "'moon' & !'land'"),
        ("moon " + "- " * 40 + "landing", "'moon' & !'land'"),
        ("!-!-!-moon", "!'moon'"),
        ("moon " + "-" * 40, "'moon'"),
        ('-"moon landing"', "!( 'moon' <-> 'land' )"),
        ('"moon - landing"', "'moon' <-> 'land'"),
        ('"moon landing', "'moon' <-> 'land'"),
        ("moon-landing", "'moon-land' <-> 'moon' <-> 'land'"),
        ("moon or landing", "'moon' | 'land'"),
        ("or moon or", "'moon'"),
        ("moon or or or landing", "'moon' | 'land'"),
        ("moon or -landing", "'moon' | !'land'"),
        ("-or moon", "'moon'"),
        ("-" * 40, ""),
    ],
)
def test_the_query_means_what_was_typed(typed: str, meaning: Any) -> None:
    assert tsquery(" ".join(websearch_terms(typed))) == meaning
