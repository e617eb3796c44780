"""Every log line carries the request id (HTTP) or the task id (Celery); production logs are JSON."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from config.settings.logging import logging_settings

log = logging.getLogger("pulse.test_structured_logs")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """The root logger writing production-style JSON lines into a buffer for the test."""
    stream = io.StringIO()
    config = logging_settings(level="INFO", json=True)
    formatter = logging.config.DictConfigurator(config).configure_custom(dict(config["formatters"]["structured"]))
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_a_request_s_lines_carry_its_request_id_and_are_json(db: Any, json_lines: io.StringIO) -> None:
    response = APIClient().get("/api/v1/projects/", HTTP_X_REQUEST_ID="req-from-nginx-42")
    assert response.status_code == 401
    records = [r for r in lines(json_lines) if r.get("logger") == "django.request"]
    assert records, json_lines.getvalue()
    assert {r["request_id"] for r in records} == {"req-from-nginx-42"}
    assert all(r["level"] == "warning" and r["timestamp"].endswith("Z") for r in records)


def test_without_an_upstream_id_each_request_gets_its_own(db: Any, json_lines: io.StringIO) -> None:
    for _ in range(2):
        APIClient().get("/api/v1/projects/")
    ids = [r.get("request_id") for r in lines(json_lines) if r.get("logger") == "django.request"]
    assert len(ids) == 2 and all(ids) and ids[0] != ids[1]


def test_the_id_is_sent_back_and_a_hostile_upstream_id_is_not_trusted(db: Any, json_lines: io.StringIO) -> None:
    kept = APIClient().get("/api/v1/projects/", HTTP_X_REQUEST_ID="abc-123")
    assert kept["X-Request-ID"] == "abc-123"
    for hostile in ("x" * 500, 'a"b', "line\nbreak", "{}"):
        response = APIClient().get("/api/v1/projects/", HTTP_X_REQUEST_ID=hostile)
        made_up = response["X-Request-ID"]
        assert made_up != hostile and len(made_up) == 36  # a fresh uuid
    ids = [r["request_id"] for r in lines(json_lines) if r.get("logger") == "django.request"]
    assert ids[0] == "abc-123" and len(set(ids)) == 5


def test_outside_any_request_or_task_no_stale_id_leaks(json_lines: io.StringIO) -> None:
    log.warning("between requests")
    (record,) = [r for r in lines(json_lines) if r.get("logger") == log.name]
    assert "request_id" not in record and "task_id" not in record
