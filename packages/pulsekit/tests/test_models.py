"""SoftDeleteModel's managers and soft_delete(), VersionedModel, and the partial unique constraint."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pulsekit.models import AllManager, LiveManager, SoftDeleteQuerySet
from tests.testapp.models import Note, Widget

pytestmark = pytest.mark.django_db


def test_managers_are_the_live_and_all_kinds() -> None:
    assert isinstance(Widget.objects, LiveManager)
    assert isinstance(Widget.all_objects, AllManager)
    # The default manager (admin, reverse relations, dumpdata) hides the dead.
    assert Widget._default_manager is Widget.objects
    assert isinstance(Widget.objects.all(), SoftDeleteQuerySet)


def test_live_manager_hides_soft_deleted_rows_and_all_manager_sees_them() -> None:
    kept = Widget.objects.create(name="kept")
    gone = Widget.objects.create(name="gone")

    assert Widget.objects.filter(pk=gone.pk).soft_delete() == 1

    assert list(Widget.objects.values_list("name", flat=True)) == ["kept"]
    assert set(Widget.all_objects.values_list("name", flat=True)) == {"kept", "gone"}
    assert list(Widget.all_objects.alive()) == [kept]
    assert list(Widget.all_objects.dead()) == [gone]
    assert not Widget.objects.filter(pk=gone.pk).exists()
    with pytest.raises(Widget.DoesNotExist):
        Widget.objects.get(pk=gone.pk)


def test_soft_delete_marks_rows_in_one_update_and_records_who() -> None:
    user = User.objects.create_user("ada")
    a, b = Widget.objects.create(name="a"), Widget.objects.create(name="b")

    assert Widget.objects.all().soft_delete(by=user) == 2

    for widget in (a, b):
        widget.refresh_from_db()
        assert widget.is_deleted
        assert widget.deleted_at is not None
        assert widget.deleted_by == user


def test_soft_delete_without_by_leaves_deleted_by_empty() -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).soft_delete()
    widget.refresh_from_db()
    assert widget.is_deleted and widget.deleted_by is None


def test_soft_delete_skips_rows_already_deleted_and_keeps_their_time() -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).soft_delete()
    first = Widget.all_objects.get(pk=widget.pk).deleted_at

    assert Widget.all_objects.filter(pk=widget.pk).soft_delete() == 0
    assert Widget.all_objects.get(pk=widget.pk).deleted_at == first


def test_a_live_row_is_not_deleted() -> None:
    assert Widget.objects.create(name="a").is_deleted is False


def test_forward_relation_still_reaches_a_soft_deleted_row_through_the_base_manager() -> None:
    widget = Widget.objects.create(name="parent")
    note = Note.objects.create(widget=widget, text="hello")
    Widget.objects.filter(pk=widget.pk).soft_delete()

    assert Widget._meta.base_manager_name == "all_objects"
    note = Note.objects.get(pk=note.pk)
    assert note.widget.pk == widget.pk
    assert note.widget.is_deleted


def test_versioned_model_starts_at_one_and_is_not_editable() -> None:
    widget = Widget.objects.create(name="a")
    assert widget.version == 1
    field = Widget._meta.get_field("version")
    assert field.editable is False
    assert field.get_internal_type() == "PositiveIntegerField"


def test_soft_delete_fields_are_not_editable() -> None:
    assert Widget._meta.get_field("deleted_at").editable is False
    assert Widget._meta.get_field("deleted_by").editable is False


def test_partial_unique_constraint_blocks_a_live_duplicate_case_insensitively() -> None:
    Widget.objects.create(name="Alpha")
    with pytest.raises(IntegrityError), transaction.atomic():
        Widget.objects.create(name="alpha")
    assert Widget.objects.count() == 1


def test_partial_unique_constraint_lets_a_deleted_name_be_reused() -> None:
    old = Widget.objects.create(name="Alpha")
    Widget.objects.filter(pk=old.pk).soft_delete()

    reused = Widget.objects.create(name="ALPHA")
    Widget.objects.filter(pk=reused.pk).soft_delete()
    again = Widget.objects.create(name="alpha")

    # Two deleted rows and one live row now share the name.
    assert Widget.all_objects.filter(name__iexact="alpha").count() == 3
    assert list(Widget.objects.filter(name__iexact="alpha")) == [again]


def test_full_clean_reports_the_constraint_only_against_live_rows() -> None:
    old = Widget.objects.create(name="Alpha")
    with pytest.raises(ValidationError) as excinfo:
        Widget(name="alpha").full_clean()
    assert "A live widget already has this name." in excinfo.value.messages

    Widget.objects.filter(pk=old.pk).soft_delete()
    Widget(name="alpha").full_clean()  # no error once the holder is deleted


def test_soft_delete_and_filters_are_on_the_managers_too() -> None:
    Widget.objects.create(name="a")
    Widget.objects.create(name="b")

    assert Widget.objects.soft_delete() == 2
    assert Widget.objects.count() == 0
    assert Widget.all_objects.dead().count() == 2
    assert Widget.all_objects.alive().count() == 0
    assert Widget.all_objects.soft_delete() == 0  # nothing live is left to delete
