import pytest

from pulse.activity.models import Activity
from pulse.projects import services
from pulsekit.errors import Forbidden, NotFound, ValidationFailed
from pulsekit.versioning import StaleVersion
from tests.factories import make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def test_update_bumps_version_and_records_one_activity_with_changes():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas", description="old")
    before = Activity.objects.count()

    updated = services.project_update(
        project_id=project.pk, expected_version=project.version, actor=owner, data={"description": "new"}
    )

    assert updated.version == project.version + 1
    activity = Activity.objects.latest("id")
    assert Activity.objects.count() == before + 1
    assert activity.verb == "project.updated"
    assert activity.changes == {"description": ["old", "new"]}
    assert activity.version == updated.version


def test_stale_version_changes_nothing():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    services.project_update(project_id=project.pk, expected_version=project.version, actor=owner, data={"progress": 5})
    count = Activity.objects.count()

    with pytest.raises(StaleVersion) as raised:
        services.project_update(
            project_id=project.pk, expected_version=project.version, actor=owner, data={"title": "Other"}
        )

    assert raised.value.current_version == project.version + 1
    project.refresh_from_db()
    assert project.title == "Atlas"
    assert Activity.objects.count() == count


def test_no_op_update_keeps_version_and_records_nothing():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    count = Activity.objects.count()
    same = services.project_update(
        project_id=project.pk, expected_version=project.version, actor=owner, data={"title": "Atlas"}
    )
    assert same.version == project.version
    assert Activity.objects.count() == count


def test_title_unique_case_insensitive_among_live_projects_only():
    owner = make_user("owner")
    first = make_project(owner, title="Atlas")
    with pytest.raises(ValidationFailed) as raised:
        make_project(owner, title="ATLAS")
    assert "title" in raised.value.details
    services.project_delete(project_id=first.pk, expected_version=first.version, actor=owner)
    assert make_project(owner, title="atlas").pk != first.pk


def test_due_before_start_is_rejected():
    import datetime

    owner = make_user("owner")
    with pytest.raises(ValidationFailed):
        make_project(owner, title="Atlas", start_date=datetime.date(2026, 5, 1), due_date=datetime.date(2026, 4, 1))


def test_progress_is_derived_from_weighted_milestones_and_manual_edit_refused():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    make_milestone(project, progress=100, weight=3)
    make_milestone(project, progress=0, weight=1)
    project.refresh_from_db()
    assert project.progress == 75
    with pytest.raises(ValidationFailed):
        services.project_update(
            project_id=project.pk, expected_version=project.version, actor=owner, data={"progress": 10}
        )


def test_tags_change_is_recorded_by_name_and_searchable():
    owner = make_user("owner")
    tag = make_tag(owner, "zeppelin")
    project = make_project(owner, title="Atlas")
    services.project_update(
        project_id=project.pk, expected_version=project.version, actor=owner, data={"tag_ids": [tag.pk]}
    )
    assert Activity.objects.latest("id").changes == {"tags": [[], ["zeppelin"]]}
    from pulse.search.selectors import search

    assert [r["id"] for r in search(user=owner, q="zeppelin", kinds=frozenset({"project"}))] == [project.pk]


def test_health_override_needs_reason():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    with pytest.raises(ValidationFailed):
        services.project_update(
            project_id=project.pk, expected_version=project.version, actor=owner, data={"health_override": "at_risk"}
        )
    updated = services.project_update(
        project_id=project.pk,
        expected_version=project.version,
        actor=owner,
        data={"health_override": "off_track", "health_override_reason": "Vendor slipped"},
    )
    assert updated.health == "off_track"
    assert Activity.objects.latest("id").changes["health"] == ["on_track", "off_track"]


def test_outsider_gets_not_found_and_stakeholder_forbidden(cast):
    with pytest.raises(NotFound):
        services.project_update(
            project_id=cast.project.pk, expected_version=cast.project.version, actor=cast.outsider, data={}
        )
    with pytest.raises(Forbidden):
        services.project_update(
            project_id=cast.project.pk, expected_version=cast.project.version, actor=cast.stakeholder, data={}
        )
