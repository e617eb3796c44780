"""Housekeeping in Celery beat: expired refresh tokens and old webhook events, run by the real worker."""

from __future__ import annotations

import datetime
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.accounts.tasks import tokens_flush_expired_task
from pulse.notifications.models import WebhookEvent
from pulse.notifications.services import mandrill_events_process, webhook_events_purge
from pulse.notifications.tasks import webhook_events_purge_task
from tests.background.conftest import Worker
from tests.background.support import wait_until
from tests.factories import make_user


def test_both_jobs_are_in_the_beat_schedule_daily() -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    entries = {
        "flush-expired-tokens": "pulse.accounts.tasks.tokens_flush_expired_task",
        "purge-webhook-events": "pulse.notifications.tasks.webhook_events_purge_task",
    }
    for name, task in entries.items():
        assert schedule[name]["task"] == task
        when = schedule[name]["schedule"]
        assert isinstance(when, crontab) and len(when.hour) == 1 and len(when.minute) == 1
    assert settings.WEBHOOK_EVENT_RETENTION_DAYS == 30


def _token(user: Any, *, expired: bool, blacklisted: bool) -> str:
    refresh = RefreshToken.for_user(user)
    jti = str(refresh["jti"])
    if expired:
        OutstandingToken.objects.filter(jti=jti).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    if blacklisted:
        refresh.blacklist()
    return jti


def test_expired_refresh_tokens_are_flushed_and_live_ones_kept(worker: Worker, api: Any) -> None:
    user = make_user("tokens")
    expired = _token(user, expired=True, blacklisted=False)
    expired_blacklisted = _token(user, expired=True, blacklisted=True)
    live = _token(user, expired=False, blacklisted=False)
    live_blacklisted = _token(user, expired=False, blacklisted=True)

    tokens_flush_expired_task.delay()
    wait_until(
        lambda: not OutstandingToken.objects.filter(jti__in=[expired, expired_blacklisted]).exists(),
        30,
        what="expired tokens flushed",
    )

    assert set(OutstandingToken.objects.filter(user=user).values_list("jti", flat=True)) == {live, live_blacklisted}
    assert list(BlacklistedToken.objects.filter(token__user=user).values_list("token__jti", flat=True)) == [
        live_blacklisted
    ]
    # Still blacklisted after the flush: a used refresh token stays refused until it expires.
    used = RefreshToken.for_user(user)
    used.blacklist()
    tokens_flush_expired_task.apply()
    response = api(None).post("/api/v1/auth/token/refresh/", {"refresh": str(used)}, format="json")
    assert response.status_code == 401


def _event(n: int, days_ago: float) -> WebhookEvent:
    event = WebhookEvent.objects.create(
        provider="mandrill",
        event_key=f"purge-{n}:send:{n}",
        event_type="send",
        message_id=f"purge-{n}",
        payload={"_id": f"purge-{n}", "event": "send", "ts": n},
    )
    WebhookEvent.objects.filter(pk=event.pk).update(received_at=timezone.now() - datetime.timedelta(days=days_ago))
    return event


def test_old_webhook_events_are_purged_and_recent_ones_still_dedupe(worker: Worker) -> None:
    old, older, recent, fresh = _event(1, 31), _event(2, 400), _event(3, 29), _event(4, 0)

    webhook_events_purge_task.delay()
    wait_until(lambda: not WebhookEvent.objects.filter(pk__in=[old.pk, older.pk]).exists(), 30, what="purge")

    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {recent.pk, fresh.pk}
    # A redelivery of a kept event is still recognised as a duplicate.
    counts = mandrill_events_process(events=[{"_id": "purge-3", "event": "send", "ts": 3}])
    assert counts["duplicates"] == 1


def test_retention_is_configurable_and_never_below_a_day(transactional_db: Any) -> None:
    week, three_days, half_day = _event(10, 8), _event(11, 3), _event(12, 0.5)
    assert webhook_events_purge(retention_days=7) == 1
    assert set(WebhookEvent.objects.values_list("pk", flat=True)) == {three_days.pk, half_day.pk}
    assert webhook_events_purge(retention_days=5) == 0
    assert webhook_events_purge(retention_days=2) == 1
    assert webhook_events_purge(retention_days=0) == 0  # read as 1 day: the half-day-old event stays
    assert list(WebhookEvent.objects.values_list("pk", flat=True)) == [half_day.pk]
    assert week.pk not in set(WebhookEvent.objects.values_list("pk", flat=True))
