"""One error shape for every 4xx/5xx: unknown paths, wrong methods, auth failures, unexpected exceptions."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from pulse.projects import apis as project_apis
from tests.apis.support import API, assert_error, body_of, member_url, project_url, state
from tests.conftest import client_for, etag_of
from tests.factories import make_project, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [f"{API}/nope/", f"{API}/projects/1/nope/", f"{API}/projects/1/transitions/", f"{API}/", f"{API}/tags/x/y/"],
)
@pytest.mark.parametrize("authenticated", [True, False])
def test_unknown_api_path_is_404_in_the_error_shape(path: str, authenticated: bool) -> None:
    client = client_for(make_user("visitor") if authenticated else None)
    for method in ("get", "post", "delete"):
        assert_error(getattr(client, method)(path), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", f"{API}/projects/", {"GET", "POST"}),
        ("put", f"{API}/projects/", {"GET", "POST"}),
        ("post", "PROJECT", {"GET", "PATCH", "PUT", "DELETE"}),
        ("put", "MEMBER", {"GET", "PATCH", "DELETE"}),
        ("post", f"{API}/dashboard/", {"GET"}),
        ("patch", f"{API}/tags/", {"GET", "POST"}),
        ("delete", f"{API}/activity/", {"GET"}),
        ("post", f"{API}/search/", {"GET"}),
        ("get", "TRANSITION", {"POST"}),
        ("get", "RESTORE", {"POST"}),
        ("delete", f"{API}/auth/me/", {"GET", "PATCH"}),
        ("get", f"{API}/auth/token/", {"POST"}),
    ],
)
def test_wrong_method_is_405_in_the_error_shape_with_allow(method: str, path: str, allowed: set[str]) -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Methods")
    member_id = project.members.get().pk
    path = {
        "PROJECT": project_url(project.pk),
        "MEMBER": member_url(project.pk, member_id),
        "TRANSITION": f"{API}/projects/{project.pk}/transitions/start/",
        "RESTORE": f"{API}/projects/{project.pk}/restore/",
    }.get(path, path)
    before = state()

    response = getattr(client_for(owner), method)(path, {}, format="json")

    assert_error(response, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in response["Allow"].split(",")}
    assert state() == before


def test_anonymous_is_401_with_www_authenticate() -> None:
    response = client_for(None).get(f"{API}/projects/")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unexpected_exception_in_a_read_is_500_in_the_error_shape(monkeypatch: Any, caplog: Any) -> None:
    def explode(**kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(project_apis.selectors, "project_list", explode)
    with caplog.at_level(logging.ERROR):
        response = client_for(make_user("unlucky")).get(f"{API}/projects/")

    error = assert_error(response, 500, "server_error")
    assert "secret internal detail" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    assert error["details"] == {}
    assert any("secret internal detail" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_unexpected_exception_in_the_dashboard_is_500(monkeypatch: Any) -> None:
    def explode(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr("pulse.dashboard.apis.dashboard", explode)
    assert_error(client_for(make_user("unlucky")).get(f"{API}/dashboard/"), 500, "server_error")


def test_unexpected_exception_during_a_write_is_500_and_writes_nothing(monkeypatch: Any) -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Fragile")
    client = client_for(owner)
    url = project_url(project.pk)
    etag = etag_of(client, url)

    def explode(**kwargs: Any) -> Any:
        raise RuntimeError("the outbox write failed")

    # Fails inside the service's transaction, after the row UPDATE: the change must roll back with it.
    monkeypatch.setattr("pulse.projects.services.common.activity_record", explode)
    before = state()

    response = client.patch(url, {"description": "should not stick"}, format="json", HTTP_IF_MATCH=etag)

    assert_error(response, 500, "server_error")
    monkeypatch.undo()
    assert body_of(client.get(url))["description"] == ""
    assert etag_of(client, url) == etag
    assert state() == before


def test_error_bodies_are_json_even_when_accept_asks_for_html() -> None:
    response = client_for(None).get(f"{API}/projects/", HTTP_ACCEPT="text/html")
    assert response.status_code in (401, 406)
    assert_error(response, response.status_code)
