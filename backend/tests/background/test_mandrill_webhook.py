"""Inbound Mandrill delivery events: signature, dedupe, status mapping, activity and push (issue item 4)."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from base64 import b64encode
from typing import Any
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from pulse.activity.models import Activity
from pulse.notifications.models import EmailStatus, Notification, WebhookEvent
from pulse.realtime.events import user_group
from tests.background.conftest import StreamListener
from tests.background.support import wait_until
from tests.factories import make_user

URL = "/api/v1/webhooks/mandrill/"
KEY = "mandrill-webhook-key"
REQUEST_URL = f"http://testserver{URL}"

MAPPING = {
    "send": "sent",
    "deferral": "deferred",
    "soft_bounce": "soft_bounced",
    "hard_bounce": "bounced",
    "reject": "rejected",
    "open": "opened",
    "click": "clicked",
    "spam": "spam",
    "unsub": "unsubscribed",
}


@pytest.fixture(autouse=True)
def webhook_settings(settings: Any) -> None:
    settings.MANDRILL_WEBHOOK_KEY = KEY
    settings.MANDRILL_WEBHOOK_URL = ""


def mandrill_signature(*, key: str, url: str, params: dict[str, str]) -> str:
    """Sign as Mandrill does: base64(HMAC-SHA1(key, url + each POST key and value, sorted by key))."""
    signed = url + "".join(f"{k}{params[k]}" for k in sorted(params))
    return b64encode(hmac.new(key.encode(), signed.encode(), hashlib.sha1).digest()).decode()


def test_the_signer_matches_an_independently_computed_vector() -> None:
    # Computed outside Python:
    # printf '<url>mandrill_events<json>' | openssl dgst -sha1 -hmac vector-key -binary | base64
    params = {"mandrill_events": '[{"event":"send","_id":"abc"}]'}
    url = "https://pulse.example/api/v1/webhooks/mandrill/"
    assert mandrill_signature(key="vector-key", url=url, params=params) == "y3FlWlAkfJjxebvW0Ox/QMjM8l0="


def test_the_endpoint_accepts_the_independent_vector(db: Any, settings: Any) -> None:
    settings.MANDRILL_WEBHOOK_KEY = "vector-key"
    settings.MANDRILL_WEBHOOK_URL = "https://pulse.example/api/v1/webhooks/mandrill/"
    body = urlencode({"mandrill_events": '[{"event":"send","_id":"abc"}]'})
    ok = APIClient().post(
        URL,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_MANDRILL_SIGNATURE="y3FlWlAkfJjxebvW0Ox/QMjM8l0=",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"processed": 0, "duplicates": 0, "unmatched": 1, "ignored": 0}
    wrong = APIClient().post(
        URL,
        body,
        content_type="application/x-www-form-urlencoded",
        HTTP_X_MANDRILL_SIGNATURE="y3FlWlAkfJjxebvW0Ox/QMjM8l1=",
    )
    assert wrong.status_code == 403
    assert wrong.json()["error"]["code"] == "invalid_signature"


def emailed(user: Any, status: str = EmailStatus.PENDING) -> Notification:
    """A notification whose email the provider accepted under a message id."""
    return Notification.objects.create(
        recipient=user,
        kind="member_added",
        title="You joined Apollo",
        dedupe_key=uuid.uuid4().hex,
        email_status=status,
        email_message_id=f"msg-{uuid.uuid4().hex[:12]}",
    )


def event(kind: str, n: Notification, ts: int = 1_700_000_000) -> dict[str, Any]:
    """A Mandrill webhook event as Mandrill posts it."""
    return {
        "event": kind,
        "_id": n.email_message_id,
        "ts": ts,
        "msg": {"_id": n.email_message_id, "email": n.recipient.email, "state": "sent", "subject": n.title},
    }


def post(
    client: APIClient,
    events: Any,
    *,
    key: str = KEY,
    url: str = REQUEST_URL,
    signature: str | None = None,
    raw: str | None = None,
) -> Any:
    params = {"mandrill_events": raw if raw is not None else json.dumps(events)}
    sig = signature if signature is not None else mandrill_signature(key=key, url=url, params=params)
    return client.post(
        URL, urlencode(params), content_type="application/x-www-form-urlencoded", HTTP_X_MANDRILL_SIGNATURE=sig
    )


def nothing_stored(*notifications: Notification) -> None:
    assert not WebhookEvent.objects.exists()
    assert not Activity.objects.filter(verb="notification.delivered").exists()
    for n in notifications:
        assert Notification.objects.get(pk=n.pk).email_status == n.email_status


def test_head_answers_200(db: Any) -> None:
    assert APIClient().head(URL).status_code == 200


def test_every_event_kind_maps_onto_the_delivery_status(transactional_db: Any) -> None:
    user = make_user("hooked")
    notifications = {kind: emailed(user) for kind in MAPPING}
    with StreamListener([user_group(user.pk)]) as stream:
        response = post(APIClient(), [event(kind, n) for kind, n in notifications.items()])
        assert response.status_code == 200, response.content
        assert response.json() == {"processed": 9, "duplicates": 0, "unmatched": 0, "ignored": 0}
        ids = {n.pk for n in notifications.values()}
        wait_until(lambda: len(_status_events(stream, user.pk, ids)) >= 9, 10, what="email status events")

    for kind, n in notifications.items():
        assert Notification.objects.get(pk=n.pk).email_status == MAPPING[kind], kind
        activity = Activity.objects.get(verb="notification.delivered", target_id=n.pk)
        assert activity.target_type == "notification" and activity.actor_id is None
        assert activity.changes == {"email_status": ["pending", MAPPING[kind]]}
        assert activity.metadata["event"] == kind and activity.metadata["recipient_id"] == user.pk
    assert WebhookEvent.objects.filter(provider="mandrill").count() == 9
    pushed = {e["id"]: e["email_status"] for e in _status_events(stream, user.pk, ids)}
    assert len(_status_events(stream, user.pk, ids)) == 9
    assert pushed == {n.pk: MAPPING[kind] for kind, n in notifications.items()}


def _status_events(stream: StreamListener, user_id: int, ids: set[int]) -> list[dict[str, Any]]:
    """This user's status events (other sessions on this Redis may use the same user ids)."""
    return [
        e
        for e in stream.events(user_group(user_id))
        if e.get("type") == "notification.email_status" and e.get("id") in ids
    ]


