"""Model bases: soft delete and integer versions.

Soft delete: rows are hidden by ``deleted_at`` rather than removed.

``objects`` only ever sees live rows; ``all_objects`` sees everything (the
admin and the trash use it). Pair with a partial unique constraint such as
``UniqueConstraint(Lower("title"), condition=Q(deleted_at__isnull=True))``
so a deleted row does not block its name from being reused.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone

M = TypeVar("M", bound=models.Model)


class SoftDeleteQuerySet(models.QuerySet[M]):
    def alive(self) -> SoftDeleteQuerySet[M]:
        return self.filter(deleted_at__isnull=True)

    def dead(self) -> SoftDeleteQuerySet[M]:
        return self.filter(deleted_at__isnull=False)

    def soft_delete(self, *, by: Any = None) -> int:
        """Mark every row in the queryset deleted in one UPDATE."""
        fields: dict[str, Any] = {"deleted_at": timezone.now()}
        if by is not None and hasattr(self.model, "deleted_by"):
            fields["deleted_by"] = by
        return self.filter(deleted_at__isnull=True).update(**fields)


class _BaseManager(models.Manager[M]):
    """The queryset's soft-delete methods are added to it by ``from_queryset`` (``Model.all_objects.dead()``)."""


_SoftDeleteManager = _BaseManager.from_queryset(SoftDeleteQuerySet)


class LiveManager(_SoftDeleteManager[M]):
    """Default manager: live rows only."""

    def get_queryset(self) -> SoftDeleteQuerySet[M]:
        return SoftDeleteQuerySet(self.model, using=self._db).alive()


class AllManager(_SoftDeleteManager[M]):
    """Every row, deleted or not."""


class SoftDeleteModel(models.Model):
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = LiveManager()
    all_objects = AllManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class VersionedModel(models.Model):
    """An integer bumped on every change; the ETag and the compare-and-swap key."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
