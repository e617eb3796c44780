"""The one place the process environment is read."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent

env = environ.Env()
DEV_SECRET_KEY = "pulse-development-secret-key-do-not-use-in-production"
