"""The request id: taken from the proxy's ``X-Request-ID`` when it is a plain token, made up
otherwise (django-structlog's middleware binds it to every log line), and sent back in the
response's ``X-Request-ID`` so a user's report can be matched with the server's log."""

import re
from collections.abc import Callable
from typing import Any

import structlog
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django_structlog.signals import bind_extra_request_metadata

# Anything else from outside (8 KB of text, control characters, JSON) is not trusted as an id.
_TOKEN = re.compile(r"[A-Za-z0-9._:-]{1,128}\Z")


class RequestIdMiddleware:
    """Placed just before django-structlog's ``RequestMiddleware``."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        upstream = request.META.get("HTTP_X_REQUEST_ID")
        if upstream is not None and not _TOKEN.match(upstream):
            del request.META["HTTP_X_REQUEST_ID"]
        response = self.get_response(request)
        request_id = getattr(request, "request_id", None)
        if request_id:
            response.headers["X-Request-ID"] = request_id
        return response


@receiver(bind_extra_request_metadata)
def _remember_request_id(request: HttpRequest, **_: Any) -> None:
    # Django logs a 4xx/5xx response after the middleware has unbound the id: keep it on the request.
    request.request_id = structlog.contextvars.get_contextvars().get("request_id")  # type: ignore[attr-defined]