def test_a_replayed_event_is_applied_once(db: Any) -> None:
    n = emailed(make_user("replayed"), EmailStatus.SENT)
    body = [event("open", n)]
    first = post(APIClient(), body)
    assert first.json() == {"processed": 1, "duplicates": 0, "unmatched": 0, "ignored": 0}
    replay = post(APIClient(), body)
    assert replay.status_code == 200
    assert replay.json() == {"processed": 0, "duplicates": 1, "unmatched": 0, "ignored": 0}
    assert WebhookEvent.objects.count() == 1
    assert Activity.objects.filter(verb="notification.delivered", target_id=n.pk).count() == 1
    assert Notification.objects.get(pk=n.pk).email_status == EmailStatus.OPENED


def test_late_events_never_move_delivery_backwards(db: Any) -> None:
    n = emailed(make_user("late"), EmailStatus.SENT)
    assert post(APIClient(), [event("click", n, ts=1_700_000_100)]).status_code == 200
    assert (
        post(APIClient(), [event("open", n, ts=1_700_000_050), event("send", n, ts=1_700_000_000)]).status_code == 200
    )
    assert Notification.objects.get(pk=n.pk).email_status == EmailStatus.CLICKED
    assert Activity.objects.filter(verb="notification.delivered", target_id=n.pk).count() == 1


def test_unknown_messages_and_event_kinds_are_counted_not_applied(db: Any) -> None:
    n = emailed(make_user("stranger"), EmailStatus.SENT)
    ghost = {"event": "open", "_id": "not-ours", "ts": 1, "msg": {"_id": "not-ours"}}
    response = post(APIClient(), [ghost, {"event": "whitelist", "_id": n.email_message_id, "ts": 2}])
    assert response.json() == {"processed": 0, "duplicates": 0, "unmatched": 1, "ignored": 1}
    assert Notification.objects.get(pk=n.pk).email_status == EmailStatus.SENT
    assert not Activity.objects.filter(verb="notification.delivered").exists()


@pytest.mark.parametrize(
    "tamper",
    ["wrong_signature", "no_signature", "other_key", "other_url", "body_changed"],
)
def test_a_bad_signature_is_403_and_stores_nothing(db: Any, tamper: str) -> None:
    n = emailed(make_user("forged"), EmailStatus.SENT)
    body = [event("hard_bounce", n)]
    params = {"mandrill_events": json.dumps(body)}
    signature = {
        "wrong_signature": "bm90IGEgc2lnbmF0dXJl",
        "no_signature": "",
        "other_key": mandrill_signature(key="another-key", url=REQUEST_URL, params=params),
        "other_url": mandrill_signature(key=KEY, url="http://testserver/elsewhere/", params=params),
        "body_changed": mandrill_signature(key=KEY, url=REQUEST_URL, params={"mandrill_events": "[]"}),
    }[tamper]
    response = post(APIClient(), body, signature=signature)
    assert response.status_code == 403, response.content
    assert response.json()["error"]["code"] == "invalid_signature"
    nothing_stored(n)


def test_without_a_configured_key_every_post_is_refused(db: Any, settings: Any) -> None:
    settings.MANDRILL_WEBHOOK_KEY = ""
    n = emailed(make_user("keyless"), EmailStatus.SENT)
    assert post(APIClient(), [event("open", n)], key="").status_code == 403
    nothing_stored(n)


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"event": "open"}',
        "[1, 2]",
        '["open"]',
        "",
        "[" * 100_000 + "]" * 100_000,
        '[{"event": "open", "msg": ' + "[" * 40 + "]" * 40 + "}]",
    ],
    ids=["not_json", "object", "numbers", "strings", "empty", "nested-100000", "nested-41"],
)
def test_a_malformed_body_is_400_and_stores_nothing(db: Any, raw: str) -> None:
    n = emailed(make_user("garbled"), EmailStatus.SENT)
    response = post(APIClient(), None, raw=raw)
    assert response.status_code == 400, response.content
    assert "mandrill_events" in response.json()["error"]["details"]
    nothing_stored(n)


def test_the_signature_covers_the_configured_public_url(db: Any, settings: Any) -> None:
    public = "https://pulse.example.com/api/v1/webhooks/mandrill/"
    settings.MANDRILL_WEBHOOK_URL = public
    n = emailed(make_user("proxied"), EmailStatus.SENT)
    assert post(APIClient(), [event("open", n)]).status_code == 403  # signed over the internal URL
    nothing_stored(n)
    assert post(APIClient(), [event("open", n)], url=public).status_code == 200
    assert Notification.objects.get(pk=n.pk).email_status == EmailStatus.OPENED
