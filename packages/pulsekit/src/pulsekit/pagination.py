"""Pagination classes: page numbers for collections, cursors for feeds."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination, PageNumberPagination


class PageNumber(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class IdCursor(CursorPagination):
    """Newest first by a monotonically increasing id: stable under inserts."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
