"""Settings for the test suite (real PostgreSQL, real Redis)."""

from config.django.base import *  # noqa: F403
from config.django.base import REST_FRAMEWORK
from config.env import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "login": env("LOGIN_THROTTLE_RATE", default="1000/min"),
    "login_user": env("LOGIN_USER_THROTTLE_RATE", default="1000/min"),
}
