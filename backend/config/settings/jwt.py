from datetime import timedelta

from config.env import env

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env.int("JWT_ACCESS_MINUTES", default=5)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_AUTHENTICATION_RULE": "pulse.accounts.auth.user_can_authenticate",
}

if SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"] > timedelta(minutes=15):  # type: ignore[operator]
    raise ValueError("JWT_ACCESS_MINUTES must be at most 15")
