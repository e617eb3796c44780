"""Access is re-checked while a socket is open: removed members, logout, password change, deactivation."""

from __future__ import annotations

import time
from typing import Any

import pytest

from pulse.accounts.models import User
from tests.factories import PASSWORD
from tests.realtime.conftest import Team
from tests.realtime.support import Server, Socket

pytestmark = pytest.mark.usefixtures("transactional_db")

NEW_PASSWORD = "a-much-longer-new-passphrase-42"


def test_a_removed_member_stops_receiving_at_once(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    owner = sessions(server_a, team.owner)
    member = sessions(server_a, team.member)
    owner_sock = owner.socket()
    member_socks = [member.socket(server_a), member.socket(server_b)]
    for sock in [owner_sock, *member_socks]:
        sock.subscribe(f"project:{team.pid}")

    path = f"/projects/{team.pid}/members/{team.membership.pk}/"
    response = owner.http.delete(path, headers={"If-Match": owner.etag(path)})
    assert response.status_code == 204, response.text

    removed = owner_sock.event()
    assert (removed["type"], removed["data"]["target_id"]) == ("member.removed", team.membership.pk)
    for sock in member_socks:
        assert sock.next() == removed, "the removed member is told about their removal"
        assert sock.next() == {
            "type": "unsubscribed",
            "topic": f"project:{team.pid}",
            "reason": "access_revoked",
        }

    owner.update_project(team.pid, description="after the removal")
    assert owner_sock.event()["type"] == "project.updated"
    for sock in member_socks:
        sock.assert_quiet()
        # and they cannot come back in by asking again
        sock.send({"type": "subscribe", "topic": f"project:{team.pid}"})
        code, before = sock.wait_closed()
        assert code == 4403 and before == [{"type": "error", "code": "forbidden", "topic": f"project:{team.pid}"}]


def test_a_member_whose_role_changes_keeps_receiving(team: Team, sessions: Any, server_a: Server) -> None:
    owner = sessions(server_a, team.owner)
    sock = sessions(server_a, team.member).socket()
    sock.subscribe(f"project:{team.pid}")
    path = f"/projects/{team.pid}/members/{team.membership.pk}/"
    response = owner.http.patch(path, json={"role": "stakeholder"}, headers={"If-Match": owner.etag(path)})
    assert response.status_code == 200, response.text
    assert sock.event()["type"] == "member.updated"
    owner.update_project(team.pid, description="still watched")
    assert sock.event()["type"] == "project.updated"


def test_logout_closes_the_users_sockets_on_every_server_with_4401(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    member = sessions(server_a, team.member)
    socks = [member.socket(server_a), member.socket(server_b)]
    for sock in socks:
        sock.subscribe(f"project:{team.pid}")
    bystander = sessions(server_a, team.owner).socket()

    started = time.monotonic()
    response = member.http.post("/auth/logout/", json={"refresh": member.refresh})
    assert response.status_code == 204, response.text
    for sock in socks:
        code, before = sock.wait_closed(timeout=2.0)
        assert code == 4401
        assert [(m["type"], m["code"]) for m in before] == [("error", "session_revoked")], before
    assert time.monotonic() - started <= 2.0

    bystander.send({"type": "ping", "ts": 1})
    assert bystander.next() == {"type": "pong", "ts": 1}, "other users' sockets stay open"


def test_a_password_change_closes_the_users_sockets_with_4401(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    member = sessions(server_a, team.member)
    socks = [member.socket(server_a), member.socket(server_b)]
    etag = member.etag("/auth/me/")
    started = time.monotonic()
    response = member.http.patch(
        "/auth/me/",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.text
    for sock in socks:
        code, before = sock.wait_closed(timeout=2.0)
        assert code == 4401 and [m.get("code") for m in before] == ["session_revoked"], before
    assert time.monotonic() - started <= 2.0


def test_a_ticket_issued_before_a_password_change_is_refused_after_it(
    team: Team, sessions: Any, server_a: Server
) -> None:
    """The ticket was minted with credentials the password change revoked; it must not outlive them."""
    member = sessions(server_a, team.member)
    ticket = member.ticket()
    response = member.http.patch(
        "/auth/me/",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"If-Match": member.etag("/auth/me/")},
    )
    assert response.status_code == 200, response.text
    assert member.http.post("/auth/ws-ticket/").status_code == 401, "the old access token is revoked"
    sock = Socket.open(server_a, ticket)
    code, before = sock.wait_closed(timeout=3.0)
    assert (code, before) == (4401, [])


def test_a_deactivated_user_is_disconnected_by_the_session_recheck(
    team: Team, sessions: Any, recheck_server: Server
) -> None:
    sock = sessions(recheck_server, team.member).socket()
    sock.subscribe(f"project:{team.pid}")
    other = sessions(recheck_server, team.owner).socket()
    # As the admin does it: a plain save, no service, nothing pushed.
    User.objects.filter(pk=team.member.pk).update(is_active=False)
    code, before = sock.wait_closed(timeout=2.5)  # SESSION_RECHECK_SECONDS=1 on this server
    assert code == 4401 and [m.get("code") for m in before] == ["session_revoked"], before
    other.send({"type": "ping", "ts": 2})
    assert other.next() == {"type": "pong", "ts": 2}
