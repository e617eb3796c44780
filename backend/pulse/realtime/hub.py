"""The process-wide fan-out: one channel-layer subscription per group per server process.

Every group message (a project's event, a person's notification, a dashboard hint)
arrives once per process on the hub's own channel and is handed to each local socket
of that group by a direct call, already encoded. Routing it through Channels' per-
consumer channels instead costs a queue, a task wake-up and a dispatch per socket per
event; at a thousand sockets on one project that was most of the server's time.

Senders name the group in the message (``outbox.send_many`` does), because a channel
layer delivers group messages without it.

The hub also runs the two per-process loops that used to run per socket or per
project: the catch-up (events newer than what a local socket has delivered are read
back from the Activity table) and the session check (one query for every local
socket's user instead of one per socket).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from pulse.realtime import selectors
from pulse.realtime.events import DASHBOARD_GROUP, GLOBAL_GROUP

if TYPE_CHECKING:
    from pulse.realtime.consumers import EventsConsumer

logger = logging.getLogger(__name__)

SHARED_VISIBILITY_SECONDS = 10.0  # a republished shared event within this reuses the answer


def _setting(name: str, default: Any) -> Any:
    return settings.PULSE.get(name, default)


class Hub:
    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.layer = get_channel_layer()
        self.members: dict[str, set[EventsConsumer]] = {}
        self.subscribed: set[str] = set()
        self.subscribing = asyncio.Lock()
        self.projects: dict[int, set[EventsConsumer]] = {}  # sockets by subscribed project, for the catch-up
        self.sockets: set[EventsConsumer] = set()
        self.per_user: dict[int, int] = {}  # open sockets per user id in this process
        self.channel: str | None = None
        self.tasks: list[asyncio.Task[None]] = []
        # Per shared event id (or hint): (users asked for, who of them may see which of the projects it lists).
        self.shared: dict[Any, tuple[set[int], asyncio.Future[dict[int, set[int]]]]] = {}
        self.pinned: dict[Any, dict[str, Any]] = {}  # the hints whose id keys an answer in ``shared``

    async def start(self) -> None:
        if self.channel is None:
            self.channel = await self.layer.new_channel("hub.")
            self.tasks = [
                asyncio.create_task(self._receive_forever()),
                asyncio.create_task(self._catch_up_forever()),
                asyncio.create_task(self._check_sessions_forever()),
            ]

    # ------------------------------------------------------------ membership

    def connected(self, consumer: EventsConsumer, *, limit: int) -> bool:
        """Register a socket unless its user already has ``limit`` open in this process (no await: atomic)."""
        assert consumer.user is not None
        uid = consumer.user.pk
        if consumer in self.sockets:
            return True
        if self.per_user.get(uid, 0) >= limit:
            return False
        self.sockets.add(consumer)
        self.per_user[uid] = self.per_user.get(uid, 0) + 1
        return True

    async def disconnected(self, consumer: EventsConsumer) -> None:
        """Forget a socket everywhere. Never fails half-way: each step is independent of the others."""
        if consumer in self.sockets:
            self.sockets.discard(consumer)
            assert consumer.user is not None
            uid = consumer.user.pk
            left = self.per_user.get(uid, 1) - 1
            if left > 0:
                self.per_user[uid] = left
            else:
                self.per_user.pop(uid, None)
        for project_id in list(consumer.projects):
            self.unwatch(consumer, project_id)
        groups = [g for g, members in self.members.items() if consumer in members]
        for group in groups:  # membership first, synchronously: nothing reaches the socket after this line
            self.members[group].discard(consumer)
        for group in groups:
            await self.leave(group, consumer)

    async def abandon(self, consumer: EventsConsumer, what: str) -> None:
        """Handing a socket something failed: log it once and stop serving that socket, not the loop."""
        logger.warning("%s failed for a socket; dropping it", what, exc_info=True)
        try:
            await consumer.abandon()
        except Exception:
            logger.debug("Abandoning a socket failed", exc_info=True)
        await self.disconnected(consumer)

    async def join(self, group: str, consumer: EventsConsumer) -> None:
        self.members.setdefault(group, set()).add(consumer)
        if group in self.subscribed:
            return
        async with self.subscribing:
            if group in self.subscribed or consumer not in self.members.get(group, ()):
                return
            assert self.channel is not None
            for attempt in range(4):  # right after a Redis restart the first subscribe can hit a stale connection
                try:
                    await self.layer.group_add(group, self.channel)
                    break
                except Exception:
                    if attempt == 3:
                        raise
                    logger.warning("group_add(%s) failed; retrying", group, exc_info=True)
                    await asyncio.sleep(0.25 * (attempt + 1))
            self.subscribed.add(group)

    async def leave(self, group: str, consumer: EventsConsumer) -> None:
        members = self.members.get(group)
        if members is not None:
            members.discard(consumer)
            if not members:
                del self.members[group]
        if group in self.members or group not in self.subscribed:
            return
        async with self.subscribing:
            if group in self.members or group not in self.subscribed:
                return
            assert self.channel is not None
            self.subscribed.discard(group)
            try:
                await self.layer.group_discard(group, self.channel)
            except Exception:  # a stray message for a group with no local members is simply dropped
                logger.warning("group_discard(%s) failed", group, exc_info=True)

    def watch(self, consumer: EventsConsumer, project_id: int) -> None:
        self.projects.setdefault(project_id, set()).add(consumer)

    def unwatch(self, consumer: EventsConsumer, project_id: int) -> None:
        sockets = self.projects.get(project_id)
        if sockets is not None:
            sockets.discard(consumer)
            if not sockets:
                del self.projects[project_id]

    async def shared_visibility(self, event: dict[str, Any], user_id: int) -> set[int]:
        """Which of the projects a shared (tag) event lists this user may see. Asked once per event for every
        dashboard socket of this process together (a few queries, not a few per socket), kept a short while."""
        users = {c.user.pk for c in self.members.get(GLOBAL_GROUP, ()) if c.user is not None}
        listed = list(event["data"]["metadata"].get("project_ids") or ())
        return await self._visibility(int(event["id"]), listed, users, user_id)

    async def hint_visibility(self, hint: dict[str, Any], user_id: int) -> set[int]:
        """Which of the projects a dashboard hint names this user may see: asked once per hint for every
        `projects` subscriber of this process together. The hint itself is the key (this process received it
        once and hands the same object to each socket); it is held while its answer is, so its id is not reused."""
        users = {
            c.user.pk for c in self.members.get(DASHBOARD_GROUP, ()) if c.user is not None and "projects" in c.topics
        }
        listed = [p["id"] for p in hint.get("projects", ())]
        key = ("hint", id(hint))
        self.pinned.setdefault(key, hint)
        return await self._visibility(key, listed, users, user_id)

    async def _visibility(self, key: Any, listed: list[int], users: set[int], user_id: int) -> set[int]:
        entry = self.shared.get(key)
        if entry is None or user_id not in entry[0]:
            users = users | {user_id}
            answer = asyncio.ensure_future(database_sync_to_async(selectors.visible_among)(users, listed))
            entry = (users, answer)
            self.shared[key] = entry
            self.loop.call_later(SHARED_VISIBILITY_SECONDS, self._forget_shared, key, entry)
        return (await asyncio.shield(entry[1])).get(user_id, set())

    def _forget_shared(self, key: Any, entry: tuple[set[int], asyncio.Future[dict[int, set[int]]]]) -> None:
        if self.shared.get(key) is entry:
            del self.shared[key]
            self.pinned.pop(key, None)
        if entry[1].done() and not entry[1].cancelled():
            entry[1].exception()  # retrieved: a failed lookup is logged by the sockets that awaited it

    # ------------------------------------------------------------ loops

    async def _receive_forever(self) -> None:
        assert self.channel is not None
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("Hub receive failed; retrying", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            members = self.members.get(message.get("group", ""))
            if not members:
                continue
            # The server's websocket send writes to the transport without waiting, so this loop
            # hands one event to every local socket before it takes the next message.
            for consumer in tuple(members):
                try:
                    await consumer.group_message(message)
                except Exception:
                    await self.abandon(consumer, f"Delivering {message.get('type')}")

    async def _catch_up_forever(self) -> None:
        """Every few seconds one index-only query finds projects whose newest event is past what a local
        socket has delivered (say, published while the Redis subscription was reconnecting) and hands
        those sockets the missing events from the outbox."""
        interval = _setting("CATCH_UP_SECONDS", 5)
        while True:
            await asyncio.sleep(interval)
            if not self.projects:
                continue
            try:
                latest = await database_sync_to_async(selectors.latest_ids)(list(self.projects))
                for project_id, newest in latest.items():
                    behind = [
                        c for c in self.projects.get(project_id, ()) if c.projects.get(project_id, newest) < newest
                    ]
                    if not behind:
                        continue
                    since = min(c.projects[project_id] for c in behind)
                    missing = await database_sync_to_async(selectors.project_events_between)(
                        project_id, since, newest + 1
                    )
                    for consumer in behind:
                        try:
                            await consumer.catch_up(missing)
                        except Exception:
                            await self.abandon(consumer, "Catching up")
            except Exception:
                logger.warning("Websocket catch-up failed; retrying", exc_info=True)

    async def _check_sessions_forever(self) -> None:
        """Deactivation or revocation by any path (the admin included) ends the connection within the interval.
        Logout and password change also close sockets at once, through the user group."""
        interval = _setting("SESSION_RECHECK_SECONDS", 60)
        while True:
            await asyncio.sleep(interval)
            try:
                await self._check_sessions()
            except asyncio.CancelledError:
                raise
            except Exception:  # one bad round must not end the checks for good
                logger.warning("Websocket session check failed; retrying", exc_info=True)

    async def _check_sessions(self) -> None:
        sockets = [c for c in self.sockets if c.user is not None]
        if not sockets:
            return
        oldest: dict[int, float] = {}
        for consumer in sockets:
            assert consumer.user is not None
            uid = consumer.user.pk
            oldest[uid] = min(oldest.get(uid, consumer.connected_at), consumer.connected_at)
        revoked = await database_sync_to_async(selectors.sessions_revoked)(oldest)
        for consumer in sockets:
            assert consumer.user is not None
            cutoff = revoked.get(consumer.user.pk)
            if cutoff is not None and consumer.connected_at < cutoff:
                try:
                    await consumer.revoke("The session is no longer valid.")
                except Exception:
                    await self.abandon(consumer, "Revoking a session")
                finally:
                    await self.disconnected(consumer)


_hub: Hub | None = None


async def get_hub() -> Hub:
    """This process's hub (one per event loop: a test that runs the app on a new loop gets a new hub)."""
    global _hub
    if _hub is None or _hub.loop is not asyncio.get_running_loop():
        _hub = Hub()
    await _hub.start()
    return _hub
