"""Password validators (AUTH_PASSWORD_VALIDATORS) beyond Django's own."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from pulse.accounts.auth import PASSWORD_MAX_LENGTH


class MaximumLengthValidator:
    """No password longer than login accepts can be set (the profile API, the admin, createsuperuser):
    login refuses longer ones before hashing, so such a password could never be used."""

    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH) -> None:
        self.max_length = max_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > self.max_length:
            raise ValidationError(
                f"This password is too long. It must contain at most {self.max_length} characters.",
                code="password_too_long",
            )

    def get_help_text(self) -> str:
        return f"Your password must contain at most {self.max_length} characters."
