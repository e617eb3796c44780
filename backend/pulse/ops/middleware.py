"""Probe requests answered before host validation and the HTTPS redirect.

The kubelet calls ``/healthz`` and ``/readyz`` on the pod's IP over plain HTTP: with
``ALLOWED_HOSTS`` the pod IP is rejected (400) and with ``SECURE_SSL_REDIRECT`` the probe gets a
301, which the kubelet counts as success. Both would hide a broken pod, so these two paths (GET
only, exact match) are served here, first in the chain, and every other path goes through the
normal middleware.

``/metrics`` is served here too, but only to a scraper presenting the metrics token: Prometheus
scrapes each pod by its IP, which host validation would refuse. Anyone else (a staff session)
goes through the normal chain.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from pulse.ops import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": views.healthz, "/readyz": views.readyz}


class ProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None and request.method == "GET":
            return probe(request)
        if request.path_info == "/metrics" and request.method == "GET" and views.metrics_scraper(request):
            return views.metrics(request)
        return self.get_response(request)
