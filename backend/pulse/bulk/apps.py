from django.apps import AppConfig


class BulkConfig(AppConfig):
    name = "pulse.bulk"
    label = "bulk"
