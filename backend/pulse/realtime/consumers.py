"""The `/ws/` consumer: authenticated by a one-time ticket, subscriptions checked on every change of access.

Per subscribed project it remembers the last event id delivered. An event whose
``prev_id`` is newer than that means something was lost on the way (a dropped
message, a reconnecting Redis subscriber): the missing events are read back from
the Activity table and delivered first, in order. Duplicates (id ≤ last) are dropped.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from pulse.realtime import selectors
from pulse.realtime.events import DASHBOARD_GROUP, GLOBAL_GROUP, project_group, user_group
from pulse.realtime.tickets import ticket_redeem

logger = logging.getLogger(__name__)

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403

# Verbs after which a subscriber's right to see the project must be checked again.
ACCESS_VERBS = frozenset({"member.removed", "project.deleted", "project.purged"})


def changes_access(event: dict[str, Any]) -> bool:
    return event["type"] in ACCESS_VERBS or (
        event["type"] == "project.updated" and "owner_id" in event["data"].get("changes", {})
    )


def _setting(name: str, default: Any) -> Any:
    return settings.PULSE.get(name, default)


# Sockets of this process by subscribed project, for the process-wide catch-up below.
_subscribers: dict[int, set[EventsConsumer]] = {}
_catch_up_task: asyncio.Task[None] | None = None


async def _catch_up_forever() -> None:
    """One loop per server process: every few seconds, one index-only query finds projects whose newest
    event is past what a local socket has delivered (say, published while this process's Redis
    subscription was reconnecting) and hands those sockets the missing events from the outbox."""
    interval = _setting("CATCH_UP_SECONDS", 5)
    while True:
        await asyncio.sleep(interval)
        if not _subscribers:
            continue
        try:
            latest = await database_sync_to_async(selectors.latest_ids)(list(_subscribers))
            for project_id, newest in latest.items():
                behind = [c for c in _subscribers.get(project_id, ()) if c.projects.get(project_id, newest) < newest]
                if not behind:
                    continue
                since = min(c.projects[project_id] for c in behind)
                missing = await database_sync_to_async(selectors.project_events_between)(project_id, since, newest + 1)
                for consumer in behind:
                    if not consumer.replaying:
                        for event in missing:
                            await consumer._send_event(event)
        except Exception:
            logger.warning("Websocket catch-up failed; retrying", exc_info=True)


def _register(consumer: EventsConsumer, project_id: int) -> None:
    global _catch_up_task
    _subscribers.setdefault(project_id, set()).add(consumer)
    if _catch_up_task is None or _catch_up_task.done():
        _catch_up_task = asyncio.create_task(_catch_up_forever())


def _unregister(consumer: EventsConsumer, project_id: int) -> None:
    sockets = _subscribers.get(project_id)
    if sockets is not None:
        sockets.discard(consumer)
        if not sockets:
            del _subscribers[project_id]


class EventsConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        self.user = None
        self.projects: dict[int, int] = {}  # project id -> last event id delivered
        self.topics: set[str] = set()
        self.replaying = False
        self.buffer: list[dict[str, Any]] = []
        self.tasks: list[asyncio.Task[Any]] = []
        self.dashboard_task: asyncio.Task[Any] | None = None
        self.dashboard_last_sent = 0.0
        self.dashboard_last: Any = None

        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        ticket = (query.get("ticket") or [""])[0]
        await self.accept()
        self.user = await database_sync_to_async(ticket_redeem)(ticket)
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="A valid one-time ticket is required.")
            return
        self.connected_at = time.time()
        await self._join(user_group(self.user.pk))
        self.tasks.append(asyncio.create_task(self._watch_session()))
        await self.send_json({"type": "welcome", "user_id": self.user.pk})

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every message, on one shared thread: with
        # a thousand sockets that serialised the fan-out of every event (about 40% of server time).
        # Our handlers reach the database only through database_sync_to_async, which does that
        # housekeeping itself, so it is skipped here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def _join(self, group: str) -> None:
        """group_add, retried: right after a Redis restart the first subscribe can hit a stale connection."""
        for attempt in range(4):
            try:
                await self.channel_layer.group_add(group, self.channel_name)
                return
            except Exception:
                if attempt == 3:
                    raise
                logger.warning("group_add(%s) failed; retrying", group, exc_info=True)
                await asyncio.sleep(0.25 * (attempt + 1))

    async def disconnect(self, code: int) -> None:
        for task in [*self.tasks, self.dashboard_task]:
            if task is not None:
                task.cancel()
        for project_id in self.projects:
            _unregister(self, project_id)
        if self.user is None:
            return
        groups = [user_group(self.user.pk), *(project_group(p) for p in self.projects)]
        if "dashboard" in self.topics:
            groups += [DASHBOARD_GROUP, GLOBAL_GROUP]
        for group in groups:
            await self.channel_layer.group_discard(group, self.channel_name)

    # ------------------------------------------------------------ client messages

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        try:
            content = json.loads(text_data or (bytes_data or b"").decode())
        except (ValueError, UnicodeDecodeError):
            await self._bad("Messages must be JSON objects.")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if self.user is None:
            return
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self.send_json({"type": "pong", "ts": content.get("ts")})
        elif kind in ("subscribe", "unsubscribe") and isinstance(content.get("topic"), str):
            await (self._subscribe if kind == "subscribe" else self._unsubscribe)(content["topic"])
        elif (
            kind == "resume"
            and isinstance(content.get("last_id"), int)
            and not isinstance(content["last_id"], bool)
            and 0 <= content["last_id"] < 2**63
        ):
            await self._resume(content["last_id"])
        else:
            await self._bad("Unknown or malformed message; see the protocol in the README.")

    async def _bad(self, message: str) -> None:
        await self.send_json({"type": "error", "code": "bad_message", "message": message})
        await self.close(code=CLOSE_BAD_MESSAGE)

    async def _subscribe(self, topic: str) -> None:
        assert self.user is not None
        if topic == "user":
            self.topics.add("user")  # the user group is joined at connect; this only acknowledges it
        elif topic == "dashboard":
            self.topics.add("dashboard")
            await self._join(DASHBOARD_GROUP)
            await self._join(GLOBAL_GROUP)
            self._schedule_dashboard(force=True)
        elif topic.startswith("project:") and topic[8:].isdigit() and len(topic) < 30:
            project_id = int(topic[8:])
            last_id = await database_sync_to_async(selectors.subscription_start)(self.user, project_id)
            if last_id is None:
                await self.send_json({"type": "error", "code": "forbidden", "topic": topic})
                await self.close(code=CLOSE_FORBIDDEN)
                return
            await self._join(project_group(project_id))
            self.projects.setdefault(project_id, last_id)
            _register(self, project_id)
            self.topics.add(topic)
        else:
            await self._bad(f"Unknown topic {topic[:40]!r}.")
            return
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str) -> None:
        is_project = topic.startswith("project:") and topic[8:].isdigit() and len(topic) < 30
        if topic not in ("user", "dashboard") and not is_project:
            await self._bad(f"Unknown topic {topic[:40]!r}.")
            return
        if topic.startswith("project:") and topic[8:].isdigit():
            project_id = int(topic[8:])
            if self.projects.pop(project_id, None) is not None:
                _unregister(self, project_id)
                await self.channel_layer.group_discard(project_group(project_id), self.channel_name)
        elif topic == "dashboard" and "dashboard" in self.topics:
            await self.channel_layer.group_discard(DASHBOARD_GROUP, self.channel_name)
            await self.channel_layer.group_discard(GLOBAL_GROUP, self.channel_name)
        self.topics.discard(topic)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def _resume(self, last_id: int) -> None:
        """Replay, in id order, what the subscribed projects produced after ``last_id``."""
        assert self.user is not None
        self.replaying = True
        try:
            project_ids = list(self.projects)
            result = await database_sync_to_async(selectors.replay)(
                self.user,
                project_ids,
                last_id,
                max_events=_setting("REPLAY_MAX_EVENTS", 10_000),
                max_age_seconds=_setting("REPLAY_MAX_AGE_SECONDS", 24 * 3600),
            )
            if result is None:
                await self.send_json({"type": "resync", "reason": "The gap is beyond the replay window; refetch."})
                latest = await database_sync_to_async(selectors.latest_ids)(project_ids)
                self.projects.update(latest)
            else:
                # Rewind, then replay in id order. Events already delivered live since subscribing are
                # sent again (clients dedupe by id); nothing after last_id is skipped.
                for project_id in project_ids:
                    self.projects[project_id] = min(self.projects[project_id], last_id)
                for event in result:
                    await self._deliver(event, check_gap=False)
                await self.send_json({"type": "resumed", "last_id": last_id, "replayed": len(result)})
        finally:
            self.replaying = False
            buffered, self.buffer = self.buffer, []
            for event in buffered:
                await self._deliver(event)

    # ------------------------------------------------------------ channel layer messages

    async def pulse_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if event["project_id"] is None:
            await self.send_json(event)  # global (tag) events go to dashboard subscribers
            return
        if event["project_id"] not in self.projects:
            return
        if self.replaying:
            self.buffer.append(event)
            return
        await self._deliver(event, text=message.get("text"))

    async def _deliver(self, event: dict[str, Any], *, check_gap: bool = True, text: str | None = None) -> None:
        assert self.user is not None
        project_id = event["project_id"]
        last = self.projects.get(project_id)
        if last is None or event["id"] <= last:
            return  # unsubscribed meanwhile, or a duplicate of what was delivered
        prev_id = event["data"].get("prev_id")
        if check_gap and prev_id is not None and prev_id > last:
            missing = await database_sync_to_async(selectors.project_events_between)(project_id, last, event["id"])
            for lost in missing:
                await self._send_event(lost)
        await self._send_event(event, text=text)
        if changes_access(event):
            await self._recheck_access(project_id)

    async def _send_event(self, event: dict[str, Any], *, text: str | None = None) -> None:
        project_id = event["project_id"]
        if event["id"] <= self.projects.get(project_id, 0):
            return
        self.projects[project_id] = event["id"]
        await self.send(text_data=text or orjson.dumps(event).decode())

    async def _recheck_access(self, project_id: int) -> None:
        assert self.user is not None
        if await database_sync_to_async(selectors.can_see)(self.user.pk, project_id):
            return
        self.projects.pop(project_id, None)
        _unregister(self, project_id)
        self.topics.discard(f"project:{project_id}")
        await self.channel_layer.group_discard(project_group(project_id), self.channel_name)
        await self.send_json({"type": "unsubscribed", "topic": f"project:{project_id}", "reason": "access_revoked"})

    async def pulse_revoke(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "error", "code": "session_revoked", "message": message.get("reason", "")})
        await self.close(code=CLOSE_UNAUTHENTICATED)

    async def pulse_user_event(self, message: dict[str, Any]) -> None:
        if "user" in self.topics:
            await self.send_json(message["event"])

    async def pulse_dashboard_hint(self, message: dict[str, Any]) -> None:
        if "dashboard" in self.topics:
            self._schedule_dashboard()

    # ------------------------------------------------------------ background

    def _schedule_dashboard(self, *, force: bool = False) -> None:
        if self.dashboard_task is None or self.dashboard_task.done():
            self.dashboard_task = asyncio.create_task(self._send_dashboard(force=force))

    async def _send_dashboard(self, *, force: bool) -> None:
        """Debounced: at most one stats message per interval, and only when the numbers changed."""
        assert self.user is not None
        interval = _setting("DASHBOARD_DEBOUNCE_SECONDS", 0.5)
        wait = self.dashboard_last_sent + interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        stats = await database_sync_to_async(selectors.dashboard_stats)(self.user)
        self.dashboard_last_sent = time.monotonic()
        if force or stats != self.dashboard_last:
            self.dashboard_last = stats
            await self.send_json({"type": "dashboard.stats", "data": stats, "ts": time.time()})

    async def _watch_session(self) -> None:
        """Deactivation or revocation by any path (admin included) ends the connection within the interval."""
        assert self.user is not None
        interval = _setting("SESSION_RECHECK_SECONDS", 15)
        while True:
            await asyncio.sleep(interval)
            valid = await database_sync_to_async(selectors.session_valid)(self.user.pk, self.connected_at)
            if not valid:
                await self.pulse_revoke({"reason": "The session is no longer valid."})
                return
