"""Every read of projects, members, milestones and tags, shaped for constant query counts."""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, JSONArray, JSONObject
from django.utils import timezone

from pulse.accounts.models import User
from pulse.projects.filters import ProjectFilter
from pulse.projects.models import OPEN_STATUSES, Health, Milestone, MilestoneStatus, Project, Tag, TeamMember
from pulse.projects.rules import permissions
from pulsekit.errors import NotFound, ValidationFailed
from pulsekit.ids import valid_id

HEALTH_RANK = Case(
    When(health=Health.ON_TRACK, then=Value(0)),
    When(health=Health.AT_RISK, then=Value(1)),
    When(health=Health.OFF_TRACK, then=Value(2)),
    output_field=IntegerField(),
)


def visible_to(user: Any, queryset: QuerySet[Project] | None = None) -> QuerySet[Project]:
    """Projects the user may see: owner, any member, or staff."""
    qs = Project.objects.all() if queryset is None else queryset
    if getattr(user, "is_staff", False):
        return qs
    # ``id IN (member's projects UNION owned projects)`` uses the indexes on both sides; an
    # ``owner = … OR EXISTS(…)`` filter made PostgreSQL test every project row.
    member_of = TeamMember.objects.filter(user_id=user.pk).values("project_id")
    owned = Project.all_objects.filter(owner_id=user.pk).values("id")
    return qs.filter(pk__in=member_of.union(owned))


def _visible_walk(user: Any, queryset: QuerySet[Project]) -> QuerySet[Project]:
    """``visible_to`` as a per-row test (``EXISTS`` membership or ownership): what lets PostgreSQL walk
    an index in the list's order and stop after a page, where ``visible_to``'s ``IN (… UNION …)``
    joins every visible project first (a portfolio of 20,000 read the whole table for each page)."""
    if getattr(user, "is_staff", False):
        return queryset
    member = TeamMember.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)
    return queryset.filter(Q(Exists(member)) | Q(owner_id=user.pk))


def visible_project_ids(user: Any) -> QuerySet[Project, Any]:
    return visible_to(user).values("pk")


def visible_among(*, user_ids: Iterable[int], project_ids: Iterable[int]) -> dict[int, set[int]]:
    """For each of these (active) users, which of these projects they may see, as ``visible_to`` decides,
    in three queries whatever the number of users: what a shared event may tell each of its recipients."""
    users = dict(User.objects.filter(pk__in=list(user_ids), is_active=True).values_list("pk", "is_staff"))
    live = dict(Project.objects.filter(pk__in=list(project_ids)).values_list("pk", "owner_id"))
    seen: dict[int, set[int]] = {uid: (set(live) if staff else set()) for uid, staff in users.items()}
    for pid, owner_id in live.items():
        if owner_id in seen:
            seen[owner_id].add(pid)
    members = TeamMember.objects.filter(project_id__in=list(live), user_id__in=list(users)).values_list(
        "user_id", "project_id"
    )
    for uid, pid in members:
        seen[uid].add(pid)
    return seen


def _milestone_subquery(aggregate: Any, **conditions: Any) -> Subquery:
    """A per-project milestone figure as a correlated subquery: computed only for the rows of the
    page (after LIMIT), instead of a GROUP BY over every visible project."""
    rows = Milestone.objects.filter(project_id=OuterRef("pk"), **conditions).order_by().values("project_id")
    return Subquery(rows.annotate(value=aggregate).values("value")[:1])


def _tags_json() -> Subquery:
    """The project's live tags by name, each already in the API's shape (``{id, name, colour}``), as one
    jsonb array per project row (NULL when it has none)."""
    links: Any = Project.tags.through.objects  # the implicit through model: the stubs know no annotation on it
    rows = (
        links.filter(project_id=OuterRef("pk"), tag__deleted_at__isnull=True)
        .order_by()
        .values("project_id")
        .annotate(
            value=JSONBAgg(
                JSONObject(id="tag_id", name="tag__name", colour="tag__colour"), order_by=("tag__name", "tag_id")
            )
        )
        .values("value")
    )
    return Subquery(rows[:1])


_MEMBER_JSON = (
    "id",
    "user_id",
    *(f"user__{column}" for column in User.NAME_COLUMNS),
    "user__email",
    "role",
    "allocation",
)


