"""Laptop settings used by `make run`."""

from typing import cast

from config.django.base import *  # noqa: F403
from config.django.base import LOGGING
from config.env import env

DEBUG = env.bool("DEBUG", default=True)

# A short console for `make run`: background tasks run in-process here, one log line each is noise.
cast(dict[str, dict[str, str]], LOGGING["loggers"])["celery.app.trace"] = {"level": "WARNING"}
