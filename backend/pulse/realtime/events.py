"""The event envelope (SPEC §6) built from an Activity row, and the group names events travel on."""

from __future__ import annotations

from typing import Any

from pulse.activity.models import Activity

DASHBOARD_GROUP = "dashboard"
GLOBAL_GROUP = "global"


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def envelope(activity: Activity, *, prev_id: int | None) -> dict[str, Any]:
    """``{"id", "type", "project_id", "version", "actor", "data", "ts"}``.

    ``data.prev_id`` is the previous event id of the same project: a client (or
    our consumer) that has not seen it knows it missed something.
    """
    actor = activity.actor
    return {
        "id": activity.pk,
        "type": activity.verb,
        "project_id": activity.project_id,
        "version": activity.version,
        "actor": {"id": actor.pk, "name": actor.name} if actor else None,
        "data": {
            "target_type": activity.target_type,
            "target_id": activity.target_id,
            "changes": activity.changes,
            "metadata": activity.metadata,
            "prev_id": prev_id,
        },
        "ts": activity.created_at.isoformat().replace("+00:00", "Z"),
    }
