"""Kubernetes probes reach /healthz and /readyz on the pod IP over plain HTTP (deployment/k8s).

With production's host and TLS settings any other path from that address is refused or
redirected; the probes must answer for real, or a 301 (success to the kubelet) hides a dead pod.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

POD = "10.42.3.17:8000"
PRODUCTION_LIKE = {"ALLOWED_HOSTS": ["pulse.example.com"], "SECURE_SSL_REDIRECT": True, "DEBUG": False}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probe_answers_on_the_pod_ip_without_redirect(path: str, db: Any) -> None:
    with override_settings(**PRODUCTION_LIKE):
        response = Client(HTTP_HOST=POD).get(path)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ok"


def test_readyz_still_reports_a_failed_dependency(db: Any) -> None:
    with override_settings(**PRODUCTION_LIKE, REDIS_URL="redis://127.0.0.1:1/0"):
        response = Client(HTTP_HOST=POD).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


def test_other_paths_keep_host_validation_and_the_https_redirect(db: Any) -> None:
    with override_settings(**PRODUCTION_LIKE):
        client = Client(HTTP_HOST=POD)
        assert client.get("/api/v1/auth/me/").status_code == 400  # pod IP is not an allowed host
        assert client.get("/healthz/").status_code == 400  # exact paths only
        redirected = Client(HTTP_HOST="pulse.example.com").get("/healthz/")
    assert redirected.status_code == 301 and redirected["Location"].startswith("https://")


def test_only_get_is_short_circuited(db: Any) -> None:
    with override_settings(**PRODUCTION_LIKE):
        response = Client(HTTP_HOST=POD).post("/healthz")
    assert response.status_code == 400  # went through the normal chain, where the host is refused
