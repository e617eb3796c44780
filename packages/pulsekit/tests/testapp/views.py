"""Small DRF views that use pulsekit the way the backend does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from rest_framework import exceptions as drf_exceptions
from rest_framework.authentication import BasicAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from pulsekit.conditional import conditional_get, conditional_write, created
from pulsekit.errors import Conflict, Forbidden, NotFound, PreconditionRequired, ValidationFailed
from pulsekit.pagination import GuardedCursor, IdCursor, PageNumber
from pulsekit.params import reject_unknown_params
from pulsekit.versioning import StaleVersion, expected_version, make_etag, not_modified_or, precondition_failed
from tests.testapp import services
from tests.testapp.models import Widget

KIND = services.KIND


def widget_out(widget: Widget) -> dict[str, Any]:
    return {"id": widget.pk, "name": widget.name, "version": widget.version}


class WidgetListApi(APIView):
    def get(self, request: Request) -> Response:
        reject_unknown_params(request, {"name"})
        queryset = Widget.objects.order_by("id")
        if name := request.query_params.get("name"):
            queryset = queryset.filter(name__icontains=name)
        paginator = PageNumber()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([widget_out(w) for w in page or []])


class WidgetFeedApi(APIView):
    def get(self, request: Request) -> Response:
        reject_unknown_params(request, ())
        paginator = IdCursor()
        page = paginator.paginate_queryset(Widget.objects.all(), request, view=self)
        return paginator.get_paginated_response([widget_out(w) for w in page or []])


class NameCursor(GuardedCursor):
    ordering = "name"
    page_size = 2


class WidgetByNameApi(APIView):
    """A cursor over a text column: the guard is the same whatever the ordering field."""

    def get(self, request: Request) -> Response:
        reject_unknown_params(request, ())
        paginator = NameCursor()
        page = paginator.paginate_queryset(Widget.objects.all(), request, view=self)
        return paginator.get_paginated_response([widget_out(w) for w in page or []])


class WidgetDetailApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        widget = get_object_or_404(Widget.objects, pk=pk)
        return not_modified_or(
            request, make_etag(KIND, widget.pk, widget.version), lambda: Response(widget_out(widget))
        )

    def patch(self, request: Request, pk: int) -> Response:
        # Existence first, then the precondition: a 404 wins over a 428 or 412.
        widget = get_object_or_404(Widget.objects, pk=pk)
        version = expected_version(request, kind=KIND, pk=widget.pk)
        name = request.data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValidationFailed(details={"name": ["A non-empty string is required."]})
        try:
            widget = services.widget_rename(widget_id=widget.pk, expected_version=version, name=name)
        except StaleVersion as stale:
            current = Widget.all_objects.get(pk=stale.pk)
            raise precondition_failed(
                kind=KIND, pk=current.pk, current_version=current.version, current=widget_out(current)
            ) from stale
        response = Response(widget_out(widget))
        response["ETag"] = make_etag(KIND, widget.pk, widget.version)
        return response

    def delete(self, request: Request, pk: int) -> Response:
        widget = get_object_or_404(Widget.objects, pk=pk)
        # StaleVersion is left uncaught on purpose: the handler still renders a 412 with the ETag.
        services.widget_delete(widget_id=widget.pk, expected_version=expected_version(request, kind=KIND, pk=pk))
        return Response(status=204)


def widget_name(request: Request) -> str:
    name = request.data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValidationFailed(details={"name": ["A non-empty string is required."]})
    return name


class ConditionalWidgetListApi(APIView):
    """The same resource through pulsekit.conditional: what a view written with it looks like."""

    def post(self, request: Request) -> Response:
        name = widget_name(request)
        return created(
            request,
            kind=KIND,
            create=lambda: services.widget_create(name=name),
            current=lambda widget: Widget.objects.get(pk=widget.pk),
            render=widget_out,
            location=lambda widget: f"/conditional/widgets/{widget.pk}/",
        )


class ConditionalWidgetApi(APIView):
    def get(self, request: Request, pk: int) -> Response:
        return conditional_get(request, kind=KIND, obj=get_object_or_404(Widget.objects, pk=pk), render=widget_out)

    def patch(self, request: Request, pk: int) -> Response:
        widget = get_object_or_404(Widget.objects, pk=pk)
        name = widget_name(request)
        return conditional_write(
            request,
            kind=KIND,
            pk=widget.pk,
            write=lambda version: services.widget_rename(widget_id=widget.pk, expected_version=version, name=name),
            current=lambda: Widget.all_objects.get(pk=widget.pk),
            render=widget_out,
        )

    def delete(self, request: Request, pk: int) -> Response:
        widget = get_object_or_404(Widget.objects, pk=pk)
        return conditional_write(
            request,
            kind=KIND,
            pk=widget.pk,
            write=lambda version: services.widget_delete(widget_id=widget.pk, expected_version=version),
            current=lambda: Widget.all_objects.get(pk=widget.pk),
            render=widget_out,
            respond=False,
            explain=lambda expected, now: {"versions_since": [expected, now]},  # e.g. who changed it since
        )


BOOMS: dict[str, Callable[[], Exception]] = {
    "validation_failed": lambda: ValidationFailed(details={"name": ["Too short."]}),
    "not_found": lambda: NotFound("Widget not found."),
    "forbidden": lambda: Forbidden(),
    "conflict": lambda: Conflict("The name is taken.", details={"name": ["taken"]}),
    "precondition_required": lambda: PreconditionRequired(),
    "custom_code": lambda: Conflict(code="widget_archived", headers={"X-Reason": "archived"}),
    "drf_validation": lambda: drf_exceptions.ValidationError({"name": ["This field is required."]}),
    "drf_validation_list": lambda: drf_exceptions.ValidationError("Bad input."),
    "drf_parse": lambda: drf_exceptions.ParseError(),
    "drf_not_found": lambda: drf_exceptions.NotFound(),
    "drf_throttled": lambda: drf_exceptions.Throttled(wait=6.2),
    "http404": lambda: Http404("internal detail: table widgets_v2"),
    "django_permission": lambda: DjangoPermissionDenied("internal detail: rule 17"),
    "django_validation": lambda: DjangoValidationError({"name": ["Too long."], "size": ["Too big.", "Odd."]}),
    "django_validation_plain": lambda: DjangoValidationError("Broken."),
    "unexpected": lambda: RuntimeError("password=hunter2"),
}


class BoomApi(APIView):
    """Raises the exception named in the URL."""

    def get(self, request: Request, name: str) -> Response:
        raise BOOMS[name]()


class PrivateApi(APIView):
    authentication_classes = [BasicAuthentication]
    permission_classes = [IsAuthenticated]

    def get(self, request: Request) -> Response:
        return Response({"username": request.user.get_username()})


class OncePerMinute(AnonRateThrottle):
    rate = "1/min"


class ThrottledApi(APIView):
    throttle_classes = [OncePerMinute]

    def get(self, request: Request) -> Response:
        return Response({"ok": True})


class WriteThenFailApi(APIView):
    """Writes a row, then fails as asked: under ATOMIC_REQUESTS the row must not survive an error answer."""

    def post(self, request: Request, outcome: str) -> Response:
        Widget.objects.create(name=request.data["name"])
        if outcome == "conflict":
            raise Conflict()
        if outcome == "crash":
            raise RuntimeError("half-way")
        return Response(status=201)
