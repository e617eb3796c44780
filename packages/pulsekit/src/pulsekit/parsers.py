"""Request parsing that cannot crash: bounded JSON nesting.

A JSON body nested a thousand levels deep parses (orjson allows 1,024 levels, the standard library
more), then takes serializers, error messages and ``repr`` into ``RecursionError``. Here it is
refused by depth with a 400.
"""

from __future__ import annotations

from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 32


def nesting_exceeds(value: Any, limit: int) -> bool:
    """Whether ``value`` holds lists/dicts nested deeper than ``limit`` (a flat object is depth 1).

    Iterative, so any depth is measured without recursion.
    """
    stack: list[tuple[Any, int]] = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class MaxDepthMixin:
    """For a JSON parser class: refuse a body nested deeper than ``max_depth`` with a 400 parse error."""

    max_depth = MAX_JSON_DEPTH

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)  # type: ignore[misc]
        except RecursionError as exc:  # the standard library decoder recurses per level
            raise self._too_deep() from exc
        if nesting_exceeds(data, self.max_depth):
            raise self._too_deep()
        return data

    def _too_deep(self) -> ParseError:
        return ParseError(f"JSON parse error - nested deeper than {self.max_depth} levels.")


class BoundedJSONParser(MaxDepthMixin, JSONParser):
    """DRF's JSON parser with nesting bounded to ``max_depth`` (32)."""
