import json
from typing import Any

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.common.apis import AuthedRequest, errors
from pulse.notifications import mandrill, selectors, services
from pulse.notifications.models import EmailStatus, Notification, NotificationKind
from pulsekit.errors import Forbidden, ValidationFailed
from pulsekit.fields import StrictCharField
from pulsekit.pagination import PageNumber
from pulsekit.params import reject_unknown_params
from pulsekit.parsers import MAX_JSON_DEPTH, nesting_exceeds


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    title = StrictCharField()
    body = StrictCharField()
    project_id = serializers.IntegerField(allow_null=True)
    target_type = StrictCharField()
    target_id = serializers.IntegerField(allow_null=True)
    read = serializers.BooleanField()
    read_at = serializers.DateTimeField(allow_null=True)
    email_status = serializers.ChoiceField(choices=EmailStatus.choices)
    email_message_id = StrictCharField()
    email_attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()

    def to_representation(self, n: Notification) -> dict[str, Any]:
        iso = lambda d: d.isoformat().replace("+00:00", "Z") if d else None  # noqa: E731
        return {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "project_id": n.project_id,
            "target_type": n.target_type,
            "target_id": n.target_id,
            "read": n.read_at is not None,
            "read_at": iso(n.read_at),
            "email_status": n.email_status,
            "email_message_id": n.email_message_id,
            "email_attempts": n.email_attempts,
            "created_at": iso(n.created_at),
        }


class NotificationPage(PageNumber):
    unread_count = 0

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        response.data["unread_count"] = self.unread_count
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        result = super().get_paginated_response_schema(schema)
        result["properties"]["unread_count"] = {"type": "integer"}
        return result


class NotificationListApi(APIView):
    pagination_class = NotificationPage  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="notifications_list",
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL)],
        responses={200: NotificationSerializer(many=True), **errors(400, 401, 404)},
        description="Your notifications, newest first, with `unread_count`.",
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, ["unread"])
        raw = request.query_params.get("unread")
        if raw not in (None, "true", "false"):
            raise ValidationFailed(details={"unread": ["Use true or false."]})
        unread = None if raw is None else raw == "true"
        paginator = NotificationPage()
        paginator.unread_count = selectors.unread_count(user=request.user)
        page = paginator.paginate_queryset(selectors.notification_list(user=request.user, unread=unread), request, self)
        return paginator.get_paginated_response(NotificationSerializer(page, many=True).data)


class NotificationReadApi(APIView):
    @extend_schema(
        operation_id="notifications_read",
        request=None,
        responses={200: NotificationSerializer, **errors(401, 404)},
    )
    def post(self, request: AuthedRequest, notification_id: int) -> Response:
        n = services.notification_mark_read(user=request.user, notification_id=min(notification_id, 2**63 - 1))
        return Response(NotificationSerializer(n).data)


class NotificationReadAllApi(APIView):
    class ReadAllResultSerializer(serializers.Serializer):
        marked = serializers.IntegerField()

    @extend_schema(
        operation_id="notifications_read_all", request=None, responses={200: ReadAllResultSerializer, **errors(401)}
    )
    def post(self, request: AuthedRequest) -> Response:
        return Response({"marked": services.notifications_mark_all_read(user=request.user)})


class MandrillWebhookApi(APIView):
    """Inbound Mandrill delivery events (form field ``mandrill_events``), signature-verified."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes = [FormParser, MultiPartParser]

    class MandrillResultSerializer(serializers.Serializer):
        processed = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        unmatched = serializers.IntegerField()
        ignored = serializers.IntegerField()

    @extend_schema(operation_id="webhooks_mandrill_head", responses={200: None})
    def head(self, request: Request) -> Response:
        return Response(status=200)  # Mandrill checks the URL answers before saving a webhook

    @extend_schema(
        operation_id="webhooks_mandrill",
        request={
            "application/x-www-form-urlencoded": {
                "type": "object",
                "properties": {"mandrill_events": {"type": "string"}},
            }
        },
        responses={200: MandrillResultSerializer, **errors(400, 403)},
    )
    def post(self, request: Request) -> Response:
        params = {k: request.data.get(k) for k in request.data}
        if not mandrill.signature_valid(
            request._request, key=settings.MANDRILL_WEBHOOK_KEY, url=settings.MANDRILL_WEBHOOK_URL
        ):
            raise Forbidden("Invalid or missing X-Mandrill-Signature.", code="invalid_signature")
        try:
            events = json.loads(params.get("mandrill_events") or "")
        except (ValueError, RecursionError) as error:
            raise ValidationFailed(details={"mandrill_events": ["Must be a JSON array of events."]}) from error
        if nesting_exceeds(events, MAX_JSON_DEPTH):
            raise ValidationFailed(details={"mandrill_events": [f"Nested deeper than {MAX_JSON_DEPTH} levels."]})
        if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
            raise ValidationFailed(details={"mandrill_events": ["Must be a JSON array of event objects."]})
        return Response(services.mandrill_events_process(events=events))
