import pytest

from pulse.activity.models import Activity
from pulse.projects import services
from pulse.projects.models import Milestone, Project, TeamMember
from pulsekit.errors import Conflict, Forbidden
from tests.factories import add_member, fresh, make_milestone, make_project, make_user

pytestmark = pytest.mark.django_db


def transition(project, name, actor=None):
    current = fresh(project)
    return services.project_transition(
        project_id=project.pk, name=name, expected_version=current.version, actor=actor or project.owner
    )


def test_full_lifecycle_records_each_transition():
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    for name, status in [("start", "active"), ("hold", "on_hold"), ("resume", "active"), ("complete", "completed")]:
        assert transition(project, name).status == status
        latest = Activity.objects.latest("id")
        assert latest.verb == "project.transitioned"
        assert latest.metadata["transition"] == name
        assert latest.changes["status"][1] == status


@pytest.mark.parametrize(
    ("path", "name", "allowed"),
    [
        ([], "complete", ["start", "cancel"]),
        ([], "resume", ["start", "cancel"]),
        (["start"], "start", ["hold", "complete", "cancel"]),
        (["start", "hold"], "complete", ["resume", "cancel"]),
        (["start", "complete"], "cancel", []),
        (["cancel"], "start", []),
    ],
)
def test_forbidden_transition_is_conflict_listing_allowed(path, name, allowed):
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    for step in path:
        transition(project, step)
    before = fresh(project)
    with pytest.raises(Conflict) as raised:
        transition(project, name)
    assert raised.value.details["allowed"] == allowed
    assert fresh(project).version == before.version


def test_delete_hides_project_and_children_and_restore_brings_them_back():
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="Atlas")
    add_member(project, dev)
    make_milestone(project, title="Phase 1")
    deleted = services.project_delete(project_id=project.pk, expected_version=fresh(project).version, actor=owner)

    assert deleted.deleted_at is not None
    assert not Project.objects.filter(pk=project.pk).exists()
    assert Project.all_objects.filter(pk=project.pk).exists()
    assert Activity.objects.latest("id").verb == "project.deleted"

    restored = services.project_restore(project_id=project.pk, actor=owner)
    assert restored.deleted_at is None
    assert Milestone.objects.filter(project=project).count() == 1
    assert TeamMember.objects.filter(project=project).count() == 2
    assert Activity.objects.latest("id").verb == "project.restored"


def test_restore_refused_when_title_taken_and_for_non_owner():
    owner = make_user("owner")
    lead = make_user("lead")
    project = make_project(owner, title="Atlas")
    add_member(project, lead, role="lead")
    services.project_delete(project_id=project.pk, expected_version=fresh(project).version, actor=owner)
    with pytest.raises(Forbidden):
        services.project_restore(project_id=project.pk, actor=lead)
    make_project(owner, title="ATLAS")
    with pytest.raises(Conflict) as raised:
        services.project_restore(project_id=project.pk, actor=owner)
    assert raised.value.code == "title_taken"


def test_lead_cannot_delete():
    owner = make_user("owner")
    lead = make_user("lead")
    project = make_project(owner, title="Atlas")
    add_member(project, lead, role="lead")
    with pytest.raises(Forbidden):
        services.project_delete(project_id=project.pk, expected_version=fresh(project).version, actor=lead)
    assert Project.objects.filter(pk=project.pk).exists()


def test_failure_inside_a_service_rolls_back_the_activity(monkeypatch):
    owner = make_user("owner")
    project = make_project(owner, title="Atlas")
    count = Activity.objects.count()

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("pulse.projects.services.common.activity_record", boom)
    with pytest.raises(RuntimeError):
        services.project_update(
            project_id=project.pk, expected_version=project.version, actor=owner, data={"title": "Renamed"}
        )
    assert fresh(project).title == "Atlas"
    assert fresh(project).version == project.version
    assert Activity.objects.count() == count
