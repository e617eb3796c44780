"""Teach the OpenAPI generator that our JWT authentication is simplejwt's bearer scheme."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme


class PulseJWTScheme(SimpleJWTScheme):
    target_class = "pulse.accounts.auth.JWTAuthentication"
    name = "jwtAuth"
