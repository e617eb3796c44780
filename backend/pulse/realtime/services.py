"""Realtime side effects other services call."""

from __future__ import annotations

import logging

from django.db import transaction

from pulse.realtime.events import user_group
from pulse.realtime.outbox import send_group

logger = logging.getLogger(__name__)


def sessions_revoke(*, user_id: int, reason: str) -> None:
    """Close every open websocket of the user, on every server process, once the transaction commits."""

    def send() -> None:
        try:
            send_group(user_group(user_id), {"type": "pulse.revoke", "reason": reason})
        except Exception:  # the consumers' periodic session check closes them anyway
            logger.warning("Could not broadcast session revocation for user %s", user_id, exc_info=True)

    transaction.on_commit(send)
