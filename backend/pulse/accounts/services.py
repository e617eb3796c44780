"""Writes to accounts: profile changes, password change, token revocation."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.accounts.models import User
from pulse.common.validation import clean_or_fail
from pulse.realtime.services import sessions_revoke
from pulsekit.errors import ValidationFailed
from pulsekit.versioning import StaleVersion, compare_and_swap

PROFILE_FIELDS = ("display_name", "first_name", "last_name", "email", "email_opt_out")


def user_create(*, username: str, email: str, password: str | None, display_name: str = "", **extra: Any) -> User:
    user = User(username=username, email=email, display_name=display_name, **extra)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    clean_or_fail(user, exclude=["password"])
    user.save()
    return user


def tokens_revoke(*, user: User) -> None:
    """Refuse every token issued so far: access tokens by time, refresh tokens by blacklist."""
    User.objects.filter(pk=user.pk).update(tokens_valid_after=timezone.now())
    outstanding = OutstandingToken.objects.filter(user=user).exclude(blacklistedtoken__isnull=False)
    BlacklistedToken.objects.bulk_create([BlacklistedToken(token=t) for t in outstanding], ignore_conflicts=True)
    sessions_revoke(user_id=user.pk, reason="Your password changed or your sessions were revoked.")


def user_logout(*, refresh: str) -> None:
    """Blacklist the refresh token and close the user's websockets."""
    try:
        token = RefreshToken(refresh)  # type: ignore[arg-type]
        token.blacklist()
    except TokenError as error:
        raise ValidationFailed(details={"refresh": [str(error)]}) from error
    user_id = token.get("user_id")
    if user_id is not None:
        sessions_revoke(user_id=int(user_id), reason="You logged out.")


@transaction.atomic
def user_profile_update(*, user: User, expected_version: int | None, data: dict[str, Any]) -> User:
    """Change one's own profile; a new password revokes every older token."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if expected_version is None or locked.version != expected_version:
        raise StaleVersion(kind="user", pk=locked.pk, current_version=locked.version)
    for field in PROFILE_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    new_password = data.get("new_password")
    if new_password:
        if not locked.check_password(data.get("current_password") or ""):
            raise ValidationFailed(details={"current_password": ["The current password is not correct."]})
        try:
            validate_password(new_password, locked)
        except ValidationError as error:
            raise ValidationFailed(details={"new_password": list(error.messages)}) from error
        locked.set_password(new_password)
    if "email" in data and User.objects.filter(email__iexact=locked.email).exclude(pk=locked.pk).exists():
        raise ValidationFailed(details={"email": ["This email is already in use."]})
    clean_or_fail(locked, exclude=["password", "email"] if "email" not in data else ["password"])
    values = {field: getattr(locked, field) for field in PROFILE_FIELDS if field in data}
    if new_password:
        values["password"] = locked.password
    locked.version = compare_and_swap(User.objects, kind="user", pk=locked.pk, version=locked.version, values=values)
    if new_password:
        tokens_revoke(user=locked)
    return locked


def tokens_flush_expired() -> int:
    """simplejwt's ``flushexpiredtokens``: delete outstanding refresh tokens past their expiry (and,
    by cascade, their blacklist entries; an expired token is refused on its own ``exp`` anyway).
    Returns how many there were. Scheduled daily in beat: the table gains a row per login and refresh."""
    expired = OutstandingToken.objects.filter(expires_at__lte=timezone.now()).count()
    call_command("flushexpiredtokens", verbosity=0)
    return expired
