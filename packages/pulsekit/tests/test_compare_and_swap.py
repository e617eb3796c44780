"""compare_and_swap on real rows: one winner, the version always bumped, updated_at always set."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from pulsekit.errors import NotFound
from pulsekit.versioning import StaleVersion, compare_and_swap
from tests.testapp.models import Widget


def rename(widget: Widget, version: int | None, name: str, queryset: Any = Widget.objects) -> int:
    return compare_and_swap(queryset, kind="widget", pk=widget.pk, version=version, values={"name": name})


@pytest.fixture
def widget(db: Any) -> Widget:
    return Widget.objects.create(name="old")


def test_the_current_version_writes_and_returns_the_next(widget: Widget) -> None:
    assert rename(widget, 1, "new") == 2
    widget.refresh_from_db()
    assert (widget.name, widget.version) == ("new", 2)


def test_a_stale_version_writes_nothing_and_names_the_current_one(widget: Widget) -> None:
    Widget.objects.filter(pk=widget.pk).update(version=5)
    with pytest.raises(StaleVersion) as raised:
        rename(widget, 4, "new")
    assert (raised.value.pk, raised.value.current_version) == (widget.pk, 5)
    assert raised.value.headers == {"ETag": f'"widget-{widget.pk}-v5"'}
    widget.refresh_from_db()
    assert (widget.name, widget.version) == ("old", 5)


def test_no_version_is_stale_not_a_blind_write(widget: Widget) -> None:
    # An If-Match that named nothing usable (expected_version gave None) can only fail.
    with pytest.raises(StaleVersion) as raised:
        rename(widget, None, "new")
    assert raised.value.current_version == 1
    assert Widget.objects.get(pk=widget.pk).name == "old"


def test_the_second_writer_with_the_same_version_loses(widget: Widget) -> None:
    assert rename(widget, 1, "first") == 2
    with pytest.raises(StaleVersion) as raised:
        rename(widget, 1, "second")
    assert raised.value.current_version == 2
    widget.refresh_from_db()
    assert (widget.name, widget.version) == ("first", 2)


def test_auto_now_fields_are_set_as_save_would(widget: Widget) -> None:
    long_ago = timezone.now() - timedelta(days=3)
    Widget.objects.filter(pk=widget.pk).update(updated_at=long_ago)
    before = timezone.now()
    rename(widget, 1, "new")
    widget.refresh_from_db()
    assert widget.updated_at >= before


def test_values_may_set_the_auto_now_field_themselves(widget: Widget) -> None:
    chosen = timezone.now() - timedelta(days=1)
    compare_and_swap(Widget.objects, kind="widget", pk=widget.pk, version=1, values={"updated_at": chosen})
    widget.refresh_from_db()
    assert (widget.updated_at, widget.version) == (chosen, 2)


def test_the_queryset_decides_which_rows_exist(widget: Widget) -> None:
    Widget.objects.filter(pk=widget.pk).soft_delete()
    # The live manager cannot see the row, so it cannot write it either: that is a 404, not a 412.
    with pytest.raises(NotFound):
        rename(widget, 1, "x")
    with pytest.raises(NotFound):
        rename(widget, 1, "x", queryset=Widget.objects.all())
    assert rename(widget, 1, "x", queryset=Widget.all_objects.all()) == 2


def test_a_missing_row_is_not_found(db: Any) -> None:
    with pytest.raises(NotFound):
        compare_and_swap(Widget.objects, kind="widget", pk=987654, version=1, values={"name": "x"})


# ---------------------------------------------------------------- a real race: two connections


def wait_until(condition: Callable[[], bool], *, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return bool(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_two_writers_with_the_same_version_one_wins_the_other_gets_412() -> None:
    widget = Widget.objects.create(name="old")
    first_wrote = threading.Event()
    commit_first = threading.Event()
    outcome: dict[str, Any] = {}

    def writer(name: str, before_commit: Callable[[], None]) -> None:
        try:
            with transaction.atomic():
                outcome[name] = rename(widget, 1, name)
                before_commit()
        except StaleVersion as stale:
            outcome[name] = stale
        finally:
            connections.close_all()

    first = threading.Thread(target=writer, args=("first", lambda: (first_wrote.set(), commit_first.wait(10))))
    second = threading.Thread(target=writer, args=("second", lambda: None))
    first.start()
    assert first_wrote.wait(10)
    second.start()
    # The second UPDATE waits on the first one's row lock, then re-checks ``version = 1`` and finds 2.
    wait_until(waiting_on_a_lock)
    commit_first.set()
    first.join(10)
    second.join(10)

    assert outcome["first"] == 2
    assert isinstance(outcome["second"], StaleVersion)
    assert outcome["second"].current_version == 2
    widget.refresh_from_db()
    assert (widget.name, widget.version) == ("first", 2)
