"""Who may do what on a project (SPEC §3), and what a refusal says. Visibility failures are reported
as 404 by callers.

The predicates come in two forms that share one body: on a project (``can_*``, reading the user's
role when needed) and on its owner and the user's role (``may_*``), for the bulk path and list rows
that hold plain values, not models. The API's pre-checks and the services raise the same refusals
(``require_*``), so a message exists once.
"""

from __future__ import annotations

from typing import Any, Literal

from pulse.projects.models import Milestone, Project, Role, Tag, TeamMember
from pulsekit.errors import Forbidden

EDITOR_ROLES = frozenset({Role.LEAD, Role.MANAGER})
CONTRIBUTOR_ROLES = frozenset({Role.DEVELOPER, Role.DESIGNER, Role.QA})
# Fields an assignee who is not an editor may change on their own milestone.
ASSIGNEE_MILESTONE_FIELDS = frozenset({"status", "progress", "description"})

EditorTask = Literal["edit", "transition", "manage_team", "add_milestone", "delete_milestone"]
OwnerTask = Literal["delete", "restore"]

EDITOR_REFUSALS: dict[str, str] = {
    "edit": "Only the owner, a lead or a manager may edit this project.",
    "transition": "Only the owner, a lead or a manager may change this project's status.",
    "manage_team": "Only the owner, a lead or a manager may manage the team.",
    "add_milestone": "Only the owner, a lead or a manager may add milestones.",
    "delete_milestone": "Only the owner, a lead or a manager may delete milestones.",
}
OWNER_REFUSALS: dict[str, str] = {
    "delete": "Only the owner may delete this project.",
    "restore": "Only the owner may restore this project.",
}
CHANGE_OWNER_REFUSAL = "Only the owner or staff may hand this project to someone else."
MILESTONE_UPDATE_REFUSAL = "You may only update status, progress and description of milestones assigned to you."
TAG_OWNER_REFUSAL = "Only the tag's creator or staff may change it."


def member_role(user: Any, project: Project) -> str | None:
    """The user's role on the project; uses prefetched ``members`` when present."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = getattr(project, "_prefetched_objects_cache", {})
    if "members" in cache:
        return next((m.role for m in cache["members"] if m.user_id == user.pk), None)
    annotated = getattr(project, "my_role", Ellipsis)
    if annotated is not Ellipsis:
        return annotated  # type: ignore[no-any-return]
    return TeamMember.objects.filter(project_id=project.pk, user_id=user.pk).values_list("role", flat=True).first()


# ---------------------------------------------------------------- on plain values


def may_own(user: Any, *, owner_id: int | None) -> bool:
    """Owner-level rights (delete, restore, purge, hand over): the owner and staff."""
    return bool(getattr(user, "is_staff", False) or owner_id == getattr(user, "pk", None))


def may_view(user: Any, *, owner_id: int | None, role: str | None) -> bool:
    return may_own(user, owner_id=owner_id) or role is not None


def may_edit(user: Any, *, owner_id: int | None, role: str | None) -> bool:
    """Edit fields, transitions, milestones, tags on it, and the team."""
    return may_own(user, owner_id=owner_id) or role in EDITOR_ROLES


# ---------------------------------------------------------------- on a project


def is_owner_or_staff(user: Any, project: Project) -> bool:
    return may_own(user, owner_id=project.owner_id)


def can_view(user: Any, project: Project) -> bool:
    return is_owner_or_staff(user, project) or member_role(user, project) is not None


def can_edit(user: Any, project: Project) -> bool:
    """Edit fields, transitions, milestones, tags on it, and the team."""
    return is_owner_or_staff(user, project) or member_role(user, project) in EDITOR_ROLES


def can_delete(user: Any, project: Project) -> bool:
    """Delete, restore and purge."""
    return is_owner_or_staff(user, project)


def can_change_owner(user: Any, project: Project) -> bool:
    """Hand the project to someone else: owner and staff, from the edit form or a bulk change_owner."""
    return is_owner_or_staff(user, project)


def can_update_milestone(user: Any, project: Project, milestone: Milestone, fields: set[str]) -> bool:
    if can_edit(user, project):
        return True
    return (
        milestone.assignee_id == getattr(user, "pk", None)
        and member_role(user, project) in CONTRIBUTOR_ROLES
        and fields <= ASSIGNEE_MILESTONE_FIELDS
    )


def capabilities(user: Any, project: Project) -> dict[str, bool]:
    return capabilities_for(user, owner_id=project.owner_id, role=member_role(user, project))


def capabilities_for(user: Any, *, owner_id: int | None, role: str | None) -> dict[str, bool]:
    """What the user may do on a project they see, from its owner and their role on it."""
    owner_level = may_own(user, owner_id=owner_id)
    editor = may_edit(user, owner_id=owner_id, role=role)
    return {
        "can_edit": editor,
        "can_manage_team": editor,
        "can_delete": owner_level,
        "can_change_owner": owner_level,
    }


# ---------------------------------------------------------------- refusals


def require_editor(user: Any, project: Project, *, to: EditorTask) -> None:
    if not can_edit(user, project):
        raise Forbidden(EDITOR_REFUSALS[to])


def require_owner(user: Any, project: Project, *, to: OwnerTask) -> None:
    if not can_delete(user, project):
        raise Forbidden(OWNER_REFUSALS[to])


def require_owner_change(user: Any, project: Project) -> None:
    if not can_change_owner(user, project):
        raise Forbidden(CHANGE_OWNER_REFUSAL)


def require_milestone_update(user: Any, project: Project, milestone: Milestone, fields: set[str]) -> None:
    if not can_update_milestone(user, project, milestone, fields):
        raise Forbidden(MILESTONE_UPDATE_REFUSAL)


def require_tag_owner(user: Any, tag: Tag) -> None:
    """Anyone may create tags; only their creator or staff may rename or delete them."""
    if not (getattr(user, "is_staff", False) or tag.created_by_id == getattr(user, "pk", None)):
        raise Forbidden(TAG_OWNER_REFUSAL)
