"""Liveness and readiness: plain Django views, no auth."""

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from pulse.ops.checks import run_checks


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    ok, results = run_checks()
    return JsonResponse({"status": "ok" if ok else "unavailable", "checks": results}, status=200 if ok else 503)
