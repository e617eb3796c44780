"""Minimal Django settings for pulsekit's own tests: PostgreSQL, DRF and one small test app."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import unquote, urlsplit


def database_from_url(url: str) -> dict[str, Any]:
    """``postgres://user:password@host:port/dbname`` → a Django DATABASES entry.

    The database name is not the URL's path: pulsekit's test database must never be the
    backend's (``test_pulse``), so both suites can run against one server. It is ``pulsekit``
    (tests in ``test_pulsekit``), or ``PULSEKIT_DATABASE_NAME`` so that two checkouts can run the
    suite at once.
    """
    name = os.environ.get("PULSEKIT_DATABASE_NAME") or "pulsekit"
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgres:// URL, not {parts.scheme!r}.")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parts.username or "postgres"),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "TEST": {"NAME": f"test_{name}"},
    }


SECRET_KEY = "pulsekit-tests-only"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "tests.testapp.urls"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse"))}

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "rest_framework",
    "tests.testapp",
]
MIDDLEWARE: list[str] = []
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "pulsekit.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "pulsekit.pagination.PageNumber",
    "PAGE_SIZE": 20,
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
