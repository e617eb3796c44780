"""Serializer fields that bound their input before doing any work on it, and the one rule for
control characters in text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.deconstruct import deconstructible
from rest_framework import serializers
from rest_framework.utils import html

# C0 controls (U+0000-U+001F) and DEL. Multi-line text keeps tab, line feed and carriage return.
_SINGLE_LINE_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

CONTROL_CHARS_MESSAGE = "Control characters are not allowed here."
MULTI_LINE_CONTROL_CHARS_MESSAGE = "Control characters other than tab and line breaks are not allowed here."


def has_control_chars(value: str, *, multiline: bool = False) -> bool:
    """Does ``value`` hold a character text input must never carry?

    One-line text (titles, names, reasons, query parameters) refuses every C0 control and DEL;
    multi-line text (descriptions) allows tab, LF and CR. Invisible codes in stored text confuse
    everything downstream: jsonb refuses NUL, terminals and mail clients act on escapes, and
    ``ts_headline`` markers once turned ``\\x02`` in a title into ``<mark>``.
    """
    return (_MULTI_LINE_CONTROLS if multiline else _SINGLE_LINE_CONTROLS).search(value) is not None


@deconstructible
class NoControlCharsValidator:
    """Model-field (and form) validator for :func:`has_control_chars`: services that ``full_clean()``
    and the admin's forms apply the same rule as the API."""

    code = "control_characters"

    def __init__(self, *, multiline: bool = False) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and has_control_chars(value, multiline=self.multiline):
            message = MULTI_LINE_CONTROL_CHARS_MESSAGE if self.multiline else CONTROL_CHARS_MESSAGE
            raise ValidationError(message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoControlCharsValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash((type(self), self.multiline))


class PlainTextField(serializers.CharField):
    """A ``CharField`` for text people type: one line unless ``multiline=True`` (which keeps tab,
    LF and CR). Use it for every string that is stored or echoed back.

    Control characters are refused in the raw input, before DRF trims it: ``CharField`` strips
    ``\\x1c``-``\\x1f`` and ``\\x0b``/``\\x0c`` as whitespace, so a check on the trimmed value would
    silently drop some of them and let the ones in the middle through. This replaces DRF's own NUL
    check (a separate, narrower rule with its own message)."""

    def __init__(self, *, multiline: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.multiline = multiline
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if isinstance(data, str) and has_control_chars(data, multiline=self.multiline):
            raise serializers.ValidationError(
                MULTI_LINE_CONTROL_CHARS_MESSAGE if self.multiline else CONTROL_CHARS_MESSAGE,
                code=NoControlCharsValidator.code,
            )
        return super().run_validation(data)


class PlainEmailField(PlainTextField, serializers.EmailField):
    """An ``EmailField`` without control characters (Django's validator accepts them inside a
    quoted local part, ``"a\\x07b"@example.com``)."""


class BoundedListField(serializers.ListField):
    """A ``ListField`` that checks its length *before* validating any element.

    DRF's ``ListField`` validates every element and only then applies ``max_length``: a request
    with a million-element list costs a million child validations (and, when they fail, a
    million-entry error body) before being refused. Here an overlong list is refused at once,
    with DRF's own message. ``max_length`` is required: an unbounded list is what this prevents.
    """

    def __init__(self, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def to_internal_value(self, data: Any) -> list[Any]:
        if html.is_html_input(data):
            data = html.parse_html_list(data, default=[])
        if isinstance(data, str | Mapping) or not hasattr(data, "__len__") or not hasattr(data, "__iter__"):
            self.fail("not_a_list", input_type=type(data).__name__)
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if self.min_length is not None and len(data) < self.min_length:
            self.fail("min_length", min_length=self.min_length)
        return super().to_internal_value(data)  # type: ignore[no-any-return]
