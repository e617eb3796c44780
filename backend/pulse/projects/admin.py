"""Staff admin: shows soft-deleted rows and restores them through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from pulse.projects import services
from pulse.projects.models import Milestone, Project, Tag, TeamMember
from pulsekit.errors import ApplicationError


class DeletedFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("live", "Live"), ("deleted", "In trash")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "live":
            return queryset.filter(deleted_at__isnull=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


class SoftDeleteAdmin(admin.ModelAdmin):
    """Lists every row, deleted or not; edits go through the API, so the admin is read-mostly.

    No add, change or delete here: a ModelForm's ``save()`` would skip the services (no lead member
    for a new project, no activity or event, no search vector, no version check). Creating and
    editing is the API's and the SPA's job; the admin restores from the trash, through the service.
    """

    list_filter = (DeletedFilter,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.all_objects.all()

    @admin.display(boolean=True, description="live")
    def is_live(self, obj: Any) -> bool:
        return obj.deleted_at is None

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # creating goes through the services (API / SPA), see the class docstring

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # changes must be versioned and audited: use the API or the SPA

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deleting happens softly, through the API, with an activity record


class MemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    fields = ("user", "role", "allocation")
    readonly_fields = fields
    can_delete = False


@admin.register(Project)
class ProjectAdmin(SoftDeleteAdmin):
    list_display = ("title", "status", "health", "progress", "owner", "due_date", "is_live", "deleted_at", "version")
    list_filter = (DeletedFilter, "status", "health")  # type: ignore[assignment]
    search_fields = ("title", "description")
    readonly_fields = ("version", "created_at", "updated_at", "deleted_at", "deleted_by", "health_reasons")
    exclude = ("search_vector",)
    inlines = [MemberInline]
    actions = ["restore_selected"]

    @admin.action(description="Restore selected projects from the trash")
    def restore_selected(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        restored = 0
        for project in queryset.filter(deleted_at__isnull=False):
            try:
                services.project_restore(project_id=project.pk, actor=request.user)  # type: ignore[arg-type]
                restored += 1
            except ApplicationError as error:
                self.message_user(request, f"{project.title}: {error.message}", messages.ERROR)
        if restored:
            self.message_user(request, f"Restored {restored} project(s).", messages.SUCCESS)


@admin.register(Milestone)
class MilestoneAdmin(SoftDeleteAdmin):
    list_display = ("title", "project", "status", "progress", "due_date", "is_live", "deleted_at")
    list_filter = (DeletedFilter, "status")  # type: ignore[assignment]
    search_fields = ("title",)


@admin.register(Tag)
class TagAdmin(SoftDeleteAdmin):
    list_display = ("name", "colour", "is_live", "deleted_at")
    search_fields = ("name",)
