"""Test data built through the real services, so every fixture has real activity and versions."""

from __future__ import annotations

import itertools
from typing import Any

from pulse.accounts.models import User
from pulse.accounts.services import user_create
from pulse.projects import services
from pulse.projects.models import Milestone, Project, Role, Tag, TeamMember

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery-staple"


def make_user(name: str | None = None, **extra: Any) -> User:
    n = next(_seq)
    username = name or f"user{n}"
    return user_create(
        username=f"{username}-{n}" if name else username,
        email=f"{username}-{n}@example.test",
        password=PASSWORD,
        display_name=(name or username).title(),
        **extra,
    )


def make_project(owner: User, **data: Any) -> Project:
    data.setdefault("title", f"Project {next(_seq)}")
    return services.project_create(actor=owner, **data)


def add_member(project: Project, user: User, role: str = Role.DEVELOPER, allocation: int = 0) -> TeamMember:
    return services.member_add(
        project_id=project.pk, actor=project.owner, user_id=user.pk, role=role, allocation=allocation
    )


def make_milestone(project: Project, **data: Any) -> Milestone:
    data.setdefault("title", f"Milestone {next(_seq)}")
    return services.milestone_create(project_id=project.pk, actor=project.owner, data=data)


def make_tag(actor: User, name: str | None = None, **extra: Any) -> Tag:
    return services.tag_create(actor=actor, name=name or f"tag-{next(_seq)}", **extra)


def fresh(obj: Any) -> Any:
    return (
        type(obj).all_objects.get(pk=obj.pk) if hasattr(type(obj), "all_objects") else type(obj).objects.get(pk=obj.pk)
    )
