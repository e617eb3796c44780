"""Primary keys as clients send them: in range for a PostgreSQL ``bigint`` or not an id at all.

A path or query id past ``MAX_ID`` would make PostgreSQL raise (a 500) instead of finding
nothing (a 404); an id in a body past it is a 400.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest bigint, so the largest BigAutoField primary key


def valid_id(value: Any) -> int | None:
    """``value`` as a primary key (1 to ``MAX_ID``), else ``None``: ``"12"`` → 12, ``"x"``, ``0``, ``2**63`` → None."""
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def is_id(value: Any, *, allow_zero: bool = False) -> bool:
    """Whether ``value`` already is an ``int`` id (never a ``bool``), from 1 (or 0) to ``MAX_ID``."""
    return isinstance(value, int) and not isinstance(value, bool) and (0 if allow_zero else 1) <= value <= MAX_ID


def id_field(**kwargs: Any) -> serializers.IntegerField:
    """A DRF ``IntegerField`` for a primary key in a request body: whole numbers 1 to ``MAX_ID``."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)
