"""Set-based writes against the real PostgreSQL: COPY inserts and updates from one JSON document of rows."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from pulsekit.bulk import insert_rows, update_from_values
from tests.testapp.models import Note, Widget

AWKWARD = ["tab\there", "new\nline", "back\\slash", "quote ' and \"", "ünïcödé ✓", "\\N", ""]


@pytest.mark.django_db
def test_insert_rows_copies_every_row_with_text_escaping_intact(make_widgets: Any) -> None:
    [widget] = make_widgets(1)
    rows = [(widget.pk, text) for text in AWKWARD] + [(widget.pk, f"note {i}") for i in range(1000)]

    assert insert_rows("testapp_note", ["widget_id", "text"], rows) == len(rows)

    stored = list(Note.objects.filter(widget=widget).order_by("id").values_list("text", flat=True))
    assert stored == [text for _, text in rows]


@pytest.mark.django_db
def test_insert_rows_writes_null_for_none(make_widgets: Any) -> None:
    insert_rows("testapp_widget", ["name", "version", "deleted_at"], [("copied", 4, None)])

    widget = Widget.all_objects.get(name="copied")
    assert (widget.version, widget.deleted_at) == (4, None)


@pytest.mark.django_db(transaction=True)
def test_insert_rows_is_all_or_nothing_inside_a_transaction(make_widgets: Any) -> None:
    [widget] = make_widgets(1)
    rows = [(widget.pk, "fine")] * 5 + [(widget.pk + 10_000, "points nowhere")]

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows("testapp_note", ["widget_id", "text"], rows)

    assert not Note.objects.exists()


@pytest.mark.django_db
def test_update_from_values_sets_each_row_its_own_values(make_widgets: Any) -> None:
    widgets = make_widgets(3)
    untouched = widgets.pop()
    rows = [(w.pk, f"renamed {w.pk}", 7) for w in widgets]

    updated = update_from_values(
        "testapp_widget", [("name", "varchar"), ("version", "integer")], rows, extra_set='"deleted_at" = NULL'
    )

    assert updated == 2
    assert {w.pk: (w.name, w.version) for w in Widget.objects.exclude(pk=untouched.pk)} == {
        pk: (name, version) for pk, name, version in rows
    }
    assert Widget.objects.get(pk=untouched.pk).name == untouched.name


@pytest.mark.django_db
def test_update_from_values_keeps_full_timestamp_precision_and_nulls(make_widgets: Any) -> None:
    first, second = make_widgets(2)
    when = datetime.datetime(2026, 12, 2, 9, 30, 15, 123456, tzinfo=datetime.UTC)

    update_from_values(
        "testapp_widget",
        [("deleted_at", "timestamptz"), ("name", "varchar")],
        [(first.pk, when, "quote ' \" \\\\ and ünïcödé"), (second.pk, None, "still here")],
    )

    gone = Widget.all_objects.get(pk=first.pk)
    assert (gone.deleted_at, gone.name) == (when, "quote ' \" \\\\ and ünïcödé")
    assert Widget.objects.get(pk=second.pk).deleted_at is None
