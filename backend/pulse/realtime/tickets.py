"""One-time websocket tickets: a JWT never travels in a URL.

A ticket is a random token stored in the shared cache for 30 seconds, so any
server process can redeem it, and redeemable once: the cache delete that
consumes it is the atomic arbiter between two concurrent redeemers.
"""

from __future__ import annotations

import secrets
import time

from django.core.cache import cache

from pulse.accounts.models import User

TICKET_TTL_SECONDS = 30
_PREFIX = "ws-ticket:"


def ticket_issue(*, user: User) -> str:
    ticket = secrets.token_urlsafe(32)
    cache.set(_PREFIX + ticket, {"user_id": user.pk, "issued": time.time()}, timeout=TICKET_TTL_SECONDS)
    return ticket


def ticket_redeem(ticket: str) -> User | None:
    """The active user the ticket was issued to, consuming it; None if unknown, used or expired."""
    if not ticket or len(ticket) > 100:
        return None
    key = _PREFIX + ticket
    value = cache.get(key)
    if not isinstance(value, dict) or not cache.delete(key):
        return None
    user = User.objects.filter(pk=value["user_id"], is_active=True).first()
    if user is None or (user.tokens_valid_after and value["issued"] < user.tokens_valid_after.timestamp()):
        return None  # issued before a password change or a revocation
    return user
