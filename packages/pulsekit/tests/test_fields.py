"""BoundedListField: an overlong list is refused before any element is looked at."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from pulsekit.fields import BoundedListField


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
