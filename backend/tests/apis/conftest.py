from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from rest_framework.test import APIClient

from pulse.accounts.models import User
from pulse.projects.models import Milestone, Role, Tag, TeamMember
from tests.conftest import Cast, client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user


@dataclass
class World:
    """The ``cast`` project plus the things the matrix points at.

    ``milestone`` is assigned to the developer, ``free_milestone`` to nobody;
    ``extra_member`` is a team member nobody else's permissions depend on;
    ``tag`` was created by the owner and is on the project.
    """

    cast: Cast
    milestone: Milestone
    free_milestone: Milestone
    extra: User
    extra_member: TeamMember
    tag: Tag

    @property
    def project(self) -> Any:
        return self.cast.project

    @property
    def pid(self) -> int:
        return int(self.cast.project.pk)

    def user(self, role: str) -> User | None:
        return self.cast.user(role)

    def client(self, role: str) -> APIClient:
        return client_for(self.cast.user(role))


def build_cast() -> Cast:
    """The same people and project as the ``cast`` fixture."""
    owner = make_user("owner")
    project = make_project(owner, title="Apollo", description="Moon landing programme")
    people: dict[str, User] = {}
    for role in (Role.LEAD, Role.MANAGER, Role.DEVELOPER, Role.DESIGNER, Role.QA, Role.STAKEHOLDER):
        people[role] = make_user(role)
        add_member(project, people[role], role=role, allocation=20)
    project.refresh_from_db()
    return Cast(
        project=project,
        owner=owner,
        lead=people[Role.LEAD],
        manager=people[Role.MANAGER],
        developer=people[Role.DEVELOPER],
        designer=people[Role.DESIGNER],
        qa=people[Role.QA],
        stakeholder=people[Role.STAKEHOLDER],
        outsider=make_user("outsider"),
        staff=make_user("staff", is_staff=True),
    )


@pytest.fixture
def world(cast: Cast) -> World:
    return build_world(cast)


@pytest.fixture(scope="module")
def shared_world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """One ``World`` per module, inside a transaction rolled back at the end.

    Each test still runs in its own savepoint (request ``db`` too), so a test's
    writes vanish before the next one starts; only the setup cost is shared.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world(build_cast())
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def shared(shared_world: World, db: Any) -> World:
    """``shared_world`` for one test: its writes are rolled back when the test ends."""
    return shared_world


def build_world(cast: Cast) -> World:
    from pulse.projects import services

    extra = make_user("extra")
    extra_member = add_member(cast.project, extra, role=Role.DEVELOPER, allocation=10)
    milestone = make_milestone(cast.project, title="Launch window", assignee_id=cast.developer.pk, progress=10)
    free_milestone = make_milestone(cast.project, title="Unassigned work", progress=0)
    tag = make_tag(cast.owner, "space")
    project = services.project_update(
        project_id=cast.project.pk,
        expected_version=type(cast.project).objects.get(pk=cast.project.pk).version,
        actor=cast.owner,
        data={"tag_ids": [tag.pk]},
    )
    cast.project = type(project).objects.get(pk=project.pk)
    return World(
        cast=cast,
        milestone=Milestone.objects.get(pk=milestone.pk),
        free_milestone=Milestone.objects.get(pk=free_milestone.pk),
        extra=extra,
        extra_member=TeamMember.objects.get(pk=extra_member.pk),
        tag=Tag.objects.get(pk=tag.pk),
    )


@pytest.fixture
def clear_cache() -> Any:
    """Throttle counters and tickets live in the caches: start and end every throttle test from zero."""
    for each in (cache, caches[settings.THROTTLE_CACHE]):
        each.clear()
    yield
    for each in (cache, caches[settings.THROTTLE_CACHE]):
        each.clear()
