"""Logs: every line, Django's and Pulse's alike, carries the request id (HTTP and websocket
requests, set by django-structlog's middleware) or the Celery task id (set by its worker
signals). Readable key=value lines on a laptop, one JSON object per line in production.
"""

from typing import Any

import structlog

# What each line gets before it is rendered, whichever logging call made it.
_SHARED_PROCESSORS: list[Any] = [
    structlog.contextvars.merge_contextvars,  # request_id, task_id, user_id, …
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def _request_id_of_django_request(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """Django logs each 4xx/5xx response (``django.request``) after the request's context is
    unbound; the id is on the request it passes along."""
    if "request_id" not in event_dict:
        request_id = getattr(getattr(event_dict.get("_record"), "request", None), "request_id", None)
        if request_id:
            event_dict["request_id"] = request_id
    return event_dict


def logging_settings(*, level: str, json: bool, requests_level: str = "WARNING") -> dict[str, Any]:
    """``LOGGING`` (and structlog's own set-up, done here once) for the chosen output."""
    structlog.configure(
        processors=[
            *_SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False, pad_event_to=0, pad_level=False)
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "()": structlog.stdlib.ProcessorFormatter,
                "foreign_pre_chain": [
                    *_SHARED_PROCESSORS,
                    _request_id_of_django_request,
                    structlog.stdlib.ExtraAdder(allow=["status_code"]),
                ],
                "processors": [
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info,
                    renderer,
                ],
            }
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Its per-request started/finished lines would double the log volume; the context it
            # binds (the request id) is what Pulse wants from it. LOG_REQUESTS=INFO turns them on.
            "django_structlog": {"level": requests_level},
        },
    }
