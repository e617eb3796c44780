"""The admin cannot write projects, milestones or tags past the services (SPEC §3: staff use the admin
to see everything, soft-deleted rows included, and restore them).

A ModelForm ``save()`` would create a project with no lead member, no activity or event and no search
vector: add, change and delete are refused for those models; restoring goes through the service.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Milestone, Project, Tag
from tests.apis.support import state
from tests.factories import make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

MODELS = ["project", "milestone", "tag"]


def _admin_client(*, superuser: bool) -> Client:
    if superuser:
        user = make_user("root", is_staff=True, is_superuser=True)
    else:  # staff with every model permission Django knows for these models
        user = make_user("clerk", is_staff=True)
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="projects"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows() -> dict[str, Any]:
    owner = make_user("owner")
    project = make_project(owner, title="Existing")
    return {"owner": owner, "project": project, "milestone": make_milestone(project), "tag": make_tag(owner, "kept")}


def _add_body(model: str, rows: dict[str, Any]) -> dict[str, Any]:
    owner, project = rows["owner"], rows["project"]
    return {
        "project": {
            "title": "Made in the admin",
            "description": "",
            "status": "active",
            "health": "on_track",
            "progress": "10",
            "owner": str(owner.pk),
            "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000",
        },
        "milestone": {
            "project": str(project.pk),
            "title": "Admin milestone",
            "status": "pending",
            "progress": "0",
            "weight": "1",
        },
        "tag": {"name": "admin-tag", "colour": "#112233"},
    }[model]


@pytest.mark.parametrize("superuser", [True, False], ids=["superuser", "staff-with-all-permissions"])
@pytest.mark.parametrize("model", MODELS)
def test_admin_add_is_refused(rows: dict[str, Any], model: str, superuser: bool) -> None:
    client = _admin_client(superuser=superuser)
    url = f"/admin/projects/{model}/add/"
    before = state()

    assert client.get(url).status_code == 403
    assert client.post(url, _add_body(model, rows)).status_code == 403

    assert state() == before
    assert not Project.all_objects.filter(title="Made in the admin").exists()
    assert not Milestone.all_objects.filter(title="Admin milestone").exists()
    assert not Tag.all_objects.filter(name="admin-tag").exists()
    changelist = client.get(f"/admin/projects/{model}/")
    assert changelist.status_code == 200  # still listed, soft-deleted rows included
    assert url not in changelist.content.decode()  # no "Add" button


@pytest.mark.parametrize("model", MODELS)
def test_admin_change_and_delete_write_nothing(rows: dict[str, Any], model: str) -> None:
    client = _admin_client(superuser=True)
    obj = rows[model]
    url = f"/admin/projects/{model}/{obj.pk}/change/"
    before = state()

    page = client.get(url)
    assert page.status_code == 200  # viewable, read-only
    assert 'name="_save"' not in page.content.decode()
    body = {"title": "Renamed", "name": "renamed", "colour": "#000000", "status": "done", "progress": "90"}
    assert client.post(url, body).status_code == 403
    assert client.post(f"/admin/projects/{model}/{obj.pk}/delete/", {"post": "yes"}).status_code == 403

    assert state() == before


def test_admin_restore_goes_through_the_service(rows: dict[str, Any]) -> None:
    client = _admin_client(superuser=True)
    project = Project.objects.get(pk=rows["project"].pk)
    services.project_delete(project_id=project.pk, expected_version=project.version, actor=rows["owner"])
    version = Project.all_objects.get(pk=project.pk).version

    response = client.post(
        "/admin/projects/project/",
        {"action": "restore_selected", "_selected_action": [str(project.pk)], "index": "0"},
    )

    assert response.status_code == 302
    restored = Project.objects.get(pk=project.pk)
    assert restored.deleted_at is None and restored.version == version + 1
    assert Activity.objects.filter(project_id=project.pk, verb="project.restored").exists()
