"""Every bulk action on one project leaves the same row, activity and notifications as the
single-project service that does the same thing (SPEC §7: one set of domain rules)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from pulse.activity.models import Activity
from pulse.bulk import services as bulk_services
from pulse.bulk.models import BulkAction, BulkOperation, BulkStatus
from pulse.notifications.models import Notification
from pulse.projects import services
from pulse.projects.models import Project, Role, TeamMember
from tests.background.support import bulk_fields, items_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

BULK_KEYS = {"bulk_operation_id", "action"}


def _pair(owner: Any, colleague: Any) -> list[Project]:
    """Two projects alike in everything a change could read (but their titles)."""
    made = []
    for n in range(2):
        project = make_project(
            owner,
            title=f"Twin {n} {make_user().pk}",
            start_date=datetime.date(2030, 1, 1),
            due_date=datetime.date(2030, 6, 30),
            tag_ids=[make_tag(owner, f"twin-tag-{n}-{make_user().pk}").pk],
        )
        make_milestone(project, title="Kick-off", due_date=datetime.date(2020, 1, 1))
        add_member(project, colleague, role=Role.DEVELOPER)
        made.append(project)
    return list(Project.objects.filter(pk__in=[p.pk for p in made]).order_by("pk"))


def _row(pk: int) -> dict[str, Any]:
    p = Project.all_objects.get(pk=pk)
    return {
        **bulk_fields(p),
        "deleted": p.deleted_at is not None,
        "deleted_by_id": p.deleted_by_id,
        "version": p.version,
        "progress": p.progress,
        "team": sorted(TeamMember.objects.filter(project_id=pk).values_list("user_id", "role")),
    }


def _activity(pk: int, since: int) -> list[dict[str, Any]]:
    rows = Activity.objects.filter(project_id=pk, id__gt=since).order_by("id")
    return [
        {
            "verb": a.verb,
            "actor_id": a.actor_id,
            "target_type": a.target_type,
            "version": a.version,
            # The deletion time is the moment each ran; the title differs between the twins.
            "changes": {k: (v if k != "deleted_at" else [x is not None for x in v]) for k, v in a.changes.items()},
            "metadata": sorted(set(a.metadata) - BULK_KEYS),
        }
        for a in rows
    ]


def _told(since: int, title: str) -> list[tuple[Any, ...]]:
    """Who was told what (the project's title, which differs between the twins, as ``<title>``)."""
    rows = Notification.objects.filter(id__gt=since).values_list("recipient_id", "kind", "title", "body", "project_id")
    return sorted(
        (user, kind, text.replace(title, "<title>"), body.replace(title, "<title>"), project is not None)
        for user, kind, text, body, project in rows
    )


# (action, bulk params, the single-project call doing the same)
CASES: list[tuple[str, Any, Any]] = [
    (
        "transition",
        lambda w: {"name": "start"},
        lambda w, p: services.project_transition(
            project_id=p.pk, name="start", expected_version=p.version, actor=w["owner"]
        ),
    ),
    (
        "set_health_override",
        lambda w: {"health": "off_track", "reason": "Strike"},
        lambda w, p: services.project_update(
            project_id=p.pk,
            expected_version=p.version,
            actor=w["owner"],
            data={"health_override": "off_track", "health_override_reason": "Strike"},
        ),
    ),
    (
        "add_tags",
        lambda w: {"tag_ids": [w["tag"].pk]},
        lambda w, p: services.project_update(
            project_id=p.pk,
            expected_version=p.version,
            actor=w["owner"],
            data={"tag_ids": [*p.tags.values_list("pk", flat=True), w["tag"].pk]},
        ),
    ),
    (
        "replace_tags",
        lambda w: {"tag_ids": [w["tag"].pk]},
        lambda w, p: services.project_update(
            project_id=p.pk, expected_version=p.version, actor=w["owner"], data={"tag_ids": [w["tag"].pk]}
        ),
    ),
    (
        "remove_tags",
        lambda w: {"tag_ids": list(w["pair_tags"])},
        lambda w, p: services.project_update(
            project_id=p.pk, expected_version=p.version, actor=w["owner"], data={"tag_ids": []}
        ),
    ),
    (
        "change_owner",
        lambda w: {"owner_id": w["heir"].pk},
        lambda w, p: services.project_update(
            project_id=p.pk, expected_version=p.version, actor=w["owner"], data={"owner_id": w["heir"].pk}
        ),
    ),
    (
        "shift_due_date",
        lambda w: {"days": 10},
        lambda w, p: services.project_update(
            project_id=p.pk, expected_version=p.version, actor=w["owner"], data={"due_date": datetime.date(2030, 7, 10)}
        ),
    ),
    (
        "set_due_date",
        lambda w: {"due_date": "2030-12-31"},
        lambda w, p: services.project_update(
            project_id=p.pk,
            expected_version=p.version,
            actor=w["owner"],
            data={"due_date": datetime.date(2030, 12, 31)},
        ),
    ),
    (
        "delete",
        lambda w: {},
        lambda w, p: services.project_delete(project_id=p.pk, expected_version=p.version, actor=w["owner"]),
    ),
]


def _override(w: dict[str, Any], p: Project) -> None:
    services.project_update(
        project_id=p.pk,
        expected_version=p.version,
        actor=w["owner"],
        data={"health_override": "on_track", "health_override_reason": "Fine"},
    )


def _start(w: dict[str, Any], p: Project) -> None:
    services.project_transition(project_id=p.pk, name="start", expected_version=p.version, actor=w["owner"])


def _trash(w: dict[str, Any], p: Project) -> None:
    services.project_delete(project_id=p.pk, expected_version=p.version, actor=w["owner"])


# Actions that need the project in some state first: (action, prepare each twin, bulk params, single call)
PREPARED: list[tuple[str, Any, Any, Any]] = [
    (
        "clear_health_override",
        _override,
        lambda w: {},
        lambda w, p: services.project_update(
            project_id=p.pk, expected_version=p.version, actor=w["owner"], data={"health_override": None}
        ),
    ),
    (
        "transition",  # to a status whose name is two words: both tell "on hold"
        _start,
        lambda w: {"name": "hold"},
        lambda w, p: services.project_transition(
            project_id=p.pk, name="hold", expected_version=p.version, actor=w["owner"]
        ),
    ),
    ("restore", _trash, lambda w: {}, lambda w, p: services.project_restore(project_id=p.pk, actor=w["owner"])),
]
CASES = [*CASES, *PREPARED]  # type: ignore[list-item]


def test_every_action_has_a_case() -> None:
    covered = {c[0] for c in CASES} | {"undo"}  # undo: tests/apis/test_bulk_undo.py
    assert covered == set(BulkAction.values) == set(bulk_services.ACTIONS)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_bulk_action_on_one_project_is_the_single_project_service(case: tuple[Any, ...]) -> None:
    action, params_of, single = case[0], case[-2], case[-1]
    owner, colleague, heir = make_user("twin-owner"), make_user("twin-colleague"), make_user("twin-heir")
    alone, in_bulk = _pair(owner, colleague)
    world = {"owner": owner, "heir": heir, "tag": make_tag(owner, f"twin-new-{owner.pk}")}
    if len(case) == 4:
        for twin in (alone, in_bulk):
            case[1](world, twin)
        alone, in_bulk = (Project.all_objects.get(pk=p.pk) for p in (alone, in_bulk))
    world["pair_tags"] = set(in_bulk.tags.values_list("pk", flat=True))
    since = Activity.objects.order_by("-id").values_list("id", flat=True).first() or 0
    told = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0

    single(world, alone)
    single_told = _told(told, alone.title)
    told = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    operation, _ = bulk_services.bulk_operation_request(
        actor=owner, action=action, params=params_of(world), items=items_for([in_bulk])
    )
    done = bulk_services.bulk_operation_execute(operation_id=operation.pk)

    assert done is not None and done.status == BulkStatus.SUCCEEDED, done and done.report
    assert _row(in_bulk.pk) == _row(alone.pk)
    single_rows, bulk_rows = _activity(alone.pk, since), _activity(in_bulk.pk, since)
    if action in ("add_tags", "replace_tags", "remove_tags"):  # the twins' own tags differ by name
        for rows in (single_rows, bulk_rows):
            for row in rows:
                row["changes"]["tags"] = [len(v) for v in row["changes"]["tags"]]
    assert bulk_rows == single_rows
    assert _told(told, in_bulk.title) == single_told
    assert not BulkOperation.objects.filter(status=BulkStatus.FAILED).exists()
