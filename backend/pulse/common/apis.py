"""What every API module shares that is Pulse's own: the authenticated request type.

The conditional-request helpers live in ``pulsekit.conditional`` and the schema's error responses
and ETag headers in ``pulsekit.openapi``; they are imported here too only for ``pulse.bulk.apis``,
which still imports them from this module.
"""

from __future__ import annotations

from rest_framework.request import Request

from pulse.accounts.models import User
from pulsekit.openapi import ETAG, IF_NONE_MATCH, errors

__all__ = ["ETAG", "IF_NONE_MATCH", "AuthedRequest", "errors"]


class AuthedRequest(Request):
    """A request that passed IsAuthenticated: ``user`` is a real account."""

    user: User  # type: ignore[assignment]
