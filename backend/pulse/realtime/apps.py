from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "pulse.realtime"
    label = "realtime"
