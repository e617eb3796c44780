"""The only code in the test app that writes, as the style guide asks of the backend."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pulsekit.versioning import compare_and_swap
from tests.testapp.models import Widget

KIND = "widget"


def widget_create(*, name: str) -> Widget:
    return Widget.objects.create(name=name)


def widget_rename(*, widget_id: int, expected_version: int | None, name: str) -> Widget:
    with transaction.atomic():
        compare_and_swap(Widget.objects, kind=KIND, pk=widget_id, version=expected_version, values={"name": name})
    return Widget.objects.get(pk=widget_id)


def widget_delete(*, widget_id: int, expected_version: int | None) -> None:
    compare_and_swap(
        Widget.objects, kind=KIND, pk=widget_id, version=expected_version, values={"deleted_at": timezone.now()}
    )
