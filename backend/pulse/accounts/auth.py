"""Authentication: username-or-email login, JWT access tokens that can be revoked."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import caches
from django.db.models import Q
from django.http import HttpRequest
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.tokens import Token

from pulse.accounts.models import User
from pulsekit.fields import has_control_chars

LOGIN_NAME_MAX_LENGTH = 254  # the longest email address; usernames are at most 150
# Longer passwords are refused before hashing (login, password change, admin forms): hashing a
# megabyte password is a CPU cost anyone could make the server pay.
PASSWORD_MAX_LENGTH = 128


def login_account(name: str) -> User | None:
    """The account a login name (its username or its email, any case) belongs to, if any.

    Login and the per-account throttle both resolve names here, so ``Alice`` and
    ``alice@example.com`` are one account to both."""
    if not name or len(name) > LOGIN_NAME_MAX_LENGTH or has_control_chars(name):
        return None
    return User.objects.filter(Q(username__iexact=name) | Q(email__iexact=name)).order_by("pk").first()


def user_can_authenticate(user: Any) -> bool:
    return user is not None and user.is_active


class UsernameOrEmailBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or password is None or len(password) > PASSWORD_MAX_LENGTH:
            return None  # never hashed (the admin's login form has no length limit of its own)
        user = login_account(username)
        if user is None:
            User().set_password(password)  # equalise timing with the found-user path
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def token_is_revoked(user: User, token: Token) -> bool:
    """Issued before the user's revocation instant? ``issued`` (set at login) has sub-second precision;
    ``iat`` is whole seconds, so for tokens without it the whole second of the revocation counts."""
    if user.tokens_valid_after is None:
        return False
    cutoff = user.tokens_valid_after.timestamp()
    issued = token.get("issued")
    if isinstance(issued, int | float):
        return issued < cutoff
    iat = token.get("iat")
    return iat is not None and int(iat) <= int(cutoff)


class JWTAuthentication(authentication.JWTAuthentication):
    """simplejwt, plus refusal of tokens issued before the user's revocation instant."""

    def get_user(self, validated_token: Token) -> User:  # type: ignore[override]
        user = super().get_user(validated_token)
        assert isinstance(user, User)
        if token_is_revoked(user, validated_token):
            raise AuthenticationFailed("Token has been revoked.", code="token_revoked")
        return user


class SharedThrottle(SimpleRateThrottle):
    """A rate throttle counted in the throttle cache (``settings.THROTTLE_CACHE``): shared by every
    server process, and no other cache traffic can evict its history (config/settings/caches.py)."""

    def __init__(self) -> None:
        super().__init__()
        self.cache = caches[settings.THROTTLE_CACHE]


class LoginIpThrottle(SharedThrottle):
    """Login attempts per client address."""

    scope = "login"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUserThrottle(SharedThrottle):
    """Login attempts per account, so rotating addresses does not help guess one password, and
    alternating its username and email does not double the guesses (one bucket per account)."""

    scope = "login_user"

    def get_cache_key(self, request: Request | HttpRequest, view: Any) -> str | None:
        # A DRF request (the API) or a plain Django one (the admin's login form).
        data = request.data if isinstance(request, Request) else request.POST
        return self.key_for(data.get("username") if hasattr(data, "get") else None)

    def key_for(self, name: Any) -> str | None:
        """The bucket of a login name (None: not a name, nothing to count)."""
        if not isinstance(name, str) or not name:
            return None
        return self.cache_format % {"scope": self.scope, "ident": login_ident(name)}


def login_attempt_wait(request: HttpRequest) -> float | None:
    """Count a login attempt made outside DRF (the admin's login form) in the same per-address and
    per-account buckets as ``POST /auth/token/``: the seconds to wait if it is over a limit, else None."""
    waits: list[float] = []
    for throttle in (LoginIpThrottle(), LoginUserThrottle()):
        # Both read only the client address and the form's username, which a Django request has too.
        if not throttle.allow_request(request, None):  # type: ignore[arg-type]
            waits.append(throttle.wait() or 1.0)
    return max(waits, default=None)


def login_ident(name: str) -> str:
    """The per-account throttle's identity for a login name: the account it resolves to, or, for a
    name that is no account's, the name itself (hashed, so any text makes a valid cache key)."""
    user = login_account(name)
    if user is not None:
        return f"account-{user.pk}"
    return "name-" + hashlib.sha256(name.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
