from django.conf import settings
from django.db import models


class BulkAction(models.TextChoices):
    TRANSITION = "transition", "Run a lifecycle transition"
    SET_HEALTH_OVERRIDE = "set_health_override", "Set health override"
    CLEAR_HEALTH_OVERRIDE = "clear_health_override", "Clear health override"
    ADD_TAGS = "add_tags", "Add tags"
    REMOVE_TAGS = "remove_tags", "Remove tags"
    REPLACE_TAGS = "replace_tags", "Replace tags"
    CHANGE_OWNER = "change_owner", "Change owner"
    SHIFT_DUE_DATE = "shift_due_date", "Shift due date"
    SET_DUE_DATE = "set_due_date", "Set due date"
    DELETE = "delete", "Delete"
    RESTORE = "restore", "Restore"
    UNDO = "undo", "Undo an operation"


class BulkStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class BulkOperation(models.Model):
    """One all-or-nothing change over many projects, run by a worker."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=32, choices=BulkAction.choices)
    params = models.JSONField(default=dict)
    items = models.JSONField(default=list, help_text="[{id, etag}] as submitted")
    idempotency_key = models.CharField(max_length=200, blank=True)
    request_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=BulkStatus.choices, default=BulkStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    inverse = models.JSONField(
        default=dict,
        blank=True,
        help_text="Once succeeded: {project id: {field: value before}} for each field it changed (what undo restores)",
    )
    undone_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="The undo that succeeded"
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["requested_by", "idempotency_key", "-created_at"],
                name="bulk_idempotency_idx",
                condition=~models.Q(idempotency_key=""),
            )
        ]

    def __str__(self) -> str:
        return f"bulk #{self.pk} {self.action} ({self.status})"
