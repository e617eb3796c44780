"""Notifications: created by other services in their transaction, delivered in-app and by email.

In-app delivery is the row itself plus a message on the recipient's `user`
websocket topic after commit. Email goes through Django's email API, backed by
django-anymail (Mandrill) in production and the console backend in development,
from a Celery task with exponential backoff and jitter.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterable
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.services import activity_record
from pulse.common.tasks import enqueue
from pulse.notifications import mandrill
from pulse.notifications.mandrill import MANDRILL_STATUS
from pulse.notifications.models import EmailStatus, Notification, NotificationKind, WebhookEvent
from pulse.realtime.outbox import send_to_user
from pulsekit.errors import NotFound

logger = logging.getLogger(__name__)

# Mandrill event → our delivery status, and how far along delivery each status is (never go back).
STATUS_RANK: dict[str, int] = {
    EmailStatus.PENDING: 0,
    EmailStatus.DEFERRED: 1,
    EmailStatus.SENT: 2,
    EmailStatus.SOFT_BOUNCED: 3,
    EmailStatus.OPENED: 4,
    EmailStatus.CLICKED: 5,
    EmailStatus.BOUNCED: 6,
    EmailStatus.REJECTED: 6,
    EmailStatus.SPAM: 7,
    EmailStatus.UNSUBSCRIBED: 7,
    EmailStatus.FAILED: 6,
    EmailStatus.SKIPPED: 0,
}


def notification_event(n: Notification) -> dict[str, Any]:
    return {
        "type": "notification.created",
        "id": n.pk,
        "kind": n.kind,
        "title": n.title,
        "body": n.body,
        "project_id": n.project_id,
        "email_status": n.email_status,
        "ts": (n.created_at or timezone.now()).isoformat(),
    }


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    project_id: int | None = None,
    target: tuple[str, int | None] = ("", None),
    dedupe_key: str,
    exclude: User | None = None,
) -> list[Notification]:
    """Create one notification per recipient (idempotent per ``dedupe_key``), queue email, push in-app."""
    created = []
    for user in {u.pk: u for u in recipients}.values():
        if (exclude is not None and user.pk == exclude.pk) or not user.is_active:
            continue
        email_off = kind in (user.email_opt_out or [])
        try:
            with transaction.atomic():
                notification = Notification.objects.create(
                    recipient=user,
                    kind=kind,
                    title=title[:300],
                    body=body,
                    project_id=project_id,
                    target_type=target[0],
                    target_id=target[1],
                    dedupe_key=dedupe_key,
                    email_status=EmailStatus.SKIPPED if email_off or not user.email else EmailStatus.PENDING,
                )
        except IntegrityError:
            continue  # already notified for this
        created.append(notification)
        if notification.email_status == EmailStatus.PENDING:
            from pulse.notifications.tasks import notification_email_send_task

            enqueue(notification_email_send_task, notification.pk)
    if created:
        events = [(n.recipient_id, notification_event(n)) for n in created]
        transaction.on_commit(lambda: _push(events))
    return created


def _push(events: list[tuple[int, dict[str, Any]]]) -> None:
    for user_id, event in events:
        try:
            send_to_user(user_id, event)
        except Exception:  # in-app rows exist; the stream is a convenience on top
            logger.warning("Could not push notification to user %s", user_id, exc_info=True)


class EmailDeliveryError(Exception):
    """The provider failed in a way that may pass (a 4xx SMTP reply, a timeout, a dropped
    connection, a provider 5xx): the task retries."""


# HTTP answers from an email API that mean "not now" rather than "never".
_TRANSIENT_HTTP = frozenset({408, 425, 429})
# Mandrill answers every API error with HTTP 500 and names it; these concern the message itself.
_PERMANENT_MANDRILL_ERRORS = frozenset({"ValidationError"})
# Per-recipient provider statuses (anymail's normalised ones) that no retry can change.
_REFUSED_STATUSES = frozenset({"rejected", "invalid"})


def _provider_body(error: AnymailError) -> Any:
    """The provider's decoded JSON answer, when the error carries one."""
    try:
        response = getattr(error, "response", None)
        return response.json() if response is not None else None
    except (AttributeError, ValueError):
        return None


