"""The request body cap on the deployed path: uvicorn → the ASGI application (SPEC §12: 413).

In-process tests (tests/apis/test_request_limits.py) go through Django's handler; here a real
server answers, so the ASGI layer is what refuses, also for bodies sent without a Content-Length.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import orjson
import pytest

from tests.system.conftest import LiveServer

pytestmark = pytest.mark.usefixtures("transactional_db")

LIMIT = 2 * 1024 * 1024


def _assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "error": {
            "code": "payload_too_large",
            "message": "The request body is too large.",
            "details": {"max_bytes": LIMIT},
        }
    }


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    yield b'{"username": "'
    sent = 0
    while sent < total:
        yield b"u" * size
        sent += size
    yield b'", "password": "x"}'


def test_a_declared_length_over_the_cap_is_refused_unread(api_server: LiveServer) -> None:
    mark = api_server.log_mark()
    body = orjson.dumps({"username": "u" * (LIMIT + 10), "password": "x"})
    response = httpx.post(
        f"{api_server.url}/api/v1/auth/token/", content=body, headers={"Content-Type": "application/json"}, timeout=30
    )
    _assert_too_large(response)
    assert not api_server.errors_since(mark)


def test_a_chunked_body_is_counted_as_it_arrives(api_server: LiveServer) -> None:
    """No Content-Length: the server must stop at the cap, not take the whole stream."""
    mark = api_server.log_mark()
    response = httpx.post(
        f"{api_server.url}/api/v1/auth/token/",
        content=_chunks(LIMIT + 1),
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    _assert_too_large(response)
    assert not api_server.errors_since(mark)


def test_a_body_under_the_cap_reaches_the_application(api_server: LiveServer) -> None:
    for content in (orjson.dumps({"username": "u" * (LIMIT // 2), "password": "x"}), _chunks(LIMIT // 2)):
        response = httpx.post(
            f"{api_server.url}/api/v1/auth/token/",
            content=content,
            headers={"Content-Type": "application/json"},
            timeout=30,
        )
        assert response.status_code == 400, response.text[:300]
        assert "username" in response.json()["error"]["details"]
    assert httpx.get(f"{api_server.url}/healthz", timeout=10).status_code == 200
