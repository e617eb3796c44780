from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "pulse.dashboard"
    label = "dashboard"
