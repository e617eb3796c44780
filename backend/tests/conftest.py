from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from pulse.accounts.models import User
from pulse.projects.models import Project, Role
from tests.factories import add_member, make_project, make_user


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture
def api() -> Any:
    """``api(user)`` → an APIClient authenticated as that user (None: anonymous)."""
    return client_for


@dataclass
class Cast:
    """One project and a person in every relation to it (SPEC §3)."""

    project: Project
    owner: User
    lead: User
    manager: User
    developer: User
    designer: User
    qa: User
    stakeholder: User
    outsider: User
    staff: User

    def user(self, role: str) -> User | None:
        return None if role == "anonymous" else getattr(self, role)


@pytest.fixture
def cast(db: Any) -> Cast:
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


def etag_of(client: APIClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return str(response["ETag"])
