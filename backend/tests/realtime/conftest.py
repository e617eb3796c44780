"""Websocket tests (SPEC §6) against real uvicorn processes over the pytest-django test database.

The servers are separate processes and only see committed rows, so every test uses
``transactional_db``. All servers (A, B, and one with a short session re-check) share the test
database and one Redis (cache for the one-time tickets, pub/sub channel layer) with this process,
as the processes of a deployment do; the Redis outage test stops and restarts that Redis.

The Redis is a private ``redis-server`` started for the suite, not the shared ``REDIS_URL`` one:
Redis pub/sub ignores the database number and the channel layer's prefix is fixed ("pulse"), so
any other Pulse process publishing to the shared Redis (another test run, a dev server) would
inject its events into these tests' groups (and corrupt the consumers' per-project last ids).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import override_settings

from config.settings.caches import cache_settings
from pulse.accounts.models import User
from pulse.ops.processes import database_url
from pulse.projects.models import Project, Role, TeamMember
from tests.factories import add_member, make_project, make_user
from tests.realtime.support import (
    OPEN_SOCKETS,
    Api,
    RedisProcess,
    Server,
    environ_base,
    launch_server,
    stable_port,
    wait_ready,
)

# Settings the server processes read (config/django/base.py PULSE[...]).
REPLAY_MAX_EVENTS = 5
CHANNEL_PREFIX = "pulse"
DASHBOARD_DEBOUNCE_SECONDS = 1.0
SERVER_SETTINGS = {
    "DJANGO_SETTINGS_MODULE": "config.django.test",
    "OUTBOX_SWEEP_SECONDS": "1",
    "REPLAY_MAX_EVENTS": str(REPLAY_MAX_EVENTS),
    "DASHBOARD_DEBOUNCE_SECONDS": str(DASHBOARD_DEBOUNCE_SECONDS),
    # Long on A and B: logout and password change must close sockets by themselves (pushed through
    # the channel layer), not by the periodic re-check. ``recheck_server`` uses a short one.
    "SESSION_RECHECK_SECONDS": "60",
    "LOG_LEVEL": "WARNING",
    "PYTHONUNBUFFERED": "1",
    # The servers' channel layer names its pub/sub channels like this process's (redis_settings), whatever
    # CHANNEL_LAYER_PREFIX the shell running the suite has: the suite's Redis is private anyway.
    "CHANNEL_LAYER_PREFIX": CHANNEL_PREFIX,
}


def redis_settings(url: str) -> dict[str, Any]:
    """CACHES and CHANNEL_LAYERS as config/django/base.py builds them for ``REDIS_URL=url``."""
    return {
        "CACHES": cache_settings(url),
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": CHANNEL_PREFIX},
            }
        },
    }


@pytest.fixture(scope="session")
def suite_redis() -> Iterator[RedisProcess]:
    redis = RedisProcess(port=stable_port())
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture(autouse=True)
def _use_suite_redis(suite_redis: RedisProcess) -> Iterator[None]:
    """This process (tickets' TTL, services called in-process) uses the suite's Redis like the servers."""
    with override_settings(REDIS_URL=suite_redis.url, **redis_settings(suite_redis.url)):
        yield


@pytest.fixture(scope="session")
def realtime_env(django_db_setup: Any, suite_redis: RedisProcess) -> dict[str, str]:
    """Environment of a server process: the *test* database and the suite's Redis."""
    from django.db import connection

    return {
        **environ_base(),
        **SERVER_SETTINGS,
        "DATABASE_URL": database_url(connection.settings_dict),
        "REDIS_URL": suite_redis.url,
    }


@pytest.fixture(scope="session")
def cluster(realtime_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Server]]:
    """Servers A and B (same settings), and one re-checking every socket's session each second
    (deactivation has no push path). Started together: most of their start-up is importing Django."""
    envs = {"a": realtime_env, "b": realtime_env, "recheck": {**realtime_env, "SESSION_RECHECK_SECONDS": "1"}}
    servers = {
        name: launch_server(env, tmp_path_factory.mktemp(f"ws-{name}") / "uvicorn.log") for name, env in envs.items()
    }
    try:
        for server in servers.values():
            wait_ready(server)
        yield servers
    finally:
        for server in servers.values():
            server.stop()


@pytest.fixture
def server_a(cluster: dict[str, Server]) -> Server:
    return cluster["a"]


@pytest.fixture
def server_b(cluster: dict[str, Server]) -> Server:
    return cluster["b"]


@pytest.fixture
def recheck_server(cluster: dict[str, Server]) -> Server:
    return cluster["recheck"]


@dataclass
class Team:
    """A project, its owner, one member, and someone outside it; ``other`` is a second project of the owner."""

    project: Project
    other: Project
    owner: User
    member: User
    membership: TeamMember
    outsider: User

    @property
    def pid(self) -> int:
        return int(self.project.pk)


@pytest.fixture
def team(transactional_db: Any) -> Team:
    owner = make_user("owner")
    member = make_user("member")
    project = make_project(owner, title="Apollo", description="Moon landing programme")
    other = make_project(owner, title="Gemini")
    membership = add_member(project, member, role=Role.DEVELOPER, allocation=10)
    return Team(
        project=project, other=other, owner=owner, member=member, membership=membership, outsider=make_user("outsider")
    )


@pytest.fixture
def sessions() -> Iterator[Any]:
    """``sessions(server, user)`` → a logged-in Api; every HTTP client and socket is closed afterwards."""
    opened: list[Api] = []

    def make(server: Server, user: User) -> Api:
        api = Api(server, user)
        opened.append(api)
        return api

    yield make
    for api in opened:
        api.close()


@pytest.fixture(autouse=True)
def _close_sockets() -> Iterator[None]:
    yield
    while OPEN_SOCKETS:
        OPEN_SOCKETS.pop().close()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The Redis outage test runs after the other websocket tests: it restarts the suite's Redis."""
    outage = [i for i in items if i.path.name == "test_redis_outage.py" and i.path.parent.name == "realtime"]
    if not outage:
        return
    rest = [i for i in items if i not in outage]
    realtime = [n for n, i in enumerate(rest) if i.path.parent.name == "realtime"]
    cut = realtime[-1] + 1 if realtime else len(rest)
    items[:] = [*rest[:cut], *outage, *rest[cut:]]
