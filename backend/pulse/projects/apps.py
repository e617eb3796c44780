from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "pulse.projects"
    label = "projects"
