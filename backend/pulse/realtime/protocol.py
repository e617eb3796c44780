"""The client's side of the /ws/ protocol: what a frame may contain, checked before anything acts on it.

``parse`` turns one frame into a validated message or raises ``BadMessage`` (the socket closes 4400) or
``TooLarge`` (1009). The grammar is closed: four message types, each with exactly the values the
README documents, ASCII digits only in a topic, and nothing the server echoes back can be anything
but a short scalar. orjson parses: it refuses nesting deeper than 1,024, NaN and Infinity, lone
surrogates and invalid UTF-8 with one exception type, and never recurses in Python.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from pulsekit.ids import is_id

TOPIC = re.compile(r"(?:user|dashboard|projects|project:[1-9][0-9]{0,18})", re.ASCII)
MAX_TS_LENGTH = 64


class BadMessage(ValueError):
    """The frame is not one of the documented client messages."""


class TooLarge(BadMessage):
    """The frame is larger than the configured limit."""


def parse(text_data: str | None, bytes_data: bytes | None, *, max_bytes: int) -> dict[str, Any]:
    raw: str | bytes = text_data if text_data is not None else (bytes_data or b"")
    # Characters first (cheap, and a lower bound of the UTF-8 size), then the encoded size.
    if len(raw) > max_bytes or (isinstance(raw, str) and len(raw.encode("utf-8", "surrogatepass")) > max_bytes):
        raise TooLarge(f"Messages are limited to {max_bytes} bytes.")
    try:
        content = orjson.loads(raw)
    except (orjson.JSONDecodeError, UnicodeError, TypeError):
        raise BadMessage("Messages must be JSON objects.") from None
    if not isinstance(content, dict):
        raise BadMessage("Messages must be JSON objects.")
    kind = content.get("type")
    if kind == "ping":
        ts = content.get("ts")
        if not (ts is None or isinstance(ts, bool | int | float) or (isinstance(ts, str) and len(ts) <= MAX_TS_LENGTH)):
            raise BadMessage(f"ping's ts must be a number or a string of at most {MAX_TS_LENGTH} characters.")
        return {"type": "ping", "ts": ts}
    if kind in ("subscribe", "unsubscribe"):
        topic = content.get("topic")
        if not isinstance(topic, str) or not TOPIC.fullmatch(topic):
            raise BadMessage("topic must be 'user', 'dashboard', 'projects' or 'project:<id>'.")
        return {"type": kind, "topic": topic}
    if kind == "resume":
        last_id = content.get("last_id")
        if not is_id(last_id, allow_zero=True):
            raise BadMessage("resume needs last_id, the integer id of the last event seen.")
        return {"type": "resume", "last_id": last_id}
    raise BadMessage("Unknown or malformed message; see the protocol in the README.")


def topic_project(topic: str) -> int:
    """The project id of a ``project:<id>`` topic that ``parse`` accepted."""
    return int(topic.removeprefix("project:"))
