"""Resume after a disconnect: exactly the missed events, in order; past the window, resync (SPEC §6).

Servers A and B run with REPLAY_MAX_EVENTS=5 (conftest), so the count window is reachable.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db.models import Q
from django.utils import timezone

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.notifications.models import Notification, NotificationKind
from pulse.notifications.services import mandrill_events_process
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.realtime.conftest import REPLAY_MAX_EVENTS, Team
from tests.realtime.support import Api, Server, Socket, ids, is_event

pytestmark = pytest.mark.usefixtures("transactional_db")


def watch(api: Api, *project_ids: int, server: Server | None = None) -> Socket:
    sock = api.socket(server)
    for pid in project_ids:
        sock.subscribe(f"project:{pid}")
    return sock


def resume(sock: Socket, last_id: int, timeout: float = 3.0) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Send resume; return (events replayed, the message that ended the replay)."""
    sock.send({"type": "resume", "last_id": last_id})
    replayed = []
    while True:
        message = sock.next(timeout=timeout)
        if not is_event(message):
            return replayed, message
        replayed.append(message)


def missed_ids(project_ids: list[int], after: int) -> list[int]:
    return list(
        Activity.objects.filter(project_id__in=project_ids, id__gt=after).order_by("id").values_list("id", flat=True)
    )


