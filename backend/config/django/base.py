"""Settings shared by every environment. Environment-specific modules import this."""

import sys

from config.env import BASE_DIR, DEV_SECRET_KEY, REPO_DIR, env
from config.settings.caches import *  # noqa: F403
from config.settings.celery import *  # noqa: F403
from config.settings.cors import *  # noqa: F403
from config.settings.email import *  # noqa: F403
from config.settings.jwt import *  # noqa: F403
from config.settings.logging import logging_settings
from config.settings.spectacular import *  # noqa: F403

SECRET_KEY = env("SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "pulse.accounts.admin_apps.PulseAdminConfig",  # django.contrib.admin, its login form throttled
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_prometheus",
    "pulse.accounts",
    "pulse.projects",
    "pulse.activity",
    "pulse.dashboard",
    "pulse.search",
    "pulse.realtime",
    "pulse.bulk",
    "pulse.notifications",
    "anymail",
    "channels",
    "pulse.ops",
    "django_structlog",
]

MIDDLEWARE = [
    "pulse.ops.middleware.ProbeMiddleware",  # before host validation and the HTTPS redirect
    "pulse.common.limits.RequestBodyLimitMiddleware",  # 413 before anything reads the body
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "pulse.ops.request_ids.RequestIdMiddleware",
    "django_structlog.middlewares.RequestMiddleware",  # the request id on every log line
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"
WSGI_APPLICATION = "config.wsgi.application"
APPEND_SLASH = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/pulse")}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # connections come from the pool below
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DATABASES["default"].setdefault("OPTIONS", {})
# A bounded pool per server process: a burst of concurrent requests waits for a connection instead of
# exhausting the database's max_connections. Not in Celery workers: they fork, and the pool's
# threads do not survive a fork (a worker runs one task at a time anyway).
_IS_CELERY = "celery" in " ".join(sys.argv[:2])
if env.int("DB_POOL_MAX_SIZE", default=16) > 0 and not _IS_CELERY:
    DATABASES["default"]["OPTIONS"]["pool"] = {
        "min_size": env.int("DB_POOL_MIN_SIZE", default=1),
        "max_size": env.int("DB_POOL_MAX_SIZE", default=16),
        "timeout": env.float("DB_POOL_TIMEOUT", default=30.0),
    }
# Typo tolerance: a misspelt word shares about a third of its trigrams with the right one.
# JIT off: our queries are short OLTP ones, where JIT compilation costs far more than it saves
# (measured: the project list page went from ~760 ms to ~100 ms on 100k projects).
DATABASES["default"]["OPTIONS"]["options"] = "-c pg_trgm.word_similarity_threshold=0.3 -c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
CACHES = cache_settings(REDIS_URL)

if REDIS_URL:
    # Pub/sub layer: one PUBLISH per event, fanned out in-process to every subscribed socket
    # (measured against RedisChannelLayer in bench/ws_bench.py; see README).
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Pub/sub ignores the database number: the prefix keeps environments sharing a Redis apart.
            "CONFIG": {"hosts": [REDIS_URL], "prefix": env("CHANNEL_LAYER_PREFIX", default="pulse")},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": 20_000}}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["pulse.accounts.auth.UsernameOrEmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "pulse.accounts.validators.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = REPO_DIR / "var" / "static"
# The web app's production build, served at / (pulse.common.spa).
SPA_DIST_DIR = REPO_DIR / "frontend" / "dist"
# Serve app static files (Swagger UI / Redoc bundles) straight from the installed packages, so the
# docs work without a collectstatic step; production images still run collectstatic.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
FRONTEND_DIST = REPO_DIR / "frontend" / "dist"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["pulse.accounts.auth.JWTAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
    # orjson, with JSON nesting bounded to 32 levels (a 400 parse_error beyond).
    "DEFAULT_PARSER_CLASSES": ["pulse.common.parsers.JSONParser"],
    # Whatever a parser raises on a bad body is a 400, never a 500 (pulsekit.parsers).
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "pulsekit.parsers.GuardedContentNegotiation",
    "DEFAULT_PAGINATION_CLASS": "pulsekit.pagination.PageNumber",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pulsekit.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("LOGIN_THROTTLE_RATE", default="10/min"),
        "login_user": env("LOGIN_USER_THROTTLE_RATE", default="5/min"),
        "ws_ticket": env("WS_TICKET_THROTTLE_RATE", default="30/min"),
        "ws_ticket_ip": env("WS_TICKET_IP_THROTTLE_RATE", default="120/min"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

PULSE = {
    "TRASH_RETENTION_DAYS": env.int("TRASH_RETENTION_DAYS", default=30),
    "OUTBOX_SWEEP_SECONDS": env.float("OUTBOX_SWEEP_SECONDS", default=2.0),
    "REPLAY_MAX_EVENTS": env.int("REPLAY_MAX_EVENTS", default=10_000),
    "REPLAY_MAX_AGE_SECONDS": env.int("REPLAY_MAX_AGE_SECONDS", default=24 * 3600),
    "DASHBOARD_DEBOUNCE_SECONDS": env.float("DASHBOARD_DEBOUNCE_SECONDS", default=0.5),
    "SESSION_RECHECK_SECONDS": env.float("SESSION_RECHECK_SECONDS", default=60.0),
    "CATCH_UP_SECONDS": env.float("CATCH_UP_SECONDS", default=5.0),
    # Websocket bounds per user and per socket (pulse.realtime.consumers).
    "WS_MAX_SOCKETS_PER_USER": env.int("WS_MAX_SOCKETS_PER_USER", default=20),
    "WS_MAX_FRAME_BYTES": env.int("WS_MAX_FRAME_BYTES", default=65_536),
    "WS_MESSAGE_RATE": env.float("WS_MESSAGE_RATE", default=10.0),
    "WS_MESSAGE_BURST": env.int("WS_MESSAGE_BURST", default=60),
    # /metrics: a scraper sends "Authorization: Bearer <METRICS_TOKEN>"; staff sessions may look too.
    # Open to anyone only when METRICS_PUBLIC is set explicitly (pulse.ops.views.metrics).
    "METRICS_TOKEN": env("METRICS_TOKEN", default=""),
    "METRICS_PUBLIC": env.bool("METRICS_PUBLIC", default=False),
    # Request bodies over this are refused with 413 unread (pulse.common.limits); nginx has the same cap.
    "MAX_REQUEST_BODY_BYTES": env.int("MAX_REQUEST_BODY_BYTES", default=2 * 1024 * 1024),
    # Run the beat schedule inside the web process when there is no broker (the `make run` laptop setup).
    "LOCAL_BEAT": env.bool("LOCAL_BEAT", default=str(CELERY_BROKER_URL).startswith("memory://")),
}

# Django's own check of form and body sizes, at the same cap (DRF's parsers do not consult it).
DATA_UPLOAD_MAX_MEMORY_SIZE = PULSE["MAX_REQUEST_BODY_BYTES"]

LOGGING = logging_settings(
    level=env("LOG_LEVEL", default="INFO"),
    json=env.bool("LOG_JSON", default=False),
    requests_level=env("LOG_REQUESTS", default="WARNING"),
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False  # the proxy logs addresses; ours would be its own
# A request id from the proxy in front (a plain token: pulse.ops.request_ids) is kept, so both logs match.
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
