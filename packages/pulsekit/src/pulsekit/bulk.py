"""Set-based bulk writes: one statement per batch instead of a save per row.

Updates: values travel as one array parameter per column (``unnest``), so a batch of
10,000 rows is a handful of parameters rather than tens of thousands of
individually adapted literals; PostgreSQL turns them back into rows and the
statement is the same set-based ``UPDATE … FROM <rows>`` as with ``VALUES``.
Inserts: ``COPY … FROM STDIN``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

DEFAULT_BATCH = 10_000


def chunks(rows: Sequence[Any], size: int = DEFAULT_BATCH) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _arrays(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


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
    """``UPDATE table t SET col = v.col, … [, extra_set] FROM unnest(…) v(key, cols…) WHERE t.key = v.key``.

    ``columns`` are ``(name, sql_type)`` pairs; each row is ``(key, *values)``. Names and types are
    identifiers chosen by the caller's code, never user input. Returns the number of rows updated.
    """
    names = [name for name, _ in columns]
    casts = ", ".join([f"%s::{key_type}[]", *(f"%s::{sql_type}[]" for _, sql_type in columns)])
    assignments = ", ".join([*(f'"{n}" = v."{n}"' for n in names), *([extra_set] if extra_set else [])])
    column_list = ", ".join([f'"{key}"', *(f'"{n}"' for n in names)])
    sql = (
        f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608 (identifiers come from code)
        f"FROM unnest({casts}) AS v({column_list}) "
        f'WHERE t."{key}" = v."{key}"'
    )
    updated = 0
    with connection.cursor() as cursor:
        for part in chunks(rows, batch):
            cursor.execute(sql, _arrays(part, len(columns) + 1))
            updated += cursor.rowcount
    return updated


def insert_rows(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Append many rows with ``COPY table (columns…) FROM STDIN`` in the current transaction.

    COPY streams the rows instead of building one huge statement: on 10,000 activity rows with
    JSON columns it took about a third of the time of ``INSERT … SELECT * FROM unnest(…)``
    (Django's psycopg cursor renders every parameter into the statement text). Values are sent
    in COPY's text format, so PostgreSQL converts them to the column types (a JSON string into
    ``jsonb``, say); ``None`` is NULL. Column names are identifiers from code, never user input.
    Returns the number of rows written.
    """
    names = ", ".join(f'"{name}"' for name in columns)
    with connection.cursor() as cursor, cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)
