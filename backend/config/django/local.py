"""Laptop settings used by `make run`."""

from config.django.base import *  # noqa: F403
from config.env import env

DEBUG = env.bool("DEBUG", default=True)

# A short console for `make run`: background tasks run in-process here, one log line each is noise.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}
