"""HTTP endpoints for projects, members, milestones and tags. Thin: validate, call, serialize."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.activity.selectors import explain_stale
from pulse.common.apis import AuthedRequest
from pulse.projects import selectors, services
from pulse.projects.filters import PROJECT_FILTER_PARAMS
from pulse.projects.models import Health, ProjectStatus
from pulse.projects.rules import permissions
from pulse.projects.rules.lifecycle import TRANSITIONS
from pulse.projects.serializers import (
    MemberCreateSerializer,
    MemberOutputSerializer,
    MemberUpdateSerializer,
    MilestoneInputSerializer,
    MilestoneOutputSerializer,
    ProjectCreateInputSerializer,
    ProjectInputSerializer,
    ProjectOutputSerializer,
    ProjectSelectionSerializer,
    TagInputSerializer,
    TagOutputSerializer,
    TrashedProjectSerializer,
    project_item,
)
from pulsekit.conditional import conditional_get, conditional_write, created, with_etag
from pulsekit.errors import NotFound
from pulsekit.ids import valid_id
from pulsekit.openapi import ETAG, IF_MATCH, IF_NONE_MATCH, READ_ERRORS, WRITE_ERRORS, errors
from pulsekit.pagination import PageNumber
from pulsekit.params import reject_unknown_params, text_param
from pulsekit.versioning import make_etag


def _validated(
    serializer_class: Any, request: AuthedRequest, *, partial: bool = False, **context: Any
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, partial=partial, context=context)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# ---------------------------------------------------------------- projects


def render_project(request: AuthedRequest, project: Any) -> dict[str, Any]:
    return ProjectOutputSerializer(project, context={"user": request.user}).data


PROJECT_LIST_PARAMS = [
    OpenApiParameter(
        "status",
        {"type": "array", "items": {"type": "string", "enum": ProjectStatus.values}},
        explode=True,
        description="Repeatable.",
    ),
    OpenApiParameter(
        "health",
        {"type": "array", "items": {"type": "string", "enum": Health.values}},
        explode=True,
        description="Repeatable.",
    ),
    OpenApiParameter("owner", {"type": "integer", "minimum": 1}, description="Owner's user id."),
    OpenApiParameter(
        "tag",
        {"type": "array", "items": {"type": "integer", "minimum": 1}},
        explode=True,
        description="Tag id, repeatable: projects with any of them.",
    ),
    OpenApiParameter("member", {"type": "integer", "minimum": 1}, description="Projects this user is a member of."),
    OpenApiParameter(
        "progress_min", {"type": "integer", "minimum": 0, "maximum": 100}, description="Progress at least this."
    ),
    OpenApiParameter(
        "progress_max", {"type": "integer", "minimum": 0, "maximum": 100}, description="Progress at most this."
    ),
    OpenApiParameter("due_before", OpenApiTypes.DATE),
    OpenApiParameter("due_after", OpenApiTypes.DATE),
    OpenApiParameter("overdue", OpenApiTypes.BOOL),
    OpenApiParameter("q", {"type": "string", "maxLength": 200}, description="Full-text, typo-tolerant search."),
    OpenApiParameter(
        "ordering",
        {
            "type": "string",
            "enum": [
                p + f
                for f in ("title", "due_date", "progress", "health", "updated_at", "created_at")
                for p in ("", "-")
            ],
        },
    ),
]


class ProjectListCreateApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="projects_list",
        parameters=PROJECT_LIST_PARAMS,
        responses={200: ProjectOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, PROJECT_FILTER_PARAMS)
        rows = selectors.project_list(user=request.user, params=request.query_params)
        paginator = PageNumber()
        page: list[dict[str, Any]] = paginator.paginate_queryset(cast(Any, rows), request, view=self) or []
        today = timezone.localdate()
        return paginator.get_paginated_response([project_item(r, user=request.user, today=today) for r in page])

    @extend_schema(
        operation_id="projects_create",
        parameters=[ETAG],
        request=ProjectCreateInputSerializer,
        responses={201: ProjectOutputSerializer, **errors(400, 401)},
    )
    def post(self, request: AuthedRequest) -> Response:
        data = _validated(ProjectCreateInputSerializer, request)
        return created(
            request,
            kind="project",
            create=lambda: services.project_create(actor=request.user, **data),
            current=lambda p: selectors.project_get(user=request.user, project_id=p.pk),
            render=lambda p: render_project(request, p),
            location=lambda p: reverse("project-detail", args=[p.pk]),
        )


class ProjectSelectionApi(APIView):
    @extend_schema(
        operation_id="projects_selection",
        parameters=PROJECT_LIST_PARAMS,
        responses={200: ProjectSelectionSerializer, **errors(400, 401)},
        description="Every visible project the list's filters and search match, in the list's order, as "
        "`{id, etag}` items for a bulk operation: at most 10,000 (`truncated` when more matched).",
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, PROJECT_FILTER_PARAMS)
        count, rows, truncated = selectors.project_selection(user=request.user, params=request.query_params)
        items = [{"id": pk, "etag": make_etag("project", pk, version)} for pk, version in rows]
        return Response({"count": count, "truncated": truncated, "items": items})


class ProjectDetailApi(APIView):
    def _write(self, request: AuthedRequest, project_id: int, *, partial: bool) -> Response:
        project = selectors.project_gate(user=request.user, project_id=project_id)
        permissions.require_editor(request.user, project, to="edit")
        data = _validated(
            ProjectInputSerializer, request, partial=partial, dates=(project.start_date, project.due_date)
        )
        return conditional_write(
            request,
            kind="project",
            pk=project.pk,
            explain=explain_stale("project", project.pk),
            write=lambda version: services.project_update(
                project_id=project.pk, expected_version=version, actor=request.user, data=data, replace=not partial
            ),
            current=lambda: selectors.project_get(user=request.user, project_id=project.pk),
            render=lambda p: render_project(request, p),
        )

    @extend_schema(
        operation_id="projects_retrieve",
        parameters=[ETAG, IF_NONE_MATCH],
        responses={200: ProjectOutputSerializer, **errors(304, *READ_ERRORS)},
    )
    def get(self, request: AuthedRequest, project_id: int) -> Response:
        detail = selectors.project_detail(user=request.user, project_id=project_id)
        return conditional_get(
            request,
            kind="project",
            obj=detail,
            render=lambda d: project_item(d.row, user=request.user, today=timezone.localdate()),
        )

    @extend_schema(
        operation_id="projects_partial_update",
        parameters=[ETAG, IF_MATCH],
        request=ProjectInputSerializer,
        responses={200: ProjectOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: AuthedRequest, project_id: int) -> Response:
        return self._write(request, project_id, partial=True)

    @extend_schema(
        operation_id="projects_update",
        parameters=[ETAG, IF_MATCH],
        request=ProjectInputSerializer,
        responses={200: ProjectOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def put(self, request: AuthedRequest, project_id: int) -> Response:
        return self._write(request, project_id, partial=False)

    @extend_schema(
        operation_id="projects_destroy",
        parameters=[ETAG, IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 412, 428)},
    )
    def delete(self, request: AuthedRequest, project_id: int) -> Response:
        project = selectors.project_gate(user=request.user, project_id=project_id)
        permissions.require_owner(request.user, project, to="delete")
        return conditional_write(
            request,
            kind="project",
            pk=project.pk,
            explain=explain_stale("project", project.pk),
            write=lambda version: services.project_delete(
                project_id=project.pk, expected_version=version, actor=request.user
            ),
            current=lambda: selectors.project_get(user=request.user, project_id=project.pk),
            render=lambda p: render_project(request, p),
            respond=False,
        )


class ProjectTransitionApi(APIView):
    @extend_schema(
        operation_id="projects_transition",
        parameters=[
            IF_MATCH,
            OpenApiParameter("name", str, OpenApiParameter.PATH, enum=list(TRANSITIONS)),
        ],
        request=None,
        responses={
            200: ProjectOutputSerializer,
            **errors(401, 403, 404, 409, 412, 428),
        },
        description="Lifecycle: planning → active → on_hold ⇄ active → completed | cancelled. "
        "A transition that does not apply is 409 with `details.allowed`.",
    )
    def post(self, request: AuthedRequest, project_id: int, name: str) -> Response:
        project = selectors.project_gate(user=request.user, project_id=project_id)
        permissions.require_editor(request.user, project, to="transition")
        return conditional_write(
            request,
            kind="project",
            pk=project.pk,
            explain=explain_stale("project", project.pk),
            write=lambda version: services.project_transition(
                project_id=project.pk, name=name, expected_version=version, actor=request.user
            ),
            current=lambda: selectors.project_get(user=request.user, project_id=project.pk),
            render=lambda p: render_project(request, p),
        )


class ProjectRestoreApi(APIView):
    @extend_schema(
        operation_id="projects_restore",
        request=None,
        responses={
            200: ProjectOutputSerializer,
            **errors(401, 403, 404, 409),
        },
    )
    def post(self, request: AuthedRequest, project_id: int) -> Response:
        pk = valid_id(project_id)
        if pk is None:
            raise NotFound("Project not found.")
        services.project_restore(project_id=pk, actor=request.user)
        fresh = selectors.project_get(user=request.user, project_id=pk)
        return with_etag(Response(render_project(request, fresh)), kind="project", obj=fresh)


class ProjectTrashApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="projects_trash", responses={200: TrashedProjectSerializer(many=True), **errors(400, 401, 404)}
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, [])
        paginator = PageNumber()
        page = paginator.paginate_queryset(selectors.project_trash(user=request.user), request, view=self)
        context = {"retention_days": settings.PULSE["TRASH_RETENTION_DAYS"]}
        return paginator.get_paginated_response(TrashedProjectSerializer(page, many=True, context=context).data)


# ---------------------------------------------------------------- members


def render_member(member: Any) -> dict[str, Any]:
    totals = selectors.allocation_totals([member.user_id])
    return MemberOutputSerializer(member, context={"totals": totals}).data


class MemberListCreateApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="members_list", responses={200: MemberOutputSerializer(many=True), **errors(400, 401, 404)}
    )
    def get(self, request: AuthedRequest, project_id: int) -> Response:
        reject_unknown_params(request, [])
        project = selectors.project_get(user=request.user, project_id=project_id)
        paginator = PageNumber()
        page = paginator.paginate_queryset(selectors.member_list(project=project), request, view=self)
        totals = selectors.allocation_totals([m.user_id for m in page or []])
        return paginator.get_paginated_response(
            MemberOutputSerializer(page, many=True, context={"totals": totals}).data
        )

    @extend_schema(
        operation_id="members_create",
        parameters=[ETAG],
        request=MemberCreateSerializer,
        responses={201: MemberOutputSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: AuthedRequest, project_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        data = _validated(MemberCreateSerializer, request)
        return created(
            request,
            kind="member",
            create=lambda: services.member_add(project_id=project.pk, actor=request.user, **data),
            current=lambda m: selectors.member_get(project=project, member_id=m.pk),
            render=render_member,
            location=lambda m: reverse("member-detail", args=[project.pk, m.pk]),
        )


class MemberDetailApi(APIView):
    @extend_schema(
        operation_id="members_retrieve",
        parameters=[ETAG, IF_NONE_MATCH],
        responses={200: MemberOutputSerializer, **errors(304, *READ_ERRORS)},
    )
    def get(self, request: AuthedRequest, project_id: int, member_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        member = selectors.member_get(project=project, member_id=member_id)
        return conditional_get(request, kind="member", obj=member, render=render_member)

    @extend_schema(
        operation_id="members_partial_update",
        parameters=[ETAG, IF_MATCH],
        request=MemberUpdateSerializer,
        responses={200: MemberOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: AuthedRequest, project_id: int, member_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        member = selectors.member_get(project=project, member_id=member_id)
        permissions.require_editor(request.user, project, to="manage_team")
        data = _validated(MemberUpdateSerializer, request, partial=True)
        return conditional_write(
            request,
            kind="member",
            pk=member.pk,
            explain=explain_stale("member", member.pk),
            write=lambda version: services.member_update(
                project_id=project.pk, member_id=member.pk, expected_version=version, actor=request.user, data=data
            ),
            current=lambda: selectors.member_get(project=project, member_id=member.pk),
            render=render_member,
        )

    @extend_schema(
        operation_id="members_destroy",
        parameters=[ETAG, IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 409, 412, 428)},
    )
    def delete(self, request: AuthedRequest, project_id: int, member_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        member = selectors.member_get(project=project, member_id=member_id)
        permissions.require_editor(request.user, project, to="manage_team")
        return conditional_write(
            request,
            kind="member",
            pk=member.pk,
            explain=explain_stale("member", member.pk),
            write=lambda version: services.member_remove(
                project_id=project.pk, member_id=member.pk, expected_version=version, actor=request.user
            ),
            current=lambda: selectors.member_get(project=project, member_id=member.pk),
            render=render_member,
            respond=False,
        )


# ---------------------------------------------------------------- milestones


def render_milestone(milestone: Any) -> dict[str, Any]:
    return MilestoneOutputSerializer(milestone).data


class MilestoneListCreateApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="milestones_list", responses={200: MilestoneOutputSerializer(many=True), **errors(400, 401, 404)}
    )
    def get(self, request: AuthedRequest, project_id: int) -> Response:
        reject_unknown_params(request, [])
        project = selectors.project_get(user=request.user, project_id=project_id)
        paginator = PageNumber()
        page = paginator.paginate_queryset(selectors.milestone_list(project=project), request, view=self)
        return paginator.get_paginated_response(MilestoneOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="milestones_create",
        parameters=[ETAG],
        request=MilestoneInputSerializer,
        responses={201: MilestoneOutputSerializer, **errors(400, 401, 403, 404)},
    )
    def post(self, request: AuthedRequest, project_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        permissions.require_editor(request.user, project, to="add_milestone")
        data = _validated(MilestoneInputSerializer, request)
        return created(
            request,
            kind="milestone",
            create=lambda: services.milestone_create(project_id=project.pk, actor=request.user, data=data),
            current=lambda m: selectors.milestone_get(project=project, milestone_id=m.pk),
            render=render_milestone,
            location=lambda m: reverse("milestone-detail", args=[project.pk, m.pk]),
        )


class MilestoneDetailApi(APIView):
    def _write(self, request: AuthedRequest, project_id: int, milestone_id: int, *, partial: bool) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        milestone = selectors.milestone_get(project=project, milestone_id=milestone_id)
        data = _validated(
            MilestoneInputSerializer, request, partial=partial, dates=(milestone.start_date, milestone.due_date)
        )
        fields = set(data) if partial else {"title", "start_date", "due_date", "weight", "assignee_id"} | set(data)
        permissions.require_milestone_update(request.user, project, milestone, fields)
        return conditional_write(
            request,
            kind="milestone",
            pk=milestone.pk,
            explain=explain_stale("milestone", milestone.pk),
            write=lambda version: services.milestone_update(
                project_id=project.pk,
                milestone_id=milestone.pk,
                expected_version=version,
                actor=request.user,
                data=data,
                replace=not partial,
            ),
            current=lambda: selectors.milestone_get(project=project, milestone_id=milestone.pk),
            render=render_milestone,
        )

    @extend_schema(
        operation_id="milestones_retrieve",
        parameters=[ETAG, IF_NONE_MATCH],
        responses={200: MilestoneOutputSerializer, **errors(304, *READ_ERRORS)},
    )
    def get(self, request: AuthedRequest, project_id: int, milestone_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        milestone = selectors.milestone_get(project=project, milestone_id=milestone_id)
        return conditional_get(request, kind="milestone", obj=milestone, render=render_milestone)

    @extend_schema(
        operation_id="milestones_partial_update",
        parameters=[ETAG, IF_MATCH],
        request=MilestoneInputSerializer,
        responses={200: MilestoneOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: AuthedRequest, project_id: int, milestone_id: int) -> Response:
        return self._write(request, project_id, milestone_id, partial=True)

    @extend_schema(
        operation_id="milestones_update",
        parameters=[ETAG, IF_MATCH],
        request=MilestoneInputSerializer,
        responses={200: MilestoneOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def put(self, request: AuthedRequest, project_id: int, milestone_id: int) -> Response:
        return self._write(request, project_id, milestone_id, partial=False)

    @extend_schema(
        operation_id="milestones_destroy",
        parameters=[ETAG, IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 412, 428)},
    )
    def delete(self, request: AuthedRequest, project_id: int, milestone_id: int) -> Response:
        project = selectors.project_get(user=request.user, project_id=project_id)
        milestone = selectors.milestone_get(project=project, milestone_id=milestone_id)
        permissions.require_editor(request.user, project, to="delete_milestone")
        return conditional_write(
            request,
            kind="milestone",
            pk=milestone.pk,
            explain=explain_stale("milestone", milestone.pk),
            write=lambda version: services.milestone_delete(
                project_id=project.pk, milestone_id=milestone.pk, expected_version=version, actor=request.user
            ),
            current=lambda: selectors.milestone_get(project=project, milestone_id=milestone.pk),
            render=render_milestone,
            respond=False,
        )


# ---------------------------------------------------------------- tags


def render_tag(tag: Any) -> dict[str, Any]:
    return TagOutputSerializer(tag).data


class TagListCreateApi(APIView):
    pagination_class = PageNumber  # also tells the schema generator the list is paginated

    @extend_schema(
        operation_id="tags_list",
        parameters=[OpenApiParameter("q", {"type": "string", "maxLength": 50})],
        responses={200: TagOutputSerializer(many=True), **errors(400, 401, 404)},
    )
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, ["q"])
        paginator = PageNumber()
        tags = selectors.tag_list(user=request.user, q=text_param(request, "q", max_length=50))
        page = paginator.paginate_queryset(tags, request, view=self)
        return paginator.get_paginated_response(TagOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="tags_create",
        parameters=[ETAG],
        request=TagInputSerializer,
        responses={201: TagOutputSerializer, **errors(400, 401)},
    )
    def post(self, request: AuthedRequest) -> Response:
        data = _validated(TagInputSerializer, request)
        return created(
            request,
            kind="tag",
            create=lambda: services.tag_create(actor=request.user, **data),
            current=lambda t: selectors.tag_get(user=request.user, tag_id=t.pk),
            render=render_tag,
            location=lambda t: reverse("tag-detail", args=[t.pk]),
        )


class TagDetailApi(APIView):
    @extend_schema(
        operation_id="tags_retrieve",
        parameters=[ETAG, IF_NONE_MATCH],
        responses={200: TagOutputSerializer, **errors(304, *READ_ERRORS)},
    )
    def get(self, request: AuthedRequest, tag_id: int) -> Response:
        tag = selectors.tag_get(user=request.user, tag_id=tag_id)
        return conditional_get(request, kind="tag", obj=tag, render=render_tag)

    @extend_schema(
        operation_id="tags_partial_update",
        parameters=[ETAG, IF_MATCH],
        request=TagInputSerializer,
        responses={200: TagOutputSerializer, **errors(*WRITE_ERRORS)},
    )
    def patch(self, request: AuthedRequest, tag_id: int) -> Response:
        tag = selectors.tag_get(user=request.user, tag_id=tag_id)
        permissions.require_tag_owner(request.user, tag)
        data = _validated(TagInputSerializer, request, partial=True)
        return conditional_write(
            request,
            kind="tag",
            pk=tag.pk,
            explain=explain_stale("tag", tag.pk),
            write=lambda version: services.tag_update(
                tag_id=tag.pk, expected_version=version, actor=request.user, data=data
            ),
            current=lambda: selectors.tag_get(user=request.user, tag_id=tag.pk),
            render=render_tag,
        )

    @extend_schema(
        operation_id="tags_destroy",
        parameters=[ETAG, IF_MATCH],
        responses={204: None, **errors(401, 403, 404, 412, 428)},
    )
    def delete(self, request: AuthedRequest, tag_id: int) -> Response:
        tag = selectors.tag_get(user=request.user, tag_id=tag_id)
        permissions.require_tag_owner(request.user, tag)
        return conditional_write(
            request,
            kind="tag",
            pk=tag.pk,
            explain=explain_stale("tag", tag.pk),
            write=lambda version: services.tag_delete(tag_id=tag.pk, expected_version=version, actor=request.user),
            current=lambda: selectors.tag_get(user=request.user, tag_id=tag.pk),
            render=render_tag,
            respond=False,
        )
