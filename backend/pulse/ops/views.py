"""Liveness and readiness (plain Django views, no auth) and the Prometheus metrics (token or staff)."""

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from django_prometheus.exports import ExportToDjangoView

from pulse.ops.checks import run_checks
from pulsekit.errors import error_body


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ok, results = run_checks()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503)


def metrics_scraper(request: HttpRequest) -> bool:
    """``Authorization: Bearer <METRICS_TOKEN>`` (when a token is set), or METRICS_PUBLIC explicitly on."""
    if settings.PULSE["METRICS_PUBLIC"]:
        return True
    token = str(settings.PULSE["METRICS_TOKEN"])
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token) and scheme.lower() == "bearer" and hmac.compare_digest(credentials.strip().encode(), token.encode())
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """The scraper's token, or a signed-in staff session (the admin's)."""
    user = getattr(request, "user", None)
    return metrics_scraper(request) or bool(user is not None and user.is_active and user.is_staff)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus exposition. Request counts, latencies and database timings say a lot about who uses
    the service and how: not for everyone (SPEC §12)."""
    if not metrics_allowed(request):
        response = JsonResponse(
            error_body("not_authenticated", "Metrics need the metrics token (Bearer) or a staff session."),
            status=401,
        )
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return ExportToDjangoView(request)
