"""Small pieces every API module uses: conditional requests, schema error responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from pulse.accounts.models import User
from pulsekit.fields import StrictCharField
from pulsekit.versioning import (
    StaleVersion,
    candidate_versions,
    expected_version,
    make_etag,
    not_modified_or,
    precondition_failed,
)

T = TypeVar("T")


class AuthedRequest(Request):
    """A request that passed IsAuthenticated: ``user`` is a real account."""

    user: User  # type: ignore[assignment]


class ErrorBodySerializer(serializers.Serializer):
    code = StrictCharField()
    message = StrictCharField()
    details = serializers.DictField()


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


_DESCRIPTIONS = {
    304: "Not modified: the If-None-Match ETag is current.",
    400: "Invalid input; nothing was changed.",
    401: "Missing, invalid or expired access token.",
    403: "Visible, but you may not do this.",
    404: "Not found, or not visible to you (on a list: a page number past the end).",
    409: "Conflicts with the resource's current state.",
    422: "Well-formed but not processable (e.g. an Idempotency-Key reused with another body).",
    412: "Stale If-Match: details.current holds the current representation, details.etag its ETag.",
    428: "If-Match is required on this request.",
    429: "Too many requests; retry after the Retry-After header's seconds.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    return {
        code: OpenApiResponse(description=_DESCRIPTIONS[code], response=None if code == 304 else ErrorSerializer)
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


def conditional_get(request: Request, *, kind: str, obj: Any, render: Callable[[Any], dict[str, Any]]) -> Response:
    return not_modified_or(request, make_etag(kind, obj.pk, obj.version), lambda: Response(render(obj)))


def conditional_write(
    request: Request,
    *,
    kind: str,
    pk: int,
    write: Callable[[int | None], Any],
    current: Callable[[], Any],
    render: Callable[[Any], dict[str, Any]],
    respond: bool = True,
) -> Response:
    """Run ``write(expected_version)``; answer with the representation *this* write produced (or 204).

    The re-read happens in the same transaction as the write, under its row lock, so a concurrent
    writer can never make the response describe (or its ETag name) someone else's version.
    A stale version becomes a 412 carrying the current representation and ETag.
    """
    version = expected_version(request, kind=kind, pk=pk)
    if version is None and len(candidate_versions(request, kind=kind, pk=pk)) > 1:
        version = expected_version(request, kind=kind, pk=pk, current=current().version)
    try:
        with transaction.atomic():
            write(version)
            if not respond:
                return Response(status=204)
            obj = current()
            response = Response(render(obj))
    except StaleVersion as stale:
        obj = current()
        raise precondition_failed(kind=kind, pk=stale.pk, current_version=obj.version, current=render(obj)) from stale
    return with_etag(response, kind=kind, obj=obj)


def created(
    request: Request,
    *,
    kind: str,
    create: Callable[[], Any],
    current: Callable[[Any], Any],
    render: Callable[[Any], dict[str, Any]],
    location: Callable[[Any], str],
) -> Response:
    """201 with Location and ETag, describing exactly what this request created."""
    with transaction.atomic():
        obj = current(create())
        body = render(obj)
    response = Response(body, status=201, headers={"Location": request.build_absolute_uri(location(obj))})
    return with_etag(response, kind=kind, obj=obj)


def with_etag(response: Response, *, kind: str, obj: Any) -> Response:
    response["ETag"] = make_etag(kind, obj.pk, obj.version)
    return response
