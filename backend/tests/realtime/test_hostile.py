"""A hostile client (issue 9, A.1): whatever a frame does, it closes only its own socket, the consumer is
unregistered from the process's hub, and the hub's loops (the session re-check above all) keep running.

"Unregistered" is observed from outside, in the suite's Redis: a server process subscribes to a group's
pub/sub channel while one of its sockets is in the group and unsubscribes when the last one leaves. A
crashed consumer left registered keeps the subscription (and every event of that group reaching it).
"""

from __future__ import annotations

import socket as socketlib
from typing import Any

import pytest

from pulse.accounts.models import User
from tests.realtime.conftest import CHANNEL_PREFIX, Team
from tests.realtime.support import RedisProcess, Server, wait_until

pytestmark = pytest.mark.usefixtures("transactional_db")


def nested(depth: int, inner: str = "0") -> str:
    return "[" * depth + inner + "]" * depth


# Frames that each broke the consumer one way or another (or nearly did); every one must close 4400.
HOSTILE_FRAMES: dict[str, str | bytes] = {
    "nested 30,000 deep": "[" * 30_000 + "]" * 30_000,
    "the reported frame: nested 100,000 deep, 200 KB": "[" * 100_000 + "]" * 100_000,
    "an object nested 5,000 deep": '{"a":' * 5_000 + "0" + "}" * 5_000,
    "a ping whose ts nests 950 deep": '{"type": "ping", "ts": ' + nested(950) + "}",
    "a topic of non-ASCII digits": '{"type": "subscribe", "topic": "project:\\u00b2"}',
    "a topic of Arabic-Indic digits": '{"type": "subscribe", "topic": "project:\\u0663"}',
    "unsubscribing non-ASCII digits": '{"type": "unsubscribe", "topic": "project:\\u00b9\\u00b2"}',
    "NaN": '{"type": "ping", "ts": NaN}',
    "Infinity as last_id": '{"type": "resume", "last_id": Infinity}',
    "a 5,000-digit last_id": '{"type": "resume", "last_id": ' + "9" * 5_000 + "}",
    "a lone surrogate": '{"type": "subscribe", "topic": "\\ud800"}',
    "invalid UTF-8 bytes": b"\xff\xfe\xfd",
    "a JSON object in bytes with a BOM": b'\xef\xbb\xbf{"type": "ping"}',
    "a duplicate-key trick": '{"type": "ping", "type": {"nested": true}}',
}


def group_channel(group: str) -> str:
    return f"{CHANNEL_PREFIX}__group__{group}"


def abort_connection(sock: Any) -> None:
    """Drop the TCP connection without a close frame, as a dead network would."""
    raw = sock.conn.socket
    raw.setsockopt(socketlib.SOL_SOCKET, socketlib.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # RST
    raw.close()


def test_every_way_of_crashing_a_socket_closes_only_it_and_leaves_nothing_behind(
    team: Team, sessions: Any, suite_redis: RedisProcess, recheck_server: Server
) -> None:
    server = recheck_server  # re-checks every session each second
    owner = sessions(server, team.owner)
    member = sessions(server, team.member)
    watched = [group_channel("dashboard"), group_channel(f"project.{team.other.pk}")]
    baseline = {channel: suite_redis.subscribers(channel) for channel in watched}

    # Sockets that must survive everything below.
    owner_keeper = owner.socket()
    member_keeper = member.socket()
    member_keeper.subscribe(f"project:{team.pid}")

    crashed = []
    for name, frame in HOSTILE_FRAMES.items():
        sock = owner.socket()
        sock.subscribe(f"project:{team.other.pk}")
        sock.send({"type": "subscribe", "topic": "dashboard"})
        sock.collect(0.3)  # subscribed, and the first dashboard.stats
        sock.send(frame)
        try:
            code, before = sock.wait_closed(3.0)
        except (AssertionError, RecursionError) as still_open:
            crashed.append(f"{name}: {str(still_open)[:200]}")
            sock.close()
            continue
        errors = [m for m in before if m.get("type") == "error"]
        expected = (1009, "message_too_large") if len(frame) > 65_536 else (4400, "bad_message")
        if code != expected[0] or [e["code"] for e in errors] != [expected[1]]:
            crashed.append(f"{name}: closed with {code}, error messages {errors}")
    # Sockets that vanish mid-conversation: the answer to their last message goes to a dead connection.
    for message in (
        {"type": "subscribe", "topic": f"project:{team.other.pk}"},
        {"type": "subscribe", "topic": "dashboard"},
        {"type": "resume", "last_id": 0},
        {"type": "ping", "ts": 1},
    ):
        sock = owner.socket()
        sock.subscribe(f"project:{team.other.pk}")
        sock.send({"type": "subscribe", "topic": "dashboard"})
        sock.collect(0.3)
        sock.send(message)
        abort_connection(sock)

    for keeper in (owner_keeper, member_keeper):
        keeper.send({"type": "ping", "ts": 7})
        assert keeper.next() == {"type": "pong", "ts": 7}, "the other sockets are unaffected"
    assert not crashed, "\n".join(crashed)

    def released() -> bool:
        return all(suite_redis.subscribers(channel) == baseline[channel] for channel in watched)

    wait_until(released, 5.0, what=f"the server leaving {watched} once every socket in them is gone")

    # A change to a group the dead sockets were in costs nothing and logs nothing.
    offset = server.log_size()
    owner.update_project(team.other.pk, description="after the crashes")
    owner.update_project(team.pid, description="still live")
    assert member_keeper.event()["type"] == "project.updated"
    member_keeper.collect(1.5)
    assert server.errors_since(offset) == "<no errors logged>"

    # The session re-check survived: deactivating the owner, then the member, closes their live sockets.
    User.objects.filter(pk=team.owner.pk).update(is_active=False)
    code, _ = owner_keeper.wait_closed(5.0)
    assert code == 4401
    User.objects.filter(pk=team.member.pk).update(is_active=False)
    code, _ = member_keeper.wait_closed(5.0)
    assert code == 4401, "the session re-check stopped after a failure on another socket"


def test_a_failure_while_handling_a_valid_message_unregisters_the_socket(
    team: Team, sessions: Any, suite_redis: RedisProcess, server_a: Server
) -> None:
    """Crashing later, not in parsing: a subscribe whose answer cannot be sent (the client is gone)."""
    channel = group_channel(f"project.{team.other.pk}")
    baseline = suite_redis.subscribers(channel)
    owner = sessions(server_a, team.owner)
    for _ in range(5):
        sock = owner.socket()
        sock.subscribe(f"project:{team.other.pk}")
        sock.send({"type": "subscribe", "topic": "dashboard"})
        sock.send({"type": "resume", "last_id": 1})
        abort_connection(sock)
    wait_until(lambda: suite_redis.subscribers(channel) == baseline, 5.0, what="the dead sockets' group released")
