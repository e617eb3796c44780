"""Handing one project to a new owner through project_update, by the rules of the bulk change_owner."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.activity.models import Activity
from pulse.bulk.models import BulkAction, BulkOperation, BulkStatus
from pulse.bulk.services import bulk_operation_execute
from pulse.projects import services
from pulse.projects.models import Project, Role, TeamMember
from pulse.realtime.consumers import changes_access
from pulse.realtime.events import envelope, group_of, project_group
from pulsekit.errors import Forbidden, NotFound, ValidationFailed
from pulsekit.versioning import StaleVersion, make_etag
from tests.conftest import Cast
from tests.factories import add_member, make_project, make_user

pytestmark = pytest.mark.django_db


def _hand_over(project: Project, actor: Any, owner_id: int, **data: Any) -> Project:
    return services.project_update(
        project_id=project.pk, expected_version=project.version, actor=actor, data={"owner_id": owner_id, **data}
    )


def _team(project_id: int) -> set[tuple[int, str, int]]:
    return set(TeamMember.objects.filter(project_id=project_id).values_list("user_id", "role", "allocation"))


def test_the_owner_hands_the_project_to_someone_outside_the_team_who_becomes_a_lead(cast: Cast) -> None:
    heir = make_user("heir")
    before = Activity.objects.count()

    updated = _hand_over(cast.project, cast.owner, heir.pk)

    assert Project.objects.get(pk=cast.project.pk).owner_id == heir.pk
    assert updated.owner_id == heir.pk
    assert updated.version == cast.project.version + 1
    assert TeamMember.objects.get(project=cast.project, user=heir).role == Role.LEAD
    # The previous owner stays on the team as the lead they were.
    assert TeamMember.objects.get(project=cast.project, user=cast.owner).role == Role.LEAD
    assert Activity.objects.count() == before + 1
    activity = Activity.objects.latest("id")
    assert (activity.verb, activity.changes) == ("project.updated", {"owner_id": [cast.owner.pk, heir.pk]})
    assert (activity.project_id, activity.version) == (cast.project.pk, updated.version)
    assert activity.actor_id == cast.owner.pk


def test_the_event_goes_to_the_project_and_makes_subscribers_recheck_access(cast: Cast) -> None:
    heir = make_user("heir")
    _hand_over(cast.project, cast.owner, heir.pk)
    activity = Activity.objects.latest("id")

    event = envelope(activity, prev_id=None)

    assert group_of(activity) == project_group(cast.project.pk)
    assert event["type"] == "project.updated"
    assert event["data"]["changes"] == {"owner_id": [cast.owner.pk, heir.pk]}
    assert changes_access(event)


def test_a_member_who_becomes_owner_keeps_their_role_and_allocation(cast: Cast) -> None:
    _hand_over(cast.project, cast.owner, cast.developer.pk)

    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.developer.pk
    assert TeamMember.objects.filter(project=cast.project, user=cast.developer).get().role == Role.DEVELOPER
    assert TeamMember.objects.get(project=cast.project, user=cast.developer).allocation == 20


def test_staff_may_hand_over_a_project_they_do_not_own(cast: Cast) -> None:
    _hand_over(cast.project, cast.staff, cast.manager.pk)
    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.manager.pk


def test_owner_and_other_fields_change_in_one_version_and_one_activity(cast: Cast) -> None:
    heir = make_user("heir")
    before = Activity.objects.count()

    updated = _hand_over(cast.project, cast.owner, heir.pk, description="Handed over")

    assert updated.version == cast.project.version + 1
    assert Activity.objects.count() == before + 1
    assert Activity.objects.latest("id").changes == {
        "owner_id": [cast.owner.pk, heir.pk],
        "description": ["Moon landing programme", "Handed over"],
    }


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_editors_who_are_not_the_owner_may_not_hand_it_over(cast: Cast, role: str) -> None:
    heir = make_user("heir")
    count, team = Activity.objects.count(), _team(cast.project.pk)

    with pytest.raises(Forbidden):
        _hand_over(cast.project, getattr(cast, role), heir.pk)

    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.owner.pk
    assert (Activity.objects.count(), _team(cast.project.pk)) == (count, team)


def test_an_editor_may_send_the_current_owner_unchanged_with_other_fields(cast: Cast) -> None:
    updated = _hand_over(cast.project, cast.lead, cast.owner.pk, description="Lead's edit")
    assert (updated.owner_id, updated.description) == (cast.owner.pk, "Lead's edit")
    assert "owner_id" not in Activity.objects.latest("id").changes


def test_who_may_not_see_the_project_gets_not_found_and_a_stakeholder_forbidden(cast: Cast) -> None:
    with pytest.raises(NotFound):
        _hand_over(cast.project, cast.outsider, cast.outsider.pk)
    with pytest.raises(Forbidden):
        _hand_over(cast.project, cast.stakeholder, cast.stakeholder.pk)


def test_an_unknown_or_inactive_user_is_refused_on_owner_id(cast: Cast) -> None:
    gone = make_user("gone", is_active=False)
    count = Activity.objects.count()
    for owner_id in (gone.pk, 987654321):
        with pytest.raises(ValidationFailed) as raised:
            _hand_over(cast.project, cast.owner, owner_id)
        assert raised.value.details == {"owner_id": ["No active user with this id."]}
    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.owner.pk
    assert not TeamMember.objects.filter(project=cast.project, user=gone).exists()
    assert Activity.objects.count() == count


def test_a_stale_version_hands_nothing_over(cast: Cast) -> None:
    heir = make_user("heir")
    services.project_update(
        project_id=cast.project.pk, expected_version=cast.project.version, actor=cast.owner, data={"progress": 5}
    )

    with pytest.raises(StaleVersion):
        _hand_over(cast.project, cast.owner, heir.pk)

    assert Project.objects.get(pk=cast.project.pk).owner_id == cast.owner.pk
    assert not TeamMember.objects.filter(project=cast.project, user=heir).exists()


def test_put_without_owner_id_keeps_the_owner(cast: Cast) -> None:
    updated = services.project_update(
        project_id=cast.project.pk,
        expected_version=cast.project.version,
        actor=cast.owner,
        data={"title": "Apollo"},
        replace=True,
    )
    assert updated.owner_id == cast.owner.pk


def _bulk_change_owner(project: Project, actor: Any, owner_id: int) -> BulkOperation:
    operation = BulkOperation.objects.create(
        requested_by=actor,
        action=BulkAction.CHANGE_OWNER,
        params={"owner_id": owner_id},
        items=[{"id": project.pk, "etag": make_etag("project", project.pk, project.version)}],
        total=1,
    )
    done = bulk_operation_execute(operation_id=operation.pk)
    assert done is not None and done.status == BulkStatus.SUCCEEDED, done and done.report
    return done


def _outcome(project_id: int, version_before: int) -> dict[str, Any]:
    project = Project.objects.get(pk=project_id)
    activity = Activity.objects.filter(project_id=project_id).latest("id")
    assert activity.version is not None
    return {
        "owner_id": project.owner_id,
        "versions_moved": project.version - version_before,
        "team": _team(project_id),
        "activity": (activity.verb, activity.actor_id, activity.changes, activity.version - version_before),
    }


@pytest.mark.parametrize("heir_on_team", [False, True], ids=["new-person", "member"])
def test_the_result_equals_a_bulk_change_owner_of_that_one_project(heir_on_team: bool) -> None:
    owner, heir, colleague = make_user("owner"), make_user("heir"), make_user("colleague")
    edited, bulked = make_project(owner, title="By the form"), make_project(owner, title="By bulk")
    for project in (edited, bulked):
        add_member(project, colleague, role=Role.MANAGER, allocation=30)
        if heir_on_team:
            add_member(project, heir, role=Role.QA, allocation=10)
        project.refresh_from_db()

    _hand_over(edited, owner, heir.pk)
    _bulk_change_owner(bulked, owner, heir.pk)

    assert _outcome(edited.pk, edited.version) == _outcome(bulked.pk, bulked.version)
