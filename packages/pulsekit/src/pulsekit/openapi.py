"""OpenAPI (drf-spectacular) pieces for views that use pulsekit's error shape and ETags.

Needs the ``openapi`` extra (``pip install 'pulsekit[openapi]'``)::

    @extend_schema(parameters=[IF_MATCH], responses={200: WidgetOut, **errors(*WRITE_ERRORS)})
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from pulsekit.fields import StrictCharField


class ErrorBodySerializer(serializers.Serializer):
    code = StrictCharField()
    message = StrictCharField()
    details = serializers.DictField()


# {"error": {"code", "message", "details"}}, the body of every 4xx/5xx. (No docstring: the schema
# would show it as the component's description.)
class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


DESCRIPTIONS = {
    304: "Not modified: the If-None-Match ETag is current.",
    400: "Invalid input; nothing was changed.",
    401: "Missing, invalid or expired access token.",
    403: "Visible, but you may not do this.",
    404: "Not found, or not visible to you (on a list: a page number past the end).",
    409: "Conflicts with the resource's current state.",
    412: "Stale If-Match: details.current holds the current representation, details.etag its ETag.",
    422: "Well-formed but not processable (e.g. an Idempotency-Key reused with another body).",
    428: "If-Match is required on this request.",
    429: "Too many requests; retry after the Retry-After header's seconds.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """``responses=`` entries for these status codes, each in the error shape (304 has no body)."""
    return {
        code: OpenApiResponse(description=DESCRIPTIONS[code], response=None if code == 304 else ErrorSerializer)
        for code in codes
    }


READ_ERRORS = (401, 404)
WRITE_ERRORS = (400, 401, 403, 404, 412, 428)

IF_MATCH = OpenApiParameter(
    "If-Match",
    type=str,
    location=OpenApiParameter.HEADER,
    required=True,
    description='The strong ETag from your last read, e.g. "project-12-v3".',
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", type=str, location=OpenApiParameter.HEADER, required=False, description="Answer 304 if unchanged."
)
ETAG = OpenApiParameter(
    "ETag",
    type=str,
    location=OpenApiParameter.HEADER,
    response=[200, 201, 304],
    description="Strong validator of this representation; send it back in If-Match to write.",
)
