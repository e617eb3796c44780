from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from pulse.activity.serializers import ActivityOutputSerializer
from pulse.common.apis import AuthedRequest
from pulse.dashboard.selectors import PROGRESS_BANDS, dashboard, progress_band_key
from pulse.projects.models import Health, ProjectStatus
from pulse.projects.serializers import HealthReasonSerializer, UserRefSerializer, user_ref
from pulsekit.dates import iso_date
from pulsekit.fields import StrictCharField
from pulsekit.openapi import errors
from pulsekit.params import reject_unknown_params


class TotalsSerializer(serializers.Serializer):
    projects = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    average_progress = serializers.IntegerField()


class OverdueMilestoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    due_date = serializers.DateField()
    status = StrictCharField()
    days_overdue = serializers.IntegerField()
    project_id = serializers.IntegerField()
    project_title = StrictCharField()
    assignee = UserRefSerializer(allow_null=True)


class AtRiskProjectSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = StrictCharField()
    status = StrictCharField()
    health = serializers.ChoiceField(choices=Health.choices)
    health_reasons = HealthReasonSerializer(many=True)
    progress = serializers.IntegerField()
    due_date = serializers.DateField(allow_null=True)
    owner = UserRefSerializer()


class OverAllocatedSerializer(serializers.Serializer):
    user = UserRefSerializer()
    total_allocation = serializers.IntegerField()
    project_count = serializers.IntegerField()


class DashboardSerializer(serializers.Serializer):
    totals = TotalsSerializer()
    by_status = serializers.DictField(
        child=serializers.IntegerField(), help_text=f"Keys: {', '.join(ProjectStatus.values)}"
    )
    by_health = serializers.DictField(child=serializers.IntegerField(), help_text="Open projects only.")
    by_progress = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=(
            "Open projects per progress band, keys "
            f"{', '.join(progress_band_key(low, high) for low, high in PROGRESS_BANDS)} (inclusive; "
            "the list filters progress_min/progress_max select the same projects)."
        ),
    )
    overdue_milestones = OverdueMilestoneSerializer(many=True)
    at_risk_projects = AtRiskProjectSerializer(many=True)
    over_allocated_people = OverAllocatedSerializer(many=True)
    recent_activity = ActivityOutputSerializer(many=True)

    def to_representation(self, d: dict[str, Any]) -> dict[str, Any]:
        today = self.context["today"]
        return {
            "totals": d["totals"],
            "by_status": d["by_status"],
            "by_health": d["by_health"],
            "by_progress": d["by_progress"],
            "overdue_milestones": [
                {
                    "id": m.pk,
                    "title": m.title,
                    "due_date": iso_date(m.due_date),
                    "status": m.status,
                    "days_overdue": (today - m.due_date).days,
                    "project_id": m.project_id,
                    "project_title": m.project.title,
                    "assignee": user_ref(m.assignee),
                }
                for m in d["overdue_milestones"]
            ],
            "at_risk_projects": [
                {
                    "id": p.pk,
                    "title": p.title,
                    "status": p.status,
                    "health": p.health,
                    "health_reasons": p.health_reasons,
                    "progress": p.progress,
                    "due_date": iso_date(p.due_date),
                    "owner": user_ref(p.owner),
                }
                for p in d["at_risk_projects"]
            ],
            "over_allocated_people": [
                {"user": user_ref(u), "total_allocation": u.total_allocation, "project_count": u.project_count}
                for u in d["over_allocated_people"]
            ],
            "recent_activity": ActivityOutputSerializer(d["recent_activity"], many=True).data,
        }


class DashboardApi(APIView):
    @extend_schema(operation_id="dashboard", responses={200: DashboardSerializer, **errors(400, 401)})
    def get(self, request: AuthedRequest) -> Response:
        reject_unknown_params(request, [])
        data = dashboard(user=request.user)
        return Response(DashboardSerializer(data, context={"today": timezone.localdate()}).data)
