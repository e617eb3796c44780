from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.accounts.auth import SharedThrottle
from pulse.common.apis import AuthedRequest
from pulse.realtime.tickets import TICKET_TTL_SECONDS, ticket_issue
from pulsekit.fields import StrictCharField
from pulsekit.openapi import errors


class TicketUserThrottle(SharedThrottle):
    """Tickets per account: a reconnect loop or a script cannot mint them without bound."""

    scope = "ws_ticket"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TicketIpThrottle(SharedThrottle):
    """Tickets per client address, across the accounts behind it."""

    scope = "ws_ticket_ip"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WsTicketApi(APIView):
    throttle_classes = [TicketUserThrottle, TicketIpThrottle]

    class WsTicketSerializer(serializers.Serializer):
        ticket = StrictCharField()
        expires_in = serializers.IntegerField(help_text="Seconds the ticket stays redeemable.")
        url = StrictCharField(help_text="Path to open: /ws/?ticket=…")

    @extend_schema(
        operation_id="auth_ws_ticket",
        request=None,
        responses={201: WsTicketSerializer, **errors(401, 429)},
        description=(
            "A one-time ticket, valid 30 s on any server process, to open the websocket at /ws/?ticket=…"
            " Throttled per account and per client address."
        ),
    )
    def post(self, request: AuthedRequest) -> Response:
        ticket = ticket_issue(user=request.user)
        return Response(
            {"ticket": ticket, "expires_in": TICKET_TTL_SECONDS, "url": f"/ws/?ticket={ticket}"},
            status=status.HTTP_201_CREATED,
        )
