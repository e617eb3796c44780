from typing import Any

from rest_framework import serializers

from pulse.projects.serializers import UserRefSerializer, user_ref
from pulsekit.dates import iso_datetime
from pulsekit.fields import StrictCharField


class ActivityOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    verb = StrictCharField()
    project_id = serializers.IntegerField(allow_null=True)
    actor = UserRefSerializer(allow_null=True)
    target_type = StrictCharField()
    target_id = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    changes = serializers.DictField(help_text="{field: [before, after]}")
    metadata = serializers.DictField()
    created_at = serializers.DateTimeField()

    def to_representation(self, a: Any) -> dict[str, Any]:
        return {
            "id": a.pk,
            "verb": a.verb,
            "project_id": a.project_id,
            "actor": user_ref(a.actor),
            "target_type": a.target_type,
            "target_id": a.target_id,
            "version": a.version,
            "changes": a.changes,
            "metadata": a.metadata,
            "created_at": iso_datetime(a.created_at),
        }
