"""Test settings with ``channels_redis.core.RedisChannelLayer`` instead of the pub/sub layer.

Only for the comparison run of ``bench/ws_bench.py --layer core``: everything else is
``config.django.test`` unchanged (same hosts and prefix too), so the two runs differ in the
channel layer alone. Serve with ``DJANGO_SETTINGS_MODULE=bench.settings_core_layer`` and the
repository root on ``PYTHONPATH`` (plus ``backend/``). The layer's own defaults (capacity 100,
expiry 60 s, group expiry 24 h) are kept.
"""

from config.django.test import *  # noqa: F403
from config.django.test import CHANNEL_LAYERS as _CONFIGURED

if _CONFIGURED["default"]["BACKEND"] != "channels_redis.pubsub.RedisPubSubChannelLayer":
    raise RuntimeError("bench.settings_core_layer expects REDIS_URL set (the pub/sub layer configured)")

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": dict(_CONFIGURED["default"]["CONFIG"]),
    }
}
