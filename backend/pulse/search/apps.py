from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "pulse.search"
    label = "search"
