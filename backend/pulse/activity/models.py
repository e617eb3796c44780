from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Activity(models.Model):
    """Immutable record of one committed change: audit log, activity stream and event outbox.

    ``id`` is monotonically increasing and doubles as the event id. ``project_id``
    is a plain column, not a foreign key, so the history outlives a purged project.
    ``recipient_id`` names the one person a private row is for (a bulk operation's requester,
    a notification's recipient); who else may see a row follows from its verb
    (``pulse.realtime.events.EVENT_TYPES``). ``published_at`` stays NULL until the event has
    been handed to the channel layer.
    """

    id = models.BigAutoField(primary_key=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    recipient_id = models.BigIntegerField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    target_type = models.CharField(max_length=32)
    target_id = models.BigIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["project_id", "-id"], name="activity_project_idx"),
            models.Index(fields=["actor", "-id"], name="activity_actor_idx"),
            models.Index(
                fields=["recipient_id", "-id"], name="activity_recipient_idx", condition=Q(recipient_id__isnull=False)
            ),
            models.Index(fields=["id"], name="activity_unpublished_idx", condition=Q(published_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.verb}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise RuntimeError("Activity rows are immutable.")
        super().save(*args, **kwargs)
