import random

from celery import Task, shared_task
from django.conf import settings

from pulse.notifications import jobs
from pulse.notifications.services import (
    EmailDeliveryError,
    notification_email_failed,
    notification_email_send,
    webhook_events_purge,
)

MAX_ATTEMPTS = 5


def backoff_seconds(retries: int) -> float:
    """Exponential backoff with full jitter: up to 2, 4, 8, 16 … seconds, capped at 10 minutes."""
    return random.uniform(0, min(600.0, 2.0 ** (retries + 1)))


@shared_task(bind=True, name="pulse.notifications.tasks.notification_email_send_task", max_retries=MAX_ATTEMPTS - 1)
def notification_email_send_task(self: Task, notification_id: int) -> None:
    try:
        notification_email_send(notification_id=notification_id)
    except EmailDeliveryError as error:
        if self.request.retries >= self.max_retries:
            notification_email_failed(notification_id=notification_id, error=str(error))
            return
        raise self.retry(exc=error, countdown=backoff_seconds(self.request.retries)) from error


@shared_task(name="pulse.notifications.tasks.milestones_due_soon_task")
def milestones_due_soon_task() -> int:
    return jobs.milestones_due_soon_notify()


@shared_task(name="pulse.notifications.tasks.daily_digest_task")
def daily_digest_task() -> int:
    return jobs.daily_digest_send()


@shared_task(name="pulse.notifications.tasks.webhook_events_purge_task")
def webhook_events_purge_task() -> int:
    return webhook_events_purge(retention_days=settings.WEBHOOK_EVENT_RETENTION_DAYS)
