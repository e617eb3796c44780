"""Serializer fields that bound their input before doing any work on it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers
from rest_framework.utils import html


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


class StrictStringMixin:
    """Put it before a ``CharField`` (or a subclass): only a JSON string is a string.

    DRF's ``CharField`` turns a number into its text, so ``{"title": 0}`` is stored as ``"0"`` although the
    schema says ``string``: a client's type error goes unnoticed. Here anything but ``str`` is refused
    with DRF's own ``invalid`` message ("Not a valid string."). ``null`` is still governed by ``allow_null``.
    """

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str):
            self.fail("invalid")  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]


class StrictCharField(StrictStringMixin, serializers.CharField):
    """A ``CharField`` that takes strings only."""


class StrictEmailField(StrictStringMixin, serializers.EmailField):
    """An ``EmailField`` that takes strings only."""


class StrictRegexField(StrictStringMixin, serializers.RegexField):
    """A ``RegexField`` that takes strings only."""
