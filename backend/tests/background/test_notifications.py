"""Notifications: created by services, read through the API, emailed by the worker (issue item 3).

Email goes through django-anymail's Mandrill backend to the fake Mandrill API of ``conftest.py``,
which can fail on purpose: the worker's task retries with backoff and gives up after
``MAX_ATTEMPTS`` attempts.
"""

from __future__ import annotations

import time
from typing import Any

from pulse.notifications.models import EmailStatus, Notification, NotificationKind
from pulse.notifications.tasks import MAX_ATTEMPTS
from pulse.projects import services
from pulse.projects.models import Role
from pulse.realtime.events import user_group
from tests.background.conftest import FakeMandrill, StreamListener, Worker
from tests.background.support import wait_until
from tests.factories import add_member, make_milestone, make_project, make_user

LIST_URL = "/api/v1/notifications/"


def _settled(notification: Notification, timeout: float) -> Notification:
    """The notification once its email is no longer pending."""

    def check() -> Notification | None:
        fresh = Notification.objects.get(pk=notification.pk)
        return fresh if fresh.email_status != EmailStatus.PENDING else None

    return wait_until(check, timeout, interval=0.2, what=f"email of notification {notification.pk} settled")


def test_email_is_retried_after_a_provider_error(worker: Worker, fake_mandrill: FakeMandrill) -> None:
    owner = make_user("mail-owner")
    flaky = make_user("flaky")
    fake_mandrill.script(flaky.email, [500, "sent:abc123"])
    project = make_project(owner)
    add_member(project, flaky, role=Role.DEVELOPER)
    notification = Notification.objects.get(recipient=flaky)
    assert notification.kind == NotificationKind.MEMBER_ADDED and notification.email_status == EmailStatus.PENDING

    done = _settled(notification, timeout=60)
    sends = fake_mandrill.sends_to(flaky.email)
    assert len(sends) == 2, worker.log_tail()
    message = sends[-1]["payload"]["message"]
    assert message["subject"] == f"[Pulse] {notification.title}"
    assert message["headers"]["X-Pulse-Notification"] == str(notification.pk)
    assert done.email_status == EmailStatus.SENT
    assert done.email_message_id == "abc123"
    assert done.email_updated_at is not None and done.email_error == ""
    assert done.email_attempts >= 2, f"email_attempts={done.email_attempts} after {len(sends)} provider calls"


def test_email_fails_for_good_after_the_last_attempt(worker: Worker, fake_mandrill: FakeMandrill) -> None:
    owner = make_user("mail-owner")
    broken = make_user("broken")
    fake_mandrill.script(broken.email, [500])
    project = make_project(owner)
    add_member(project, broken, role=Role.QA)
    notification = Notification.objects.get(recipient=broken)

    # Backoff with full jitter: at most 2 + 4 + 8 + 16 s between the five attempts.
    done = _settled(notification, timeout=120)
    assert done.email_status == EmailStatus.FAILED, worker.log_tail()
    assert len(fake_mandrill.sends_to(broken.email)) == MAX_ATTEMPTS
    time.sleep(3)
    assert len(fake_mandrill.sends_to(broken.email)) == MAX_ATTEMPTS, "no attempt after the last one"
    assert Notification.objects.get(pk=notification.pk).email_status == EmailStatus.FAILED
    assert "500" in done.email_error or "Injected failure" in done.email_error, done.email_error
    assert done.email_message_id == ""
    assert done.email_attempts == MAX_ATTEMPTS, f"email_attempts={done.email_attempts} after {MAX_ATTEMPTS} calls"


