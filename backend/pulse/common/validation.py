"""Model validation that speaks the application error family."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models

from pulsekit.errors import ValidationFailed, validation_details

# Model-level constraint messages, attributed to the field a form would highlight.
CONSTRAINT_FIELDS = {
    "A project with this title already exists.": "title",
    "A tag with this name already exists.": "name",
    "The due date cannot be before the start date.": "due_date",
    "This person is already a member of the project.": "user_id",
}


def clean_or_fail(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean()``, raising :class:`ValidationFailed` with per-field messages."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        details = validation_details(error)
        for message in details.pop("__all__", []):
            details.setdefault(CONSTRAINT_FIELDS.get(message, "non_field_errors"), []).append(message)
        raise ValidationFailed(details=details) from error


def integrity_failed(error: IntegrityError) -> ValidationFailed:
    """Translate a constraint that lost a race after full_clean passed."""
    text = str(error)
    if "title_live_unique" in text:
        return ValidationFailed(details={"title": ["A project with this title already exists."]})
    if "tag_name_live_unique" in text:
        return ValidationFailed(details={"name": ["A tag with this name already exists."]})
    if "member_unique" in text:
        return ValidationFailed(details={"user_id": ["This person is already a member of the project."]})
    return ValidationFailed("The change violates a data constraint.", details={"constraint": [text.splitlines()[0]]})
