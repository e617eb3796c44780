"""Scale-out on one machine (issue #13 item 7): deployment/scale/scaleout.py's scenarios as tests.

Two uvicorn api processes and two Celery workers (production settings) behind nginx 1.22 running
the rendered deployment config, on the real PostgreSQL and Redis. The scenarios run in order on
one cluster: the last two kill a process each.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from scale import scaleout


@pytest.fixture(scope="module")
def cluster() -> Iterator[scaleout.Cluster]:
    database_url = os.environ.get("TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    with scaleout.running_cluster(database_url, redis_url) as running:
        yield running


def test_events_through_a_reach_sockets_on_both_processes_in_order(cluster: scaleout.Cluster) -> None:
    facts = scaleout.fan_out(cluster)
    assert facts["sockets"]["a"] >= 2 and facts["sockets"]["b"] >= 2


def test_bulk_operations_are_taken_by_either_worker(cluster: scaleout.Cluster) -> None:
    facts = scaleout.bulk_either_worker(cluster)
    assert facts["taken"]["a"] >= 1 and facts["taken"]["b"] >= 1


def test_killed_api_process_clients_resume_on_the_other_without_gap(cluster: scaleout.Cluster) -> None:
    facts = scaleout.api_killed(cluster)
    assert facts["resumed"] >= 2 and facts["stayed"] >= 2
    # B's clients were killed mid-stream: they had some events, not all, before B died.
    assert all(0 < seen < facts["writes"] for seen in facts["events_before_kill"]), facts


def test_killed_worker_leaves_the_operation_to_the_other(cluster: scaleout.Cluster) -> None:
    facts = scaleout.worker_killed(cluster)
    assert facts["victim"] != facts["survivor"] and facts["attempts"] == 2
