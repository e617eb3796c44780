import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Milestone, Project, Tag
from pulse.projects.selectors import allocation_totals
from pulsekit.errors import Conflict, Forbidden, ValidationFailed
from pulsekit.versioning import StaleVersion
from tests.factories import add_member, fresh, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def test_member_add_bumps_project_version_and_counts_allocation():
    owner = make_user("owner")
    dev = make_user("dev")
    first = make_project(owner, title="A")
    second = make_project(owner, title="B")
    services.project_transition(project_id=first.pk, name="start", expected_version=fresh(first).version, actor=owner)
    version = fresh(second).version
    add_member(first, dev, allocation=70)
    add_member(second, dev, allocation=50)
    assert fresh(second).version == version + 1
    assert allocation_totals([dev.pk])[dev.pk] == 120
    assert Activity.objects.latest("id").verb == "member.added"


def test_member_duplicate_and_unknown_user_rejected():
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="A")
    add_member(project, dev)
    with pytest.raises(ValidationFailed):
        add_member(project, dev)
    with pytest.raises(ValidationFailed):
        services.member_add(project_id=project.pk, actor=owner, user_id=10**12, role="developer")


def test_member_remove_unassigns_their_milestones_and_owner_cannot_be_removed():
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="A")
    member = add_member(project, dev)
    milestone = make_milestone(project, assignee_id=dev.pk)
    services.member_remove(project_id=project.pk, member_id=member.pk, expected_version=member.version, actor=owner)
    assert fresh(milestone).assignee_id is None
    assert Activity.objects.latest("id").metadata["unassigned_milestones"] == [milestone.pk]
    owner_member = project.members.get(user=owner)
    with pytest.raises(Conflict):
        services.member_remove(
            project_id=project.pk, member_id=owner_member.pk, expected_version=owner_member.version, actor=owner
        )


def test_member_update_is_versioned():
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="A")
    member = add_member(project, dev)
    services.member_update(
        project_id=project.pk, member_id=member.pk, expected_version=member.version, actor=owner, data={"role": "qa"}
    )
    with pytest.raises(StaleVersion):
        services.member_update(
            project_id=project.pk,
            member_id=member.pk,
            expected_version=member.version,
            actor=owner,
            data={"role": "lead"},
        )
    assert fresh(member).role == "qa"


def test_milestone_assignee_must_be_member_and_done_sets_completion():
    owner = make_user("owner")
    stranger = make_user("stranger")
    project = make_project(owner, title="A")
    with pytest.raises(ValidationFailed):
        make_milestone(project, assignee_id=stranger.pk)
    milestone = make_milestone(project)
    updated = services.milestone_update(
        project_id=project.pk,
        milestone_id=milestone.pk,
        expected_version=milestone.version,
        actor=owner,
        data={"status": "done"},
    )
    assert updated.progress == 100
    assert updated.completed_at is not None
    assert fresh(project).progress == 100


def test_assigned_developer_may_update_progress_but_not_title():
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="A")
    add_member(project, dev)
    milestone = make_milestone(project, assignee_id=dev.pk)
    services.milestone_update(
        project_id=project.pk,
        milestone_id=milestone.pk,
        expected_version=milestone.version,
        actor=dev,
        data={"progress": 40},
    )
    with pytest.raises(Forbidden):
        services.milestone_update(
            project_id=project.pk,
            milestone_id=milestone.pk,
            expected_version=milestone.version + 1,
            actor=dev,
            data={"title": "Mine now"},
        )
    assert fresh(milestone).progress == 40


def test_milestone_delete_recomputes_progress_and_overdue_milestone_affects_health():
    owner = make_user("owner")
    project = make_project(owner, title="A")
    late = make_milestone(project, due_date=datetime.date.today() - datetime.timedelta(days=3), progress=0)
    done = make_milestone(project, status="done")
    project = fresh(project)
    assert project.progress == 50
    assert project.health == "at_risk"
    assert any(r["code"] == "milestone_overdue" for r in project.health_reasons)
    services.milestone_delete(project_id=project.pk, milestone_id=late.pk, expected_version=late.version, actor=owner)
    project = fresh(project)
    assert project.progress == 100
    assert project.health == "on_track"
    assert Milestone.all_objects.get(pk=late.pk).deleted_at is not None
    assert fresh(done).deleted_at is None


def test_tag_rename_reindexes_and_reversions_tagged_projects():
    owner = make_user("owner")
    tag = make_tag(owner, "alpha")
    project = make_project(owner, title="Atlas", tag_ids=[tag.pk])
    version = fresh(project).version
    services.tag_update(tag_id=tag.pk, expected_version=tag.version, actor=owner, data={"name": "omega"})
    assert fresh(project).version == version + 1
    assert Project.objects.filter(search_vector="omega").exists()


def test_tag_unique_case_insensitive_and_only_creator_or_staff_edits():
    owner = make_user("owner")
    other = make_user("other")
    tag = make_tag(owner, "Alpha")
    with pytest.raises(ValidationFailed):
        make_tag(other, "alpha")
    with pytest.raises(Forbidden):
        services.tag_delete(tag_id=tag.pk, expected_version=tag.version, actor=other)
    services.tag_delete(tag_id=tag.pk, expected_version=tag.version, actor=owner)
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert make_tag(other, "alpha").pk != tag.pk


@pytest.mark.django_db(transaction=True)
def test_a_tag_rename_and_a_write_tagging_projects_under_their_locks_do_not_deadlock():
    """The writer (as a bulk add_tags does) holds its projects' locks and then references the tag; the rename
    holds the tag and then wants the tagged projects. The rename's tag lock must not block the reference."""
    owner = make_user("owner")
    tag = make_tag(owner, "shared")
    tagged = make_project(owner, title="Already tagged", tag_ids=[tag.pk])
    untagged = make_project(owner, title="Being tagged")
    writer_has_locks, failures = threading.Event(), []

    def writer():
        try:
            with transaction.atomic():
                list(Project.objects.select_for_update().filter(pk__in=[tagged.pk, untagged.pk]).order_by("pk"))
                writer_has_locks.set()
                time.sleep(0.5)  # the rename now holds the tag and waits for ``tagged``
                with connection.cursor() as cursor:
                    cursor.execute(
                        "INSERT INTO projects_project_tags (project_id, tag_id) VALUES (%s, %s)", [untagged.pk, tag.pk]
                    )
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert writer_has_locks.wait(5)
    try:
        services.tag_update(tag_id=tag.pk, expected_version=fresh(tag).version, actor=owner, data={"name": "renamed"})
    except Exception as error:
        failures.append(error)
    thread.join(10)
    assert not failures, failures
    assert fresh(tag).name == "renamed"
