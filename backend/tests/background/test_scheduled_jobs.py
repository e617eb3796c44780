"""Scheduled jobs (Celery beat entries), each run by the real worker, then rerun to show idempotence."""

from __future__ import annotations

import datetime
from typing import Any

from celery.schedules import crontab
from django.conf import settings
from django.utils import timezone

from config.celery import app
from pulse.activity.models import Activity
from pulse.notifications import jobs as notification_jobs
from pulse.notifications.models import EmailStatus, Notification, NotificationKind
from pulse.notifications.tasks import daily_digest_task, milestones_due_soon_task
from pulse.projects import jobs as project_jobs
from pulse.projects import services
from pulse.projects.models import Milestone, MilestoneStatus, Project, Role, TeamMember
from pulse.projects.tasks import health_recompute_task, milestones_mark_missed_task, trash_purge_task
from pulse.realtime.events import project_group
from pulse.realtime.tasks import outbox_sweep_task
from tests.background.conftest import StreamListener, Worker
from tests.background.support import wait_until
from tests.factories import add_member, make_milestone, make_project, make_user


def _today() -> datetime.date:
    return timezone.localdate()


def test_every_beat_entry_names_a_task_the_worker_runs(worker: Worker) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    registered = app.control.inspect([worker.name], timeout=5).registered()
    assert registered and worker.name in registered, "worker did not answer inspect"
    assert {entry["task"] for entry in schedule.values()} <= set(registered[worker.name])
    assert {entry["task"] for entry in schedule.values()} == {
        "pulse.realtime.tasks.outbox_sweep_task",
        "pulse.projects.tasks.trash_purge_task",
        "pulse.projects.tasks.health_recompute_task",
        "pulse.projects.tasks.milestones_mark_missed_task",
        "pulse.notifications.tasks.milestones_due_soon_task",
        "pulse.notifications.tasks.daily_digest_task",
        "pulse.accounts.tasks.tokens_flush_expired_task",
        "pulse.notifications.tasks.webhook_events_purge_task",
    }
    hourly = schedule["recompute-health"]["schedule"]
    daily = [
        schedule[name]["schedule"]
        for name in ("purge-trash", "daily-digest", "flush-expired-tokens", "purge-webhook-events")
    ]
    assert isinstance(hourly, crontab) and hourly.hour == set(range(24)) and len(hourly.minute) == 1
    assert all(isinstance(s, crontab) and len(s.hour) == 1 and len(s.minute) == 1 for s in daily)


def test_trash_is_purged_after_thirty_days(worker: Worker) -> None:
    owner = make_user("purge-owner")
    old, recent, live = (make_project(owner) for _ in range(3))
    make_milestone(old, title="Gone with it")
    for project in (old, recent):
        project.refresh_from_db()
        services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    now = timezone.now()
    Project.all_objects.filter(pk=old.pk).update(deleted_at=now - datetime.timedelta(days=31))
    Project.all_objects.filter(pk=recent.pk).update(deleted_at=now - datetime.timedelta(days=29))

    trash_purge_task.delay()
    wait_until(lambda: not Project.all_objects.filter(pk=old.pk).exists(), 30, what="old trash purged")

    assert Project.all_objects.get(pk=recent.pk).deleted_at is not None  # 29 days: kept, still in the trash
    assert Project.objects.filter(pk=live.pk).exists()
    assert not Milestone.all_objects.filter(project_id=old.pk).exists()
    assert not TeamMember.objects.filter(project_id=old.pk).exists()
    purged = Activity.objects.get(verb="project.purged")
    assert purged.target_id == old.pk and purged.metadata["title"] == old.title
    assert Activity.objects.filter(project_id=old.pk, verb="project.deleted").exists()  # history outlives the row
    assert project_jobs.trash_purge() == 0