def _members_json() -> Subquery:
    """The project's team by member id, one jsonb array ``[id, user id, *name columns, email, role,
    allocation]`` per member (the name is composed in Python by ``User.name_from``)."""
    rows = (
        TeamMember.objects.filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(value=JSONBAgg(JSONArray(*_MEMBER_JSON), order_by=("id",)))
        .values("value")
    )
    return Subquery(rows[:1])


# What a list row holds, read as plain values, its tags and team included as jsonb (correlated
# subqueries, evaluated only for the rows of the page): model instances for a page of 50 projects
# with their tags and teams (~600 objects) cost more than the SQL behind them, and one statement
# per page saves the two that read the relations after it.
LIST_COLUMNS = (
    "id",
    "title",
    "description",
    "status",
    "health",
    "health_reasons",
    "health_override",
    "health_override_reason",
    "progress",
    "start_date",
    "due_date",
    "owner_id",
    *(f"owner__{column}" for column in User.NAME_COLUMNS),
    "owner__email",
    "version",
    "created_at",
    "updated_at",
    "milestone_total",
    "milestone_done",
    "milestone_overdue",
    "next_milestone_due",
    "tags_json",
    "members_json",
)


def _with_summary(
    qs: QuerySet[Project], today: datetime.date | None = None, *, ranked: bool = False
) -> QuerySet[Project]:
    """The list's figures; ``ranked``: ``qs`` already has ``health_rank`` (it was filtered and ordered)."""
    open_statuses = [MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS]
    today = today or timezone.localdate()
    rank = {} if ranked else {"health_rank": HEALTH_RANK}
    return qs.annotate(
        **rank,
        milestone_total=Coalesce(_milestone_subquery(Count("id")), 0),
        milestone_done=Coalesce(_milestone_subquery(Count("id"), status=MilestoneStatus.DONE), 0),
        milestone_overdue=Coalesce(_milestone_subquery(Count("id"), status__in=open_statuses, due_date__lt=today), 0),
        next_milestone_due=_milestone_subquery(Min("due_date"), status__in=open_statuses),
        tags_json=_tags_json(),
        members_json=_members_json(),
    )


# The list's default order, which ``project_updated_idx`` serves.
_DEFAULT_ORDER = ["-updated_at", "-id"]
# From this many visible projects a page of the default order walks that index (``_visible_walk``).
WALK_FROM = 5_000


class ProjectListing:
    """The visible projects these params filter, search and order: ``count()`` and slices of
    ``LIST_COLUMNS`` rows, each in the SQL that suits it (what a paginator needs).

    The count joins the visible ids (``visible_to``; O(portfolio), by index-only scans: no owner join,
    no summary, so ``project_live_id_idx`` answers it without reading the table). A page is one
    statement with tags, team and milestone figures; for a portfolio of ``WALK_FROM`` or more in the
    default order it tests visibility per row along ``project_updated_idx`` (``_visible_walk``) and
    stops after the page, so its cost does not grow with the portfolio; a smaller one is joined.
    """

    def __init__(self, user: Any, params: Any) -> None:
        self.user = user
        # Filtered, searched and ordered once (400 on bad params); visibility is added per use.
        self.filtered = _filtered(Project.objects.annotate(health_rank=HEALTH_RANK), params)
        self.walks = list(self.filtered.query.order_by) == _DEFAULT_ORDER and not getattr(user, "is_staff", False)
        self.counted = visible_to(user, self.filtered).order_by()
        self.ordered = True
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.counted.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        walk = self.walks and self.count() >= WALK_FROM
        visible = (_visible_walk if walk else visible_to)(self.user, self.filtered)
        return list(_with_summary(visible, ranked=True).values(*LIST_COLUMNS)[index])


def project_list(*, user: Any, params: Any) -> ProjectListing:
    """The visible projects these params filter, search and order (``ProjectListing``: a count and
    pages of ``LIST_COLUMNS`` rows; ``serializers.project_item`` shapes a row)."""
    return ProjectListing(user, params)


class ProjectRow(NamedTuple):
    """One project as ``LIST_COLUMNS`` values, with the ``pk`` and ``version`` its ETag is made of."""

    pk: int
    version: int
    row: dict[str, Any]


