"""Mandrill's side of delivery tracking, through django-anymail's Mandrill webhook support.

The signature check and the reading of each event are anymail's; what Pulse does with an event
(dedupe, forward-only status, the live push) stays in ``services.mandrill_events_process``.
"""

from __future__ import annotations

from typing import Any

from anymail.exceptions import AnymailWebhookValidationFailure
from anymail.signals import AnymailTrackingEvent
from anymail.webhooks.mandrill import MandrillCombinedWebhookView, MandrillSignatureMixin
from django.http import HttpRequest

from pulse.notifications.models import EmailStatus

# The events Pulse tracks and the delivery status each means, by Mandrill's name. Anymail folds
# soft and hard bounces into one ``bounced`` type; Pulse keeps them apart, so the status comes
# from Mandrill's own name.
MANDRILL_STATUS = {
    "send": EmailStatus.SENT,
    "deferral": EmailStatus.DEFERRED,
    "soft_bounce": EmailStatus.SOFT_BOUNCED,
    "hard_bounce": EmailStatus.BOUNCED,
    "reject": EmailStatus.REJECTED,
    "open": EmailStatus.OPENED,
    "click": EmailStatus.CLICKED,
    "spam": EmailStatus.SPAM,
    "unsub": EmailStatus.UNSUBSCRIBED,
}


def _view(*, key: str = "", url: str = "") -> MandrillCombinedWebhookView:
    return MandrillCombinedWebhookView(webhook_key=key or None, webhook_url=url or None)


def signature_valid(request: HttpRequest, *, key: str, url: str) -> bool:
    """Whether ``X-Mandrill-Signature`` signs this POST for ``url`` (the request's own URL if empty)."""
    if not key:
        return False  # with no key configured, nothing is trusted (not even a signature made with "")
    try:
        MandrillSignatureMixin.validate_request(_view(key=key, url=url), request)
    except AnymailWebhookValidationFailure:
        return False
    return True


_READER = _view()


def tracking_event(raw: dict[str, Any]) -> AnymailTrackingEvent | None:
    """Anymail's reading of one Mandrill event, or None for one Pulse does not track or cannot read."""
    if raw.get("event") not in MANDRILL_STATUS:
        return None
    try:
        return _READER.mandrill_tracking_to_anymail_event(raw)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError, OSError):
        return None  # the provider's shape, broken: a hostile or corrupted event is ignored, not a 500
