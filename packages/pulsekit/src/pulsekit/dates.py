"""Dates and times as the API writes them: ISO 8601, instants in UTC with a ``Z``."""

from __future__ import annotations

import datetime


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """``2026-12-04T09:30:15.123456Z``: an aware instant in UTC with ``Z``; ``None`` stays ``None``.

    A naive value is written as it is (no offset): it names no instant to convert.
    """
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(datetime.UTC)
    return value.isoformat().replace("+00:00", "Z")


def iso_date(value: datetime.date | None) -> str | None:
    """``2026-12-04``; ``None`` stays ``None``."""
    return value.isoformat() if value is not None else None
