"""Strict query parameters: an unknown parameter is a 400, not silently ignored.

A typo such as ``?stauts=active`` otherwise returns every row, which a
client cannot tell from a correct answer.
"""

from __future__ import annotations

from collections.abc import Iterable

from rest_framework.request import Request

from pulsekit.errors import ValidationFailed
from pulsekit.fields import CONTROL_CHARS_MESSAGE, has_control_chars

COMMON_PARAMS = frozenset({"page", "page_size", "cursor", "ordering", "format"})


def reject_unknown_params(request: Request, allowed: Iterable[str]) -> None:
    known = COMMON_PARAMS | set(allowed)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise ValidationFailed(
            f"Unknown query parameter(s): {', '.join(unknown)}.",
            code="unknown_parameter",
            details={name: ["Unknown query parameter."] for name in unknown} | {"allowed": sorted(known)},
        )
    for name, values in request.query_params.lists():
        if any(has_control_chars(v) for v in values):
            raise ValidationFailed(
                "Query parameters must not contain control characters.", details={name: [CONTROL_CHARS_MESSAGE]}
            )
