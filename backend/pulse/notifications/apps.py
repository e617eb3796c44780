from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pulse.notifications"
    label = "notifications"
