"""Team members and milestones over HTTP."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pulse.activity.models import Activity
from pulse.projects.models import Milestone
from tests.apis.support import (
    assert_error,
    body_of,
    member_url,
    members_url,
    milestone_url,
    milestones_url,
    project_url,
    state,
    transition_url,
)
from tests.conftest import client_for, etag_of
from tests.factories import add_member, make_milestone, make_project, make_user

pytestmark = pytest.mark.django_db


def _project_body(client: Any, pid: int) -> dict[str, Any]:
    return dict(body_of(client.get(project_url(pid))))


# ------------------------------------------------------------------ members


def test_add_member_201_location_etag_and_access() -> None:
    owner, newcomer = make_user("owner"), make_user("newcomer")
    project = make_project(owner, title="Team")
    client = client_for(owner)
    project_etag = etag_of(client, project_url(project.pk))
    assert_error(client_for(newcomer).get(project_url(project.pk)), 404)

    response = client.post(
        members_url(project.pk), {"user_id": newcomer.pk, "role": "designer", "allocation": 40}, format="json"
    )

    assert response.status_code == 201, response.content
    body = body_of(response)
    assert (body["user"]["id"], body["role"], body["allocation"], body["project_id"]) == (
        newcomer.pk,
        "designer",
        40,
        project.pk,
    )
    assert body["total_allocation"] == 40
    assert body["over_allocated"] is False
    assert response["Location"] == f"http://testserver{member_url(project.pk, body['id'])}"
    assert response["ETag"] == body["etag"] == etag_of(client, response["Location"])
    assert etag_of(client, project_url(project.pk)) != project_etag
    latest = Activity.objects.latest("id")
    assert latest.verb == "member.added"
    assert latest.changes == {"user_id": [None, newcomer.pk], "role": [None, "designer"], "allocation": [None, 40]}

    seen = client_for(newcomer).get(project_url(project.pk))
    assert seen.status_code == 200
    assert body_of(seen)["my_role"] == "designer"


def test_member_defaults() -> None:
    owner, newcomer = make_user("owner"), make_user("newcomer")
    project = make_project(owner, title="Defaults")
    response = client_for(owner).post(members_url(project.pk), {"user_id": newcomer.pk}, format="json")
    assert response.status_code == 201
    assert (body_of(response)["role"], body_of(response)["allocation"]) == ("developer", 0)


def test_duplicate_member_is_400() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Dupes")
    add_member(project, dev)
    before = state()
    response = client_for(owner).post(members_url(project.pk), {"user_id": dev.pk, "role": "qa"}, format="json")
    assert "user_id" in assert_error(response, 400, "validation_error")["details"]
    assert state() == before
    owner_again = client_for(owner).post(members_url(project.pk), {"user_id": owner.pk}, format="json")
    assert_error(owner_again, 400)


def test_over_allocation_is_flagged_across_open_projects() -> None:
    owner, busy = make_user("owner"), make_user("busy")
    first = make_project(owner, title="First")
    second = make_project(owner, title="Second")
    add_member(first, busy, allocation=60)
    client = client_for(owner)

    response = client.post(members_url(second.pk), {"user_id": busy.pk, "allocation": 50}, format="json")

    assert response.status_code == 201
    body = body_of(response)
    assert (body["allocation"], body["total_allocation"], body["over_allocated"]) == (50, 110, True)
    listed = next(m for m in body_of(client.get(members_url(first.pk)))["results"] if m["user"]["id"] == busy.pk)
    assert (listed["allocation"], listed["total_allocation"], listed["over_allocated"]) == (60, 110, True)

    # A finished project no longer takes a share of the week.
    for name in ("start", "complete"):
        assert (
            client.post(
                transition_url(first.pk, name), HTTP_IF_MATCH=etag_of(client, project_url(first.pk))
            ).status_code
            == 200
        )
    member = body_of(client.get(member_url(second.pk, body["id"])))
    assert (member["total_allocation"], member["over_allocated"]) == (50, False)


def test_deleting_a_project_releases_its_allocations() -> None:
    owner, busy = make_user("owner"), make_user("busy")
    first, second = make_project(owner, title="First"), make_project(owner, title="Second")
    add_member(first, busy, allocation=70)
    member = add_member(second, busy, allocation=70)
    client = client_for(owner)
    url = member_url(second.pk, member.pk)
    assert body_of(client.get(url))["over_allocated"] is True

    deleted = client.delete(project_url(first.pk), HTTP_IF_MATCH=etag_of(client, project_url(first.pk)))

    assert deleted.status_code == 204
    assert (body_of(client.get(url))["total_allocation"], body_of(client.get(url))["over_allocated"]) == (70, False)


def test_exactly_100_is_not_over_allocated() -> None:
    owner, busy = make_user("owner"), make_user("busy")
    first, second = make_project(owner, title="First"), make_project(owner, title="Second")
    add_member(first, busy, allocation=60)
    response = client_for(owner).post(members_url(second.pk), {"user_id": busy.pk, "allocation": 40}, format="json")
    assert (body_of(response)["total_allocation"], body_of(response)["over_allocated"]) == (100, False)


def test_member_patch_changes_role_and_allocation() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Roles")
    member = add_member(project, dev, role="manager", allocation=20)
    client = client_for(owner)
    url = member_url(project.pk, member.pk)

    response = client.patch(
        url, {"role": "stakeholder", "allocation": 35}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )

    assert response.status_code == 200, response.content
    body = body_of(response)
    assert (body["role"], body["allocation"], body["version"]) == ("stakeholder", 35, member.version + 1)
    latest = Activity.objects.latest("id")
    assert latest.verb == "member.updated"
    assert latest.changes == {"role": ["manager", "stakeholder"], "allocation": [20, 35]}
    # Demoted to stakeholder: may no longer edit.
    dev_client = client_for(dev)
    denied = dev_client.patch(
        project_url(project.pk),
        {"description": "x"},
        format="json",
        HTTP_IF_MATCH=etag_of(dev_client, project_url(project.pk)),
    )
    assert_error(denied, 403, "permission_denied")


def test_member_removal_unassigns_their_milestones_and_revokes_access() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Leaving")
    member = add_member(project, dev, role="developer")
    mine = make_milestone(project, title="Dev's work", assignee_id=dev.pk)
    other = make_milestone(project, title="Someone else's")
    client = client_for(owner)
    url = member_url(project.pk, member.pk)
    milestone_etag = etag_of(client, milestone_url(project.pk, mine.pk))

    response = client.delete(url, HTTP_IF_MATCH=etag_of(client, url))

    assert response.status_code == 204
    assert_error(client.get(url), 404)
    unassigned = client.get(milestone_url(project.pk, mine.pk))
    assert body_of(unassigned)["assignee"] is None
    assert unassigned["ETag"] != milestone_etag
    assert Milestone.objects.get(pk=other.pk).version == other.version
    latest = Activity.objects.latest("id")
    assert latest.verb == "member.removed"
    assert latest.metadata["unassigned_milestones"] == [mine.pk]
    assert_error(client_for(dev).get(project_url(project.pk)), 404)
    assert dev.pk not in {m["user"]["id"] for m in _project_body(client, project.pk)["members"]}


def test_owner_cannot_be_removed_from_the_team() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Mine")
    client = client_for(owner)
    owner_member = body_of(client.get(members_url(project.pk)))["results"][0]
    url = member_url(project.pk, owner_member["id"])
    before = state()
    assert_error(client.delete(url, HTTP_IF_MATCH=etag_of(client, url)), 409)
    assert state() == before


# ------------------------------------------------------------------ milestones


def test_milestone_create_201_location_etag_and_bumps_project() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Milestones")
    add_member(project, dev)
    client = client_for(owner)
    project_before = _project_body(client, project.pk)

    response = client.post(
        milestones_url(project.pk),
        {
            "title": "  Design  ",
            "description": "Wireframes",
            "start_date": "2030-01-01",
            "due_date": "2030-02-01",
            "progress": 30,
            "weight": 2,
            "assignee_id": dev.pk,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = body_of(response)
    assert body["title"] == "Design"
    assert body["assignee"]["id"] == dev.pk
    assert (body["status"], body["weight"], body["progress"]) == ("pending", 2, 30)
    assert response["Location"] == f"http://testserver{milestone_url(project.pk, body['id'])}"
    assert response["ETag"] == body["etag"] == etag_of(client, response["Location"])
    project_after = _project_body(client, project.pk)
    assert project_after["version"] == project_before["version"] + 1
    assert project_after["progress"] == 30
    assert project_after["progress_mode"] == "milestones"
    assert project_after["milestone_summary"]["total"] == 1
    latest = Activity.objects.latest("id")
    assert latest.verb == "milestone.created"
    assert latest.changes["title"] == [None, "Design"]


def test_project_progress_is_the_weighted_mean_of_milestones() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Weighted", progress=10)
    client = client_for(owner)
    assert _project_body(client, project.pk)["progress_mode"] == "manual"

    heavy = client.post(milestones_url(project.pk), {"title": "Heavy", "progress": 100, "weight": 3}, format="json")
    light = client.post(milestones_url(project.pk), {"title": "Light", "progress": 0, "weight": 1}, format="json")
    assert heavy.status_code == light.status_code == 201
    assert _project_body(client, project.pk)["progress"] == 75

    light_url = light["Location"]
    patched = client.patch(light_url, {"progress": 20}, format="json", HTTP_IF_MATCH=light["ETag"])
    assert patched.status_code == 200
    assert _project_body(client, project.pk)["progress"] == 80  # (100*3 + 20) / 4

    version = _project_body(client, project.pk)["version"]
    deleted = client.delete(heavy["Location"], HTTP_IF_MATCH=heavy["ETag"])
    assert deleted.status_code == 204
    after = _project_body(client, project.pk)
    assert after["progress"] == 20
    assert after["version"] == version + 1
    assert_error(client.get(heavy["Location"]), 404)
    assert [m["id"] for m in body_of(client.get(milestones_url(project.pk)))["results"]] == [body_of(light)["id"]]


def test_project_progress_cannot_be_set_by_hand_while_milestones_exist() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Derived")
    make_milestone(project, title="Only", progress=40)
    client = client_for(owner)
    url = project_url(project.pk)
    before = state()
    response = client.patch(url, {"progress": 90}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert "progress" in assert_error(response, 400)["details"]
    assert state() == before


def test_done_milestone_is_complete_and_reopening_clears_completion() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Done")
    milestone = make_milestone(project, title="Ship", progress=70)
    client = client_for(owner)
    url = milestone_url(project.pk, milestone.pk)

    done = client.patch(url, {"status": "done"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert done.status_code == 200
    assert (body_of(done)["progress"], body_of(done)["completed_at"] is not None) == (100, True)
    assert _project_body(client, project.pk)["milestone_summary"]["done"] == 1

    reopened = client.patch(url, {"status": "in_progress"}, format="json", HTTP_IF_MATCH=done["ETag"])
    assert reopened.status_code == 200
    assert body_of(reopened)["completed_at"] is None


def test_milestone_put_resets_omitted_fields() -> None:
    owner, dev = make_user("owner"), make_user("dev")
    project = make_project(owner, title="Put")
    add_member(project, dev)
    milestone = make_milestone(project, title="Full", description="text", weight=5, assignee_id=dev.pk, progress=30)
    client = client_for(owner)
    url = milestone_url(project.pk, milestone.pk)

    response = client.put(url, {"title": "Bare"}, format="json", HTTP_IF_MATCH=etag_of(client, url))

    assert response.status_code == 200, response.content
    body = body_of(response)
    assert (body["title"], body["description"], body["weight"], body["assignee"], body["progress"]) == (
        "Bare",
        "",
        1,
        None,
        0,
    )


def test_milestone_update_records_before_and_after() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="History")
    milestone = make_milestone(project, title="Track me", progress=10)
    client = client_for(owner)
    url = milestone_url(project.pk, milestone.pk)
    response = client.patch(url, {"progress": 45}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 200
    latest = Activity.objects.latest("id")
    assert (latest.verb, latest.target_id, latest.changes) == (
        "milestone.updated",
        milestone.pk,
        {"progress": [10, 45]},
    )


def test_assignee_must_be_a_member() -> None:
    owner, stranger = make_user("owner"), make_user("stranger")
    project = make_project(owner, title="Members only")
    milestone = make_milestone(project, title="Work")
    client = client_for(owner)
    url = milestone_url(project.pk, milestone.pk)
    before = state()
    response = client.patch(url, {"assignee_id": stranger.pk}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert "assignee_id" in assert_error(response, 400)["details"]
    assert state() == before


def test_milestones_are_listed_by_due_date() -> None:
    owner = make_user("owner")
    project = make_project(owner, title="Ordered")
    late = make_milestone(project, title="Late", due_date=datetime.date(2031, 1, 1))
    early = make_milestone(project, title="Early", due_date=datetime.date(2030, 1, 1))
    body = body_of(client_for(owner).get(milestones_url(project.pk)))
    assert body["count"] == 2
    assert [m["id"] for m in body["results"]] == [early.pk, late.pk]
