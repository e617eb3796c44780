"""Set-based bulk writes: one statement per batch instead of a save per row.

Updates: the rows travel as one JSON document, so a batch of 10,000 rows is one
parameter rather than tens of thousands of individually adapted literals;
PostgreSQL turns it back into rows and the statement is the same set-based
``UPDATE … FROM <rows>`` as with ``VALUES``.
Inserts: ``COPY … FROM STDIN``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection

DEFAULT_BATCH = 10_000


def chunks(rows: Sequence[Any], size: int = DEFAULT_BATCH) -> list[Sequence[Any]]:
    return [rows[i : i + size] for i in range(0, len(rows), size)]


def _encode(value: Any) -> Any:
    """JSON for what ``json`` does not know: dates and times as ISO 8601 (full precision), else ``str``."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


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
    """``UPDATE table t SET col = v.col, … [, extra_set] FROM <rows> v WHERE t.key = v.key``.

    ``columns`` are ``(name, sql_type)`` pairs; each row is ``(key, *values)`` (a ``jsonb`` column
    takes JSON text). The rows travel as one JSON array of arrays, expanded with
    ``jsonb_array_elements`` and each value cast to its column's type: one parameter whatever the
    batch size, and on 10,000 rows ~15% faster than one array parameter per column with ``unnest``,
    whose 10,000-element literals the client has to render and escape. Names and types are
    identifiers chosen by the caller's code, never user input. Returns the number of rows updated.
    """
    values = ", ".join(f'"{name}" = (v.r->>{i})::{sql_type}' for i, (name, sql_type) in enumerate(columns, start=1))
    assignments = ", ".join([values, *([extra_set] if extra_set else [])])
    sql = (
        f'UPDATE "{table}" AS t SET {assignments} '  # noqa: S608 (identifiers come from code)
        f"FROM jsonb_array_elements(%s::jsonb) AS v(r) "
        f'WHERE t."{key}" = (v.r->>0)::{key_type}'
    )
    updated = 0
    with connection.cursor() as cursor:
        for part in chunks(rows, batch):
            cursor.execute(sql, [json.dumps(list(part), default=_encode, separators=(",", ":"))])
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
