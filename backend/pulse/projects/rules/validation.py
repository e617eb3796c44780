"""Field and date rules that a write checks before the database would refuse it (or where raw SQL
passes the model's validators): one definition for the services, the serializers and the bulk path."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from pulse.accounts.models import User
from pulse.projects.models import Tag
from pulsekit.fields import CONTROL_CHARS_MESSAGE, has_control_chars

OVERRIDE_REASON_REQUIRED = "A reason is required to override health."
OVERRIDE_REASON_MAX = 500
NO_ACTIVE_USER = "No active user with this id."


def dates_in_order(start: datetime.date | None, due: datetime.date | None) -> bool:
    """A due date is never before the start date (either may be absent)."""
    return not (start and due and due < start)


def override_reason_missing(reason: object) -> bool:
    """A health override needs a reason with something in it."""
    return not isinstance(reason, str) or not reason.strip()


def override_reason_problem(reason: object) -> str | None:
    """Every rule of the override reason (required, length, no control characters) for a writer past
    the model's validators, or None."""
    if override_reason_missing(reason):
        return OVERRIDE_REASON_REQUIRED
    assert isinstance(reason, str)
    if len(reason) > OVERRIDE_REASON_MAX:
        return f"Ensure this field has no more than {OVERRIDE_REASON_MAX} characters."
    if has_control_chars(reason):
        return CONTROL_CHARS_MESSAGE
    return None


def active_user(user_id: int) -> User | None:
    """The active user with this id (an owner, a new member), or None."""
    return User.objects.filter(pk=user_id, is_active=True).first()


def resolve_tags(tag_ids: Iterable[int]) -> tuple[list[Tag], list[int]]:
    """The live tags with these ids, and (sorted) the ids that name none."""
    unique = list(dict.fromkeys(tag_ids))
    tags = list(Tag.objects.filter(pk__in=unique))
    return tags, sorted(set(unique) - {t.pk for t in tags})
