"""Recording activity. Called only from other services, inside their transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from pulse.activity.models import Activity
from pulse.realtime.events import EVENT_TYPES
from pulse.realtime.outbox import publish_after_commit


def jsonable(value: Any) -> Any:
    """Make a field value storable in ``changes`` (dates as ISO strings, models as ids)."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for every field whose value changed (as stored)."""
    changes: dict[str, list[Any]] = {}
    for field, new in after.items():
        old = before.get(field)
        if old == new:  # the common case, and equal values store equally: skip the conversion
            continue
        stored = [jsonable(old), jsonable(new)]
        if stored[0] != stored[1]:
            changes[field] = stored
    return changes


def activity_record(
    *,
    verb: str,
    actor: Any,
    target_type: str,
    target_id: int | None,
    project_id: int | None = None,
    recipient_id: int | None = None,
    version: int | None = None,
    changes: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Activity:
    """Write one Activity row in the caller's transaction.

    Services call this exactly once per change; the row is the outbox entry from
    which the event is published after commit, to the audience its verb has in
    ``EVENT_TYPES`` (``recipient_id``: the one person a private row is for).
    """
    if verb not in EVENT_TYPES:
        raise ValueError(f"Unregistered activity verb {verb!r}: add it to pulse.realtime.events.EVENT_TYPES.")
    activity = Activity.objects.create(
        verb=verb,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        target_type=target_type,
        target_id=target_id,
        project_id=project_id,
        recipient_id=recipient_id,
        version=version,
        changes=changes or {},
        metadata=metadata or {},
    )
    publish_after_commit([project_id])
    return activity
