from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.common.apis import AuthedRequest, errors
from pulse.realtime.tickets import TICKET_TTL_SECONDS, ticket_issue


class WsTicketApi(APIView):
    class WsTicketSerializer(serializers.Serializer):
        ticket = serializers.CharField()
        expires_in = serializers.IntegerField(help_text="Seconds the ticket stays redeemable.")
        url = serializers.CharField(help_text="Path to open: /ws/?ticket=…")

    @extend_schema(
        operation_id="auth_ws_ticket",
        request=None,
        responses={201: WsTicketSerializer, **errors(401)},
        description="A one-time ticket, valid 30 s on any server process, to open the websocket at /ws/?ticket=…",
    )
    def post(self, request: AuthedRequest) -> Response:
        ticket = ticket_issue(user=request.user)
        return Response(
            {"ticket": ticket, "expires_in": TICKET_TTL_SECONDS, "url": f"/ws/?ticket={ticket}"},
            status=status.HTTP_201_CREATED,
        )
