"""BoundedListField: an overlong list is refused before any element is looked at. Strict text fields:
only a string is text."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from pulsekit.fields import BoundedListField, StrictCharField, StrictEmailField, StrictRegexField


class CountingInteger(serializers.IntegerField):
    calls = 0

    def to_internal_value(self, data: Any) -> int:
        CountingInteger.calls += 1
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class Ids(serializers.Serializer):
    ids = BoundedListField(child=CountingInteger(), max_length=3, min_length=1)


@pytest.fixture(autouse=True)
def _reset_count() -> None:
    CountingInteger.calls = 0


def errors_for(value: Any) -> Any:
    serializer = Ids(data={"ids": value})
    assert not serializer.is_valid()
    return serializer.errors["ids"]


def test_an_overlong_list_is_refused_without_validating_an_element() -> None:
    assert errors_for(["not a number"] * 100_000) == ["Ensure this field has no more than 3 elements."]
    assert CountingInteger.calls == 0


def test_a_list_within_bounds_validates_each_element_as_listfield_does() -> None:
    serializer = Ids(data={"ids": [1, "2", 3]})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {"ids": [1, 2, 3]}
    assert CountingInteger.calls == 3
    assert errors_for([1, "x"]) == {1: ["A valid integer is required."]}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "Ensure this field has at least 1 elements."),
        ("1,2", 'Expected a list of items but got type "str".'),
        ({"a": 1}, 'Expected a list of items but got type "dict".'),
        (7, 'Expected a list of items but got type "int".'),
    ],
)
def test_other_refusals_match_listfield(value: Any, message: str) -> None:
    assert errors_for(value) == [message]


def test_max_length_is_required() -> None:
    with pytest.raises(TypeError):
        BoundedListField(child=serializers.IntegerField())  # type: ignore[call-arg]


class Person(serializers.Serializer):
    name = StrictCharField(max_length=20)
    nickname = StrictCharField(required=False, allow_null=True)
    email = StrictEmailField(required=False)
    colour = StrictRegexField(r"^#[0-9a-f]{6}$", required=False)
    aliases = serializers.ListField(child=StrictCharField(), required=False)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": 0}, "name"),
        ({"name": 12.5}, "name"),
        ({"name": True}, "name"),
        ({"name": "Ada", "email": 7}, "email"),
        ({"name": "Ada", "colour": 123456}, "colour"),
        ({"name": "Ada", "aliases": ["ok", 3]}, "aliases"),
    ],
)
def test_strict_text_fields_refuse_numbers_and_booleans(data: dict[str, Any], field: str) -> None:
    serializer = Person(data=data)
    assert not serializer.is_valid()
    assert set(serializer.errors) == {field}


def test_strict_text_fields_still_take_text_and_null_where_allowed() -> None:
    serializer = Person(data={"name": " Ada ", "nickname": None, "email": "ada@example.test", "colour": "#a1b2c3"})
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data == {
        "name": "Ada",
        "nickname": None,
        "email": "ada@example.test",
        "colour": "#a1b2c3",
    }
    # Loose CharField, for contrast: DRF's own field turns the number into text.
    assert serializers.CharField().run_validation(0) == "0"
