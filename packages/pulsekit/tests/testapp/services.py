"""The only code in the test app that writes, as the style guide asks of the backend."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pulsekit.versioning import StaleVersion, compare_and_swap
from tests.testapp.models import Widget

KIND = "widget"


def widget_rename(*, widget_id: int, expected_version: int | None, name: str) -> Widget:
    with transaction.atomic():
        if expected_version is None or not compare_and_swap(
            Widget.objects.all(), pk=widget_id, version=expected_version, values={"name": name}
        ):
            current = Widget.all_objects.get(pk=widget_id)
            raise StaleVersion(kind=KIND, pk=widget_id, current_version=current.version)
    return Widget.objects.get(pk=widget_id)


def widget_delete(*, widget_id: int, expected_version: int | None) -> None:
    with transaction.atomic():
        if expected_version is None or not compare_and_swap(
            Widget.objects.all(), pk=widget_id, version=expected_version, values={"deleted_at": timezone.now()}
        ):
            current = Widget.all_objects.get(pk=widget_id)
            raise StaleVersion(kind=KIND, pk=widget_id, current_version=current.version)
