from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pulse.activity.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The audit log: read-only."""

    list_display = ("id", "verb", "project_id", "actor", "target_type", "target_id", "created_at", "published_at")
    list_filter = ("verb",)
    search_fields = ("verb",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