def test_health_recompute_changes_and_reports_only_what_moved(worker: Worker) -> None:
    owner = make_user("health-owner")
    today = _today()
    drifted = make_project(owner)  # dates move under it (as time passes) while its health stays put
    services.project_transition(project_id=drifted.pk, name="start", expected_version=1, actor=owner)
    Project.objects.filter(pk=drifted.pk).update(
        start_date=today - datetime.timedelta(days=60), due_date=today + datetime.timedelta(days=30)
    )
    behind = make_project(owner)  # a milestone's progress changed without the project being recomputed
    make_milestone(behind, title="Half")
    Milestone.objects.filter(project=behind).update(progress=50)
    steady = make_project(owner)
    make_milestone(steady, title="Quarter", progress=25)
    finished = make_project(owner)
    services.project_transition(project_id=finished.pk, name="cancel", expected_version=1, actor=owner)
    Project.objects.filter(pk=finished.pk).update(progress=3)  # closed: not recomputed
    versions = dict(Project.objects.values_list("pk", "version"))
    last_activity = Activity.objects.order_by("-id").values_list("id", flat=True).first()

    with StreamListener([project_group(drifted.pk), project_group(steady.pk)]) as stream:
        health_recompute_task.delay()
        wait_until(lambda: Project.objects.get(pk=drifted.pk).version > versions[drifted.pk], 30, what="recompute")
        wait_until(lambda: _recomputed(stream, drifted.pk), 10, what="event for the drifted project")

    d = Project.objects.get(pk=drifted.pk)
    assert d.health == "off_track" and d.version == versions[drifted.pk] + 1
    assert [r["code"] for r in d.health_reasons] == ["progress_behind"]
    b = Project.objects.get(pk=behind.pk)
    assert b.progress == 50 and b.version == versions[behind.pk] + 1
    assert Project.objects.get(pk=steady.pk).version == versions[steady.pk]
    assert Project.all_objects.get(pk=finished.pk).version == versions[finished.pk]

    new = Activity.objects.filter(id__gt=last_activity).order_by("project_id")
    assert sorted(a.project_id for a in new) == sorted([drifted.pk, behind.pk])
    by_project = {a.project_id: a for a in new}
    assert by_project[drifted.pk].changes == {"health": ["on_track", "off_track"]}
    assert by_project[drifted.pk].metadata["reason"] == "scheduled_recompute"
    assert by_project[behind.pk].changes == {"progress": [0, 50]}
    assert [e["id"] for e in _recomputed(stream, drifted.pk)] == [by_project[drifted.pk].pk]
    assert _recomputed(stream, steady.pk) == []
    assert project_jobs.health_recompute() == 0  # nothing moved since


def _recomputed(stream: StreamListener, project_id: int) -> list[dict[str, Any]]:
    """Recompute events of this project (other sessions on this Redis may use the same project ids)."""
    return [
        e
        for e in stream.events(project_group(project_id))
        if e.get("project_id") == project_id
        and e.get("data", {}).get("metadata", {}).get("reason") == "scheduled_recompute"
    ]


def test_overdue_milestones_become_missed_and_the_people_concerned_are_told(worker: Worker) -> None:
    owner = make_user("missed-owner")
    manager, dev, stakeholder = make_user("missed-manager"), make_user("missed-dev"), make_user("missed-sh")
    project = make_project(owner)
    add_member(project, manager, role=Role.MANAGER)
    add_member(project, dev, role=Role.DEVELOPER)
    add_member(project, stakeholder, role=Role.STAKEHOLDER)
    today = _today()
    late = make_milestone(project, title="Late", due_date=today - datetime.timedelta(days=1), assignee_id=dev.pk)
    due_today = make_milestone(project, title="Today", due_date=today, assignee_id=dev.pk)
    done = make_milestone(project, title="Done", due_date=today - datetime.timedelta(days=5), status="done")
    Notification.objects.all().delete()  # only the job's notifications from here on

    milestones_mark_missed_task.delay()
    wait_until(
        lambda: Milestone.objects.get(pk=late.pk).status == MilestoneStatus.MISSED, 30, what="milestone marked missed"
    )

    assert Milestone.objects.get(pk=late.pk).version == late.version + 1
    assert Milestone.objects.get(pk=due_today.pk).status == MilestoneStatus.PENDING
    assert Milestone.objects.get(pk=done.pk).status == MilestoneStatus.DONE
    told = Notification.objects.filter(kind=NotificationKind.MILESTONE_MISSED)
    assert sorted(told.values_list("recipient_id", flat=True)) == sorted([owner.pk, manager.pk, dev.pk])
    assert set(told.values_list("target_id", flat=True)) == {late.pk}
    activity = Activity.objects.get(verb="milestone.updated", target_id=late.pk, metadata__reason="overdue")
    assert activity.changes == {"status": ["pending", "missed"]}
    assert Project.objects.get(pk=project.pk).health == "at_risk"

    assert project_jobs.milestones_mark_missed() == 0
    assert Notification.objects.filter(kind=NotificationKind.MILESTONE_MISSED).count() == 3


