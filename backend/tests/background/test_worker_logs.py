"""The worker logs as in production: one JSON object per line, each line of a task carrying its id."""

from __future__ import annotations

import json
import re
from typing import Any

from pulse.bulk.models import BulkStatus
from tests.background.conftest import Worker
from tests.background.support import bulk_projects, items_for, post_bulk, wait_finished, wait_until
from tests.factories import make_user


def test_a_task_s_lines_are_json_and_carry_its_task_id(worker: Worker, api: Any) -> None:
    requester = make_user("logged-bulk")
    projects = bulk_projects(requester, 3)
    response = post_bulk(api(requester), "transition", items_for(projects), {"name": "start"})
    assert response.status_code == 202, response.content
    assert wait_finished(response.json()["id"]).status == BulkStatus.SUCCEEDED

    def finished_line() -> dict[str, Any] | None:
        for line in worker.log().splitlines():
            if "bulk_operation_run_task[" in line and "succeeded" in line:
                return json.loads(line)
        return None

    record = wait_until(finished_line, 10, what="the task's 'succeeded' line in the worker log")
    task_id = re.search(r"\[([0-9a-f-]{36})\]", record["event"])
    assert task_id, record
    assert record["task_id"] == task_id.group(1)
    assert record["logger"] == "celery.app.trace" and record["level"] == "info"
    # Logging goes through Django's LOGGING: no line in Celery's own "[date: LEVEL/Process]" format.
    assert not [line for line in worker.log().splitlines() if re.match(r"\[\d{4}-\d\d-\d\d ", line)]
