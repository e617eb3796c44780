"""Production settings: refuse to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from config.django.base import *  # noqa: F403
from config.django.base import DEBUG, SECRET_KEY
from config.env import DEV_SECRET_KEY, env
from config.settings.logging import logging_settings

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production.")
if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("Set SECRET_KEY to a unique value of at least 32 characters in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Static files: collected at image build time with hashed names and compressed copies
# (deployment/docker/backend.Dockerfile), served by WhiteNoise; never looked up in the finders.
WHITENOISE_USE_FINDERS = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One JSON object per line for the log collector.
LOGGING = logging_settings(
    level=env("LOG_LEVEL", default="INFO"),
    json=env.bool("LOG_JSON", default=True),
    requests_level=env("LOG_REQUESTS", default="WARNING"),
)
