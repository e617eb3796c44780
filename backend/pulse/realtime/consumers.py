"""The `/ws/` consumer: authenticated by a one-time ticket, subscriptions checked on every change of access.

Per subscribed project it remembers the last event id delivered. An event whose
``prev_id`` is newer than that means something was lost on the way (a dropped
message, a reconnecting Redis subscriber): the missing events are read back from
the Activity table and delivered first, in order. Duplicates (id ≤ last) are dropped.

Every client frame is untrusted: it is size-checked, parsed by ``pulse.realtime.protocol`` (which
refuses anything but the documented messages), and rate-limited before anything acts on it. A bad
frame closes only its own socket (4400). Whatever ends a consumer (a close, a vanished client, an
exception nobody foresaw), it leaves the process's hub on the way out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import parse_qs

import orjson
from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from pulse.realtime import protocol, selectors
from pulse.realtime.events import DASHBOARD_GROUP, GLOBAL_GROUP, project_group, user_group
from pulse.realtime.hub import get_hub
from pulse.realtime.tickets import ticket_redeem

logger = logging.getLogger(__name__)

CLOSE_BAD_MESSAGE = 4400
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_LIMITED = 4429  # too many messages, or too many sockets for one user
CLOSE_TOO_BIG = 1009  # RFC 6455: a frame larger than WS_MAX_FRAME_BYTES
CLOSE_INTERNAL = 1011  # RFC 6455: the server failed handling a valid message

# Verbs after which a subscriber's right to see the project must be checked again.
ACCESS_VERBS = frozenset({"member.removed", "project.deleted", "project.purged"})


def changes_access(event: dict[str, Any]) -> bool:
    return event["type"] in ACCESS_VERBS or (
        event["type"] == "project.updated" and "owner_id" in event["data"].get("changes", {})
    )


def _setting(name: str, default: Any) -> Any:
    return settings.PULSE.get(name, default)


class EventsConsumer(AsyncJsonWebsocketConsumer):
    # Group messages reach sockets through this process's hub (pulse.realtime.hub), not a channel per
    # socket: an alias with no layer configured makes Channels skip creating and listening on one.
    channel_layer_alias = "pulse.hub-only"

    async def connect(self) -> None:
        self.user = None
        self.projects: dict[int, int] = {}  # project id -> last event id delivered
        self.topics: set[str] = set()
        # While work that reads the database runs for this socket (resume, filling a gap, re-checking
        # access), events wait here in order instead of holding up the hub.
        self.exclusive_pending = 0
        self.buffer: list[tuple[dict[str, Any], str | None]] = []
        self.exclusive = asyncio.Lock()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.dashboard_task: asyncio.Task[Any] | None = None
        self.dashboard_last_sent = 0.0
        self.dashboard_last: Any = None
        self.connected_at = time.time()
        self.hub: Any = None  # set once registered with the hub; cleared when unregistered
        self.closing = False  # a close was sent: nothing more goes out, nothing more is read
        self.allowance = float(_setting("WS_MESSAGE_BURST", 60))
        self.allowance_at = time.monotonic()

        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        ticket = (query.get("ticket") or [""])[0]
        await self.accept()
        self.user = await database_sync_to_async(ticket_redeem)(ticket)
        if self.user is None:
            await self.close(code=CLOSE_UNAUTHENTICATED, reason="A valid one-time ticket is required.")
            return
        hub = await get_hub()
        if not hub.connected(self, limit=_setting("WS_MAX_SOCKETS_PER_USER", 20)):
            await self._refuse(CLOSE_LIMITED, "too_many_sockets", "Too many open sockets for this user.")
            return
        self.hub = hub
        await hub.join(user_group(self.user.pk), self)
        await self.send_json({"type": "welcome", "user_id": self.user.pk})

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._unregister()

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections before every message, on one shared thread.
        # Our handlers reach the database only through database_sync_to_async, which does that
        # housekeeping itself, so it is skipped here.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        try:
            await handler(message)
        except (StopConsumer, asyncio.CancelledError):
            raise
        except Exception as error:
            # Whatever went wrong, it ends this socket only. A client that vanished mid-answer is routine;
            # anything else is a server fault, logged, and the client is told so (1011) if still there.
            if message["type"] != "websocket.disconnect" and not _client_gone(error):
                logger.warning("Websocket %s handling failed; closing the socket", message["type"], exc_info=True)
                try:
                    await self._refuse(CLOSE_INTERNAL, "internal_error", "The server could not handle that message.")
                except Exception:
                    logger.debug("Closing the failed socket failed too", exc_info=True)
            raise StopConsumer from None

    async def disconnect(self, code: int) -> None:
        await self._unregister()

    async def _unregister(self) -> None:
        """Leave the hub and stop this socket's own tasks; safe to call more than once."""
        for task in [*self.tasks, self.dashboard_task]:
            if task is not None and task is not asyncio.current_task():
                task.cancel()
        hub, self.hub = self.hub, None
        if hub is not None:
            await hub.disconnected(self)

    async def _refuse(self, code: int, error: str, message: str = "", **extra: Any) -> None:
        """Tell the client why (if it is still there) and close with ``code``; once, whoever calls first."""
        if self.closing:
            return
        self.closing = True
        try:
            await self.send_json({"type": "error", "code": error, **({"message": message} if message else {}), **extra})
            await self.close(code=code)
        except Exception as failure:
            if not _client_gone(failure):
                raise

    async def send_json(self, content: Any, close: bool = False) -> None:
        # orjson: bounded nesting, no NaN, no recursion in the encoder.
        await super().send(text_data=orjson.dumps(content).decode(), close=close)

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    # ------------------------------------------------------------ client messages

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        if self.user is None or self.hub is None or self.closing:
            return
        if not self._take_allowance():
            await self._refuse(CLOSE_LIMITED, "rate_limited", "Too many messages; slow down and reconnect.")
            raise StopConsumer
        try:
            message = protocol.parse(text_data, bytes_data, max_bytes=_setting("WS_MAX_FRAME_BYTES", 65_536))
        except protocol.TooLarge as error:
            await self._refuse(CLOSE_TOO_BIG, "message_too_large", str(error))
            raise StopConsumer from None
        except protocol.BadMessage as error:
            await self._bad(str(error))
            raise StopConsumer from None
        except Exception:  # no input may crash the consumer, whatever the parser raises
            await self._bad("Unreadable message.")
            raise StopConsumer from None
        kind = message["type"]
        if kind == "ping":
            await self.send_json({"type": "pong", "ts": message.get("ts")})
        elif kind == "subscribe":
            await self._subscribe(message["topic"])
        elif kind == "unsubscribe":
            await self._unsubscribe(message["topic"])
        elif kind == "resume":
            await self._resume(message["last_id"])

    def _take_allowance(self) -> bool:
        """Token bucket: WS_MESSAGE_BURST messages at once, refilled at WS_MESSAGE_RATE a second."""
        now = time.monotonic()
        rate = float(_setting("WS_MESSAGE_RATE", 10.0))
        burst = float(_setting("WS_MESSAGE_BURST", 60))
        self.allowance = min(burst, self.allowance + (now - self.allowance_at) * rate)
        self.allowance_at = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

    async def _bad(self, message: str) -> None:
        await self._refuse(CLOSE_BAD_MESSAGE, "bad_message", message)

    async def _subscribe(self, topic: str) -> None:
        assert self.user is not None
        if topic == "user":
            self.topics.add("user")  # the user group is joined at connect; this only acknowledges it
        elif topic == "dashboard":
            self.topics.add("dashboard")
            await self.hub.join(DASHBOARD_GROUP, self)
            await self.hub.join(GLOBAL_GROUP, self)
            self._schedule_dashboard(force=True)
        elif topic == "projects":
            # A list page: the dashboard's hints (one per published batch) say which projects changed what.
            self.topics.add("projects")
            await self.hub.join(DASHBOARD_GROUP, self)
        else:
            project_id = protocol.topic_project(topic)
            last_id = await database_sync_to_async(selectors.subscription_start)(self.user, project_id)
            if self.hub is None or self.closing:
                return  # closed while the database answered: joining now would register a dead socket
            if last_id is None:
                await self._refuse(CLOSE_FORBIDDEN, "forbidden", topic=topic)
                raise StopConsumer
            self.projects.setdefault(project_id, last_id)
            await self.hub.join(project_group(project_id), self)
            self.hub.watch(self, project_id)
            self.topics.add(topic)
        await self.send_json({"type": "subscribed", "topic": topic})

    async def _unsubscribe(self, topic: str) -> None:
        if topic not in ("user", "dashboard", "projects"):
            await self._drop_project(protocol.topic_project(topic))
        elif topic in self.topics and self.hub is not None:
            if topic == "dashboard":
                await self.hub.leave(GLOBAL_GROUP, self)
            if topic in ("dashboard", "projects") and not ({"dashboard", "projects"} - {topic}) & self.topics:
                await self.hub.leave(DASHBOARD_GROUP, self)  # the hints: unless the other topic still wants them
        self.topics.discard(topic)
        await self.send_json({"type": "unsubscribed", "topic": topic})

    async def _drop_project(self, project_id: int) -> None:
        if self.projects.pop(project_id, None) is not None and self.hub is not None:
            self.hub.unwatch(self, project_id)
            await self.hub.leave(project_group(project_id), self)

    async def _resume(self, last_id: int) -> None:
        """Replay, in id order, what the subscribed projects produced after ``last_id`` and, for a `user`
        subscriber, the durable part of their own stream (bulk summaries, email delivery); the rest of it
        (progress, new notifications) is not kept as events: the client reads those afresh."""
        assert self.user is not None
        user = self.user

        async def replay() -> None:
            project_ids = list(self.projects)
            result = await database_sync_to_async(selectors.replay)(
                user,
                project_ids,
                last_id,
                max_events=_setting("REPLAY_MAX_EVENTS", 10_000),
                max_age_seconds=_setting("REPLAY_MAX_AGE_SECONDS", 24 * 3600),
                own_stream="user" in self.topics,
            )
            if result is None:
                await self.send_json({"type": "resync", "reason": "The gap is beyond the replay window; refetch."})
                latest = await database_sync_to_async(selectors.latest_ids)(project_ids)
                self.projects.update({p: latest[p] for p in project_ids if p in self.projects})
                return
            # Rewind, then replay in id order. Events already delivered live since subscribing are
            # sent again (clients dedupe by id); nothing after last_id is skipped.
            for project_id in project_ids:
                if project_id in self.projects:
                    self.projects[project_id] = min(self.projects[project_id], last_id)
            replayed = 0
            for event in result:
                if event["project_id"] is None:  # the user's own private row: no project to dedupe against
                    if "user" in self.topics:
                        await self.send_json(event)
                        replayed += 1
                elif await self._send_event(event):
                    replayed += 1
            await self.send_json({"type": "resumed", "last_id": last_id, "replayed": replayed})

        await self._exclusive(replay)

    @property
    def busy(self) -> bool:
        return self.exclusive_pending > 0

    # ------------------------------------------------------------ group messages, from the hub

    async def group_message(self, message: dict[str, Any]) -> None:
        """Called by the hub for each message of a group this socket is in. Must not wait on the
        database: anything that does runs in a task of this socket's own (see ``_exclusive``)."""
        if self.closing:
            return
        kind = message["type"]
        if kind == "pulse.event":
            event = message["event"]
            if event["project_id"] is None:
                await self._deliver_shared(event, message.get("text"))
            elif event["project_id"] in self.projects:
                await self._deliver(event, message.get("text"))
        elif kind == "pulse.user_event":
            if "user" in self.topics:
                await self.send_json(message["event"])
        elif kind == "pulse.dashboard_hint":
            if "dashboard" in self.topics:
                self._schedule_dashboard()
            if "projects" in self.topics and message.get("projects"):
                self._background(self._send_projects_changed(message))
        elif kind == "pulse.revoke":
            await self.revoke(message.get("reason", ""))

    async def _deliver_shared(self, event: dict[str, Any], text: str | None) -> None:
        """A shared (tag) event. The projects it lists are cut to those this user may see, which takes the
        database: that runs in this socket's own queue, so its events still leave in the order they came."""
        listed = event["data"]["metadata"].get("project_ids")
        if not listed and not self.busy:
            await self.send(text_data=text or orjson.dumps(event).decode())
            return

        async def send_seen() -> None:
            hub = self.hub
            if hub is None or self.closing or self.user is None:
                return
            out = text or orjson.dumps(event).decode()
            if listed:
                visible = await hub.shared_visibility(event, self.user.pk)
                metadata = {**event["data"]["metadata"], "project_ids": [p for p in listed if p in visible]}
                out = orjson.dumps({**event, "data": {**event["data"], "metadata": metadata}}).decode()
            if not self.closing:
                await self.send(text_data=out)

        self._background(self._exclusive(send_seen))

    async def _send_projects_changed(self, hint: dict[str, Any]) -> None:
        """The hint's projects this user may see, with what changed (verbs, project fields), or nothing.
        Off the hub's loop, and not queued behind this socket's events: a list only uses it for
        projects it does not show, whose events this socket does not get."""
        hub = self.hub
        if hub is None or self.closing or self.user is None:
            return
        try:
            visible = await hub.hint_visibility(hint, self.user.pk)
            changed = [p for p in hint["projects"] if p["id"] in visible]
            if changed and not self.closing and "projects" in self.topics:
                await self.send_json({"type": "projects.changed", "projects": changed, "ts": time.time()})
        except Exception as error:
            if not _client_gone(error):
                logger.warning("Telling a list which projects changed failed", exc_info=True)

    def _has_gap(self, event: dict[str, Any]) -> bool:
        """The event's predecessor in its project is newer than what this socket delivered."""
        last = self.projects.get(event["project_id"])
        prev_id = event["data"].get("prev_id")
        return last is not None and prev_id is not None and prev_id > last

    async def _deliver(self, event: dict[str, Any], text: str | None) -> None:
        if self.busy or self._has_gap(event):
            # Queued behind this socket's own work, or something between was lost on the way and is
            # read back first: either way off the hub's loop, in order.
            self.buffer.append((event, text))
            if not self.busy:
                self._background(self._exclusive(None))
            return
        if await self._send_event(event, text=text) and changes_access(event):
            project_id = event["project_id"]
            self._background(self._exclusive(lambda: self._recheck_access(project_id)))

    def _exclusive(self, work: Callable[[], Awaitable[None]] | None) -> Coroutine[Any, Any, None]:
        """Run ``work`` (which may read the database), then deliver the events that arrived meanwhile, each
        with its gap filled from the outbox and access re-checked where it changes, all in id order.
        The socket counts as busy from this call on, before the returned coroutine first runs."""
        self.exclusive_pending += 1
        return self._run_exclusive(work)

    async def _run_exclusive(self, work: Callable[[], Awaitable[None]] | None) -> None:
        try:
            async with self.exclusive:
                if work is not None:
                    await work()
                while self.buffer:
                    event, text = self.buffer.pop(0)
                    await self._deliver_checked(event, text)
        except Exception:
            logger.warning("Websocket delivery work failed; the catch-up retries", exc_info=True)
        finally:
            self.exclusive_pending -= 1

    async def _deliver_checked(self, event: dict[str, Any], text: str | None) -> None:
        project_id = event["project_id"]
        last = self.projects.get(project_id)
        if last is None or event["id"] <= last:
            return  # unsubscribed meanwhile, or a duplicate of what was delivered
        if self._has_gap(event):
            missing = await database_sync_to_async(selectors.project_events_between)(project_id, last, event["id"])
            for lost in missing:
                await self._send_event(lost)
        await self._send_event(event, text=text)
        if changes_access(event):
            await self._recheck_access(project_id)

    async def catch_up(self, missing: list[dict[str, Any]]) -> None:
        """Events read back by the hub's catch-up; skipped while this socket's own work is running."""
        if not self.busy and not self.closing:
            for event in missing:
                await self._send_event(event)

    async def _send_event(self, event: dict[str, Any], *, text: str | None = None) -> bool:
        """Send it unless it is a duplicate or its project is no longer subscribed; say whether it went."""
        project_id = event["project_id"]
        if event["id"] <= self.projects.get(project_id, event["id"]):
            return False
        self.projects[project_id] = event["id"]
        await self.send(text_data=text or orjson.dumps(event).decode())
        return True

    async def _recheck_access(self, project_id: int) -> None:
        assert self.user is not None
        if await database_sync_to_async(selectors.can_see)(self.user.pk, project_id):
            return
        await self._drop_project(project_id)
        self.topics.discard(f"project:{project_id}")
        await self.send_json({"type": "unsubscribed", "topic": f"project:{project_id}", "reason": "access_revoked"})

    async def revoke(self, reason: str) -> None:
        await self._refuse(CLOSE_UNAUTHENTICATED, "session_revoked", reason)
        await self._unregister()  # at once: a closed socket gets nothing more, whenever its disconnect comes

    async def abandon(self) -> None:
        """Called by the hub when handing this socket something failed: close it (best effort) and leave."""
        try:
            await self._refuse(CLOSE_INTERNAL, "internal_error", "Delivery to this socket failed.")
        except Exception:
            logger.debug("Closing an abandoned socket failed", exc_info=True)
        await self._unregister()

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
        if self.hub is None:
            return  # closed meanwhile: a dead socket costs no aggregate query
        try:
            stats = await database_sync_to_async(selectors.dashboard_stats)(self.user)
            self.dashboard_last_sent = time.monotonic()
            if force or stats != self.dashboard_last:
                self.dashboard_last = stats
                await self.send_json({"type": "dashboard.stats", "data": stats, "ts": time.time()})
        except Exception as error:
            if not _client_gone(error):
                logger.warning("Dashboard stats for a socket failed", exc_info=True)


def _client_gone(error: BaseException) -> bool:
    """The exception says the client's connection is already gone (a send after it vanished)."""
    return isinstance(error, OSError) or type(error).__name__ in ("ClientDisconnected", "ConnectionClosed")
