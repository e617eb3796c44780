"""Opening /ws/: one-time tickets, Origin, the close codes, ping/pong, malformed messages (SPEC §6)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from websockets.exceptions import ConnectionClosed

from pulse.realtime.events import (
    CONTROL_MESSAGE_TYPES,
    DASHBOARD_MESSAGE_TYPES,
    EVENT_TYPES,
    USER_MESSAGE_TYPES,
)
from pulse.realtime.tickets import _PREFIX as TICKET_PREFIX
from tests.realtime.conftest import Team
from tests.realtime.support import SCHEMA, VALIDATOR, Server, Socket, rejected_handshake_status

pytestmark = pytest.mark.usefixtures("transactional_db")


def closed_with(sock: Socket, timeout: float = 3.0) -> tuple[int | None, list[dict[str, Any]]]:
    return sock.wait_closed(timeout)


def test_the_schema_is_valid_and_discriminates_events_from_control_messages() -> None:
    VALIDATOR.check_schema(SCHEMA)
    event = {
        "id": 7,
        "type": "project.updated",
        "project_id": 3,
        "version": 2,
        "actor": {"id": 1, "name": "Ann"},
        "data": {
            "target_type": "project",
            "target_id": 3,
            "changes": {"title": ["a", "b"]},
            "metadata": {},
            "prev_id": 5,
        },
        "ts": "2026-01-02T03:04:05.678901Z",
    }
    assert VALIDATOR.is_valid(event)
    assert not VALIDATOR.is_valid({**event, "extra": 1}), "the envelope is exactly SPEC §6's keys"
    assert not VALIDATOR.is_valid({k: v for k, v in event.items() if k != "version"})
    assert not VALIDATOR.is_valid({**event, "type": "welcome"})
    assert VALIDATOR.is_valid({"type": "welcome", "user_id": 1})
    assert not VALIDATOR.is_valid({"type": "subscribed", "topic": "project:abc"})
    assert VALIDATOR.is_valid({**event, "type": "bulk.completed", "project_id": None, "version": None})
    assert not VALIDATOR.is_valid({**event, "type": "bulk.progress"})
    progress = {"type": "bulk.progress", "operation_id": 4, "phase": "checking", "processed": 500, "total": 900}
    assert VALIDATOR.is_valid({**progress, "ts": "2026-01-02T03:04:05+00:00"})
    assert not VALIDATOR.is_valid({**progress, "ts": "yesterday"})


def test_the_schema_names_exactly_the_registered_event_types() -> None:
    """Every verb the server can record (the registry delivery follows) is a valid event type, and no other."""
    assert set(SCHEMA["$defs"]["verb"]["enum"]) == set(EVENT_TYPES)
    messages = [SCHEMA["$defs"][ref["$ref"].rsplit("/", 1)[1]] for ref in SCHEMA["oneOf"]]
    other_types = {m["properties"]["type"]["const"] for m in messages if "const" in m["properties"]["type"]}
    assert other_types == USER_MESSAGE_TYPES | DASHBOARD_MESSAGE_TYPES | CONTROL_MESSAGE_TYPES, (
        "a new kind of server message must be registered in pulse.realtime.events (and so covered by "
        "tests/realtime/test_confidentiality.py)"
    )
    assert len(messages) == len(other_types) + 1, "one schema for events, one per other message type"


def test_a_ticket_opens_one_socket_once(team: Team, sessions: Any, server_a: Server) -> None:
    api = sessions(server_a, team.owner)
    ticket = api.ticket()
    first = Socket.open(server_a, ticket)
    assert first.next() == {"type": "welcome", "user_id": team.owner.pk}

    reused = Socket.open(server_a, ticket)
    code, before = closed_with(reused)
    assert (code, before) == (4401, []), "a used ticket must be refused with 4401 and nothing else"

    first.send({"type": "ping", "ts": 1})
    assert first.next() == {"type": "pong", "ts": 1}, "the first socket is unaffected"


def test_two_simultaneous_redemptions_of_one_ticket_let_exactly_one_in(
    team: Team, sessions: Any, server_a: Server, server_b: Server
) -> None:
    ticket = sessions(server_a, team.owner).ticket()
    results: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def redeem(server: Server) -> None:
        sock = Socket.open(server, ticket)
        barrier.wait(timeout=5)
        try:
            outcome = sock.next(timeout=5)["type"]
        except ConnectionClosed:
            outcome = f"closed {sock.close_code}"
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=redeem, args=(s,)) for s in (server_a, server_b, server_a, server_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=15)
    assert sorted(results) == ["closed 4401"] * 3 + ["welcome"], results


def test_a_missing_or_unknown_ticket_closes_4401(team: Team, server_a: Server) -> None:
    for ticket in (None, "", "not-a-ticket", "x" * 300):
        sock = Socket.open(server_a, ticket)
        assert closed_with(sock) == (4401, []), f"ticket {ticket!r}"


def test_an_expired_ticket_closes_4401(team: Team, sessions: Any, server_a: Server) -> None:
    api = sessions(server_a, team.owner)
    ticket = api.ticket()
    key = cache.make_key(TICKET_PREFIX + ticket)
    store = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
    ttl = store.ttl(key)
    assert 25 <= ttl <= 30, f"the ticket must live 30 s in the shared cache (ttl {ttl}, key {key})"
    # Let it expire now rather than waiting 30 s: same effect on the cache entry.
    assert store.expire(key, 1)
    time.sleep(1.3)
    sock = Socket.open(server_a, ticket)
    assert closed_with(sock) == (4401, [])


def test_a_ticket_of_a_deactivated_user_closes_4401(team: Team, sessions: Any, server_a: Server) -> None:
    ticket = sessions(server_a, team.member).ticket()
    type(team.member).objects.filter(pk=team.member.pk).update(is_active=False)
    sock = Socket.open(server_a, ticket)
    assert closed_with(sock) == (4401, [])


FOREIGN_ORIGINS = ("http://evil.example", "https://127.0.0.1.evil.example", "null", "http://localhost.evil.example:80")


def test_a_foreign_origin_is_refused_at_the_handshake(team: Team, sessions: Any, server_a: Server) -> None:
    api = sessions(server_a, team.owner)
    for origin in FOREIGN_ORIGINS:
        ticket = api.ticket()
        assert rejected_handshake_status(server_a, ticket, origin) == 403, origin
        # The refused handshake did not spend the ticket.
        sock = Socket.open(server_a, ticket)
        assert sock.next() == {"type": "welcome", "user_id": team.owner.pk}


def test_allowed_host_origins_and_non_browser_clients_get_in(team: Team, sessions: Any, server_a: Server) -> None:
    api = sessions(server_a, team.owner)
    for origin in ("same", "http://localhost:5173", "http://[::1]:8000", None):
        sock = Socket.open(server_a, api.ticket(), origin=origin)
        assert sock.next() == {"type": "welcome", "user_id": team.owner.pk}, origin


def test_the_servers_refuse_per_message_deflate_as_make_run_does(team: Team, sessions: Any, server_a: Server) -> None:
    # The client offers permessage-deflate (the websockets default, as browsers do); the test servers
    # run `make run`'s command line, which turns it off, so the handshake accepts no extension.
    sock = sessions(server_a, team.owner).socket()
    assert sock.conn.response is not None
    assert sock.conn.response.headers.get("Sec-WebSocket-Extensions") is None


def test_ping_pong(team: Team, sessions: Any, server_a: Server) -> None:
    sock = sessions(server_a, team.owner).socket()
    sock.send({"type": "ping", "ts": 1234.5})
    assert sock.next() == {"type": "pong", "ts": 1234.5}
    sock.send({"type": "ping", "ts": "abc"})
    assert sock.next() == {"type": "pong", "ts": "abc"}


MALFORMED = (
    "not json",
    "[1, 2]",
    '"subscribe"',
    "",
    {"type": "shout"},
    {"type": "subscribe"},
    {"type": "subscribe", "topic": 5},
    {"type": "subscribe", "topic": "project:abc"},
    {"type": "subscribe", "topic": "project:-1"},
    {"type": "subscribe", "topic": "projectz"},
    {"type": "subscribe", "topic": "project"},
    {"type": "unsubscribe"},
    {"type": "resume", "last_id": "7"},
    {"type": "resume", "last_id": -1},
    {"type": "resume", "last_id": 1.5},
    {"type": "resume"},
)


def test_a_malformed_message_closes_4400(team: Team, sessions: Any, server_a: Server) -> None:
    api = sessions(server_a, team.owner)
    for message in MALFORMED:
        sock = api.socket()
        sock.send(message)
        code, before = closed_with(sock)
        assert code == 4400, f"{message!r} closed with {code}"
        assert [(m["type"], m["code"]) for m in before] == [("error", "bad_message")], (message, before)


def test_a_forbidden_subscription_closes_4403(team: Team, sessions: Any, server_a: Server) -> None:
    outsider = sessions(server_a, team.outsider)
    member = sessions(server_a, team.member)
    for api, project_id in ((outsider, team.pid), (member, team.other.pk), (member, 10**12), (member, 2**63 + 5)):
        sock = api.socket()
        sock.send({"type": "subscribe", "topic": f"project:{project_id}"})
        code, before = closed_with(sock)
        assert code == 4403, (api.user, project_id)
        assert before == [{"type": "error", "code": "forbidden", "topic": f"project:{project_id}"}]


def test_a_member_may_subscribe_to_their_project_the_dashboard_and_their_own_stream(
    team: Team, sessions: Any, server_a: Server
) -> None:
    sock = sessions(server_a, team.member).socket()
    sock.subscribe(f"project:{team.pid}")
    sock.subscribe("user")
    sock.send({"type": "subscribe", "topic": "dashboard"})
    got = sock.collect(1.5)
    assert {"type": "subscribed", "topic": "dashboard"} in got
    stats = [m for m in got if m["type"] == "dashboard.stats"]
    assert len(stats) == 1 and stats[0]["data"]["totals"]["projects"] == 1, got
    sock.send({"type": "unsubscribe", "topic": f"project:{team.pid}"})
    assert sock.next() == {"type": "unsubscribed", "topic": f"project:{team.pid}"}


def test_unsubscribing_from_an_unknown_topic_is_malformed_too(team: Team, sessions: Any, server_a: Server) -> None:
    """Same grammar both ways: subscribe to "bogus" is 4400, so is unsubscribe (not an echo of the client's text)."""
    sock = sessions(server_a, team.owner).socket()
    sock.send({"type": "unsubscribe", "topic": "<script>bogus</script>"})
    code, before = closed_with(sock)
    assert code == 4400 and [(m["type"], m["code"]) for m in before] == [("error", "bad_message")], before
