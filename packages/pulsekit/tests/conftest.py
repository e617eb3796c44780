from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.testapp.models import Widget


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Throttle counters live in the cache; each test starts with none.
    cache.clear()


@pytest.fixture
def make_widgets(db: Any) -> Callable[..., list[Widget]]:
    def make(count: int, prefix: str = "widget") -> list[Widget]:
        return Widget.objects.bulk_create(Widget(name=f"{prefix}-{i:03d}") for i in range(count))

    return make


def assert_error_shape(body: Any, code: str) -> dict[str, Any]:
    """Every 4xx/5xx body is exactly {"error": {"code", "message", "details"}}; returns the inner dict."""
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == code, error
    assert isinstance(error["message"], str) and error["message"], error
    assert isinstance(error["details"], dict), error
    return error
