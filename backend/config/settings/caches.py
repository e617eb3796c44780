"""Caches: the shared cache (websocket tickets, bulk progress) and the throttle counters.

Throttle counters have their own alias so that no other traffic can evict them: in Redis they
live under their own key prefix (keep Redis on its default ``maxmemory-policy noeviction``); in
the database fallback they have their own table, which never drops a live entry.
"""

from typing import Any

THROTTLE_CACHE = "throttle"


def cache_settings(redis_url: str) -> dict[str, dict[str, Any]]:
    """``CACHES`` for a deployment with (``redis_url``) or without Redis."""
    if redis_url:
        return {
            alias: {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": prefix,
            }
            for alias, prefix in (("default", "pulse"), (THROTTLE_CACHE, "pulse-throttle"))
        }
    # In the database, so still shared by every server process (`make run` may start more than one).
    return {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "pulse_cache"},
        THROTTLE_CACHE: {
            "BACKEND": "pulse.common.cache.NoEvictionDatabaseCache",
            "LOCATION": "pulse_throttle",
            # Past this many rows a write first deletes the expired ones (never a live one).
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
    }
