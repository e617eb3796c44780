"""A provider event carrying NUL characters (which PostgreSQL text and jsonb cannot hold) is stored
without them, not answered with a 500 that the provider would retry forever."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from pulse.notifications.models import WebhookEvent
from tests.background.test_mandrill_webhook import emailed, event, post, webhook_settings  # noqa: F401
from tests.factories import make_user


def test_nul_characters_in_an_event_are_dropped_not_a_500(transactional_db: Any) -> None:
    n = emailed(make_user("nul-event"))
    sent = event("send", n)
    sent["msg"]["subject"] = "Hello\x00 there"
    sent["msg"]["tags"] = ["a\x00b"]
    sent["_id"] = f"{n.email_message_id}\x00"
    sent["msg"]["\x00odd-key"] = "x"

    response = post(APIClient(), [sent])

    assert response.status_code == 200, response.content
    assert response.json() == {"processed": 1, "duplicates": 0, "unmatched": 0, "ignored": 0}
    stored = WebhookEvent.objects.get()
    assert stored.message_id == n.email_message_id
    assert stored.payload["msg"]["subject"] == "Hello there" and stored.payload["msg"]["tags"] == ["ab"]
    assert stored.payload["msg"]["odd-key"] == "x"
