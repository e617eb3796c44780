from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "pulse.ops"
    label = "ops"