def _mandrill_error_name(error: AnymailAPIError) -> str:
    body = _provider_body(error)
    return str(body.get("name", "")) if isinstance(body, dict) else ""


def _refused_recipients(error: AnymailRecipientsRefused) -> str:
    """Mandrill's per-recipient answer (status and reject reason), e.g. ``a@x: rejected (hard-bounce)``."""
    body = _provider_body(error)
    rows = [r for r in body if isinstance(r, dict)] if isinstance(body, list) else []
    described = []
    for r in rows:
        reason = f" ({r['reject_reason']})" if r.get("reject_reason") else ""
        described.append(f"{r.get('email', '?')}: {r.get('status', '?')}{reason}")
    return "; ".join(described) or str(error)


def email_refusal(error: BaseException) -> str | None:
    """Why sending failed for good, or ``None`` when a later attempt may succeed.

    Permanent: the address is invalid, the recipient was refused (provider status ``rejected`` /
    ``invalid``, or every recipient refused with an SMTP 5xx), any other SMTP 5xx reply, an email
    API's 4xx other than 408/425/429, a message the provider calls invalid, a message that cannot
    be built (``ValueError``, e.g. an address Django cannot encode). Everything else (SMTP 4xx,
    connection errors, timeouts, provider 5xx) is transient.
    """
    if isinstance(error, AnymailRecipientsRefused):
        return f"Recipient refused: {_refused_recipients(error)}"
    if isinstance(error, AnymailInvalidAddress):
        return f"Invalid address: {error}"
    if isinstance(error, AnymailAPIError):
        status = getattr(error, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500 and status not in _TRANSIENT_HTTP:
            return f"Refused by the provider (HTTP {status}): {error}"
        name = _mandrill_error_name(error)
        if name in _PERMANENT_MANDRILL_ERRORS:
            return f"Refused by the provider ({name}): {error}"
        return None
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        replies = list(error.recipients.values())
        if replies and all(int(code) >= 500 for code, _ in replies):
            return "Recipient refused: " + "; ".join(
                f"{address}: {code} {_text(reply)}" for address, (code, reply) in error.recipients.items()
            )
        return None
    if isinstance(error, smtplib.SMTPResponseException):
        if int(error.smtp_code) >= 500:
            return f"Refused by the mail server: {error.smtp_code} {_text(error.smtp_error)}"
        return None
    if isinstance(error, (AnymailError, ValueError)) and not isinstance(error, OSError):
        return f"The message cannot be sent: {type(error).__name__}: {error}"
    return None


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def notification_email_send(*, notification_id: int) -> Notification | None:
    """Send one notification's email. Only a pending notification is sent; each attempt is counted.

    The attempt is recorded (and committed) before the provider is called, and the provider's error
    after, so neither is lost when the failure propagates to the task's retry. No row lock is held
    across the provider's HTTP call. A permanent refusal (:func:`email_refusal`) is recorded at once
    as ``rejected`` with its reason and not retried; a transient failure raises
    :class:`EmailDeliveryError` for the task to retry.
    """
    claimed = Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return None
    n = Notification.objects.select_related("recipient").get(pk=notification_id)
    message = EmailMessage(
        subject=f"[Pulse] {n.title}",
        body=f"{n.body}\n\n— Pulse",
        to=[n.recipient.email],
        from_email=settings.DEFAULT_FROM_EMAIL,
    )
    message.extra_headers["X-Pulse-Notification"] = str(n.pk)
    try:
        message.send(fail_silently=False)
    except Exception as error:
        refusal = email_refusal(error)
        if refusal is not None:
            return _email_refused(n, refusal)
        Notification.objects.filter(pk=n.pk).update(
            email_error=f"{type(error).__name__}: {error}"[:1000], email_updated_at=timezone.now()
        )
        raise EmailDeliveryError(str(error)) from error
    status = getattr(message, "anymail_status", None)
    statuses = set(getattr(status, "status", None) or ())
    if statuses and statuses <= _REFUSED_STATUSES:
        # Only reached when anymail is told to ignore recipient statuses; otherwise it raised above.
        return _email_refused(n, f"Recipient refused: provider status {', '.join(sorted(statuses))}")
    message_id = (getattr(status, "message_id", None) or "") if status else ""
    Notification.objects.filter(pk=n.pk, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.SENT,
        email_message_id=str(message_id)[:200],
        email_error="",
        email_updated_at=timezone.now(),
    )
    n.refresh_from_db()
    return n


def _email_refused(n: Notification, reason: str) -> Notification:
    logger.warning("Email for notification %s refused for good: %s", n.pk, reason)
    Notification.objects.filter(pk=n.pk, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.REJECTED, email_error=reason[:1000], email_updated_at=timezone.now()
    )
    n.refresh_from_db()
    return n


def notification_email_failed(*, notification_id: int, error: str) -> None:
    """The last attempt failed: record it for good."""
    Notification.objects.filter(pk=notification_id, email_status=EmailStatus.PENDING).update(
        email_status=EmailStatus.FAILED, email_error=error[:1000], email_updated_at=timezone.now()
    )


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    n = Notification.objects.filter(pk=notification_id, recipient=user).first()
    if n is None:
        raise NotFound("Notification not found.")
    if n.read_at is None:
        n.read_at = timezone.now()
        Notification.objects.filter(pk=n.pk).update(read_at=n.read_at)
    return n


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------- Mandrill webhooks


def _storable(value: Any) -> Any:
    """The event without NUL characters, which jsonb cannot hold (one in a provider's event made the
    whole webhook a 500, which the provider then retries forever). Provider text is kept otherwise."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_storable(v) for v in value]
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    return value


def _event_key(event: dict[str, Any]) -> str:
    return f"{event.get('_id', '')}:{event.get('event', '')}:{event.get('ts', '')}"[:200]


@transaction.atomic
def mandrill_events_process(*, events: list[dict[str, Any]]) -> dict[str, int]:
    """Apply Mandrill delivery events: dedupe, update status (forward only), record and push."""
    counts = {"processed": 0, "duplicates": 0, "unmatched": 0, "ignored": 0}
    for raw in events:
        event: dict[str, Any] = _storable(raw)
        tracked = mandrill.tracking_event(event)
        if tracked is None:
            counts["ignored"] += 1
            continue
        kind = event["event"]
        message_id = str(tracked.message_id or "")
        try:
            with transaction.atomic():
                WebhookEvent.objects.create(
                    provider="mandrill",
                    event_key=_event_key(event),
                    event_type=kind,
                    message_id=message_id,
                    payload=event,
                )
        except IntegrityError:
            counts["duplicates"] += 1
            continue
        n = Notification.objects.select_for_update().filter(email_message_id=message_id).first() if message_id else None
        if n is None:
            counts["unmatched"] += 1
            continue
        new = MANDRILL_STATUS[kind]
        counts["processed"] += 1
        if STATUS_RANK[new] <= STATUS_RANK.get(n.email_status, 0) and new != n.email_status:
            continue  # late or out-of-order event: never move delivery backwards
        if new == n.email_status:
            continue
        old = n.email_status
        Notification.objects.filter(pk=n.pk).update(email_status=new, email_updated_at=timezone.now())
        activity_record(
            verb="notification.delivered",
            actor=None,
            target_type="notification",
            target_id=n.pk,
            recipient_id=n.recipient_id,
            changes={"email_status": [old, new]},
            metadata={"recipient_id": n.recipient_id, "kind": n.kind, "provider": "mandrill", "event": kind},
        )
        recipient_id, event_out = (
            n.recipient_id,
            {
                "type": "notification.email_status",
                "id": n.pk,
                "email_status": new,
                "previous": old,
                "ts": timezone.now().isoformat(),
            },
        )
        transaction.on_commit(lambda r=recipient_id, e=event_out: _push([(r, e)]))  # type: ignore[misc]
    return counts


def webhook_events_purge(*, retention_days: int) -> int:
    """Delete processed provider webhook events received more than ``retention_days`` ago; returns
    how many. They are kept only to drop redelivered events (a provider redelivers a failed webhook for
    hours at most), so a retention of days loses nothing; the notification keeps its delivery status."""
    cutoff = timezone.now() - datetime.timedelta(days=max(1, retention_days))
    deleted, _ = WebhookEvent.objects.filter(received_at__lt=cutoff).delete()
    return deleted


__all__ = ["NotificationKind", "notify"]
