"""Laptop settings used by `make run`."""

from config.django.base import *  # noqa: F403
from config.env import env

DEBUG = env.bool("DEBUG", default=True)
