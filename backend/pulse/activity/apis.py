from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.activity import selectors
from pulse.activity.serializers import ActivityOutputSerializer
from pulse.common.apis import AuthedRequest
from pulse.projects.selectors import project_get
from pulsekit.openapi import errors
from pulsekit.pagination import IdCursor
from pulsekit.params import reject_unknown_params, text_param

VERB = OpenApiParameter("verb", {"type": "string", "maxLength": 64}, description="Verb prefix, e.g. `milestone.`")
CURSOR = OpenApiParameter("cursor", str, description="Opaque cursor from `next` / `previous`.")


def _page(request: AuthedRequest, view: APIView, queryset: object) -> Response:
    paginator = IdCursor()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)  # type: ignore[arg-type]
    page = selectors.as_seen_by(user=request.user, activities=page)
    return paginator.get_paginated_response(ActivityOutputSerializer(page, many=True).data)


class ActivityFeedApi(APIView):
    pagination_class = IdCursor  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="activity_list",
        parameters=[VERB, CURSOR],
        responses={200: ActivityOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, ["verb"])
        verb = text_param(request, "verb", max_length=64)
        return _page(request, self, selectors.activity_feed(user=request.user, verb=verb))


class ProjectActivityApi(APIView):
    pagination_class = IdCursor  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="projects_activity",
        parameters=[VERB, CURSOR],
        responses={200: ActivityOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: AuthedRequest, project_id: int) -> Response:
        reject_unknown_params(request, ["verb"])
        project = project_get(user=request.user, project_id=project_id)
        verb = text_param(request, "verb", max_length=64)
        return _page(request, self, selectors.project_activity(project_id=project.pk, verb=verb))
