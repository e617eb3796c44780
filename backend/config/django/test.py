"""Settings for the test suite (real PostgreSQL, real Redis)."""

from config.django.base import *  # noqa: F403
from config.django.base import REST_FRAMEWORK
from config.env import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; production uses Argon2
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {
    "login": env("LOGIN_THROTTLE_RATE", default="1000/min"),
    "login_user": env("LOGIN_USER_THROTTLE_RATE", default="1000/min"),
    # The websocket suites and the fan-out bench open thousands of sockets as one user.
    "ws_ticket": env("WS_TICKET_THROTTLE_RATE", default="100000/min"),
    "ws_ticket_ip": env("WS_TICKET_IP_THROTTLE_RATE", default="100000/min"),
}
