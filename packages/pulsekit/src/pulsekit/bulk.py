"""Set-based bulk writes: one ``UPDATE … FROM (VALUES …)`` per batch instead of a save per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

DEFAULT_BATCH = 1000


def chunks(rows: Sequence[Any], size: int = DEFAULT_BATCH) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def update_from_values(
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    key: str = "id",
    key_type: str = "bigint",
    extra_set: str = "",
    batch: int = DEFAULT_BATCH,
) -> int:
    """``UPDATE table t SET col = v.col, … [, extra_set] FROM (VALUES …) v(key, cols…) WHERE t.key = v.key``.

    ``columns`` are ``(name, sql_type)`` pairs; each row is ``(key, *values)``. Names are
    identifiers chosen by the caller's code, never user input. Returns rows updated.
    """
    names = [name for name, _ in columns]
    casts = [f"%s::{key_type}", *(f"%s::{sql_type}" for _, sql_type in columns)]
    assignments = ", ".join([*(f'"{n}" = v."{n}"' for n in names), *([extra_set] if extra_set else [])])
    column_list = ", ".join([f'"{key}"', *(f'"{n}"' for n in names)])
    updated = 0
    with connection.cursor() as cursor:
        for part in chunks(rows, batch):
            placeholders = ", ".join(f"({', '.join(casts)})" for _ in part)
            params = [value for row in part for value in row]
            cursor.execute(
                f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608 (identifiers come from code)
                f"FROM (VALUES {placeholders}) AS v({column_list}) "
                f'WHERE t."{key}" = v."{key}"',
                params,
            )
            updated += cursor.rowcount
    return updated
