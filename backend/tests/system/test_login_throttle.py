"""Login throttling holds across server processes (SPEC §5: 429 + Retry-After, counted in shared Redis).

Both servers run with LOGIN_THROTTLE_RATE=5/min and LOGIN_USER_THROTTLE_RATE=5/min (conftest).
Attempts alternate between the two processes; the sixth attempt overall must be refused.
Each run uses its own client address (X-Forwarded-For, trusted from loopback as behind the proxy)
and its own account, and clears their counters first, so runs are repeatable and independent of
any other login traffic.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from django.conf import settings
from django.core.cache import caches

from pulse.accounts.auth import login_ident
from tests.factories import PASSWORD, make_user
from tests.system.conftest import LiveServer, server_errors

pytestmark = pytest.mark.usefixtures("transactional_db")

RATE = 5


def _counters() -> Any:
    """The cache the servers count attempts in (the throttle alias, shared through Redis)."""
    return caches[settings.THROTTLE_CACHE]


def _address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{1 + secrets.randbelow(254)}"


def _ip_key(address: str) -> str:
    return f"throttle_login_{address}"


def _user_key(username: str) -> str:
    return f"throttle_login_user_{login_ident(username)}"


def _login(server: LiveServer, *, username: str, address: str) -> httpx.Response:
    return httpx.post(
        f"{server.url}/api/v1/auth/token/",
        json={"username": username, "password": "not-the-password"},
        headers={"X-Forwarded-For": address},
        timeout=30,
    )


def _assert_throttled(response: httpx.Response, attempt: int) -> None:
    assert response.status_code == 429, f"attempt {attempt}: {response.status_code} {response.text[:300]}"
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), f"attempt {attempt}: Retry-After={retry_after!r}"
    assert 1 <= int(retry_after) <= 60, retry_after
    error = response.json()["error"]
    assert error["code"] == "throttled", error
    assert error["details"]["retry_after"] == int(retry_after), error


@pytest.mark.parametrize("counter", ["address", "account"])
def test_sixth_login_attempt_is_throttled_across_processes(servers: list[LiveServer], counter: str) -> None:
    """``address``: one client address tries six different account names (per-address counter).
    ``account``: six different addresses try one account (per-account counter)."""
    user = make_user("throttled")
    address = _address()
    attempts = [
        (servers[i % len(servers)], f"nobody-{secrets.token_hex(4)}" if counter == "address" else user.username)
        for i in range(RATE + 2)
    ]
    addresses = [address if counter == "address" else _address() for _ in attempts]
    _counters().delete_many([_ip_key(a) for a in addresses] + [_user_key(name) for _, name in attempts])
    marks = [server.log_mark() for server in servers]

    for attempt, ((server, username), client_address) in enumerate(zip(attempts, addresses, strict=True), start=1):
        response = _login(server, username=username, address=client_address)
        if attempt <= RATE:
            assert response.status_code == 401, (
                f"attempt {attempt} on {server.url}: {response.status_code} {response.text[:300]}\n"
                f"{server_errors(servers, marks)}"
            )
            assert "Retry-After" not in response.headers
        else:
            _assert_throttled(response, attempt)

    # The counts live in the shared cache: both processes added to the same history.
    if counter == "address":
        assert len(_counters().get(_ip_key(address)) or []) == RATE
    else:
        assert len(_counters().get(_user_key(user.username)) or []) == RATE
        assert all(len(_counters().get(_ip_key(a)) or []) <= 1 for a in addresses)


def test_throttle_does_not_block_other_accounts_and_addresses(servers: list[LiveServer]) -> None:
    """After one address/account pair is throttled, a fresh address with a real password still logs in."""
    user = make_user("unthrottled")
    blocked_address, fresh_address = _address(), _address()
    _counters().delete_many([_ip_key(blocked_address), _ip_key(fresh_address), _user_key(user.username)])
    for i in range(RATE + 1):
        _login(servers[i % 2], username=f"nobody-{secrets.token_hex(4)}", address=blocked_address)
    _assert_throttled(_login(servers[0], username=user.username, address=blocked_address), RATE + 2)

    ok = httpx.post(
        f"{servers[1].url}/api/v1/auth/token/",
        json={"username": user.username, "password": PASSWORD},
        headers={"X-Forwarded-For": fresh_address},
        timeout=30,
    )
    assert ok.status_code == 200, ok.text[:300]
    assert set(ok.json()) >= {"access", "refresh"}