def test_email_opt_out_per_kind(worker: Worker, fake_mandrill: FakeMandrill, api: Any) -> None:
    owner = make_user("optout-owner")
    quiet = make_user("quiet")
    client = api(quiet)
    me = client.get("/api/v1/auth/me/")
    changed = client.patch(
        "/api/v1/auth/me/", {"email_opt_out": ["member_added"]}, format="json", HTTP_IF_MATCH=me["ETag"]
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["email_opt_out"] == ["member_added"]

    project = make_project(owner)
    add_member(project, quiet, role=Role.DEVELOPER)
    make_milestone(project, title="Ship it", assignee_id=quiet.pk)
    added = Notification.objects.get(recipient=quiet, kind=NotificationKind.MEMBER_ADDED)
    assigned = Notification.objects.get(recipient=quiet, kind=NotificationKind.MILESTONE_ASSIGNED)
    assert added.email_status == EmailStatus.SKIPPED

    assert _settled(assigned, timeout=60).email_status == EmailStatus.SENT  # the other kind still goes out
    sends = fake_mandrill.sends_to(quiet.email)
    assert [s["payload"]["message"]["subject"] for s in sends] == [f"[Pulse] {assigned.title}"]
    assert Notification.objects.get(pk=added.pk).email_status == EmailStatus.SKIPPED
    listed = {n["kind"]: n for n in client.get(LIST_URL).json()["results"]}
    assert listed["member_added"]["email_status"] == "skipped"  # still delivered in-app


def test_an_unknown_opt_out_kind_is_a_400(db: Any, api: Any) -> None:
    user = make_user("typo")
    client = api(user)
    client.raise_request_exception = False  # see the answer a real client would get
    me = client.get("/api/v1/auth/me/")
    refused = client.patch(
        "/api/v1/auth/me/", {"email_opt_out": ["no_such_kind"]}, format="json", HTTP_IF_MATCH=me["ETag"]
    )
    assert refused.status_code == 400, refused.content
    assert "email_opt_out" in refused.json()["error"]["details"]


def test_services_notify_the_people_concerned_and_push_to_their_stream(transactional_db: Any) -> None:
    owner = make_user("svc-owner")
    lead = make_user("svc-lead")
    dev = make_user("svc-dev")
    project = make_project(owner)
    with StreamListener([user_group(dev.pk), user_group(owner.pk)]) as stream:
        add_member(project, lead, role=Role.LEAD)
        member = add_member(project, dev, role=Role.DEVELOPER)
        services.member_update(
            project_id=project.pk, member_id=member.pk, expected_version=1, actor=owner, data={"role": Role.QA}
        )
        make_milestone(project, title="Beta", assignee_id=dev.pk)
        project.refresh_from_db()
        services.project_transition(project_id=project.pk, name="start", expected_version=project.version, actor=lead)
        mine = list(Notification.objects.filter(recipient=dev).order_by("id"))
        assert [n.kind for n in mine] == [
            NotificationKind.MEMBER_ADDED,
            NotificationKind.MEMBER_ROLE_CHANGED,
            NotificationKind.MILESTONE_ASSIGNED,
            NotificationKind.PROJECT_TRANSITIONED,
        ]
        assert all(n.project_id == project.pk for n in mine)
        ids = {n.pk for n in mine}
        wait_until(lambda: len(_created(stream, dev.pk, ids)) >= 4, 10, what="notification events on the user stream")
    pushed = _created(stream, dev.pk, ids)
    assert [(e["id"], e["kind"]) for e in pushed] == [(n.pk, n.kind) for n in mine]

    # The actor is never told about their own change; the owner hears of the lead's transition.
    assert list(Notification.objects.filter(recipient=lead).values_list("kind", flat=True)) == ["member_added"]
    assert list(Notification.objects.filter(recipient=owner).values_list("kind", flat=True)) == ["project_transitioned"]


def _created(stream: StreamListener, user_id: int, ids: set[int]) -> list[dict[str, Any]]:
    """This user's notification events (other sessions on this Redis may use the same user ids)."""
    return [
        e for e in stream.events(user_group(user_id)) if e.get("type") == "notification.created" and e.get("id") in ids
    ]


def test_notifications_api(db: Any, api: Any) -> None:
    owner = make_user("api-owner")
    dev = make_user("api-dev")
    other = make_user("api-other")
    project = make_project(owner)
    add_member(project, dev)
    add_member(project, other)
    make_milestone(project, title="Alpha", assignee_id=dev.pk)
    services.project_transition(project_id=project.pk, name="start", expected_version=4, actor=owner)
    client = api(dev)

    page = client.get(LIST_URL).json()
    assert page["count"] == 3 and page["unread_count"] == 3
    kinds = [n["kind"] for n in page["results"]]
    assert kinds == ["project_transitioned", "milestone_assigned", "member_added"]  # newest first
    assert all(n["read"] is False and n["read_at"] is None for n in page["results"])

    oldest = page["results"][-1]["id"]
    read = client.post(f"{LIST_URL}{oldest}/read/")
    assert read.status_code == 200 and read.json()["read"] is True and read.json()["read_at"]
    again = client.post(f"{LIST_URL}{oldest}/read/")
    assert again.json()["read_at"] == read.json()["read_at"]  # idempotent
    assert client.get(LIST_URL).json()["unread_count"] == 2
    assert [n["id"] for n in client.get(LIST_URL, {"unread": "true"}).json()["results"]] == [
        n["id"] for n in page["results"][:2]
    ]
    assert [n["id"] for n in client.get(LIST_URL, {"unread": "false"}).json()["results"]] == [oldest]
    assert client.get(LIST_URL, {"unread": "maybe"}).status_code == 400
    assert client.get(LIST_URL, {"colour": "red"}).status_code == 400

    theirs = Notification.objects.filter(recipient=other).first()
    assert theirs is not None
    assert client.post(f"{LIST_URL}{theirs.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None

    assert client.post(f"{LIST_URL}read-all/").json() == {"marked": 2}
    assert client.post(f"{LIST_URL}read-all/").json() == {"marked": 0}
    assert client.get(LIST_URL).json()["unread_count"] == 0
    assert api(other).get(LIST_URL).json()["unread_count"] == 2
    assert api(None).get(LIST_URL).status_code == 401
