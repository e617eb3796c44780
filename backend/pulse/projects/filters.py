from typing import Any

import django_filters
from django import forms
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from pulse.projects.models import OPEN_STATUSES, Health, Project, ProjectStatus, Tag

SEARCH_CONFIG = "english"


def search_condition(q: str, *, vector: str = "search_vector", title: str = "title") -> tuple[Q, Any]:
    """Full-text match on the stored vector, or a typo-tolerant trigram match on the title."""
    query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
    condition = Q(**{vector: query}) | Q(**{f"{title}__trigram_word_similar": q})
    rank = SearchRank(F(vector), query, cover_density=True) + TrigramWordSimilarity(q, title)
    return condition, rank


class IdFilter(django_filters.NumberFilter):
    """Whole numbers only: NumberFilter's decimal field would quietly truncate ``1.5`` to 1."""

    field_class = forms.IntegerField


class ProjectFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ProjectStatus.choices)
    health = django_filters.MultipleChoiceFilter(choices=Health.choices)
    owner = IdFilter(field_name="owner_id", min_value=1, max_value=2**63 - 1)
    tag = django_filters.ModelMultipleChoiceFilter(field_name="tags", queryset=Tag.objects.all(), distinct=True)
    member = IdFilter(method="filter_member", min_value=1, max_value=2**63 - 1)
    progress_min = IdFilter(field_name="progress", lookup_expr="gte", min_value=0, max_value=100)
    progress_max = IdFilter(field_name="progress", lookup_expr="lte", min_value=0, max_value=100)
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
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
