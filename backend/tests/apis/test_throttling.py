"""Throttles: state other traffic cannot evict, one bucket per account, the admin login and tickets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from config.settings.caches import cache_settings
from pulse.common.cache import NoEvictionDatabaseCache
from tests.apis.support import API, assert_error
from tests.conftest import client_for
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = f"{API}/auth/token/"
TICKET = f"{API}/auth/ws-ticket/"


@pytest.fixture(autouse=True)
def _fresh_throttles(clear_cache: Any) -> None:
    """Every test here starts with empty throttle counters."""


@pytest.fixture
def rates(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``rates(login_user="2/min", ...)``: throttle rates for this test (every scope, every throttle class)."""

    def set_rates(**scopes: str) -> None:
        for scope, rate in scopes.items():
            monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, rate)

    return set_rates


@pytest.fixture
def without_redis(settings: Any) -> Iterator[None]:
    """The caches as a deployment without ``REDIS_URL`` has them (database tables, created here)."""
    settings.CACHES = cache_settings("")
    call_command("createcachetable", verbosity=0)
    yield


def login(username: str, password: str = "not-the-password", **extra: Any) -> Any:
    return APIClient().post(LOGIN, {"username": username, "password": password}, format="json", **extra)


def assert_throttled(response: Any) -> None:
    error = assert_error(response, 429, "throttled")
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    assert error["details"]["retry_after"] == retry_after


