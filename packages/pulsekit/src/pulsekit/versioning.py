"""Optimistic concurrency: an integer ``version`` exposed as a strong ETag.

Reads return ``ETag: "<kind>-<id>-v<version>"``; writes require
``If-Match`` carrying that value. The write itself is ``compare_and_swap``, a
conditional ``UPDATE ... WHERE id = %s AND version = %s`` the caller's service
runs; the rest parses headers and builds the answers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone
from rest_framework.request import Request
from rest_framework.response import Response

from pulsekit.errors import NotFound, PreconditionFailed, PreconditionRequired

_ETAG_RE = re.compile(r'^"(?P<kind>[a-z_]+)-(?P<id>\d+)-v(?P<version>\d+)"$')


def make_etag(kind: str, pk: int, version: int) -> str:
    return f'"{kind}-{pk}-v{version}"'


def parse_etag(value: str, *, kind: str, pk: int) -> int | None:
    """Return the version a strong ETag names for this resource, else None.

    Weak validators (``W/"..."``), ``*`` and ETags of other resources are
    never a match for a write: RFC 9110 requires strong comparison for If-Match.
    """
    value = value.strip()
    match = _ETAG_RE.match(value)
    if not match or match["kind"] != kind or int(match["id"]) != pk:
        return None
    version = int(match["version"])
    # Strong comparison is character for character: "project-01-v3" or non-ASCII digits are not our ETag.
    return version if value == make_etag(kind, pk, version) else None


def if_match_version(request: Request) -> str:
    """The raw If-Match header, or 428 when it is missing."""
    value = request.headers.get("If-Match")
    if not value:
        raise PreconditionRequired()
    return value


def candidate_versions(request: Request, *, kind: str, pk: int) -> frozenset[int]:
    """Every version the If-Match list names for this resource (428 if the header is absent).

    Weak, foreign and unparsable entries name nothing; an empty result can only fail.
    """
    raw = if_match_version(request)
    versions = {parse_etag(part, kind=kind, pk=pk) for part in raw.split(",")}
    return frozenset(v for v in versions if v is not None)


def expected_version(request: Request, *, kind: str, pk: int, current: int | None = None) -> int | None:
    """The version a conditional write should compare-and-swap against, or None (→ 412).

    RFC 9110: If-Match holds when *any* listed ETag matches. With several candidates, pass
    ``current`` (the version just read); the write's own compare-and-swap still guards the race.
    """
    candidates = candidate_versions(request, kind=kind, pk=pk)
    if len(candidates) == 1:
        return next(iter(candidates))
    if current is not None and current in candidates:
        return current
    return None


def precondition_failed(
    *, kind: str, pk: int, current_version: int, current: dict[str, Any], **extra: Any
) -> PreconditionFailed:
    """The 412 of a stale write: ``details`` holds the current representation, its ETag and ``extra``."""
    etag = make_etag(kind, pk, current_version)
    return PreconditionFailed(
        "The resource has changed since you last read it. Compare with the current version and retry.",
        details={"current": current, "etag": etag, **extra},
        headers={"ETag": etag},
    )


def not_modified_or(request: Request, etag: str, build: Callable[[], Response]) -> Response:
    """Answer 304 when If-None-Match already holds ``etag``; otherwise build the 200."""
    inm = request.headers.get("If-None-Match", "")
    tags = {t.strip().removeprefix("W/") for t in inm.split(",") if t.strip()}
    response = Response(status=304) if etag in tags or "*" in tags else build()
    response["ETag"] = etag
    return response


def compare_and_swap(
    queryset: models.QuerySet[Any] | models.Manager[Any],
    *,
    kind: str,
    pk: int,
    version: int | None,
    values: dict[str, Any],
) -> int:
    """``UPDATE … SET values, version = version + 1 WHERE pk = pk AND version = version``; the new version.

    The one conditional write: it also sets every ``auto_now`` field (``updated_at``) to now, as
    ``save()`` would and ``update()`` does not, unless ``values`` sets it. Exactly one row must
    change: when the row holds another version (or ``version`` is ``None``, an ``If-Match`` that
    named no usable version) it raises ``StaleVersion`` carrying the current version; when
    ``queryset`` does not hold the row at all (pass ``Model.objects`` to refuse soft-deleted rows)
    it raises ``NotFound``. Either way nothing was written.
    """
    rows = queryset.all()
    now = timezone.now()
    touched = {
        field.name: now
        for field in rows.model._meta.concrete_fields
        if getattr(field, "auto_now", False) and field.name not in values and field.attname not in values
    }
    if version is not None:
        updated = rows.filter(pk=pk, version=version).update(**values, **touched, version=F("version") + 1)
        if updated == 1:
            return version + 1
    current = rows.filter(pk=pk).values_list("version", flat=True).first()
    if current is None:
        raise NotFound()
    raise StaleVersion(kind=kind, pk=pk, current_version=current)


class StaleVersion(PreconditionFailed):
    """Raised by a service whose compare-and-swap found another version.

    The API layer catches it to attach the current representation; left
    uncaught it still renders as a 412 carrying the current ETag.
    """

    def __init__(self, *, kind: str, pk: int, current_version: int) -> None:
        self.kind = kind
        self.pk = pk
        self.current_version = current_version
        etag = make_etag(kind, pk, current_version)
        super().__init__(
            "The resource has changed since you last read it. Compare with the current version and retry.",
            details={"etag": etag},
            headers={"ETag": etag},
        )