def test_resume_after_a_disconnect_replays_exactly_the_missed_events_in_order(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner = sessions(server_a, team.owner)
    member = sessions(server_a, team.member)
    projects = [team.pid, team.other.pk]
    add_member = owner.http.post(f"/projects/{team.other.pk}/members/", json={"user_id": team.member.pk, "role": "qa"})
    assert add_member.status_code == 201, add_member.text

    sock = watch(member, *projects)
    owner.update_project(team.pid, description="seen before the disconnect")
    last_seen = sock.event()["id"]
    sock.close()

    # Four changes interleaved over both projects while the member is away.
    owner.update_project(team.other.pk, description="missed 1")
    owner.update_project(team.pid, description="missed 2")
    owner.update_project(team.other.pk, description="missed 3")
    owner.update_project(team.pid, description="missed 4")
    expected = missed_ids(projects, last_seen)
    assert len(expected) == 4

    back = watch(member, *projects, server=server_b)  # any server: the replay comes from the database
    replayed, end = resume(back, last_seen)
    assert ids(replayed) == expected
    assert [e["data"]["changes"]["description"][1] for e in replayed] == [f"missed {n}" for n in range(1, 5)]
    assert end == {"type": "resumed", "last_id": last_seen, "replayed": 4}
    back.assert_quiet(0.5)

    owner.update_project(team.pid, description="live again")
    live = back.event()
    assert live["id"] > expected[-1] and live["data"]["prev_id"] == expected[-1]


def test_resume_with_nothing_missed_replays_nothing(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    back = watch(owner, team.pid)
    assert resume(back, last_seen) == ([], {"type": "resumed", "last_id": last_seen, "replayed": 0})


def test_resume_does_not_replay_projects_the_client_did_not_subscribe_to(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    owner.update_project(team.other.pk, description="other project")
    owner.update_project(team.pid, description="this project")
    back = watch(owner, team.pid)
    replayed, end = resume(back, last_seen)
    assert ids(replayed) == missed_ids([team.pid], last_seen) and len(replayed) == 1
    assert end["type"] == "resumed"


def test_a_gap_of_exactly_the_window_is_replayed(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    for n in range(REPLAY_MAX_EVENTS):
        owner.update_project(team.pid, description=f"missed {n}")
    back = watch(owner, team.pid)
    replayed, end = resume(back, last_seen)
    assert ids(replayed) == missed_ids([team.pid], last_seen) and len(replayed) == REPLAY_MAX_EVENTS
    assert end == {"type": "resumed", "last_id": last_seen, "replayed": REPLAY_MAX_EVENTS}


def test_a_gap_beyond_the_event_window_gets_resync_and_then_live_events(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    for n in range(REPLAY_MAX_EVENTS + 1):
        owner.update_project(team.pid, description=f"missed {n}")

    back = watch(owner, team.pid)
    replayed, end = resume(back, last_seen)
    assert replayed == [], "past the window nothing is replayed: the client refetches"
    assert end["type"] == "resync"
    back.assert_quiet(0.5)

    updated = owner.update_project(team.pid, description="after the resync")
    live = back.event()
    assert live["version"] == updated["version"]


def test_a_gap_older_than_the_age_window_gets_resync(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    owner.update_project(team.pid, description="missed long ago")
    owner.update_project(team.pid, description="missed recently")
    first_missed = missed_ids([team.pid], last_seen)[0]
    # REPLAY_MAX_AGE_SECONDS is the default 24 h: make the first missed event 25 h old.
    Activity.objects.filter(pk=first_missed).update(created_at=timezone.now() - datetime.timedelta(hours=25))

    back = watch(owner, team.pid)
    replayed, end = resume(back, last_seen)
    assert (replayed, end["type"]) == ([], "resync")


def test_a_change_made_while_resuming_is_neither_lost_nor_repeated_after_the_replay(
    team: Team, sessions: Any, server_a: Server
) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    owner.update_project(team.pid, description="seen")
    last_seen = sock.event()["id"]
    sock.close()
    for n in range(3):
        owner.update_project(team.pid, description=f"missed {n}")

    back = watch(owner, team.pid)
    back.send({"type": "resume", "last_id": last_seen})
    owner.update_project(team.pid, description="during the replay")
    got = back.collect(2.0)
    expected = missed_ids([team.pid], last_seen)
    assert len(expected) == 4
    assert sorted({e["id"] for e in got if is_event(e)}) == expected, "nothing lost"
    end = next(i for i, m in enumerate(got) if m["type"] == "resumed")
    replay = [e["id"] for e in got[:end] if is_event(e)]
    after = [e["id"] for e in got[end + 1 :]]
    tail = [i for i in replay if i in expected[:3]]
    assert tail == expected[:3], f"the replay holds the missed events in order: {replay}"
    assert all(i not in replay for i in after), f"an event was repeated after the replay: {got}"


def _deliver_mail(recipient: Any, message_id: str) -> None:
    """A notification for ``recipient`` whose email Mandrill reports sent: a `notification.delivered` row."""
    notification = Notification.objects.create(
        recipient=recipient, kind=NotificationKind.DIGEST, title="Digest", dedupe_key=message_id
    )
    Notification.objects.filter(pk=notification.pk).update(email_message_id=message_id)
    mandrill_events_process(events=[{"event": "send", "_id": message_id, "ts": 1, "msg": {}}])


def test_resume_replays_the_users_own_stream_in_id_order_with_the_projects(
    team: Team, sessions: Any, server_a: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = sessions(server_a, team.owner)
    sock = watch(owner, team.pid)
    sock.subscribe("user")
    owner.update_project(team.pid, description="seen before the disconnect")
    last_seen = sock.event()["id"]
    sock.close()

    # While the owner is away: their bulk edit finishes, their mail is delivered, and the member's
    # mail too (the member's private row must never reach the owner).
    monkeypatch.setattr(bulk_services, "enqueue", lambda *args: None)
    etag = make_etag("project", team.pid, Project.objects.get(pk=team.pid).version)
    operation, _ = bulk_services.bulk_operation_request(
        actor=team.owner,
        action="set_health_override",
        params={"health": "at_risk", "reason": "Vendor late"},
        items=[{"id": team.pid, "etag": etag}],
    )
    assert bulk_services.bulk_operation_execute(operation_id=operation.pk) is not None
    _deliver_mail(team.owner, "mail-owner")
    _deliver_mail(team.member, "mail-member")
    expected = list(
        Activity.objects.filter(id__gt=last_seen)
        .filter(Q(project_id=team.pid) | Q(project_id__isnull=True, recipient_id=team.owner.pk))
        .order_by("id")
        .values_list("id", "verb")
    )
    assert [verb for _, verb in expected] == ["project.updated", "bulk.completed", "notification.delivered"]

    back = watch(owner, team.pid)
    back.subscribe("user")
    replayed, end = resume(back, last_seen)
    assert [(e["id"], e["type"]) for e in replayed] == expected
    completed = replayed[1]
    assert completed["project_id"] is None and completed["data"]["target_id"] == operation.pk
    assert completed["data"]["prev_id"] is None
    assert replayed[2]["data"]["metadata"]["recipient_id"] == team.owner.pk
    assert end == {"type": "resumed", "last_id": last_seen, "replayed": 3}
    back.assert_quiet(0.5)

    # Without the user topic, only the project's events come back.
    project_only = watch(owner, team.pid)
    replayed, end = resume(project_only, last_seen)
    assert [e["type"] for e in replayed] == ["project.updated"] and end["replayed"] == 1
