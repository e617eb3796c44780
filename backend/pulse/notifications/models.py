from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    PROJECT_TRANSITIONED = "project_transitioned", "Project status changed"
    MEMBER_ADDED = "member_added", "Added to a project"
    MEMBER_ROLE_CHANGED = "member_role_changed", "Role changed"
    MILESTONE_ASSIGNED = "milestone_assigned", "Milestone assigned"
    MILESTONE_DUE_SOON = "milestone_due_soon", "Milestone due within 48 hours"
    MILESTONE_MISSED = "milestone_missed", "Milestone missed"
    DIGEST = "digest", "Daily digest"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SKIPPED = "skipped", "Skipped (email off for this kind)"
    SENT = "sent", "Sent"
    DEFERRED = "deferred", "Deferred"
    SOFT_BOUNCED = "soft_bounced", "Soft bounce"
    BOUNCED = "bounced", "Bounced"
    REJECTED = "rejected", "Rejected"
    OPENED = "opened", "Opened"
    CLICKED = "clicked", "Clicked"
    SPAM = "spam", "Marked as spam"
    UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
    FAILED = "failed", "Failed after retries"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    project_id = models.BigIntegerField(null=True, blank=True)
    target_type = models.CharField(max_length=32, blank=True)
    target_id = models.BigIntegerField(null=True, blank=True)
    # Makes creation idempotent: a rerun job or a redelivered task cannot notify twice.
    dedupe_key = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=16, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.TextField(blank=True)
    email_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notifications_dedupe_unique")]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_recipient_idx"),
            models.Index(
                fields=["recipient"], name="notification_unread_idx", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class WebhookEvent(models.Model):
    """Inbound provider events already processed, for dedupe."""

    provider = models.CharField(max_length=32)
    event_key = models.CharField(max_length=200)
    event_type = models.CharField(max_length=32)
    message_id = models.CharField(max_length=200, blank=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_key"], name="webhook_event_unique")]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_type}:{self.event_key}"
