"""Ranked, typo-tolerant search over projects and milestones with highlighted snippets."""

from __future__ import annotations

import html
import re
import secrets
from typing import Any, NamedTuple

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, TrigramSimilarity
from django.db.models import F, QuerySet, Value

from pulse.projects.filters import SEARCH_CONFIG, search_condition, search_query
from pulse.projects.models import Milestone, Project
from pulse.projects.selectors import visible_project_ids, visible_to
from pulse.search.models import ProjectDocument, SearchWord


class Markers(NamedTuple):
    """What ``ts_headline`` puts around a match, fresh for every search.

    Letters and digits only, so HTML escaping leaves them intact and they can be turned into
    ``<mark>`` after it; 128 random bits, so no stored text can contain them. Fixed markers (the
    ``\\x02``/``\\x03`` once used here) made any title holding those characters render as a highlight.
    """

    start: str
    stop: str

    @classmethod
    def fresh(cls) -> Markers:
        token = secrets.token_hex(16)
        return cls(f"hlstart{token}", f"hlstop{token}")


def _highlight(text: str | None, markers: Markers) -> str:
    escaped = html.escape(text or "")
    return escaped.replace(markers.start, "<mark>").replace(markers.stop, "</mark>")


def _headline(field: str, query: SearchQuery, *, fragments: bool, markers: Markers) -> SearchHeadline:
    options: dict[str, Any] = {"start_sel": markers.start, "stop_sel": markers.stop, "highlight_all": not fragments}
    if fragments:
        options.update(max_words=30, min_words=10, max_fragments=2, fragment_delimiter=" … ")
    return SearchHeadline(field, query, config=SEARCH_CONFIG, **options)


def _ranked(
    base: QuerySet[Any],
    documents: QuerySet[ProjectDocument] | None,
    query: SearchQuery,
    n: int,
    exclude: list[int],
    scale: float = 1.0,
) -> QuerySet[Any]:
    """``base`` rows matching ``query``, best ``n`` by rank. With ``documents`` (projects) the ranking
    runs on the narrow copies of the vectors and only the best ``n`` rows of ``base`` are read; the
    outer rank is computed again on the row's own vector, which the trigger keeps identical."""
    if documents is None:
        rows = base.filter(search_vector=query).exclude(pk__in=exclude)
    else:
        best = (
            documents.filter(search_vector=query)
            .exclude(project_id__in=exclude)
            .annotate(rank=SearchRank(F("search_vector"), query))
            .order_by("-rank", "-project_id")
            .values("project_id")[:n]
        )
        rows = base.filter(pk__in=best)
    rank: Any = SearchRank(F("search_vector"), query)
    if scale != 1.0:
        rank = rank * Value(scale)
    return rows.annotate(rank=rank).order_by("-rank", "-id")


def _matches(
    base: QuerySet[Any],
    q: str,
    query: SearchQuery,
    limit: int,
    fields: tuple[str, ...],
    markers: Markers,
    documents: QuerySet[ProjectDocument] | None = None,
) -> list[Any]:
    """Best ``limit`` rows: full-text matches by rank; only if there are too few, typo-tolerant title
    matches after them. Ranking a trigram similarity over every full-text match is what made common
    words slow, and OR-ing the typo branch into every query inflated the matches."""
    headline = {
        "title_hl": _headline("title", query, fragments=False, markers=markers),
        "snippet_hl": _headline("description", query, fragments=True, markers=markers),
    }
    exact = list(
        _ranked(base, documents, query, limit, [])
        .annotate(**headline)
        .values(*fields, "rank", "title_hl", "snippet_hl")[:limit]
    )
    if len(exact) >= limit:
        return exact
    corrected = corrected_query(q)
    if corrected is None:
        return exact
    fixed = SearchQuery(corrected, config=SEARCH_CONFIG, search_type="websearch")
    fuzzy = list(
        # scaled by 0.5: below every exact match
        _ranked(base, documents, fixed, limit - len(exact), [row["id"] for row in exact], scale=0.5)
        .annotate(
            title_hl=_headline("title", fixed, fragments=False, markers=markers),
            snippet_hl=_headline("description", fixed, fragments=True, markers=markers),
        )
        .values(*fields, "rank", "title_hl", "snippet_hl")[: limit - len(exact)]
    )
    return exact + fuzzy


def project_documents(user: Any) -> QuerySet[ProjectDocument] | None:
    """What to rank ``user``'s project matches on: for staff, the narrow copies of every live project's
    vector. Anyone else sees only their own projects (members and owners, ``visible_to``), a set that
    bounds the work already; PostgreSQL reads those few rows by primary key and ranks them, where
    on the copies it chose to rank every match of a common word and then drop the ones not visible
    (measured: 14 → 30 ms for a member's ``sprint``), so they are ranked on the projects themselves."""
    if getattr(user, "is_staff", False):
        return ProjectDocument.objects.filter(deleted_at__isnull=True)
    return None


def corrected_query(q: str) -> str | None:
    """Replace each word missing from the vocabulary by its closest known word (trigram similarity
    on the small vocabulary table), or None when nothing changes."""
    words = re.findall(r"[^\W_]+", q.lower())[:6]
    if not words:
        return None
    known = set(SearchWord.objects.filter(word__in=words).values_list("word", flat=True))
    fixed = []
    for word in words:
        if word in known or len(word) < 3:
            fixed.append(word)
            continue
        best = (
            SearchWord.objects.filter(word__trigram_similar=word)
            .annotate(score=TrigramSimilarity("word", word))
            .order_by("-score", "word")
            .values_list("word", flat=True)
            .first()
        )
        fixed.append(best or word)
    return " ".join(fixed) if fixed != words else None


def search(
    *, user: Any, q: str, limit: int = 20, kinds: frozenset[str] = frozenset({"project", "milestone"})
) -> list[dict[str, Any]]:
    """Top matches across kinds, best first, each with highlighted title and snippet."""
    query = search_query(q)
    markers = Markers.fresh()
    results: list[dict[str, Any]] = []

    if "project" in kinds:
        for p in _matches(
            visible_to(user), q, query, limit, ("id", "title", "status", "health"), markers, project_documents(user)
        ):
            results.append(
                {
                    "type": "project",
                    "id": p["id"],
                    "project_id": p["id"],
                    "title": p["title"],
                    "title_highlighted": _highlight(p["title_hl"], markers),
                    "snippet": _highlight(p["snippet_hl"], markers),
                    "status": p["status"],
                    "health": p["health"],
                    "rank": round(float(p["rank"]), 6),
                }
            )

    if "milestone" in kinds:
        milestones = Milestone.objects.filter(project_id__in=visible_project_ids(user)).annotate(
            project_title=F("project__title")
        )
        for m in _matches(
            milestones, q, query, limit, ("id", "project_id", "title", "status", "project_title"), markers
        ):
            results.append(
                {
                    "type": "milestone",
                    "id": m["id"],
                    "project_id": m["project_id"],
                    "project_title": m["project_title"],
                    "title": m["title"],
                    "title_highlighted": _highlight(m["title_hl"], markers),
                    "snippet": _highlight(m["snippet_hl"], markers),
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
