"""Authentication: login by username or email, refresh rotation, logout, revocation, throttling."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.accounts.auth import LoginIpThrottle, LoginUserThrottle
from pulse.accounts.models import User
from tests.apis.support import API, assert_error, body_of
from tests.conftest import client_for, etag_of
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = f"{API}/auth/token/"
REFRESH = f"{API}/auth/token/refresh/"
LOGOUT = f"{API}/auth/logout/"
ME = f"{API}/auth/me/"
NEW_PASSWORD = "a-much-better-passphrase-42"


@pytest.fixture(autouse=True)
def _fresh_throttles(clear_cache: Any) -> None:
    """Every test here starts with empty throttle counters."""


def bearer(access: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def login(username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return APIClient().post(LOGIN, {"username": username, "password": password}, format="json", **extra)


def tokens(username: str, password: str = PASSWORD) -> tuple[str, str]:
    response = login(username, password)
    assert response.status_code == 200, response.content
    return body_of(response)["access"], body_of(response)["refresh"]


# ------------------------------------------------------------------ login


def test_login_with_username() -> None:
    user = make_user("alice")
    access, refresh = tokens(user.username)
    assert access and refresh and access != refresh
    me = bearer(access).get(ME)
    assert me.status_code == 200
    assert body_of(me)["id"] == user.pk


def test_login_with_email_any_case() -> None:
    user = make_user("bob")
    access, _ = tokens(user.email.upper())
    assert body_of(bearer(access).get(ME))["id"] == user.pk


@pytest.mark.parametrize("which", ["wrong-password", "unknown-user", "empty-password"])
def test_bad_credentials_are_401_in_the_error_shape(which: str) -> None:
    user = make_user("carol")
    username, password = {
        "wrong-password": (user.username, "not-the-password"),
        "unknown-user": ("nobody-at-all", PASSWORD),
        "empty-password": (user.username, ""),
    }[which]
    response = login(username, password)
    assert response.status_code in (400, 401)
    if which != "empty-password":
        error = assert_error(response, 401)
        assert "access" not in response.content.decode()
        assert PASSWORD not in error["message"]
    else:
        assert_error(response, response.status_code)


def test_inactive_user_cannot_log_in_and_existing_tokens_are_rejected() -> None:
    user = make_user("dave")
    access, refresh = tokens(user.username)
    User.objects.filter(pk=user.pk).update(is_active=False)

    assert_error(login(user.username), 401)
    assert_error(bearer(access).get(ME), 401)
    assert_error(bearer(access).get(f"{API}/projects/"), 401)
    assert_error(APIClient().post(REFRESH, {"refresh": refresh}, format="json"), 401)


def test_invalid_or_tampered_access_token_is_401() -> None:
    user = make_user("erin")
    access, _ = tokens(user.username)
    for token in ("garbage", access[:-3] + "abc", ""):
        response = bearer(token).get(ME)
        assert_error(response, 401)
    assert "WWW-Authenticate" in bearer("garbage").get(ME)


def test_refresh_token_is_not_an_access_token() -> None:
    user = make_user("frank")
    _, refresh = tokens(user.username)
    assert_error(bearer(refresh).get(ME), 401)


# ------------------------------------------------------------------ refresh and logout


def test_refresh_rotates_and_the_used_token_is_then_rejected() -> None:
    user = make_user("gina")
    _, refresh = tokens(user.username)

    rotated = APIClient().post(REFRESH, {"refresh": refresh}, format="json")

    assert rotated.status_code == 200, rotated.content
    new_access, new_refresh = body_of(rotated)["access"], body_of(rotated)["refresh"]
    assert new_refresh != refresh
    assert bearer(new_access).get(ME).status_code == 200
    assert_error(APIClient().post(REFRESH, {"refresh": refresh}, format="json"), 401)
    assert APIClient().post(REFRESH, {"refresh": new_refresh}, format="json").status_code == 200


@pytest.mark.parametrize("body", [{}, {"refresh": "garbage"}, {"refresh": None}])
def test_refresh_with_bad_input(body: dict[str, Any]) -> None:
    response = APIClient().post(REFRESH, body, format="json")
    assert response.status_code in (400, 401)
    assert_error(response, response.status_code)


def test_logout_blacklists_the_refresh_token() -> None:
    user = make_user("hank")
    access, refresh = tokens(user.username)

    response = bearer(access).post(LOGOUT, {"refresh": refresh}, format="json")

    assert response.status_code == 204
    assert_error(APIClient().post(REFRESH, {"refresh": refresh}, format="json"), 401)


@pytest.mark.parametrize("body", [{}, {"refresh": "garbage"}, {"refresh": "x" * 3000}])
def test_logout_with_bad_input_is_400(body: dict[str, Any]) -> None:
    assert_error(APIClient().post(LOGOUT, body, format="json"), 400)


# ------------------------------------------------------------------ /auth/me/


def test_me_get_has_user_etag_and_patch_needs_if_match() -> None:
    user = make_user("iris")
    client = client_for(user)
    response = client.get(ME)
    assert response.status_code == 200
    assert response["ETag"] == f'"user-{user.pk}-v{body_of(response)["version"]}"'
    assert_error(client.patch(ME, {"display_name": "Iris"}, format="json"), 428, "precondition_required")

    ok = client.patch(ME, {"display_name": "Iris W."}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert ok.status_code == 200
    assert body_of(ok)["display_name"] == "Iris W."
    assert ok["ETag"] != response["ETag"]
    assert_error(
        client.patch(ME, {"display_name": "Again"}, format="json", HTTP_IF_MATCH=response["ETag"]),
        412,
        "precondition_failed",
    )


def test_me_never_exposes_the_password_hash() -> None:
    raw = client_for(make_user("jack")).get(ME).content.decode()
    assert "password" not in raw and "md5$" not in raw


def test_password_change_revokes_older_tokens() -> None:
    user = make_user("kate")
    earlier = timezone.now() - datetime.timedelta(seconds=30)
    old_refresh = RefreshToken.for_user(user)
    old_refresh.set_iat(at_time=earlier)
    old_access = old_refresh.access_token
    old_access.set_iat(at_time=earlier)
    client = bearer(str(old_access))

    response = client.patch(
        ME,
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
        HTTP_IF_MATCH=etag_of(client, ME),
    )

    assert response.status_code == 200, response.content
    assert "new_password" not in body_of(response) and "current_password" not in body_of(response)
    assert_error(client.get(ME), 401)
    assert_error(APIClient().post(REFRESH, {"refresh": str(old_refresh)}, format="json"), 401)
    assert_error(login(user.username, PASSWORD), 401)
    fresh_access, fresh_refresh = tokens(user.username, NEW_PASSWORD)
    assert bearer(fresh_access).get(ME).status_code == 200
    assert APIClient().post(REFRESH, {"refresh": fresh_refresh}, format="json").status_code == 200


def test_tokens_from_a_login_moments_before_the_password_change_are_revoked(monkeypatch: Any) -> None:
    """Half a second between login and password change: the login's tokens are older and must stop working."""
    user = make_user("liam")
    second = timezone.now().replace(microsecond=0) - datetime.timedelta(seconds=5)
    logged_in_at = second + datetime.timedelta(milliseconds=200)
    changed_at = second + datetime.timedelta(milliseconds=700)

    monkeypatch.setattr("rest_framework_simplejwt.tokens.aware_utcnow", lambda: logged_in_at)
    access, refresh = tokens(user.username)
    monkeypatch.undo()
    client = bearer(access)
    etag = etag_of(client, ME)

    monkeypatch.setattr("django.utils.timezone.now", lambda: changed_at)
    response = client.patch(
        ME, {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, format="json", HTTP_IF_MATCH=etag
    )
    monkeypatch.undo()

    assert response.status_code == 200, response.content
    assert_error(client.get(ME), 401)
    assert_error(APIClient().post(REFRESH, {"refresh": refresh}, format="json"), 401)


def test_wrong_current_password_changes_nothing() -> None:
    user = make_user("mona")
    client = client_for(user)
    etag = etag_of(client, ME)
    response = client.patch(
        ME, {"current_password": "wrong", "new_password": NEW_PASSWORD}, format="json", HTTP_IF_MATCH=etag
    )
    assert "current_password" in assert_error(response, 400)["details"]
    assert etag_of(client, ME) == etag
    assert client.get(ME).status_code == 200
    assert login(user.username, PASSWORD).status_code == 200


# ------------------------------------------------------------------ throttling


@pytest.fixture
def login_rates(monkeypatch: Any) -> Any:
    def set_rates(ip: str = "1000/min", user: str = "1000/min") -> None:
        rates = {"login": ip, "login_user": user}
        monkeypatch.setattr(LoginIpThrottle, "THROTTLE_RATES", rates)
        monkeypatch.setattr(LoginUserThrottle, "THROTTLE_RATES", rates)

    return set_rates


def _assert_throttled(response: Any) -> None:
    error = assert_error(response, 429, "throttled")
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    assert error["details"]["retry_after"] == retry_after


def test_login_is_throttled_per_address(login_rates: Any) -> None:
    login_rates(ip="3/min")
    user = make_user("nina")
    for n in range(3):
        assert_error(login(f"guess-{n}", "x"), 401)

    _assert_throttled(login(user.username))  # even the right password, once over the limit
    other_address = login(user.username, REMOTE_ADDR="10.9.8.7")
    assert other_address.status_code == 200


def test_login_is_throttled_per_account_across_addresses(login_rates: Any) -> None:
    login_rates(user="2/min")
    user = make_user("oscar")
    assert_error(login(user.username, "wrong-1", REMOTE_ADDR="10.0.0.1"), 401)
    assert_error(login(user.username.upper(), "wrong-2", REMOTE_ADDR="10.0.0.2"), 401)

    _assert_throttled(login(user.username, REMOTE_ADDR="10.0.0.3"))
    someone_else = make_user("pat")
    assert login(someone_else.username, REMOTE_ADDR="10.0.0.3").status_code == 200


def test_throttled_login_issues_no_tokens(login_rates: Any) -> None:
    login_rates(ip="1/min")
    user = make_user("quinn")
    assert login(user.username).status_code == 200
    throttled = login(user.username)
    _assert_throttled(throttled)
    assert "refresh" not in throttled.content.decode()
