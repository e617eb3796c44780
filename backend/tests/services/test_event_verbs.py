"""One test per event verb: the action that emits it records exactly that event, in the published shape.

The verbs are ``pulse.realtime.events.EVENT_TYPES``, the registry every Activity row is checked
against: a verb added there without a case here fails ``test_every_registered_verb_has_a_case``.
Each case runs the real service (or job, or webhook processing) on fresh data; the Activity rows
it wrote are the events the outbox publishes, built into the envelope with the outbox's own
``envelope`` and validated against ``pulse/realtime/event.schema.json``.
"""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import pytest
from django.utils import timezone

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.bulk.services import bulk_operation_execute, bulk_operation_request
from pulse.notifications.models import EmailStatus, Notification
from pulse.notifications.services import mandrill_events_process
from pulse.projects import services
from pulse.projects.jobs import trash_purge
from pulse.projects.models import Project, Role
from pulse.realtime.events import EVENT_TYPES, envelope, group_of
from pulsekit.versioning import make_etag
from tests.factories import add_member, fresh, make_milestone, make_project, make_tag, make_user

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "pulse" / "realtime" / "event.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text()))

pytestmark = pytest.mark.django_db


@dataclass
class World:
    owner: User
    staff: User
    member: User
    project: Project


Action = Callable[[World], object]


def _transition(w: World) -> object:
    name = services.allowed_transitions(w.project.status)[0]
    return services.project_transition(
        project_id=w.project.pk, name=name, expected_version=w.project.version, actor=w.owner
    )


def _deleted(w: World) -> Project:
    return services.project_delete(project_id=w.project.pk, expected_version=w.project.version, actor=w.owner)


def _member_added(w: World) -> object:
    return add_member(w.project, w.member, role=Role.DEVELOPER)


def _member_updated(w: World) -> object:
    m = _member_added(w)
    return lambda: services.member_update(
        project_id=w.project.pk, member_id=m.pk, expected_version=m.version, actor=w.owner, data={"allocation": 30}
    )


def _member_removed(w: World) -> object:
    m = _member_added(w)
    return lambda: services.member_remove(
        project_id=w.project.pk, member_id=m.pk, expected_version=m.version, actor=w.owner
    )


def _milestone_updated(w: World) -> object:
    m = make_milestone(w.project)
    return lambda: services.milestone_update(
        project_id=w.project.pk, milestone_id=m.pk, expected_version=m.version, actor=w.owner, data={"title": "Beta"}
    )


def _milestone_deleted(w: World) -> object:
    m = make_milestone(w.project)
    return lambda: services.milestone_delete(
        project_id=w.project.pk, milestone_id=m.pk, expected_version=m.version, actor=w.owner
    )


def _tag_updated(w: World) -> object:
    tag = make_tag(w.staff)
    return lambda: services.tag_update(
        tag_id=tag.pk, expected_version=tag.version, actor=w.staff, data={"name": f"renamed-{tag.pk}"}
    )


def _tag_deleted(w: World) -> object:
    tag = make_tag(w.staff)
    return lambda: services.tag_delete(tag_id=tag.pk, expected_version=tag.version, actor=w.staff)


def _restored(w: World) -> object:
    _deleted(w)
    return lambda: services.project_restore(project_id=w.project.pk, actor=w.owner)


def _purged(w: World) -> object:
    _deleted(w)
    return lambda: trash_purge(now=timezone.now() + datetime.timedelta(days=3650))


def _bulk_completed(w: World) -> object:
    project = fresh(w.project)
    operation, _ = bulk_operation_request(
        actor=w.owner,
        action="set_health_override",
        params={"health": "at_risk", "reason": "Supplier is late"},
        items=[{"id": project.pk, "etag": make_etag("project", project.pk, project.version)}],
    )
    return lambda: bulk_operation_execute(operation_id=operation.pk)


def _delivered(w: World) -> object:
    n = Notification.objects.create(
        recipient=w.member,
        kind="member_added",
        title="You joined Apollo",
        dedupe_key=uuid.uuid4().hex,
        email_status=EmailStatus.PENDING,
        email_message_id=f"msg-{uuid.uuid4().hex[:12]}",
    )
    event = {"event": "send", "_id": n.email_message_id, "msg": {"_id": n.email_message_id}, "ts": 1_700_000_000}
    return lambda: mandrill_events_process(events=[event])


# verb -> (setup returning the action, or the action itself when setup is nothing; the verbs it records)
# A setup that returns a callable defers the action, so rows written while preparing are not counted.
CASES: dict[str, tuple[Callable[[World], object], list[str]]] = {
    "project.created": (lambda w: lambda: make_project(w.owner, title="Fresh"), ["project.created"]),
    "project.updated": (
        lambda w: (
            lambda: services.project_update(
                project_id=w.project.pk, expected_version=w.project.version, actor=w.owner, data={"title": "Renamed"}
            )
        ),
        ["project.updated"],
    ),
    "project.transitioned": (lambda w: lambda: _transition(w), ["project.transitioned"]),
    "project.deleted": (lambda w: lambda: _deleted(w), ["project.deleted"]),
    "project.restored": (_restored, ["project.restored"]),
    "project.purged": (_purged, ["project.purged"]),
    "member.added": (lambda w: lambda: _member_added(w), ["member.added"]),
    "member.updated": (_member_updated, ["member.updated"]),
    "member.removed": (_member_removed, ["member.removed"]),
    "milestone.created": (lambda w: lambda: make_milestone(w.project, title="Alpha"), ["milestone.created"]),
    "milestone.updated": (_milestone_updated, ["milestone.updated"]),
    "milestone.deleted": (_milestone_deleted, ["milestone.deleted"]),
    "tag.created": (lambda w: lambda: make_tag(w.staff, "fresh-tag"), ["tag.created"]),
    "tag.updated": (_tag_updated, ["tag.updated"]),
    "tag.deleted": (_tag_deleted, ["tag.deleted"]),
    # The bulk run records each project's change and then the requester's summary.
    "bulk.completed": (_bulk_completed, ["project.updated", "bulk.completed"]),
    "notification.delivered": (_delivered, ["notification.delivered"]),
}


def test_every_registered_verb_has_a_case() -> None:
    assert sorted(CASES) == sorted(EVENT_TYPES), "add a case for each new verb (and drop cases of removed ones)"


@pytest.mark.parametrize("verb", sorted(EVENT_TYPES))
def test_the_action_records_exactly_its_event_in_the_published_shape(verb: str) -> None:
    setup, expected = CASES[verb]
    owner = make_user("owner")
    world = World(
        owner=owner,
        staff=make_user("staff", is_staff=True),
        member=make_user("member"),
        project=make_project(owner, title="Apollo", due_date=datetime.date.today() + datetime.timedelta(days=30)),
    )
    action = setup(world)
    assert callable(action)
    mark = Activity.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    action()

    rows = list(Activity.objects.filter(pk__gt=mark).select_related("actor").order_by("pk"))
    assert [row.verb for row in rows] == expected
    row = next(r for r in rows if r.verb == verb)
    assert group_of(row) is not None, f"{verb}: an event nobody receives"
    previous = (
        Activity.objects.filter(project_id=row.project_id, pk__lt=row.pk).order_by("-pk").values_list("pk", flat=True)
        if row.project_id is not None
        else Activity.objects.none().values_list("pk", flat=True)
    ).first()
    event = envelope(row, prev_id=previous)
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in VALIDATOR.iter_errors(event)]
    assert not errors, f"{verb}: {errors}\n{event}"
    assert event["type"] == verb
