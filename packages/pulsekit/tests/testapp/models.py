"""A concrete soft-deletable, versioned model, shaped like the backend's."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from pulsekit.models import SoftDeleteModel, VersionedModel


class Widget(SoftDeleteModel, VersionedModel):
    name = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True, null=True)  # compare_and_swap sets it, as save() would

    class Meta(SoftDeleteModel.Meta):
        # Subclassing the base Meta keeps base_manager_name = "all_objects".
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="testapp_widget_live_name_uniq",
                violation_error_message="A live widget already has this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Note(models.Model):
    """Points at a widget, which may be soft-deleted later: forward access must still work."""

    widget = models.ForeignKey(Widget, on_delete=models.CASCADE, related_name="notes")
    text = models.CharField(max_length=100)

    def __str__(self) -> str:
        return self.text
