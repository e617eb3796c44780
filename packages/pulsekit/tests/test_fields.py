"""BoundedListField: an overlong list is refused before any element is looked at."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework import serializers

from pulsekit.fields import (
    CONTROL_CHARS_MESSAGE,
    MULTI_LINE_CONTROL_CHARS_MESSAGE,
    BoundedListField,
    NoControlCharsValidator,
    PlainEmailField,
    PlainTextField,
    has_control_chars,
)


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


# ------------------------------------------------------------------ control characters


class Texts(serializers.Serializer):
    title = PlainTextField(max_length=20)
    notes = PlainTextField(multiline=True, allow_blank=True, required=False, trim_whitespace=False)
    email = PlainEmailField(required=False)


def text_errors(**data: Any) -> Any:
    serializer = Texts(data={"title": "ok", **data})
    serializer.is_valid()
    return serializer.errors


@pytest.mark.parametrize("code", [*range(0x20), 0x7F])
def test_one_line_text_refuses_every_control_even_where_trimming_would_drop_it(code: int) -> None:
    for value in (f"a{chr(code)}b", chr(code), f"{chr(code)}ab", f"ab{chr(code)}"):
        assert text_errors(title=value) == {"title": [CONTROL_CHARS_MESSAGE]}, repr(value)


@pytest.mark.parametrize("code", [*range(0x20), 0x7F])
def test_multi_line_text_keeps_only_tab_and_line_breaks(code: int) -> None:
    errors = text_errors(notes=f"a{chr(code)}b")
    if code in (0x09, 0x0A, 0x0D):
        assert errors == {}
    else:
        assert errors == {"notes": [MULTI_LINE_CONTROL_CHARS_MESSAGE]}


def test_nul_has_one_message_not_drf_s_own() -> None:
    assert text_errors(title="a\x00") == {"title": [CONTROL_CHARS_MESSAGE]}
    assert text_errors(email='"a\x00b"@example.com') == {"email": [CONTROL_CHARS_MESSAGE]}
    assert text_errors(email='"a\x07b"@example.com') == {"email": [CONTROL_CHARS_MESSAGE]}


def test_model_validator_applies_the_same_rule() -> None:
    from django.core.exceptions import ValidationError

    NoControlCharsValidator()("plain text ✓")
    NoControlCharsValidator(multiline=True)("two\r\nlines\t")
    for validator, value in ((NoControlCharsValidator(), "a\nb"), (NoControlCharsValidator(multiline=True), "a\x1bb")):
        with pytest.raises(ValidationError) as raised:
            validator(value)
        assert raised.value.code == "control_characters"
    assert NoControlCharsValidator(multiline=True) == NoControlCharsValidator(multiline=True)
    assert NoControlCharsValidator() != NoControlCharsValidator(multiline=True)
    assert not has_control_chars("naïve — ✓\u00a0")
