from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from pulsekit.fields import NoControlCharsValidator
from pulsekit.models import VersionedModel

one_line = NoControlCharsValidator()


class User(VersionedModel, AbstractUser):
    # AbstractUser's name fields again, with the one text rule (the admin and user_create full_clean them).
    first_name = models.CharField("first name", max_length=150, blank=True, validators=[one_line])
    last_name = models.CharField("last name", max_length=150, blank=True, validators=[one_line])
    display_name = models.CharField(max_length=150, blank=True, validators=[one_line])
    email = models.EmailField(max_length=254, validators=[one_line])
    # Access tokens issued before this instant are refused (password change, forced logout).
    tokens_valid_after = models.DateTimeField(null=True, blank=True, editable=False)
    # Notification kinds this person does not want by email (in-app delivery is always on).
    email_opt_out = models.JSONField(default=list, blank=True)

    objects: UserManager = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
        ]
        indexes = [models.Index(fields=["display_name"])]

    # The columns ``name`` is made of, for a read of plain values (``name_from``) instead of users.
    NAME_COLUMNS = ("display_name", "first_name", "last_name", "username")

    @property
    def name(self) -> str:
        return self.name_from(self.display_name, self.first_name, self.last_name, self.username)

    @staticmethod
    def name_from(display_name: str, first_name: str, last_name: str, username: str) -> str:
        """How a person is shown: the display name, else the full name, else the username."""
        return display_name or f"{first_name} {last_name}".strip() or username

    def __str__(self) -> str:
        return self.name
