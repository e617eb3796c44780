"""The event envelope (SPEC §6) built from an Activity row, who may receive each kind of event, and the
groups events travel on.

``EVENT_TYPES`` is the registry of every verb an Activity row (and so an event) can have, with its
audience. Delivery follows the audience, never the row's other columns: a verb missing from the
registry is delivered to nobody (``activity_record`` refuses to write one), and a private row without
a recipient stays private. ``USER_MESSAGE_TYPES`` lists the other messages of the ``user`` stream.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pulse.activity.models import Activity
from pulsekit.dates import iso_datetime

DASHBOARD_GROUP = "dashboard"
GLOBAL_GROUP = "global"


class Audience(StrEnum):
    PROJECT = "project"  # everyone who may see the project (its `project:{id}` subscribers)
    RECIPIENT = "recipient"  # one person: the row's recipient, on their `user` stream
    EVERYONE = "everyone"  # shared objects (tags): every `dashboard` subscriber, ids of projects filtered per person


EVENT_TYPES: dict[str, Audience] = {
    "project.created": Audience.PROJECT,
    "project.updated": Audience.PROJECT,
    "project.transitioned": Audience.PROJECT,
    "project.deleted": Audience.PROJECT,
    "project.restored": Audience.PROJECT,
    "project.purged": Audience.PROJECT,
    "member.added": Audience.PROJECT,
    "member.updated": Audience.PROJECT,
    "member.removed": Audience.PROJECT,
    "milestone.created": Audience.PROJECT,
    "milestone.updated": Audience.PROJECT,
    "milestone.deleted": Audience.PROJECT,
    "tag.created": Audience.EVERYONE,
    "tag.updated": Audience.EVERYONE,
    "tag.deleted": Audience.EVERYONE,
    "bulk.completed": Audience.RECIPIENT,
    "notification.delivered": Audience.RECIPIENT,
}

# Messages of the `user` stream that are not Activity rows (JSON Schema: bulk_progress, notification, ...).
USER_MESSAGE_TYPES = frozenset({"bulk.progress", "notification.created", "notification.email_status"})
# The other messages that carry data: a dashboard subscriber's own numbers, and for a list page (the
# `projects` topic) which of the projects it may see changed what, so a list can tell whether one it does
# not show may now match its filters.
DASHBOARD_MESSAGE_TYPES = frozenset({"dashboard.stats", "projects.changed"})
# Answers to the client's own frames, which say nothing about anything else.
CONTROL_MESSAGE_TYPES = frozenset({"welcome", "subscribed", "unsubscribed", "resumed", "resync", "pong", "error"})


def project_group(project_id: int) -> str:
    return f"project.{project_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def group_of(activity: Activity) -> str | None:
    """The one group an activity's event goes to, or None when nobody may receive it."""
    audience = EVENT_TYPES.get(activity.verb)
    if audience is Audience.PROJECT and activity.project_id is not None:
        return project_group(activity.project_id)
    if audience is Audience.RECIPIENT and activity.project_id is None and activity.recipient_id is not None:
        return user_group(activity.recipient_id)
    if audience is Audience.EVERYONE and activity.project_id is None:
        return GLOBAL_GROUP
    return None


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
        "ts": iso_datetime(activity.created_at),
    }