class _Reader(NamedTuple):
    pk: int
    is_staff: bool


# Stand-ins for the detail statement's parameters while it is compiled: no id or date can be these.
_USER, _PROJECT, _TODAY = -(2**62) + 1, -(2**62) + 2, datetime.date.min
_JSON_COLUMNS = frozenset({"health_reasons", "tags_json", "members_json"})


@functools.cache
def _detail_statement(staff: bool) -> tuple[str, tuple[Any, ...]]:
    """The detail's SQL and parameters, compiled once per kind of reader with stand-ins for the user,
    the project and today: building and compiling these annotations was most of a detail request."""
    visible = _visible_walk(_Reader(_USER, staff), Project.objects.filter(pk=_PROJECT))
    qs = _with_summary(visible, today=_TODAY).order_by().values(*LIST_COLUMNS)[:1]
    sql, params = qs.query.sql_with_params()
    missing = {_PROJECT, _TODAY, *(() if staff else (_USER,))} - set(params)  # staff see every project
    assert not missing, f"the detail statement lost a parameter: {missing}"
    return sql, tuple(params)


def project_detail(*, user: Any, project_id: Any) -> ProjectRow:
    """The detail read: the list's row for one visible project (``visible_to``'s rule, as the per-row
    test of ``_visible_walk``), in one statement with its tags, team and milestone figures. Writes
    answer with ``project_get``'s model; both render the same (tests/selectors/test_project_detail.py)."""
    pk = valid_id(project_id)
    if pk is None:
        raise NotFound("Project not found.")
    sql, template = _detail_statement(bool(getattr(user, "is_staff", False)))
    actual: dict[Any, Any] = {_USER: user.pk, _PROJECT: pk, _TODAY: timezone.localdate()}
    params = [actual.get(value, value) if isinstance(value, int | datetime.date) else value for value in template]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchone()
        names = [column.name for column in cursor.description or ()]
    if found is None:
        raise NotFound("Project not found.")
    row = {
        name: json.loads(value) if name in _JSON_COLUMNS and isinstance(value, str) else value
        for name, value in zip(names, found, strict=True)
    }
    return ProjectRow(row["id"], row["version"], row)


SELECTION_LIMIT = 10_000


def project_selection(*, user: Any, params: Any) -> tuple[int, list[tuple[int, int]], bool]:
    """``(count, [(id, version)], truncated)`` of every project ``project_list`` would list for these
    params, in its order, at most ``SELECTION_LIMIT``: what "select all matching" sends to a bulk
    operation. One query of two columns; a count only when more matched than are returned."""
    qs = _filtered(visible_to(user).annotate(health_rank=HEALTH_RANK), params)
    rows = list(qs.values_list("id", "version")[: SELECTION_LIMIT + 1])
    if len(rows) <= SELECTION_LIMIT:
        return len(rows), rows, False
    return qs.order_by().count(), rows[:SELECTION_LIMIT], True


def _filtered(queryset: QuerySet[Project], params: Any) -> QuerySet[Project]:
    """The list's filters, search and order over ``queryset`` (visible projects, annotated as needed)."""
    queryset = queryset.order_by("-updated_at", "-id")
    filterset = ProjectFilter(data=params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationFailed(details={field: list(messages) for field, messages in filterset.errors.items()})
    qs = filterset.qs
    order = list(qs.query.order_by)
    if "-id" not in order and "id" not in order:
        qs = qs.order_by(*order, "-id")  # a unique tie-breaker keeps pages stable
    return qs


_ONE_PROJECT_SUMMARY = """
    SELECT count(*),
           count(*) FILTER (WHERE status = %(done)s),
           count(*) FILTER (WHERE status = ANY(%(open)s) AND due_date < %(today)s),
           min(due_date) FILTER (WHERE status = ANY(%(open)s))
    FROM projects_milestone WHERE project_id = %(project)s AND deleted_at IS NULL
"""


def project_get(*, user: Any, project_id: Any) -> Project:
    """One project with the figures the list shows (``_with_summary``), for any reader or writer.

    Every write answers with this read, so it is built for speed: the project by key with its
    tags and team, visibility decided from that team (the rule of ``visible_to``), and the
    milestone figures from one aggregate over the project's milestones.
    """
    pk = valid_id(project_id)
    project = (
        Project.objects.select_related("owner")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("name")),
            Prefetch("members", queryset=TeamMember.objects.select_related("user").order_by("id")),
        )
        .filter(pk=pk)
        .first()
        if pk
        else None
    )
    if project is None or not permissions.can_view(user, project):
        raise NotFound("Project not found.")
    open_statuses = [MilestoneStatus.PENDING.value, MilestoneStatus.IN_PROGRESS.value]
    with connection.cursor() as cursor:
        cursor.execute(
            _ONE_PROJECT_SUMMARY,
            {"done": MilestoneStatus.DONE.value, "open": open_statuses, "today": timezone.localdate(), "project": pk},
        )
        total, done, overdue, next_due = cursor.fetchone()
    # The attributes the list's annotations give each project (``_with_summary``).
    summary: Any = project
    summary.milestone_total, summary.milestone_done, summary.milestone_overdue = total, done, overdue
    summary.next_milestone_due = next_due
    return project


