"""Redis stopped for 10 s, then restarted: every change committed meanwhile is delivered (SPEC §6).

The Redis stopped is the suite's own redis-server (conftest), never the shared one; every server
process of the suite uses it, as every process of a deployment shares one Redis. While it is
down, writes still commit (the after-commit publish fails and is left to the sweep); once it is
back, a sweep publishes the backlog. Two client paths are checked:

* a socket that stayed open through the outage gets the backlog live, in id order;
* a client that lost its socket reconnects, resumes from its last id and gets exactly the backlog.

The sweep runs in every server process and from Celery beat, so any process may be the first to
publish the backlog once Redis answers, possibly before a given server has re-subscribed (measured
here: the servers re-subscribe about 0.1-1.1 s after Redis is back, their own sweeps run every
second). The test fixes that order instead of leaving it to chance: server A, which holds the
surviving socket, is paused (SIGSTOP) while Redis restarts and a sweep run in this process (as
beat's may) publishes the backlog; then A resumes and re-subscribes.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from pulse.activity.models import Activity
from pulse.realtime.outbox import sweep
from tests.realtime.conftest import Team
from tests.realtime.support import RedisProcess, Server, ids, is_event, wait_until

pytestmark = pytest.mark.usefixtures("transactional_db")

OUTAGE_SECONDS = 10.0
WRITES_DURING_OUTAGE = 4
RECOVERY_TIMEOUT = 8.0


def sweep_as_soon_as_redis_answers(redis: RedisProcess, timeout: float = 10.0) -> int:
    """Poll with a raw PING (no client back-off between attempts), then sweep at once."""
    deadline = time.monotonic() + timeout
    while not redis.ping():
        assert time.monotonic() < deadline, f"redis-server did not come back within {timeout}s"
        time.sleep(0.002)
    return sweep(min_age_seconds=0)


def test_redis_down_for_ten_seconds_loses_no_event(
    team: Team, sessions: Any, suite_redis: RedisProcess, server_a: Server, server_b: Server
) -> None:
    redis = suite_redis
    owner = sessions(server_b, team.owner)  # writes go through B
    member = sessions(server_a, team.member)
    topic = f"project:{team.pid}"
    group_channel = f"pulse__group__project.{team.pid}"

    survivor = owner.socket(server_a)
    survivor.subscribe(topic)
    leaver = member.socket(server_a)
    leaver.subscribe(topic)
    owner.update_project(team.pid, description="before the outage")
    last_seen = survivor.event()["id"]
    assert leaver.event()["id"] == last_seen
    leaver.close()  # its network drops with Redis; it will reconnect and resume
    owner.socket(server_b).close()  # B has used its pub/sub connection, and has no socket open from now on
    b_log_offset = server_b.log_size()

    redis.stop()
    down_at = time.monotonic()
    assert not redis.ping()
    durations = []
    for n in range(WRITES_DURING_OUTAGE):
        started = time.monotonic()
        response = owner.patch_project(team.pid, description=f"during the outage {n}")
        durations.append(round(time.monotonic() - started, 2))
        assert response.status_code == 200, f"a write must commit while Redis is down: {response.text}"
    assert max(durations) < 5.0, f"writes stalled on the dead Redis: {durations}s"
    backlog = list(
        Activity.objects.filter(project_id=team.pid, id__gt=last_seen).order_by("id").values_list("id", flat=True)
    )
    assert len(backlog) == WRITES_DURING_OUTAGE
    # The database is up, so the open socket's periodic catch-up may already deliver some of the
    # backlog during the outage; whatever arrives must be the backlog, in order, with nothing else.
    early = survivor.collect(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    assert ids(early) == backlog[: len(early)], ids(early)
    assert not Activity.objects.filter(pk__in=backlog, published_at__isnull=False).exists(), (
        "nothing can have been published without Redis"
    )

    with server_a.frozen():
        redis.start(wait=False)
        restarted_at = time.monotonic()
        sweep_as_soon_as_redis_answers(redis)
        # (The servers' own sweeps may have taken some rows first; either way all get published now.)
        wait_until(
            lambda: not Activity.objects.filter(pk__in=backlog, published_at=None).exists(),
            5.0,
            what="the backlog published once Redis is back",
        )
        swept_after = round(time.monotonic() - restarted_at, 3)
        subscribed_when_swept = redis.subscribers(group_channel)
    redis.assert_running()

    # Watch, for a bounded time, the survivor's messages and when A's subscription to the group is back.
    resubscribed_at = None
    received: list[dict[str, Any]] = list(early)
    deadline = restarted_at + RECOVERY_TIMEOUT
    while len(received) < len(backlog) and time.monotonic() < deadline:
        if resubscribed_at is None and redis.subscribers(group_channel) > 0:
            resubscribed_at = round(time.monotonic() - restarted_at, 3)
        try:
            message = survivor.next(timeout=0.1)
        except TimeoutError:
            continue
        assert is_event(message), message
        received.append(message)

    problems = []
    # 1. The socket that stayed open.
    if ids(received) != backlog:
        problems.append(
            f"the socket open through the outage got {ids(received)} within {RECOVERY_TIMEOUT}s of the restart, "
            f"expected {backlog}. The backlog was published {swept_after}s after the restart, while A was paused "
            f"and {subscribed_when_swept} connection(s) were subscribed to {group_channel}; A's subscription "
            f"was back {resubscribed_at}s after the restart, and nothing re-sent what it had missed"
        )

    # 2. The client that reconnects (to B, which had no socket open through the outage) and resumes.
    #    A real client retries with a new ticket; the first attempt must already work.
    attempts: list[str] = []
    back = None
    for _ in range(3):
        try:
            back = member.socket(server_b)
            break
        except ConnectionClosed as closed:
            attempts.append(f"{closed!r}")
    if attempts:
        problems.append(
            f"opening a socket on B after the outage failed {len(attempts)} time(s) ({attempts}); "
            f"B's log since the outage:\n{server_b.errors_since(b_log_offset)}"
        )
    assert back is not None, "\n".join(problems)
    back.subscribe(topic)
    back.send({"type": "resume", "last_id": last_seen})
    replay = back.events(len(backlog), timeout=3.0)
    if ids(replay) != backlog:
        problems.append(f"resume after the outage replayed {ids(replay)}, expected {backlog}")
    end = back.next(timeout=2.0)
    if end != {"type": "resumed", "last_id": last_seen, "replayed": len(backlog)}:
        problems.append(f"resume ended with {end}")

    # 3. Live delivery works again for both. (A consumer that missed the backlog heals the gap from the
    #    database when the next event's prev_id shows it: it must then deliver backlog + new, in order.)
    updated = owner.update_project(team.pid, description="after the outage")
    new_id = Activity.objects.filter(project_id=team.pid).order_by("-id").values_list("id", flat=True)[0]
    for name, sock, already in (("survivor", survivor, ids(received)), ("reconnected", back, backlog)):
        got = ids(sock.collect(2.0))
        if [*already, *got] != [*backlog, new_id]:
            problems.append(f"{name}: after the next change got {got}; in all {[*already, *got]}")
        elif got[-1:] != [new_id]:
            problems.append(f"{name}: no live event after the recovery")
    assert updated["version"] == Activity.objects.get(pk=new_id).version
    assert not problems, "\n".join(problems)
