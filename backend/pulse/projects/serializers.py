"""Input validation and output shapes for the projects API.

Output serializers declare their fields for the OpenAPI schema and build the
dict by hand in ``to_representation``: the project list is the hottest path in
the product and DRF's per-field machinery costs more than the SQL behind it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from pulse.accounts.models import User
from pulse.projects.models import OPEN_STATUSES, Health, MilestoneStatus, Project, ProjectStatus, Role
from pulse.projects.rules import permissions
from pulse.projects.rules.lifecycle import allowed_transitions
from pulse.projects.rules.validation import dates_in_order
from pulsekit.dates import iso_date, iso_datetime
from pulsekit.fields import BoundedListField, PlainTextField, StrictCharField, StrictEmailField, StrictRegexField
from pulsekit.ids import id_field
from pulsekit.versioning import make_etag


def user_ref(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.name, "email": user.email}


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    email = StrictEmailField()


class TagRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    colour = StrictCharField()


class MemberRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    user = UserRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    allocation = serializers.IntegerField()


class MilestoneSummarySerializer(serializers.Serializer):
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField()
    next_due = serializers.DateField(allow_null=True)


class HealthReasonSerializer(serializers.Serializer):
    code = StrictCharField()
    severity = serializers.ChoiceField(choices=Health.choices)
    message = StrictCharField()


class CapabilitiesSerializer(serializers.Serializer):
    can_edit = serializers.BooleanField()
    can_manage_team = serializers.BooleanField()
    can_delete = serializers.BooleanField()
    can_change_owner = serializers.BooleanField()


class ProjectOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    description = StrictCharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    health = serializers.ChoiceField(choices=Health.choices)
    health_reasons = HealthReasonSerializer(many=True)
    health_override = serializers.ChoiceField(choices=Health.choices, allow_null=True)
    health_override_reason = StrictCharField()
    progress = serializers.IntegerField()
    progress_mode = serializers.ChoiceField(choices=["milestones", "manual"])
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField()
    owner = UserRefSerializer()
    tags = TagRefSerializer(many=True)
    members = MemberRefSerializer(many=True)
    milestone_summary = MilestoneSummarySerializer()
    allowed_transitions = serializers.ListField(child=StrictCharField())
    my_role = serializers.ChoiceField(choices=Role.choices, allow_null=True)
    capabilities = CapabilitiesSerializer()
    version = serializers.IntegerField()
    etag = StrictCharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, p: Project) -> dict[str, Any]:
        user = self.context["user"]
        members = list(p.members.all())
        total = getattr(p, "milestone_total", 0)
        return {
            "id": p.pk,
            "title": p.title,
            "description": p.description,
            "status": p.status,
            "health": p.health,
            "health_reasons": p.health_reasons,
            "health_override": p.health_override,
            "health_override_reason": p.health_override_reason,
            "progress": p.progress,
            "progress_mode": "milestones" if total else "manual",
            "start_date": iso_date(p.start_date),
            "due_date": iso_date(p.due_date),
            "is_overdue": bool(p.due_date and p.due_date < timezone.localdate() and p.status in OPEN_STATUSES),
            "owner": user_ref(p.owner),
            "tags": [{"id": t.pk, "name": t.name, "colour": t.colour} for t in p.tags.all()],
            "members": [
                {"id": m.pk, "user": user_ref(m.user), "role": m.role, "allocation": m.allocation} for m in members
            ],
            "milestone_summary": {
                "total": total,
                "done": getattr(p, "milestone_done", 0),
                "overdue": getattr(p, "milestone_overdue", 0),
                "next_due": iso_date(getattr(p, "next_milestone_due", None)),
            },
            "allowed_transitions": allowed_transitions(p.status),
            "my_role": next((m.role for m in members if m.user_id == user.pk), None),
            "capabilities": permissions.capabilities(user, p),
            "version": p.version,
            "etag": make_etag("project", p.pk, p.version),
            "created_at": iso_datetime(p.created_at),
            "updated_at": iso_datetime(p.updated_at),
        }


_NAME_END = 2 + len(User.NAME_COLUMNS)  # members_json: [id, user id, *name columns, email, role, allocation]


def project_item(row: dict[str, Any], *, user: Any, today: datetime.date) -> dict[str, Any]:
    """A ``selectors.LIST_COLUMNS`` row (list and detail) in ``ProjectOutputSerializer``'s shape, from plain
    values: the tags arrive in the API's shape, each member as a jsonb array."""
    pk, status, due, version = row["id"], row["status"], row["due_date"], row["version"]
    total = row["milestone_total"]
    user_id = user.pk
    role = None
    members = []
    for m in row["members_json"] or ():
        if m[1] == user_id:
            role = m[_NAME_END + 1]
        members.append(
            {
                "id": m[0],
                "user": {"id": m[1], "name": User.name_from(*m[2:_NAME_END]), "email": m[_NAME_END]},
                "role": m[_NAME_END + 1],
                "allocation": m[_NAME_END + 2],
            }
        )
    owner_id = row["owner_id"]
    return {
        "id": pk,
        "title": row["title"],
        "description": row["description"],
        "status": status,
        "health": row["health"],
        "health_reasons": row["health_reasons"],
        "health_override": row["health_override"],
        "health_override_reason": row["health_override_reason"],
        "progress": row["progress"],
        "progress_mode": "milestones" if total else "manual",
        "start_date": iso_date(row["start_date"]),
        "due_date": iso_date(due),
        "is_overdue": bool(due and due < today and status in OPEN_STATUSES),
        "owner": None
        if owner_id is None
        else {
            "id": owner_id,
            "name": User.name_from(*(row[f"owner__{column}"] for column in User.NAME_COLUMNS)),
            "email": row["owner__email"],
        },
        "tags": row["tags_json"] or [],
        "members": members,
        "milestone_summary": {
            "total": total,
            "done": row["milestone_done"],
            "overdue": row["milestone_overdue"],
            "next_due": iso_date(row["next_milestone_due"]),
        },
        "allowed_transitions": allowed_transitions(status),
        "my_role": role,
        "capabilities": permissions.capabilities_for(user, owner_id=owner_id, role=role),
        "version": version,
        "etag": make_etag("project", pk, version),
        "created_at": iso_datetime(row["created_at"]),
        "updated_at": iso_datetime(row["updated_at"]),
    }


class SelectionItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    etag = StrictCharField(help_text='The project\'s current ETag, e.g. "project-12-v3".')


class ProjectSelectionSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many projects match (may exceed the items returned).")
    truncated = serializers.BooleanField(help_text="More matched than the 10,000 items returned.")
    items = SelectionItemSerializer(many=True)


class TrashedProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    status = serializers.ChoiceField(choices=ProjectStatus.choices)
    owner = UserRefSerializer()
    deleted_at = serializers.DateTimeField()
    deleted_by = UserRefSerializer(allow_null=True)
    purge_after = serializers.DateTimeField()
    version = serializers.IntegerField()

    def to_representation(self, p: Project) -> dict[str, Any]:
        assert p.deleted_at is not None
        retention = datetime.timedelta(days=self.context["retention_days"])
        return {
            "id": p.pk,
            "title": p.title,
            "status": p.status,
            "owner": user_ref(p.owner),
            "deleted_at": iso_datetime(p.deleted_at),
            "deleted_by": user_ref(p.deleted_by),
            "purge_after": iso_datetime(p.deleted_at + retention),
            "version": p.version,
        }


def _check_dates(attrs: dict[str, Any], instance_dates: tuple[Any, Any] = (None, None)) -> None:
    start = attrs.get("start_date", instance_dates[0])
    due = attrs.get("due_date", instance_dates[1])
    if not dates_in_order(start, due):
        raise serializers.ValidationError({"due_date": ["The due date cannot be before the start date."]})


