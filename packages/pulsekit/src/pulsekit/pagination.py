"""Pagination classes: page numbers for collections, cursors for feeds."""

from __future__ import annotations

import binascii
import re
from base64 import b64decode
from typing import Any
from urllib.parse import parse_qs

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request

from pulsekit.errors import ValidationFailed

# A cursor this package issues is a few dozen characters; anything much longer was not issued here.
MAX_CURSOR_LENGTH = 512
_DIGITS = re.compile(r"[0-9]{1,7}")
_CURSOR_KEYS = frozenset({"o", "r", "p"})


class InvalidCursor(ValidationFailed):
    code = "invalid_cursor"
    default_message = "The cursor is not one this list issued: start again from the first page."

    def __init__(self, reason: str) -> None:
        super().__init__(details={"cursor": [reason]})


_PAGE_SIZE = re.compile(r"[0-9]{1,18}")


def strict_page_size(request: Request, *, param: str | None, default: int | None, maximum: int | None) -> int | None:
    """``?page_size=``: absent is the default, above ``maximum`` is ``maximum``; anything but a whole number
    from 1 is a ``400 validation_error`` on the parameter. (DRF falls back to the default for ``0.5``,
    ``true`` or ``-5``, so a client's mistake looks like a short page.)"""
    raw = request.query_params.get(param) if param else None
    if param is None or raw is None:
        return default
    if not _PAGE_SIZE.fullmatch(raw) or int(raw) < 1:
        limit = f" to {maximum}" if maximum else ""
        raise ValidationFailed(details={param: [f"A whole number from 1{limit}."]})
    return min(int(raw), maximum) if maximum else int(raw)


class PageNumber(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request: Request) -> int | None:
        return strict_page_size(
            request, param=self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )


def _ordering_field(model: type[models.Model], path: str) -> models.Field[Any, Any] | None:
    """The model field a ``__``-separated ordering path ends on, or ``None`` when it is not a plain field
    (an annotation, say): then the position is only checked for what any SQL literal must satisfy."""
    field: Any = None
    current: Any = model
    for part in path.split("__"):
        if current is None:
            return None
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return None
        current = field.related_model if field.is_relation else None
    if field is None or (field.is_relation and not field.concrete):
        return None
    if field.is_relation:
        field = field.target_field
    return field if isinstance(field, models.Field) else None


class GuardedCursor(CursorPagination):
    """DRF's cursor pagination with one decoding guard: any cursor this class would not have issued is a
    ``400 invalid_cursor`` on ``cursor``, in the error shape, before the database sees it.

    DRF checks only that the offset and the reverse flag are integers (a forged one is a 404) and passes
    the position straight into ``filter(<field>__lt=position)``: a position that is not the ordering
    field's type, out of its column's range, or holding a NUL byte used to reach the ORM or PostgreSQL
    and answer 500. Here the cursor must be strict base64 of at most ``MAX_CURSOR_LENGTH`` characters, its
    query string only ``o`` (an offset up to ``offset_cutoff``), ``r`` (``0`` or ``1``) and ``p``, each
    once, and the position must be a valid value of the ordering field (a positive one for an integer
    primary key), so a cursor from another ordering or another list's type is refused too.
    """

    invalid_cursor_message = InvalidCursor.default_message
    _model: type[models.Model] | None = None

    def get_page_size(self, request: Request) -> int | None:
        return strict_page_size(
            request, param=self.page_size_query_param, default=self.page_size, maximum=self.max_page_size
        )

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self._model = getattr(queryset, "model", None)
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        if len(encoded) > MAX_CURSOR_LENGTH:
            raise InvalidCursor(f"Longer than {MAX_CURSOR_LENGTH} characters.")
        try:
            text = b64decode(encoded.encode("ascii"), validate=True).decode("ascii")
            tokens = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), max_num_fields=3)
        except (UnicodeError, binascii.Error, ValueError):
            raise InvalidCursor("Not a cursor this list issued.") from None
        if set(tokens) - _CURSOR_KEYS or any(len(values) != 1 for values in tokens.values()):
            raise InvalidCursor("Not a cursor this list issued.")
        offset = tokens.get("o", ["0"])[0]
        if not _DIGITS.fullmatch(offset) or int(offset) > self.offset_cutoff:
            raise InvalidCursor(f"The offset must be a whole number from 0 to {self.offset_cutoff}.")
        reverse = tokens.get("r", ["0"])[0]
        if reverse not in {"0", "1"}:
            raise InvalidCursor("The direction must be 0 or 1.")
        position = tokens.get("p", [None])[0]
        if position is not None:
            self._check_position(position)
        # The stubs say int; DRF keeps positions as the text it encodes (str(value)), as here.
        return Cursor(offset=int(offset), reverse=reverse == "1", position=position)  # type: ignore[arg-type]

    def _check_position(self, position: str) -> None:
        if "\x00" in position:
            raise InvalidCursor("The position must not contain NUL bytes.")
        ordering = self.ordering[0] if isinstance(self.ordering, list | tuple) else self.ordering
        field = _ordering_field(self._model, ordering.lstrip("-")) if self._model is not None else None
        if field is None:
            return
        try:
            value = field.to_python(position)
            field.run_validators(value)
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise InvalidCursor("The position does not fit this list's ordering.") from None
        if value is None or (field.primary_key and isinstance(value, int) and value < 1):
            raise InvalidCursor("The position does not fit this list's ordering.")


class IdCursor(GuardedCursor):
    """Newest first by a monotonically increasing id: stable under inserts."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
