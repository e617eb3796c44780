"""The detail read (one statement of plain values) renders exactly what a write answers with (the model
through ``ProjectOutputSerializer``) and what the list shows, for every kind of reader."""

from __future__ import annotations

import datetime
from typing import Any

import orjson
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pulse.accounts.models import User
from pulse.projects import selectors, services
from pulse.projects.models import Project, Role
from pulse.projects.serializers import ProjectOutputSerializer
from tests.conftest import client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def _model_render(user: User, project: Project) -> Any:
    """What a write answers with: ``project_get``'s model through ``ProjectOutputSerializer``, as JSON."""
    data = ProjectOutputSerializer(selectors.project_get(user=user, project_id=project.pk), context={"user": user}).data
    return orjson.loads(orjson.dumps(data))


@pytest.fixture
def project() -> tuple[Project, dict[str, User]]:
    owner = make_user("detail-owner")
    people = {
        "owner": owner,
        "manager": make_user("detail-manager"),
        "developer": make_user("detail-developer"),
        "stakeholder": make_user("detail-stakeholder"),
        "staff": make_user("detail-staff", is_staff=True),
    }
    # Names from each source ``User.name_from`` knows: display name, first and last name, username.
    User.objects.filter(pk=people["manager"].pk).update(display_name="", first_name="Mara", last_name="Quist")
    User.objects.filter(pk=people["developer"].pk).update(display_name="", first_name="", last_name="")
    tags = [make_tag(owner, name) for name in ("zeta", "alpha", "mid")]
    today = timezone.localdate()
    project = make_project(
        owner,
        title="Detail <b>& co</b>",
        description="Line one\nline two",
        tag_ids=[t.pk for t in tags],
        start_date=today - datetime.timedelta(days=40),
        due_date=today - datetime.timedelta(days=1),
    )
    add_member(project, people["manager"], role=Role.MANAGER, allocation=30)
    add_member(project, people["developer"], role=Role.DEVELOPER, allocation=70)
    add_member(project, people["stakeholder"], role=Role.STAKEHOLDER)
    make_milestone(project, status="done", due_date=today - datetime.timedelta(days=9))
    make_milestone(project, status="pending", due_date=today - datetime.timedelta(days=2))
    make_milestone(project, status="in_progress", due_date=today + datetime.timedelta(days=5))
    gone = tags[2]
    services.tag_delete(tag_id=gone.pk, expected_version=gone.version, actor=owner)
    return Project.objects.get(pk=project.pk), people


def test_detail_list_and_write_render_the_same_project_for_every_reader(project) -> None:
    project, people = project
    for who, user in people.items():
        client = client_for(user)
        response = client.get(reverse("project-detail", args=[project.pk]))
        assert response.status_code == 200, who
        detail = response.json()
        assert detail == _model_render(user, project), who
        listed = client.get(reverse("project-list"), {"page_size": 50}).json()["results"]
        assert [p for p in listed if p["id"] == project.pk] == [detail], who
        assert response["ETag"] == f'"project-{project.pk}-v{detail["version"]}"'

    detail = client_for(people["developer"]).get(reverse("project-detail", args=[project.pk])).json()
    assert [t["name"] for t in detail["tags"]] == ["alpha", "zeta"], "by name, the deleted tag gone"
    assert [(m["user"]["name"], m["role"]) for m in detail["members"]] == [
        ("Detail-Owner", "lead"),
        ("Mara Quist", "manager"),
        (people["developer"].username, "developer"),
        ("Detail-Stakeholder", "stakeholder"),
    ]
    assert detail["my_role"] == "developer"
    assert set(detail["capabilities"].values()) == {False}, "a developer edits nothing"
    assert detail["is_overdue"] is True
    assert detail["milestone_summary"]["overdue"] == 1
    assert detail["progress_mode"] == "milestones"


def test_detail_is_one_statement_after_authentication(project) -> None:
    project, people = project
    client = client_for(people["stakeholder"])
    url = reverse("project-detail", args=[project.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 2, statements  # the token's user, then the project with everything it shows
    assert all(table in statements[1] for table in ("projects_teammember", "projects_tag", "projects_milestone"))


def test_the_list_is_three_statements_whatever_the_page_holds(project) -> None:
    project, people = project
    client = client_for(people["owner"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("project-list"), {"page_size": 50}).status_code == 200
    statements = [q["sql"] for q in ctx.captured_queries]
    assert len(statements) == 3, statements  # the token's user, the count, the page
    assert "projects_teammember" not in statements[1].split("WHERE")[0], "the count reads no relation"


def test_detail_is_not_found_for_outsiders_deleted_projects_and_bad_ids(project) -> None:
    project, people = project
    outsider = client_for(make_user("detail-outsider"))
    assert outsider.get(reverse("project-detail", args=[project.pk])).status_code == 404
    owner = people["owner"]
    services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    assert client_for(owner).get(reverse("project-detail", args=[project.pk])).status_code == 404
    assert client_for(people["staff"]).get(reverse("project-detail", args=[project.pk])).status_code == 404
    assert client_for(owner).get(reverse("project-detail", args=[2**40])).status_code == 404
    with pytest.raises(selectors.NotFound):
        selectors.project_detail(user=owner, project_id="not-an-id")
