"""A project reads the same in the list (ORM subqueries) and the detail (by key, one milestone aggregate)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pulse.projects import services
from tests.conftest import client_for
from tests.factories import make_milestone, make_project, make_user

pytestmark = pytest.mark.django_db


def test_detail_and_list_agree_on_every_milestone_figure() -> None:
    owner = make_user("summary-owner")
    project = make_project(owner, title="Summary")
    today = timezone.localdate()
    make_milestone(project, status="done", due_date=today - datetime.timedelta(days=9))
    make_milestone(project, status="pending", due_date=today - datetime.timedelta(days=2))  # overdue
    make_milestone(project, status="in_progress", due_date=today + datetime.timedelta(days=5))  # next due
    make_milestone(project, status="pending")  # no due date
    gone = make_milestone(project, status="pending", due_date=today - datetime.timedelta(days=30))
    services.milestone_delete(project_id=project.pk, milestone_id=gone.pk, expected_version=gone.version, actor=owner)
    make_project(owner, title="No milestones")
    client = client_for(owner)

    listed = {p["id"]: p for p in client.get(reverse("project-list"), {"page_size": 50}).json()["results"]}
    for pk, item in listed.items():
        assert client.get(reverse("project-detail", args=[pk])).json() == item, pk

    assert listed[project.pk]["milestone_summary"] == {
        "total": 4,
        "done": 1,
        "overdue": 1,
        "next_due": (today - datetime.timedelta(days=2)).isoformat(),
    }