def project_gate(*, user: Any, project_id: Any) -> Project:
    """The project a write is about, for its 404 and permission checks: one light query.

    No summary and no prefetches (the service re-reads the row under its lock and the response is
    rendered from a full read); the caller's role comes as ``my_role``, the dates for validation.
    """
    pk = valid_id(project_id)
    role = TeamMember.objects.filter(project_id=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    project = (
        visible_to(user)
        .filter(pk=pk)
        .only("id", "version", "owner_id", "status", "start_date", "due_date")
        .annotate(my_role=Subquery(role))
        .first()
        if pk
        else None
    )
    if project is None:
        raise NotFound("Project not found.")
    return project


def project_trash(*, user: Any) -> QuerySet[Project]:
    """Deleted projects still inside the retention window that the user may restore."""
    since = timezone.now() - datetime.timedelta(days=settings.PULSE["TRASH_RETENTION_DAYS"])
    qs = Project.all_objects.filter(deleted_at__isnull=False, deleted_at__gte=since)
    if not getattr(user, "is_staff", False):
        qs = qs.filter(owner_id=user.pk)
    return qs.select_related("owner", "deleted_by").order_by("-deleted_at")


def member_list(*, project: Project) -> QuerySet[TeamMember]:
    return TeamMember.objects.filter(project_id=project.pk).select_related("user").order_by("id")


def member_get(*, project: Project, member_id: Any) -> TeamMember:
    pk = valid_id(member_id)
    member = member_list(project=project).filter(pk=pk).first() if pk else None
    if member is None:
        raise NotFound("Member not found.")
    return member


def allocation_totals(user_ids: list[int]) -> dict[int, int]:
    """Sum of each person's allocation across live, open projects."""
    rows = (
        TeamMember.objects.filter(
            user_id__in=user_ids, project__deleted_at__isnull=True, project__status__in=OPEN_STATUSES
        )
        .values("user_id")
        .annotate(total=Sum("allocation"))
    )
    return {row["user_id"]: row["total"] for row in rows}


def milestone_list(*, project: Project) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project_id=project.pk).select_related("assignee").order_by("due_date", "id")


def milestone_get(*, project: Project, milestone_id: Any) -> Milestone:
    pk = valid_id(milestone_id)
    milestone = milestone_list(project=project).filter(pk=pk).first() if pk else None
    if milestone is None:
        raise NotFound("Milestone not found.")
    return milestone


def tag_list(*, user: Any, q: str = "") -> QuerySet[Tag]:
    """Tags are shared by everyone; ``project_count`` counts only the projects ``user`` may see."""
    counted = Q(projects__deleted_at__isnull=True)
    if not getattr(user, "is_staff", False):
        counted &= Q(projects__in=visible_project_ids(user))
    qs = Tag.objects.annotate(project_count=Count("projects", filter=counted))
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name")


def tag_get(*, user: Any, tag_id: Any) -> Tag:
    pk = valid_id(tag_id)
    tag = tag_list(user=user).filter(pk=pk).first() if pk else None
    if tag is None:
        raise NotFound("Tag not found.")
    return tag
