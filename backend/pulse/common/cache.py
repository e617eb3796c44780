"""A database cache that never evicts a live entry, for state other traffic must not push out."""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.db import DatabaseCache
from django.db import connections


class NoEvictionDatabaseCache(DatabaseCache):
    """Django's database cache, minus the eviction of live entries.

    Over ``MAX_ENTRIES`` the stock backend deletes a share of the rows in key order, expired or
    not, so whoever can write many keys (minting websocket tickets, say) can erase a throttle's
    history. Here crossing ``MAX_ENTRIES`` only removes expired rows: the table is bounded by
    what is alive at once, which for throttle counters is one row per address or account seen
    within the longest throttle window.
    """

    def _cull(self, db: str, cursor: Any, now: Any, num: int) -> None:
        connection = connections[db]
        # The table name comes from settings (LOCATION), quoted; only the instant is a parameter.
        table = connection.ops.quote_name(self._table)  # type: ignore[attr-defined]
        cursor.execute(
            f"DELETE FROM {table} WHERE expires < %s",  # noqa: S608
            [connection.ops.adapt_datetimefield_value(now)],
        )
