"""PATCH / PUT /projects/{id}/ with owner_id: who may hand a project over, and every way it is refused."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Project
from tests.apis.support import assert_error, body_of, project_url, state
from tests.conftest import Cast, client_for, etag_of
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _patch(user: Any, project_id: int, body: dict[str, Any], **headers: Any) -> Any:
    client = client_for(user)
    url = project_url(project_id)
    if "HTTP_IF_MATCH" not in headers:
        headers["HTTP_IF_MATCH"] = etag_of(client, url)
    return client.patch(url, body, format="json", **headers)


def test_the_owner_hands_the_project_over_and_the_answer_shows_the_new_owner_on_the_team(cast: Cast) -> None:
    heir = make_user("heir")
    version = cast.project.version

    response = _patch(cast.owner, cast.project.pk, {"owner_id": heir.pk})

    assert response.status_code == 200, response.content
    body = body_of(response)
    assert body["owner"] == {"id": heir.pk, "name": heir.name, "email": heir.email}
    assert (heir.pk, "lead") in {(m["user"]["id"], m["role"]) for m in body["members"]}
    assert body["version"] == version + 1
    assert response["ETag"] == body["etag"]
    # The previous owner is now a lead like any other: still an editor, no longer the one who hands over.
    assert body["my_role"] == "lead"
    assert body["capabilities"] == {
        "can_edit": True,
        "can_manage_team": True,
        "can_delete": False,
        "can_change_owner": False,
    }
    latest = Activity.objects.latest("id")
    assert (latest.verb, latest.changes) == ("project.updated", {"owner_id": [cast.owner.pk, heir.pk]})
    assert body_of(client_for(heir).get(project_url(cast.project.pk)))["capabilities"]["can_change_owner"] is True


def test_put_may_change_the_owner_too(cast: Cast) -> None:
    client = client_for(cast.staff)
    url = project_url(cast.project.pk)
    response = client.put(
        url, {"title": "Apollo", "owner_id": cast.manager.pk}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert response.status_code == 200, response.content
    assert body_of(response)["owner"]["id"] == cast.manager.pk


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_an_editor_who_is_not_the_owner_gets_403_and_nothing_changes(cast: Cast, role: str) -> None:
    heir = make_user("heir")
    before = state()

    response = _patch(getattr(cast, role), cast.project.pk, {"owner_id": heir.pk, "description": "Mine now"})

    assert_error(response, 403, "permission_denied")
    assert state() == before


def test_a_stakeholder_gets_403_and_someone_who_cannot_see_the_project_404(cast: Cast) -> None:
    before = state()
    stakeholder = _patch(cast.stakeholder, cast.project.pk, {"owner_id": cast.stakeholder.pk})
    assert_error(stakeholder, 403, "permission_denied")
    outsider_etag = f'"project-{cast.project.pk}-v{cast.project.version}"'
    outsider = _patch(cast.outsider, cast.project.pk, {"owner_id": cast.outsider.pk}, HTTP_IF_MATCH=outsider_etag)
    assert_error(outsider, 404, "not_found")
    assert state() == before


@pytest.mark.parametrize("value", ["INACTIVE", 987654321, 0, -1, "someone", None, 2**63])
def test_an_owner_id_that_names_no_active_user_is_400_on_owner_id(cast: Cast, value: Any) -> None:
    if value == "INACTIVE":
        value = make_user("gone", is_active=False).pk
    before = state()

    response = _patch(cast.owner, cast.project.pk, {"owner_id": value})

    error = assert_error(response, 400, "validation_error")
    assert list(error["details"]) == ["owner_id"]
    assert state() == before


def test_without_if_match_it_is_428_and_with_a_stale_etag_412(cast: Cast) -> None:
    heir = make_user("heir")
    client = client_for(cast.owner)
    url = project_url(cast.project.pk)
    stale = etag_of(client, url)
    services.project_update(
        project_id=cast.project.pk, expected_version=cast.project.version, actor=cast.lead, data={"progress": 9}
    )
    before = state()

    missing = client.patch(url, {"owner_id": heir.pk}, format="json")
    assert_error(missing, 428, "precondition_required")
    conflict = client.patch(url, {"owner_id": heir.pk}, format="json", HTTP_IF_MATCH=stale)
    error = assert_error(conflict, 412, "precondition_failed")
    assert error["details"]["current"]["owner"]["id"] == cast.owner.pk
    assert error["details"]["current"]["progress"] == 9

    assert state() == before
    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.owner.pk


def test_create_still_makes_the_creator_the_owner_whatever_owner_id_says() -> None:
    creator, other = make_user("creator"), make_user("other")
    response = client_for(creator).post("/api/v1/projects/", {"title": "Mine", "owner_id": other.pk}, format="json")
    assert response.status_code == 201, response.content
    assert body_of(response)["owner"]["id"] == creator.pk
