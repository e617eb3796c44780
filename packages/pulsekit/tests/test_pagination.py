"""PageNumber (collections) and IdCursor (feeds): defaults, caps and stability."""

from __future__ import annotations

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


@pytest.mark.parametrize("page_size", ["0", "-5", "lots"])
def test_page_number_bad_page_size_falls_back_to_the_default(
    api_client: Any, make_widgets: MakeWidgets, page_size: str
) -> None:
    make_widgets(25)
    assert len(api_client.get("/widgets/", {"page_size": page_size}).json()["results"]) == 20


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


def test_id_cursor_rejects_a_forged_cursor(api_client: Any, make_widgets: MakeWidgets) -> None:
    make_widgets(3)
    response = api_client.get("/widgets/feed/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


def test_soft_deleted_rows_never_appear_in_a_page(api_client: Any, make_widgets: MakeWidgets) -> None:
    widgets = make_widgets(5)
    Widget.objects.filter(pk=widgets[0].pk).soft_delete()
    body = api_client.get("/widgets/").json()
    assert body["count"] == 4
    assert widgets[0].pk not in {w["id"] for w in body["results"]}
