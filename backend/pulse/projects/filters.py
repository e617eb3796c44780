import re
from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from pulse.projects.models import OPEN_STATUSES, Health, Project, ProjectStatus, Tag
from pulsekit.errors import ValidationFailed
from pulsekit.ids import MAX_ID

SEARCH_CONFIG = "english"

# What websearch_to_tsquery reads as syntax: a phrase in double quotes (unterminated: to the end), or
# a run of anything else up to a space or a quote. Its operator characters are skipped between words.
_SEARCH_CHUNK = re.compile(r'"[^"]*"?|[^\s"]+')
_TSQUERY_OPERATORS = str.maketrans(dict.fromkeys("!&|()<", " "))


def websearch_terms(q: str) -> list[str]:
    """``q`` read as websearch_to_tsquery reads it, in terms it can always parse: words, ``"phrases"``,
    either with one leading ``-`` (exclude), and ``or`` between two of them.

    Each ``-`` before a word is a negation that PostgreSQL stacks, one per dash, on a parser stack of
    32: ``q=----…`` (33 and more, with or without a word after them, spaced or not) fails with
    "tsquery stack too small". Here any run of dashes (or a lone ``-`` between words) negates the next
    word or phrase once; dashes with nothing after them, an ``or`` that joins nothing and the
    tsquery operator characters (which websearch skips between words anyway) are dropped. With at
    most one negation per term, the parser's stack stays a few entries deep whatever came in.
    """
    terms: list[str] = []
    negate = False
    for chunk in _SEARCH_CHUNK.findall(q.translate(_TSQUERY_OPERATORS)):
        if chunk.startswith('"'):
            words = chunk.strip('"').split()  # inside quotes a dash is text, not an operator
            term = f'"{" ".join(words)}"' if words else ""
        else:
            term = chunk.lstrip("-")
            negate = negate or term != chunk
        if not term:
            continue
        if term.lower() == "or":
            if terms and terms[-1] != "or" and not negate:
                terms.append("or")
            negate = False
            continue
        terms.append(f"-{term}" if negate else term)
        negate = False
    if terms and terms[-1] == "or":
        terms.pop()
    return terms


def search_query(q: str) -> SearchQuery:
    """The full-text query for what a person typed (web-search syntax: quotes, ``or``, ``-``).

    Raises :class:`ValidationFailed` (on ``q``) when nothing is left to search for: only dashes,
    quotes or punctuation.
    """
    text = " ".join(websearch_terms(q))
    if not any(character.isalnum() for character in text):
        raise ValidationFailed(details={"q": ["Search for at least one word (letters or digits)."]})
    return SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")


def search_condition(q: str, *, vector: str = "search_vector", title: str = "title") -> tuple[Q, Any]:
    """Full-text match on the stored vector, or a typo-tolerant trigram match on the title for the
    words the query looks for (never on a row that holds a word it excludes)."""
    query = search_query(q)
    terms = websearch_terms(q)
    wanted = " ".join(t.strip('"') for t in terms if t != "or" and not t.startswith("-"))
    excluded = [t[1:] for t in terms if t.startswith("-")]
    condition = Q(**{vector: query})
    rank: Any = SearchRank(F(vector), query, cover_density=True)
    if wanted:
        similar = Q(**{f"{title}__trigram_word_similar": wanted})
        if excluded:
            unwanted = SearchQuery(" or ".join(excluded), config=SEARCH_CONFIG, search_type="websearch")
            similar &= ~Q(**{vector: unwanted})
        condition |= similar
        rank = rank + TrigramWordSimilarity(wanted, title)
    return condition, rank


class _PresentMeansGiven:
    """A parameter that is sent must hold a value: ``?due_after=`` used to read as no filter at all, so a
    client's empty field looked like a match on everything. Without a filter, leave the parameter out."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise forms.ValidationError("Give a value, or leave the parameter out.", code="blank")
        return super().to_python(value)  # type: ignore[misc]


class WholeNumberField(_PresentMeansGiven, forms.IntegerField):
    pass


class DayField(_PresentMeansGiven, forms.DateField):
    pass


class IdFilter(django_filters.NumberFilter):
    """Whole numbers only: NumberFilter's decimal field would quietly truncate ``1.5`` to 1."""

    field_class = WholeNumberField


class DayFilter(django_filters.DateFilter):
    field_class = DayField


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    health = django_filters.MultipleChoiceFilter(choices=Health.choices)
    owner = IdFilter(field_name="owner_id", min_value=1, max_value=MAX_ID)
    tag = django_filters.ModelMultipleChoiceFilter(field_name="tags", queryset=Tag.objects.all(), distinct=True)
    member = IdFilter(method="filter_member", min_value=1, max_value=MAX_ID)
    progress_min = IdFilter(field_name="progress", lookup_expr="gte", min_value=0, max_value=100)
    progress_max = IdFilter(field_name="progress", lookup_expr="lte", min_value=0, max_value=100)
    due_before = DayFilter(field_name="due_date", lookup_expr="lte")
    due_after = DayFilter(field_name="due_date", lookup_expr="gte")
    overdue = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")], coerce=lambda v: v == "true", method="filter_overdue"
    )
    q = django_filters.CharFilter(method="filter_q", max_length=200)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("due_date", "due_date"),
            ("progress", "progress"),
            ("health_rank", "health"),
            ("updated_at", "updated_at"),
            ("created_at", "created_at"),
        )
    )

    class Meta:
        model = Project
        fields: list[str] = []

    def filter_member(self, queryset: QuerySet[Project], name: str, value: int) -> QuerySet[Project]:
        return queryset.filter(members__user_id=value)

    def filter_overdue(self, queryset: QuerySet[Project], name: str, value: bool | None) -> QuerySet[Project]:
        if value is None:
            return queryset
        overdue = Q(due_date__lt=timezone.localdate(), status__in=OPEN_STATUSES)
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_q(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        value = value.strip()
        if not value:
            return queryset
        condition, rank = search_condition(value)
        queryset = queryset.filter(condition).annotate(rank=rank)
        if not self.data.get("ordering"):
            queryset = queryset.order_by("-rank", "-id")
        return queryset


PROJECT_FILTER_PARAMS = [*ProjectFilter.base_filters.keys()]
