"""pulsekit.ids and pulsekit.dates: ids in bigint range, instants in UTC with Z."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rest_framework import serializers

from pulsekit.dates import iso_date, iso_datetime
from pulsekit.ids import MAX_ID, id_field, is_id, valid_id


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, 12), ("12", 12), (" 7 ", 7), (MAX_ID, MAX_ID), (str(MAX_ID), MAX_ID)],
)
def test_valid_id_takes_whole_numbers_in_bigint_range(value: Any, expected: int) -> None:
    assert valid_id(value) == expected


@pytest.mark.parametrize("value", [0, -1, MAX_ID + 1, str(MAX_ID + 1), "x", "1.5", 1.5j, None, "", True, False, [1]])
def test_valid_id_refuses_everything_else(value: Any) -> None:
    assert valid_id(value) is None


def test_is_id_wants_an_int_already() -> None:
    assert is_id(1) and is_id(MAX_ID)
    assert not any(is_id(v) for v in (0, -1, MAX_ID + 1, "1", True, 1.0, None))
    assert is_id(0, allow_zero=True) and not is_id(-1, allow_zero=True)


class Body(serializers.Serializer):
    owner_id = id_field()
    assignee_id = id_field(allow_null=True, required=False)


@pytest.mark.parametrize("value", [0, MAX_ID + 1, "x"])
def test_id_field_refuses_out_of_range_ids_in_a_body(value: Any) -> None:
    body = Body(data={"owner_id": value})
    assert not body.is_valid()
    assert set(body.errors) == {"owner_id"}


def test_id_field_takes_ids_and_passes_field_options_on() -> None:
    body = Body(data={"owner_id": MAX_ID, "assignee_id": None})
    assert body.is_valid(), body.errors
    assert body.validated_data == {"owner_id": MAX_ID, "assignee_id": None}


def test_iso_datetime_is_utc_with_z() -> None:
    utc = datetime.datetime(2026, 12, 4, 9, 30, 15, 123456, tzinfo=datetime.UTC)
    assert iso_datetime(utc) == "2026-12-04T09:30:15.123456Z"
    paris = utc.astimezone(ZoneInfo("Europe/Paris"))
    assert iso_datetime(paris) == "2026-12-04T09:30:15.123456Z"  # the same instant, written in UTC
    assert iso_datetime(datetime.datetime(2026, 12, 4, 9, 30)) == "2026-12-04T09:30:00"  # naive: as it is
    assert iso_datetime(None) is None


def test_iso_date() -> None:
    assert iso_date(datetime.date(2026, 1, 2)) == "2026-01-02"
    assert iso_date(None) is None
