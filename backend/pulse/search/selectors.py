"""Ranked, typo-tolerant search over projects and milestones with highlighted snippets."""

from __future__ import annotations

import html
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db.models import F, Value

from pulse.projects.filters import SEARCH_CONFIG, search_condition
from pulse.projects.models import Milestone, Project
from pulse.projects.selectors import visible_project_ids, visible_to

# Sentinels survive HTML escaping; they become <mark> afterwards, so titles can never inject markup.
_START, _STOP = "\x02", "\x03"


def _highlight(text: str | None) -> str:
    escaped = html.escape(text or "")
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")


def _headline(field: str, query: SearchQuery, *, fragments: bool) -> SearchHeadline:
    options: dict[str, Any] = {"start_sel": _START, "stop_sel": _STOP, "highlight_all": not fragments}
    if fragments:
        options.update(max_words=30, min_words=10, max_fragments=2, fragment_delimiter=" … ")
    return SearchHeadline(field, query, config=SEARCH_CONFIG, **options)


def search(
    *, user: Any, q: str, limit: int = 20, kinds: frozenset[str] = frozenset({"project", "milestone"})
) -> list[dict[str, Any]]:
    """Top matches across kinds, best first, each with highlighted title and snippet."""
    query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    results: list[dict[str, Any]] = []

    if "project" in kinds:
        condition, rank = search_condition(q)
        projects = (
            visible_to(user)
            .filter(condition)
            .annotate(
                rank=rank,
                title_hl=_headline("title", query, fragments=False),
                snippet_hl=_headline("description", query, fragments=True),
                kind=Value("project"),
            )
            .order_by("-rank", "-id")
            .values("id", "title", "status", "health", "rank", "title_hl", "snippet_hl")[:limit]
        )
        for p in projects:
            results.append(
                {
                    "type": "project",
                    "id": p["id"],
                    "project_id": p["id"],
                    "title": p["title"],
                    "title_highlighted": _highlight(p["title_hl"]),
                    "snippet": _highlight(p["snippet_hl"]),
                    "status": p["status"],
                    "health": p["health"],
                    "rank": round(float(p["rank"]), 6),
                }
            )

    if "milestone" in kinds:
        condition, rank = search_condition(q)
        milestones = (
            Milestone.objects.filter(project_id__in=visible_project_ids(user))
            .filter(condition)
            .annotate(
                rank=rank,
                title_hl=_headline("title", query, fragments=False),
                snippet_hl=_headline("description", query, fragments=True),
                project_title=F("project__title"),
            )
            .order_by("-rank", "-id")
            .values("id", "project_id", "title", "status", "rank", "title_hl", "snippet_hl", "project_title")[:limit]
        )
        for m in milestones:
            results.append(
                {
                    "type": "milestone",
                    "id": m["id"],
                    "project_id": m["project_id"],
                    "project_title": m["project_title"],
                    "title": m["title"],
                    "title_highlighted": _highlight(m["title_hl"]),
                    "snippet": _highlight(m["snippet_hl"]),
                    "status": m["status"],
                    "rank": round(float(m["rank"]), 6),
                }
            )

    results.sort(key=lambda r: r["rank"], reverse=True)
    return results[:limit]


def search_explain(q: str) -> str:
    """EXPLAIN of the project search query (used by the benchmark to show the GIN index)."""
    condition, rank = search_condition(q)
    return Project.objects.filter(condition).annotate(rank=rank).order_by("-rank")[:20].explain()