def test_milestones_due_within_48_hours_are_announced_once(worker: Worker) -> None:
    owner = make_user("soon-owner")
    dev, qa = make_user("soon-dev"), make_user("soon-qa")
    project = make_project(owner)
    add_member(project, dev)
    add_member(project, qa, role=Role.QA)
    today = _today()
    day = datetime.timedelta(days=1)
    tomorrow = make_milestone(project, title="Tomorrow", due_date=today + day, assignee_id=dev.pk)
    day_after = make_milestone(project, title="Day after", due_date=today + 2 * day, assignee_id=qa.pk)
    make_milestone(project, title="Far", due_date=today + 5 * day, assignee_id=dev.pk)
    make_milestone(project, title="Finished", due_date=today + day, assignee_id=dev.pk, status="done")
    make_milestone(project, title="Nobody's", due_date=today + day)
    soon = Notification.objects.filter(kind=NotificationKind.MILESTONE_DUE_SOON)

    milestones_due_soon_task.delay()
    wait_until(lambda: soon.count() == 2, 30, what="due-soon notifications")
    assert sorted(soon.values_list("recipient_id", "target_id")) == sorted(
        [(dev.pk, tomorrow.pk), (qa.pk, day_after.pk)]
    )
    assert notification_jobs.milestones_due_soon_notify() == 0  # rerun: nothing new
    assert soon.count() == 2

    # A new due date is news again.
    tomorrow.refresh_from_db()
    services.milestone_update(
        project_id=project.pk,
        milestone_id=tomorrow.pk,
        expected_version=tomorrow.version,
        actor=owner,
        data={"due_date": today + 2 * day},
    )
    assert notification_jobs.milestones_due_soon_notify() == 1
    assert soon.filter(recipient=dev).count() == 2


def test_daily_digest_one_per_person_and_emailed(worker: Worker, fake_mandrill: Any) -> None:
    owner, dev, idle = make_user("digest-owner"), make_user("digest-dev"), make_user("digest-idle")
    busy = make_project(owner, title="Busy project")
    add_member(busy, dev)
    services.project_transition(project_id=busy.pk, name="start", expected_version=2, actor=owner)
    quiet = make_project(idle, title="Quiet project")
    Activity.objects.filter(project_id=quiet.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
    digests = Notification.objects.filter(kind=NotificationKind.DIGEST)

    daily_digest_task.delay()
    wait_until(lambda: digests.count() == 2, 30, what="two digests")
    assert sorted(digests.values_list("recipient_id", flat=True)) == sorted([owner.pk, dev.pk])
    body = digests.get(recipient=dev).body
    assert body == "- Busy project: 3 change(s)", body
    assert notification_jobs.daily_digest_send() == 0  # once a day
    assert digests.count() == 2
    wait_until(
        lambda: set(digests.values_list("email_status", flat=True)) == {EmailStatus.SENT}, 30, what="digests emailed"
    )
    assert len(fake_mandrill.sends_to(dev.email)) >= 1


def test_the_sweep_publishes_events_left_unpublished(worker: Worker) -> None:
    owner = make_user("sweep-owner")
    project = make_project(owner)
    wait_until(
        lambda: not Activity.objects.filter(project_id=project.pk, published_at__isnull=True).exists(),
        10,
        what="creation event published",
    )
    past = timezone.now() - datetime.timedelta(seconds=30)
    stranded = [
        Activity.objects.create(
            verb="project.updated",
            target_type="project",
            target_id=project.pk,
            project_id=project.pk,
            version=project.version,
            changes={"description": ["", f"edit {n}"]},
            created_at=past,
        )
        for n in range(3)
    ]
    with StreamListener([project_group(project.pk)]) as stream:
        outbox_sweep_task.delay()
        wait_until(
            lambda: not Activity.objects.filter(pk__in=[a.pk for a in stranded], published_at__isnull=True).exists(),
            30,
            what="stranded events published",
        )
        wait_until(lambda: len(_stranded(stream, stranded)) >= 3, 10, what="stranded events received")
    events = _stranded(stream, stranded)
    assert [e["id"] for e in events] == [a.pk for a in stranded]
    assert events[0]["data"]["prev_id"] < stranded[0].pk and events[1]["data"]["prev_id"] == stranded[0].pk


def _stranded(stream: StreamListener, stranded: list[Activity]) -> list[dict[str, Any]]:
    ids = {a.pk for a in stranded}
    project_id = stranded[0].project_id
    assert project_id is not None
    return [e for e in stream.events(project_group(project_id)) if e.get("id") in ids]
