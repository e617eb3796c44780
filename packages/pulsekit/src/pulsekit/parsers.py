"""Request parsing that cannot crash: bounded JSON nesting, and one guard around every parser.

A JSON body nested a thousand levels deep parses (orjson allows 1,024 levels, the standard library
more), then takes serializers, error messages and ``repr`` into ``RecursionError``. And whatever a
parser raises that is not one of DRF's own exceptions — a third-party parser's ``KeyError``, a
decoder's ``RecursionError`` — would reach the exception handler as a server error, although it is
the body that is wrong. Here the first is refused by depth, and the second becomes a 400.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import SuspiciousOperation
from rest_framework.exceptions import APIException, ParseError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import BaseParser, JSONParser
from rest_framework.request import Request

logger = logging.getLogger(__name__)

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


class _GuardedParser(BaseParser):
    """Delegates to one parser; anything it raises beyond DRF's and Django's request errors is a 400."""

    def __init__(self, parser: BaseParser) -> None:
        self.parser = parser
        self.media_type = parser.media_type

    def parse(self, stream: IO[Any], media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return self.parser.parse(stream, media_type, parser_context)
        except (APIException, SuspiciousOperation):
            raise  # already a client error the exception handler renders
        except Exception as exc:
            logger.warning("Unreadable %s request body (%s: %s)", media_type, type(exc).__name__, str(exc)[:200])
            raise ParseError(f"The request body could not be read as {self.media_type}.") from exc


class GuardedContentNegotiation(DefaultContentNegotiation):
    """DRF ``DEFAULT_CONTENT_NEGOTIATION_CLASS``: the parser it selects, for any view and any parser
    class, cannot turn a bad body into a server error."""

    def select_parser(self, request: Request, parsers: Iterable[BaseParser]) -> BaseParser | None:
        parser = super().select_parser(request, parsers)
        return None if parser is None else _GuardedParser(parser)
