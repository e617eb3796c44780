from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.common.apis import AuthedRequest
from pulse.search.selectors import search
from pulsekit.errors import ValidationFailed
from pulsekit.fields import PlainTextField, StrictCharField
from pulsekit.openapi import errors
from pulsekit.params import reject_unknown_params


class SearchResultSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["project", "milestone"])
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    project_title = StrictCharField(required=False)
    title = StrictCharField()
    title_highlighted = StrictCharField(help_text="HTML-escaped title with <mark> around matches.")
    snippet = StrictCharField(help_text="HTML-escaped excerpt with <mark> around matches.")
    status = StrictCharField()
    health = StrictCharField(required=False)
    rank = serializers.FloatField()


class SearchOutputSerializer(serializers.Serializer):
    q = StrictCharField()
    count = serializers.IntegerField()
    results = SearchResultSerializer(many=True)


class SearchApi(APIView):
    class SearchInputSerializer(serializers.Serializer):
        q = PlainTextField(max_length=200)
        type = serializers.MultipleChoiceField(choices=["project", "milestone"], required=False)
        limit = serializers.IntegerField(min_value=1, max_value=50, default=20)

    @extend_schema(
        operation_id="search",
        parameters=[
            OpenApiParameter("q", {"type": "string", "minLength": 1, "maxLength": 200}, required=True),
            OpenApiParameter(
                "type", {"type": "array", "items": {"type": "string", "enum": ["project", "milestone"]}}, explode=True
            ),
            OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": 50}),
        ],
        responses={200: SearchOutputSerializer, **errors(400, 401)},
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, ["q", "type", "limit"])
        data: dict[str, object] = {
            "q": request.query_params.get("q", ""),
            "limit": request.query_params.get("limit", 20),
        }
        if "type" in request.query_params:
            data["type"] = request.query_params.getlist("type")
        serializer = self.SearchInputSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        q = serializer.validated_data["q"].strip()
        if not q:
            raise ValidationFailed(details={"q": ["Enter something to search for."]})
        kinds = frozenset(serializer.validated_data.get("type") or {"project", "milestone"})
        results = search(user=request.user, q=q, limit=serializer.validated_data["limit"], kinds=kinds)
        return Response({"q": q, "count": len(results), "results": results})
