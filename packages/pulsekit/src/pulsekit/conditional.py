"""Conditional requests for DRF views in three calls: read, write, create (RFC 9110).

Each takes the resource's ``kind`` (the ETag's prefix) and small callables of your own, so the
view stays a few lines and every answer carries the ETag of exactly the version it describes:

- ``conditional_get``: 304 when ``If-None-Match`` already holds the current ETag, else 200;
- ``conditional_write``: 428 without ``If-Match``; runs your service with the version it names
  and answers with what *this* write produced, or 412 with the current representation;
- ``created``: 201 with ``Location`` and ``ETag``.

Objects are anything with ``pk`` and ``version`` (``pulsekit.models.VersionedModel``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from rest_framework.request import Request
from rest_framework.response import Response

from pulsekit.versioning import (
    StaleVersion,
    candidate_versions,
    expected_version,
    make_etag,
    not_modified_or,
    precondition_failed,
)

Render = Callable[[Any], dict[str, Any]]
# (version the client sent or None, version now) -> more of a 412's details, e.g. who changed it since.
Explain = Callable[[int | None, int], dict[str, Any]]


def with_etag(response: Response, *, kind: str, obj: Any) -> Response:
    """Set ``ETag`` to the strong validator of ``obj``'s current version."""
    response["ETag"] = make_etag(kind, obj.pk, obj.version)
    return response


def conditional_get(request: Request, *, kind: str, obj: Any, render: Render) -> Response:
    """200 with ``render(obj)`` and its ETag, or 304 when ``If-None-Match`` holds that ETag."""
    return not_modified_or(request, make_etag(kind, obj.pk, obj.version), lambda: Response(render(obj)))


def conditional_write(
    request: Request,
    *,
    kind: str,
    pk: int,
    write: Callable[[int | None], Any],
    current: Callable[[], Any],
    render: Render,
    respond: bool = True,
    explain: Explain | None = None,
) -> Response:
    """Run ``write(expected_version)``; answer with the representation *this* write produced (or 204).

    ``write`` is your service call: it gets the version ``If-Match`` names (``None`` when it names
    none that could match) and raises ``StaleVersion`` when its compare-and-swap loses.
    ``current()`` reads the object again. The re-read happens in the same transaction as the
    write, under its row lock, so a concurrent writer can never make the response describe (or its
    ETag name) someone else's version. A stale version becomes a 412 carrying the current
    representation and ETag (and whatever ``explain(expected, current_version)`` adds to its
    details); a missing ``If-Match`` is a 428 before ``write`` runs.
    """
    version = expected_version(request, kind=kind, pk=pk)
    if version is None and len(candidate_versions(request, kind=kind, pk=pk)) > 1:
        # If-Match lists several of this resource's ETags: it holds when one of them is current.
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
        extra = explain(version, obj.version) if explain is not None else {}
        raise precondition_failed(
            kind=kind, pk=stale.pk, current_version=obj.version, current=render(obj), **extra
        ) from stale
    return with_etag(response, kind=kind, obj=obj)


def created(
    request: Request,
    *,
    kind: str,
    create: Callable[[], Any],
    current: Callable[[Any], Any],
    render: Render,
    location: Callable[[Any], str],
) -> Response:
    """201 with ``Location`` and ``ETag``, describing exactly what this request created.

    ``create()`` makes the object; ``current(created)`` reads it back as the detail view shows it
    (in the same transaction); ``location(obj)`` is its path.
    """
    with transaction.atomic():
        obj = current(create())
        body = render(obj)
    response = Response(body, status=201, headers={"Location": request.build_absolute_uri(location(obj))})
    return with_etag(response, kind=kind, obj=obj)
