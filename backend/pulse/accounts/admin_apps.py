from django.contrib.admin.apps import AdminConfig


class PulseAdminConfig(AdminConfig):
    """``django.contrib.admin`` with Pulse's site (its login form throttled) as ``admin.site``."""

    default_site = "pulse.accounts.admin_site.PulseAdminSite"
