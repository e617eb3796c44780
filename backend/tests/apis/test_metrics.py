"""/metrics: the metrics token (Bearer) or a staff session; public only when configured so."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from tests.apis.support import assert_error
from tests.conftest import client_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TOKEN = "scrape-" + "s3cr3t" * 6
POD = "10.42.3.17:8000"
PRODUCTION_LIKE = {"ALLOWED_HOSTS": ["pulse.example.com"], "SECURE_SSL_REDIRECT": True, "DEBUG": False}


@pytest.fixture
def metrics_settings(settings: Any) -> Any:
    def configure(*, token: str = "", public: bool = False) -> None:
        settings.PULSE = {**settings.PULSE, "METRICS_TOKEN": token, "METRICS_PUBLIC": public}

    return configure


def assert_refused(response: Any) -> None:
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert b"django_http" not in response.content


def assert_metrics(response: Any) -> None:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("text/plain")
    assert b"django_http_requests_total_by_method_total" in response.content


def test_closed_by_default(settings: Any) -> None:
    assert settings.PULSE["METRICS_PUBLIC"] is False
    assert settings.PULSE["METRICS_TOKEN"] == ""
    assert_refused(Client().get("/metrics"))


def test_the_token_opens_it_and_nothing_else_does(metrics_settings: Any) -> None:
    metrics_settings(token=TOKEN)
    assert_metrics(Client().get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    for header in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", f"Basic {TOKEN}", TOKEN, "Bearer ", ""):
        assert_refused(Client().get("/metrics", HTTP_AUTHORIZATION=header))


def test_no_token_configured_means_no_token_works(metrics_settings: Any) -> None:
    metrics_settings(token="")
    for header in ("Bearer ", "Bearer", "Bearer x"):
        assert_refused(Client().get("/metrics", HTTP_AUTHORIZATION=header))


def test_a_staff_session_may_look_but_not_other_people(metrics_settings: Any) -> None:
    metrics_settings(token=TOKEN)
    staff, member = make_user("ops", is_staff=True), make_user("member")
    browser = Client()
    browser.force_login(member)
    assert_refused(browser.get("/metrics"))
    assert_refused(client_for(member).get("/metrics"))  # an API token is not the metrics token
    browser.force_login(staff)
    assert_metrics(browser.get("/metrics"))


def test_public_only_when_configured(metrics_settings: Any) -> None:
    metrics_settings(public=True)
    assert_metrics(Client().get("/metrics"))


def test_the_scraper_reaches_it_on_the_pod_ip(metrics_settings: Any) -> None:
    """Prometheus scrapes each pod by its address, over plain HTTP: host validation and the HTTPS
    redirect must not stand in the way of a scraper with the token (and still stand in everyone else's)."""
    metrics_settings(token=TOKEN)
    with override_settings(**PRODUCTION_LIKE):
        assert_metrics(Client(HTTP_HOST=POD).get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
        assert Client(HTTP_HOST=POD).get("/metrics").status_code == 400
        assert Client(HTTP_HOST="pulse.example.com").get("/metrics").status_code == 301
