from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pulse.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "display_name", "is_active", "is_staff")
    search_fields = ("username", "email", "display_name")
    fieldsets = (*BaseUserAdmin.fieldsets, ("Pulse", {"fields": ("display_name",)}))  # type: ignore[misc]
