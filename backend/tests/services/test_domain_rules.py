"""The projects domain's rules (pulse/projects/rules/), each defined once: the forms the bulk path uses
(plain owner id and role) agree with the forms the single-project services and APIs use (a project),
and a refusal reads the same from the API's pre-check and from the service behind it."""

from __future__ import annotations

import datetime
from typing import Any

import orjson
import pytest

from pulse.projects import services
from pulse.projects.models import ProjectStatus, Role
from pulse.projects.rules import permissions
from pulse.projects.rules.activity import ACTIVITY_COLUMNS, project_activity, project_activity_values
from pulse.projects.rules.lifecycle import TRANSITIONS, allowed_transitions, transition_problem, transition_target
from pulse.projects.rules.validation import OVERRIDE_REASON_REQUIRED, dates_in_order, override_reason_problem
from pulsekit.errors import Forbidden
from pulsekit.fields import CONTROL_CHARS_MESSAGE
from tests.conftest import client_for
from tests.factories import add_member, make_project, make_user

pytestmark = pytest.mark.django_db


def test_the_plain_value_predicates_are_the_project_ones_for_every_role() -> None:
    owner, staff = make_user("rules-owner"), make_user("rules-staff", is_staff=True)
    project = make_project(owner)
    people: list[tuple[Any, str | None]] = [(owner, Role.LEAD), (staff, None), (make_user("rules-stranger"), None)]
    for role in Role.values:
        user = make_user(f"rules-{role}")
        add_member(project, user, role=role)
        people.append((user, role))
    for user, role in people:
        assert permissions.may_view(user, owner_id=owner.pk, role=role) == permissions.can_view(user, project)
        assert permissions.may_edit(user, owner_id=owner.pk, role=role) == permissions.can_edit(user, project)
        assert permissions.may_own(user, owner_id=owner.pk) == permissions.can_delete(user, project)
    editors = {u.pk for u, _ in people if permissions.can_edit(u, project)}
    assert editors == {owner.pk, staff.pk} | {u.pk for u, r in people if r in (Role.LEAD, Role.MANAGER)}


def test_a_refusal_reads_the_same_from_the_api_and_from_the_service() -> None:
    owner, developer = make_user("refusal-owner"), make_user("refusal-dev")
    project = make_project(owner)
    add_member(project, developer, role=Role.DEVELOPER)
    response = client_for(developer).post(f"/api/v1/projects/{project.pk}/transitions/start/", HTTP_IF_MATCH="*")
    assert response.status_code == 403, response.content
    with pytest.raises(Forbidden) as refused:
        services.project_transition(project_id=project.pk, name="start", expected_version=2, actor=developer)
    assert refused.value.message == permissions.EDITOR_REFUSALS["transition"]
    assert response.json()["error"]["message"] == permissions.EDITOR_REFUSALS["transition"]


@pytest.mark.parametrize("status", ProjectStatus.values)
def test_the_lifecycle_table_answers_alike_in_every_form(status: str) -> None:
    for name in TRANSITIONS:
        problem = transition_problem(name, status)
        assert (problem is None) == (name in allowed_transitions(status))
        if problem is not None:
            assert problem == f"Cannot {name} a project that is {status}."
        assert transition_target(name) in ProjectStatus.values


def test_field_and_date_rules_refuse_what_the_database_would() -> None:
    day = datetime.date(2030, 1, 2)
    assert dates_in_order(day, day) and dates_in_order(None, day) and dates_in_order(day, None)
    assert not dates_in_order(day, day - datetime.timedelta(days=1))
    assert override_reason_problem("Supplier late") is None
    assert override_reason_problem("  ") == OVERRIDE_REASON_REQUIRED
    assert override_reason_problem(None) == OVERRIDE_REASON_REQUIRED
    assert override_reason_problem("x" * 501) == "Ensure this field has no more than 500 characters."
    assert override_reason_problem("late\x00") == CONTROL_CHARS_MESSAGE


def test_the_set_based_activity_row_is_the_single_project_one() -> None:
    actor = make_user("rules-actor")
    now = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    changes = {"status": ["planning", "active"], "due_date": [datetime.date(2030, 1, 1), None]}
    fields = project_activity(
        verb="project.transitioned", actor=actor, project_id=7, version=3, changes=changes, title="T", transition="x"
    )
    row = dict(zip(ACTIVITY_COLUMNS, project_activity_values(*_in_order(fields, actor), now), strict=True))
    assert row == {
        "verb": fields["verb"],
        "actor_id": actor.pk,
        "target_type": fields["target_type"],
        "target_id": fields["target_id"],
        "project_id": fields["project_id"],
        "version": fields["version"],
        "changes": orjson.dumps(changes, default=str).decode(),
        "metadata": orjson.dumps(fields["metadata"]).decode(),
        "created_at": now,
    }
    assert (fields["target_type"], fields["target_id"]) == ("project", 7)
    assert fields["metadata"] == {"title": "T", "transition": "x"}


def _in_order(fields: dict[str, Any], actor: Any) -> tuple[Any, ...]:
    metadata = dict(fields["metadata"])
    title = metadata.pop("title")
    return (fields["verb"], actor, fields["project_id"], fields["version"], fields["changes"], title, metadata)
