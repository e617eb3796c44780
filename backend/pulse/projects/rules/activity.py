"""The activity row of a change to one project (the event outbox entry), as every writer records it:
a single-project service through ``activity_record``, a set-based writer as plain rows."""

from __future__ import annotations

import datetime
from typing import Any

import orjson

# The columns a set-based writer fills, in the order of ``project_activity_values``.
ACTIVITY_COLUMNS = (
    "verb",
    "actor_id",
    "target_type",
    "target_id",
    "project_id",
    "version",
    "changes",
    "metadata",
    "created_at",
)


def activity_fields(
    *,
    verb: str,
    actor: Any,
    target: tuple[str, int | None],
    project_id: int | None,
    version: int | None,
    changes: dict[str, Any],
    **metadata: Any,
) -> dict[str, Any]:
    """The fields of the activity that records ``changes`` to ``target`` (``(type, id)``), on project
    ``project_id`` (None: no project's) now at ``version``."""
    return {
        "verb": verb,
        "actor": actor,
        "target_type": target[0],
        "target_id": target[1],
        "project_id": project_id,
        "version": version,
        "changes": changes,
        "metadata": metadata,
    }


def project_activity(
    *, verb: str, actor: Any, project_id: int, version: int, changes: dict[str, Any], title: str, **metadata: Any
) -> dict[str, Any]:
    """The fields of the activity that records ``changes`` to project ``project_id`` (now at ``version``):
    its target is the project, its metadata the project's title and what the change adds."""
    return activity_fields(
        verb=verb,
        actor=actor,
        target=("project", project_id),
        project_id=project_id,
        version=version,
        changes=changes,
        title=title,
        **metadata,
    )


def project_activity_values(
    verb: str,
    actor: Any,
    project_id: int,
    version: int,
    changes: dict[str, Any],
    title: str,
    extra: dict[str, Any],
    created_at: datetime.datetime,
) -> tuple[Any, ...]:
    """``project_activity(..., title=title, **extra)`` as one row of ``ACTIVITY_COLUMNS``, for a set-based
    INSERT of thousands (positional: keyword calls cost more than the rest of the row)."""
    return (
        verb,
        actor.pk if actor is not None else None,
        "project",
        project_id,
        project_id,
        version,
        orjson.dumps(changes, default=str).decode(),
        orjson.dumps({"title": title, **extra}).decode(),
        created_at,
    )
