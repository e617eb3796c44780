"""What every API module shares that is Pulse's own: the authenticated request type.

The conditional-request helpers live in ``pulsekit.conditional``, the schema's error responses and
ETag headers in ``pulsekit.openapi``.
"""

from __future__ import annotations

from rest_framework.request import Request

from pulse.accounts.models import User


class AuthedRequest(Request):
    """A request that passed IsAuthenticated: ``user`` is a real account."""

    user: User  # type: ignore[assignment]
