"""PageNumber (collections) and IdCursor (feeds): defaults, caps and stability."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from pulsekit.pagination import IdCursor, PageNumber
from tests.conftest import assert_error_shape
from tests.testapp.models import Widget

pytestmark = pytest.mark.django_db

MakeWidgets = Callable[..., list[Widget]]


def test_page_number_settings() -> None:
    assert (PageNumber.page_size, PageNumber.max_page_size, PageNumber.page_size_query_param) == (20, 100, "page_size")


def test_page_number_default_page_is_20_with_count_next_previous(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(25)
    body = api_client.get("/widgets/").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 25
    assert len(body["results"]) == 20
    assert body["previous"] is None
    assert parse_qs(urlsplit(body["next"]).query) == {"page": ["2"]}

    last = api_client.get(body["next"]).json()
    assert len(last["results"]) == 5
    assert last["next"] is None


def test_page_number_page_size_is_honoured_and_capped_at_100(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(130)
    assert len(api_client.get("/widgets/", {"page_size": 7}).json()["results"]) == 7
    capped = api_client.get("/widgets/", {"page_size": 1000}).json()
    assert len(capped["results"]) == 100
    assert capped["count"] == 130


@pytest.mark.parametrize("url", ["/widgets/", "/widgets/feed/"])
@pytest.mark.parametrize("page_size", ["0", "-5", "lots", "0.5", "true", "", " 5", "5 ", "1e2", "9" * 30, "\u0665"])
def test_a_bad_page_size_is_a_400_on_page_size(
    api_client: Any, make_widgets: MakeWidgets, url: str, page_size: str
) -> None:
    make_widgets(3)
    response = api_client.get(url, {"page_size": page_size})
    assert response.status_code == 400, response.content[:300]
    assert set(assert_error_shape(response.json(), "validation_error")["details"]) == {"page_size"}


def test_page_number_page_past_the_end_is_404_in_the_shape(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(3)
    response = api_client.get("/widgets/", {"page": 9})
    assert response.status_code == 404
    assert assert_error_shape(response.json(), "not_found")["message"] == "Invalid page."


def test_id_cursor_settings() -> None:
    assert (IdCursor.page_size, IdCursor.max_page_size, IdCursor.ordering) == (50, 100, "-id")


def test_id_cursor_pages_newest_first_and_is_stable_under_inserts(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(120)
    first = api_client.get("/widgets/feed/").json()
    assert set(first) == {"next", "previous", "results"}
    first_ids = [w["id"] for w in first["results"]]
    assert len(first_ids) == 50
    assert first_ids == sorted(first_ids, reverse=True)
    assert first_ids[0] == Widget.objects.order_by("-id").values_list("id", flat=True)[0]

    Widget.objects.create(name="newcomer")  # would shift an offset-paginated second page
    second_ids = [w["id"] for w in api_client.get(first["next"]).json()["results"]]
    assert len(second_ids) == 50
    assert max(second_ids) < min(first_ids)
    assert max(second_ids) == min(first_ids) - 1


def test_id_cursor_page_size_is_honoured_and_capped_at_100(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(130)
    assert len(api_client.get("/widgets/feed/", {"page_size": 5}).json()["results"]) == 5
    assert len(api_client.get("/widgets/feed/", {"page_size": 1000}).json()["results"]) == 100


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


TAMPERED = {
    "position-not-a-number": _b64("p=abc"),
    "position-huge": _b64("p=" + "9" * 30),
    "position-past-bigint": _b64(f"p={2**63}"),
    "position-negative": _b64("p=-5"),
    "position-zero": _b64("p=0"),
    "position-float": _b64("p=1.5"),
    "position-empty": _b64("p="),
    "position-nul": _b64("p=1%00"),
    "position-from-a-date-ordering": _b64("p=2026-01-01+00%3A00%3A00%2B00%3A00"),
    "position-from-a-name-ordering": _b64("p=widget-001"),
    "offset-negative": _b64("o=-1&p=5"),
    "offset-huge": _b64("o=" + "9" * 40),
    "offset-past-cutoff": _b64("o=1001"),
    "offset-not-a-number": _b64("o=lots"),
    "reverse-not-a-flag": _b64("r=2&p=5"),
    "reverse-word": _b64("r=yes"),
    "unknown-key": _b64("p=5&x=1"),
    "repeated-key": _b64("p=5&p=6"),
    "not-a-query-string": _b64("&&&"),
    "base64-of-binary": base64.b64encode(bytes(range(256))).decode(),
    "not-base64": "not-a-cursor",
    "bad-padding": "cD1hYmM",
    "non-ascii": "cD1\u00e9hYmM=",
    "ten-kilobytes": _b64("p=" + "1" * 10_000),
    "ten-kilobytes-of-junk": "A" * 10_240,
}


@pytest.mark.parametrize("cursor", TAMPERED.values(), ids=TAMPERED.keys())
def test_id_cursor_refuses_a_tampered_cursor_with_400_and_logs_no_error(
    api_client: Any, make_widgets: MakeWidgets, caplog: pytest.LogCaptureFixture, cursor: str
) -> None:
    make_widgets(3)
    with caplog.at_level(logging.WARNING):
        response = api_client.get("/widgets/feed/", {"cursor": cursor})
    assert response.status_code == 400, response.content[:300]
    error = assert_error_shape(response.json(), "invalid_cursor")
    assert set(error["details"]) == {"cursor"}
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_cursor_for_the_id_feed_means_nothing_to_the_name_feed_and_back(
    api_client: Any, make_widgets: MakeWidgets
) -> None:
    make_widgets(5)
    by_name = api_client.get("/widgets/by-name/").json()
    assert [w["name"] for w in by_name["results"]] == ["widget-000", "widget-001"]
    # A name position is not an id: refused, not a 500.
    assert api_client.get("/widgets/feed/", {"cursor": _cursor_of(by_name["next"])}).status_code == 400
    # Any text is a name, but NUL bytes never reach PostgreSQL.
    assert api_client.get("/widgets/by-name/", {"cursor": _b64("p=a%00b")}).status_code == 400
    second = api_client.get(by_name["next"]).json()
    assert [w["name"] for w in second["results"]] == ["widget-002", "widget-003"]


def _cursor_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["cursor"][0]


def test_every_cursor_the_feed_issues_is_accepted_both_ways(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(12)
    seen: list[int] = []
    url: str | None = "/widgets/feed/?page_size=5"
    pages = []
    while url:
        body = api_client.get(url).json()
        pages.append(body)
        seen += [w["id"] for w in body["results"]]
        url = body["next"]
    assert seen == sorted(Widget.objects.values_list("id", flat=True), reverse=True)
    back = api_client.get(pages[-1]["previous"]).json()
    assert back["results"] == pages[-2]["results"]
    assert api_client.get("/widgets/feed/", {"cursor": ""}).status_code == 200


def test_soft_deleted_rows_never_appear_in_a_page(api_client: Any, make_widgets: MakeWidgets) -> None:
    widgets = make_widgets(5)
    Widget.objects.filter(pk=widgets[0].pk).soft_delete()
    body = api_client.get("/widgets/").json()
    assert body["count"] == 4
    assert widgets[0].pk not in {w["id"] for w in body["results"]}