def _rows(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return int(cursor.fetchone()[0])


# ------------------------------------------------------------------ state other traffic cannot evict


def test_minting_tickets_does_not_reset_the_account_limit_without_redis(without_redis: None, rates: Any) -> None:
    """The database cache culls a third of its rows, in key order, past 300 entries: 330 tickets used
    to erase the login history and hand the attacker a fresh set of guesses."""
    rates(login_user="5/min", login="1000/min")
    victim = make_user("victim")
    for n in range(5):
        assert_error(login(victim.username, REMOTE_ADDR=f"10.20.0.{n + 1}"), 401)

    minter = client_for(make_user("minter"))
    for _ in range(330):
        assert minter.post(TICKET).status_code == 201
    assert _rows("pulse_cache") < 330, "the shared cache evicted tickets, as it may: it is a cache"

    assert_throttled(login(victim.username, PASSWORD, REMOTE_ADDR="10.20.1.1"))
    assert _rows("pulse_throttle") >= 1


def test_the_throttle_table_drops_only_expired_rows(without_redis: None) -> None:
    counters = NoEvictionDatabaseCache("pulse_throttle", {"OPTIONS": {"MAX_ENTRIES": 20}})
    for n in range(30):
        counters.set(f"live-{n:03d}", [n], timeout=60)
    counters.set("soon-gone", [1], timeout=60)
    with connection.cursor() as cursor:  # expire one row without waiting for it
        cursor.execute(
            "UPDATE pulse_throttle SET expires = now() - interval '1 minute' WHERE cache_key LIKE %s", ["%soon-gone"]
        )

    counters.set("one-more", [1], timeout=60)  # over MAX_ENTRIES: this write culls

    assert _rows("pulse_throttle") == 31, "only the expired row went"
    assert counters.get("soon-gone") is None
    assert counters.get("live-000") == [0], "the lowest key, the first to go under key-order culling, is kept"


# ------------------------------------------------------------------ websocket tickets


def test_tickets_are_throttled_per_account(rates: Any) -> None:
    rates(ws_ticket="3/min", ws_ticket_ip="1000/min")
    minter, neighbour = client_for(make_user("minter")), client_for(make_user("neighbour"))
    for _ in range(3):
        assert minter.post(TICKET).status_code == 201

    assert_throttled(minter.post(TICKET))
    assert minter.post(TICKET, REMOTE_ADDR="10.30.0.9").status_code == 429, "a new address does not help"
    assert neighbour.post(TICKET).status_code == 201, "someone else on the same address is not affected"


def test_tickets_are_throttled_per_address(rates: Any) -> None:
    rates(ws_ticket="1000/min", ws_ticket_ip="3/min")
    people = [client_for(make_user(f"sock{n}")) for n in range(4)]
    for person in people[:3]:
        assert person.post(TICKET, REMOTE_ADDR="10.30.1.1").status_code == 201

    assert_throttled(people[3].post(TICKET, REMOTE_ADDR="10.30.1.1"))
    assert people[3].post(TICKET, REMOTE_ADDR="10.30.1.2").status_code == 201


def test_an_anonymous_ticket_request_is_401_not_counted(rates: Any) -> None:
    rates(ws_ticket="1/min", ws_ticket_ip="1/min")
    for _ in range(3):
        assert_error(APIClient().post(TICKET, REMOTE_ADDR="10.30.2.1"), 401)
    assert client_for(make_user("first")).post(TICKET, REMOTE_ADDR="10.30.2.1").status_code == 201


# ------------------------------------------------------------------ one bucket per account


def test_username_and_email_share_one_bucket(rates: Any) -> None:
    """Five guesses a minute per account, not five per name it answers to."""
    rates(login_user="4/min", login="1000/min")
    user = make_user("ursula")
    names = [user.username, user.email, user.username.upper(), user.email.upper()]
    for n, name in enumerate(names):
        assert_error(login(name, REMOTE_ADDR=f"10.40.0.{n + 1}"), 401)

    for name in names:
        assert_throttled(login(name, PASSWORD, REMOTE_ADDR="10.40.1.1"))


def test_unknown_names_are_counted_per_name(rates: Any) -> None:
    rates(login_user="2/min", login="1000/min")
    for n in range(2):
        assert_error(login("Nobody-Here", REMOTE_ADDR=f"10.40.2.{n + 1}"), 401)
    assert_throttled(login("nobody-here", REMOTE_ADDR="10.40.2.9"))
    assert_error(login("somebody-else", REMOTE_ADDR="10.40.2.9"), 401)


def test_one_account_throttled_leaves_the_others_alone(rates: Any) -> None:
    rates(login_user="1/min", login="1000/min")
    first, second = make_user("first"), make_user("second")
    assert_error(login(first.email), 401)
    assert_throttled(login(first.username, PASSWORD))
    assert login(second.email, PASSWORD).status_code == 200


# ------------------------------------------------------------------ the admin's login form

ADMIN_LOGIN = "/admin/login/"


def admin_login(username: str, password: str = "not-the-password", address: str = "10.50.0.1") -> Any:
    client = Client()
    response = client.post(ADMIN_LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    response.signed_in = "_auth_user_id" in client.session
    return response


def assert_admin_throttled(response: Any) -> None:
    assert response.status_code == 429, response.status_code
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    page = response.content.decode()
    assert "Too many sign-in attempts" in page and f"Try again in {retry_after} second" in page
    assert not response.signed_in


def test_admin_login_is_throttled_per_address(rates: Any) -> None:
    rates(login="3/min", login_user="1000/min")
    staff = make_user("boss", is_staff=True)
    for n in range(3):
        refused = admin_login(f"guess-{n}")
        assert refused.status_code == 200 and not refused.signed_in  # the form again, with its error

    assert_admin_throttled(admin_login(staff.username, PASSWORD))  # even the right password
    elsewhere = admin_login(staff.username, PASSWORD, address="10.50.9.9")
    assert elsewhere.status_code == 302 and elsewhere.signed_in


def test_admin_login_is_throttled_per_account_across_addresses(rates: Any) -> None:
    rates(login="1000/min", login_user="2/min")
    staff, other = make_user("root", is_staff=True), make_user("ops", is_staff=True)
    assert admin_login(staff.username, address="10.50.1.1").status_code == 200
    assert admin_login(staff.email, address="10.50.1.2").status_code == 200

    assert_admin_throttled(admin_login(staff.username, PASSWORD, address="10.50.1.3"))
    assert admin_login(other.username, PASSWORD, address="10.50.1.3").signed_in


def test_admin_and_api_logins_share_the_buckets(rates: Any) -> None:
    """Splitting the guesses between the API and the admin gains nothing."""
    rates(login="1000/min", login_user="3/min")
    staff = make_user("chief", is_staff=True)
    assert_error(login(staff.username, REMOTE_ADDR="10.50.2.1"), 401)
    assert_error(login(staff.email, REMOTE_ADDR="10.50.2.2"), 401)
    assert admin_login(staff.username, address="10.50.2.3").status_code == 200

    assert_admin_throttled(admin_login(staff.username, PASSWORD, address="10.50.2.4"))
    assert_throttled(login(staff.username, PASSWORD, REMOTE_ADDR="10.50.2.5"))


def test_showing_the_admin_login_form_is_not_an_attempt(rates: Any) -> None:
    rates(login="1/min", login_user="1/min")
    staff = make_user("keeper", is_staff=True)
    for _ in range(5):
        assert Client().get(ADMIN_LOGIN, REMOTE_ADDR="10.50.3.1").status_code == 200
    assert admin_login(staff.username, PASSWORD, address="10.50.3.1").signed_in
