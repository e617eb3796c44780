from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "pulse.activity"
    label = "activity"
