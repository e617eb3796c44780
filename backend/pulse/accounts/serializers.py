from typing import Any

from rest_framework import serializers
from rest_framework_simplejwt.serializers import PasswordField, TokenObtainPairSerializer, TokenRefreshSerializer
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.accounts.auth import LOGIN_NAME_MAX_LENGTH, PASSWORD_MAX_LENGTH, token_is_revoked
from pulse.accounts.models import User
from pulse.notifications.models import NotificationKind
from pulsekit.dates import iso_datetime
from pulsekit.fields import (
    BoundedListField,
    PlainEmailField,
    PlainTextField,
    StrictCharField,
    StrictEmailField,
    StrictStringMixin,
)
from pulsekit.versioning import make_etag


class StrictPasswordField(StrictStringMixin, PasswordField):
    """A password is a string: a JSON number is refused, not turned into text and hashed."""


class LoginSerializer(TokenObtainPairSerializer):
    """``username`` may hold the username or the email address."""

    default_error_messages = {"no_active_account": "Wrong username/email or password, or the account is disabled."}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Bounded before anything is looked up or hashed: a megabyte password must not reach the hasher.
        self.fields[self.username_field] = StrictCharField(write_only=True, max_length=LOGIN_NAME_MAX_LENGTH)
        self.fields["password"] = StrictPasswordField(max_length=PASSWORD_MAX_LENGTH)

    @classmethod
    def get_token(cls, user: Any) -> Any:
        token = super().get_token(user)
        # Sub-second issue time (iat is whole seconds), so a password change revokes same-second tokens too.
        token["issued"] = token.current_time.timestamp()
        return token


class RefreshSerializer(TokenRefreshSerializer):
    refresh = StrictCharField()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        refresh = RefreshToken(attrs["refresh"])  # type: ignore[arg-type]
        user = User.objects.filter(pk=refresh.get("user_id")).first()
        if user is None or not user.is_active or token_is_revoked(user, refresh):
            from rest_framework_simplejwt.exceptions import AuthenticationFailed

            raise AuthenticationFailed("The refresh token is no longer valid.", code="token_not_valid")
        return super().validate(attrs)


class LogoutSerializer(serializers.Serializer):
    refresh = StrictCharField(max_length=2000)


class TokenPairSerializer(serializers.Serializer):
    access = StrictCharField()
    refresh = StrictCharField()


class MeOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField()
    email = StrictEmailField()
    display_name = StrictCharField()
    first_name = StrictCharField()
    last_name = StrictCharField()
    name = StrictCharField()
    is_staff = serializers.BooleanField()
    email_opt_out = serializers.ListField(child=StrictCharField(), help_text="Notification kinds not emailed.")
    version = serializers.IntegerField()
    etag = StrictCharField()
    date_joined = serializers.DateTimeField()

    def to_representation(self, u: User) -> dict[str, Any]:
        return {
            "id": u.pk,
            "username": u.username,
            "email": u.email,
            "display_name": u.display_name,
            "first_name": u.first_name,
            "last_name": u.last_name,
            "name": u.name,
            "is_staff": u.is_staff,
            "email_opt_out": u.email_opt_out,
            "version": u.version,
            "etag": make_etag("user", u.pk, u.version),
            "date_joined": iso_datetime(u.date_joined),
        }


class MeInputSerializer(serializers.Serializer):
    display_name = PlainTextField(max_length=150, allow_blank=True, required=False)
    first_name = PlainTextField(max_length=150, allow_blank=True, required=False)
    last_name = PlainTextField(max_length=150, allow_blank=True, required=False)
    email = PlainEmailField(max_length=254, required=False)
    email_opt_out = BoundedListField(
        child=serializers.ChoiceField(choices=NotificationKind.choices), max_length=20, required=False
    )
    current_password = StrictCharField(max_length=PASSWORD_MAX_LENGTH, required=False, write_only=True)
    new_password = StrictCharField(max_length=PASSWORD_MAX_LENGTH, required=False, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "new_password" in attrs and "current_password" not in attrs:
            raise serializers.ValidationError({"current_password": ["Required to set a new password."]})
        return attrs


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    email = StrictEmailField()
    username = StrictCharField()

    def to_representation(self, u: User) -> dict[str, Any]:
        return {"id": u.pk, "name": u.name, "email": u.email, "username": u.username}