class ProjectCreateInputSerializer(serializers.Serializer):
    title = PlainTextField(max_length=200)
    description = PlainTextField(
        multiline=True, max_length=20000, allow_blank=True, required=False, trim_whitespace=False
    )
    start_date = serializers.DateField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    tag_ids = BoundedListField(child=id_field(), max_length=50, required=False)
    health_override = serializers.ChoiceField(choices=Health.choices, allow_null=True, required=False)
    health_override_reason = PlainTextField(max_length=500, allow_blank=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_dates(attrs, self.context.get("dates", (None, None)))
        return attrs


class ProjectInputSerializer(ProjectCreateInputSerializer):
    """PATCH / PUT body: the fields a create takes, plus owner_id to hand the project over."""

    owner_id = id_field(
        required=False,
        help_text="Hand the project to this active user (owner or staff only); they become a lead member.",
    )


class TransitionInputSerializer(serializers.Serializer):
    """Transitions take no body; an optional comment is kept in the activity."""


class MemberOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    user = UserRefSerializer()
    role = serializers.ChoiceField(choices=Role.choices)
    allocation = serializers.IntegerField()
    total_allocation = serializers.IntegerField(help_text="Sum of this person's allocation across open projects.")
    over_allocated = serializers.BooleanField()
    version = serializers.IntegerField()
    etag = StrictCharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, m: Any) -> dict[str, Any]:
        total = self.context.get("totals", {}).get(m.user_id, m.allocation)
        return {
            "id": m.pk,
            "project_id": m.project_id,
            "user": user_ref(m.user),
            "role": m.role,
            "allocation": m.allocation,
            "total_allocation": total,
            "over_allocated": total > 100,
            "version": m.version,
            "etag": make_etag("member", m.pk, m.version),
            "created_at": iso_datetime(m.created_at),
        }


class MemberCreateSerializer(serializers.Serializer):
    user_id = id_field()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.DEVELOPER)
    allocation = serializers.IntegerField(min_value=0, max_value=100, default=0)


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    allocation = serializers.IntegerField(min_value=0, max_value=100, required=False)


class MilestoneOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    project_id = serializers.IntegerField()
    title = StrictCharField()
    description = StrictCharField()
    status = serializers.ChoiceField(choices=MilestoneStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    due_date = serializers.DateField(allow_null=True)
    progress = serializers.IntegerField()
    weight = serializers.IntegerField()
    assignee = UserRefSerializer(allow_null=True)
    is_overdue = serializers.BooleanField()
    completed_at = serializers.DateTimeField(allow_null=True)
    version = serializers.IntegerField()
    etag = StrictCharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, m: Any) -> dict[str, Any]:
        open_ = m.status in (MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS)
        return {
            "id": m.pk,
            "project_id": m.project_id,
            "title": m.title,
            "description": m.description,
            "status": m.status,
            "start_date": iso_date(m.start_date),
            "due_date": iso_date(m.due_date),
            "progress": m.progress,
            "weight": m.weight,
            "assignee": user_ref(m.assignee),
            "is_overdue": bool(open_ and m.due_date and m.due_date < timezone.localdate()),
            "completed_at": iso_datetime(m.completed_at),
            "version": m.version,
            "etag": make_etag("milestone", m.pk, m.version),
            "created_at": iso_datetime(m.created_at),
            "updated_at": iso_datetime(m.updated_at),
        }


class MilestoneInputSerializer(serializers.Serializer):
    title = PlainTextField(max_length=200)
    description = PlainTextField(
        multiline=True, max_length=20000, allow_blank=True, required=False, trim_whitespace=False
    )
    status = serializers.ChoiceField(choices=MilestoneStatus.choices, required=False)
    start_date = serializers.DateField(allow_null=True, required=False)
    due_date = serializers.DateField(allow_null=True, required=False)
    progress = serializers.IntegerField(min_value=0, max_value=100, required=False)
    weight = serializers.IntegerField(min_value=1, max_value=100, required=False)
    assignee_id = id_field(allow_null=True, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _check_dates(attrs, self.context.get("dates", (None, None)))
        return attrs


class TagOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = StrictCharField()
    colour = StrictCharField()
    project_count = serializers.IntegerField()
    version = serializers.IntegerField()
    etag = StrictCharField()
    created_at = serializers.DateTimeField()

    def to_representation(self, t: Any) -> dict[str, Any]:
        return {
            "id": t.pk,
            "name": t.name,
            "colour": t.colour,
            "project_count": getattr(t, "project_count", 0),
            "version": t.version,
            "etag": make_etag("tag", t.pk, t.version),
            "created_at": iso_datetime(t.created_at),
        }


class TagInputSerializer(serializers.Serializer):
    name = PlainTextField(max_length=50)
    colour = StrictRegexField(r"^#[0-9a-fA-F]{6}$", required=False, max_length=7)
