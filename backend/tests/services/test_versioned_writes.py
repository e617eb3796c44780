"""Every versioned write goes through pulsekit's compare_and_swap: version + 1 and updated_at moves.

(Before it did, milestone and tag deletes left updated_at behind and the tag delete ignored the
version it had checked.)
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from pulse.accounts import services as account_services
from pulse.projects import services
from pulse.projects.models import Milestone, Project, Tag, TeamMember
from pulsekit.versioning import StaleVersion
from tests.factories import add_member, fresh, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

LONG_AGO = timezone.now() - datetime.timedelta(days=30)


def aged(model: Any, obj: Any) -> Any:
    """``obj`` with its updated_at moved into the past, so a write that sets it shows."""
    model._base_manager.filter(pk=obj.pk).update(updated_at=LONG_AGO)
    return fresh(obj)


def check(model: Any, obj: Any, write: Callable[[int], Any]) -> None:
    obj = aged(model, obj)
    write(obj.version)
    after = model._base_manager.get(pk=obj.pk)
    assert after.version == obj.version + 1
    assert after.updated_at > LONG_AGO + datetime.timedelta(days=1)


def test_project_member_milestone_and_tag_writes_bump_version_and_updated_at() -> None:
    owner = make_user("owner")
    dev = make_user("dev")
    project = make_project(owner, title="Versioned")
    member = add_member(project, dev)
    milestone = make_milestone(project)
    tag = make_tag(owner, "versioned")

    check(
        Project,
        project,
        lambda v: services.project_update(
            project_id=project.pk, expected_version=v, actor=owner, data={"description": "changed"}
        ),
    )
    check(
        TeamMember,
        member,
        lambda v: services.member_update(
            project_id=project.pk, member_id=member.pk, expected_version=v, actor=owner, data={"allocation": 30}
        ),
    )
    check(
        Milestone,
        milestone,
        lambda v: services.milestone_update(
            project_id=project.pk, milestone_id=milestone.pk, expected_version=v, actor=owner, data={"progress": 40}
        ),
    )
    check(
        Tag,
        tag,
        lambda v: services.tag_update(tag_id=tag.pk, expected_version=v, actor=owner, data={"colour": "#123456"}),
    )
    check(
        Milestone,
        milestone,
        lambda v: services.milestone_delete(
            project_id=project.pk, milestone_id=milestone.pk, expected_version=v, actor=owner
        ),
    )
    check(Tag, tag, lambda v: services.tag_delete(tag_id=tag.pk, expected_version=v, actor=owner))
    assert Milestone.all_objects.get(pk=milestone.pk).deleted_at is not None
    assert Tag.all_objects.get(pk=tag.pk).deleted_at is not None


def test_profile_update_bumps_the_version_once_and_keeps_the_other_fields() -> None:
    user = make_user("profiled")
    before = fresh(user)
    updated = account_services.user_profile_update(
        user=before, expected_version=before.version, data={"display_name": "New name"}
    )
    stored = fresh(user)
    assert (updated.version, stored.version) == (before.version + 1, before.version + 1)
    assert (stored.display_name, stored.email, stored.password) == ("New name", before.email, before.password)
    with pytest.raises(StaleVersion):
        account_services.user_profile_update(user=stored, expected_version=before.version, data={"display_name": "x"})
