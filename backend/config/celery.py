"""The one Celery app. Tasks live in each domain's tasks.py and only load ids and call services."""

import os

from celery import Celery
from celery.signals import setup_logging
from django_structlog.celery.steps import DjangoStructLogInitStep

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")

app = Celery("pulse")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _use_django_logging(**_: object) -> None:
    """The worker logs through Django's LOGGING (structured, with the task id), not Celery's own."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


app.steps["worker"].add(DjangoStructLogInitStep)  # binds task_id (and the publishing request's id)
