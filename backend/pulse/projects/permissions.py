"""Who may do what on a project (SPEC §3). Visibility failures are reported as 404 by callers."""

from __future__ import annotations

from typing import Any

from pulse.projects.models import Milestone, Project, Role, Tag, TeamMember
from pulsekit.errors import Forbidden

EDITOR_ROLES = frozenset({Role.LEAD, Role.MANAGER})
CONTRIBUTOR_ROLES = frozenset({Role.DEVELOPER, Role.DESIGNER, Role.QA})
# Fields an assignee who is not an editor may change on their own milestone.
ASSIGNEE_MILESTONE_FIELDS = frozenset({"status", "progress", "description"})


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


def is_owner_or_staff(user: Any, project: Project) -> bool:
    return bool(getattr(user, "is_staff", False) or project.owner_id == getattr(user, "pk", None))


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
    """What the user may do on a project they see, from its owner and their role on it: the rules of
    ``can_edit``, ``can_delete`` and ``can_change_owner``, for a list row that is not a model."""
    owner_or_staff = bool(getattr(user, "is_staff", False) or owner_id == getattr(user, "pk", None))
    editor = owner_or_staff or role in EDITOR_ROLES
    return {
        "can_edit": editor,
        "can_manage_team": editor,
        "can_delete": owner_or_staff,
        "can_change_owner": owner_or_staff,
    }


def require_tag_owner(user: Any, tag: Tag) -> None:
    """Anyone may create tags; only their creator or staff may rename or delete them."""
    if not (getattr(user, "is_staff", False) or tag.created_by_id == getattr(user, "pk", None)):
        raise Forbidden("Only the tag's creator or staff may change it.")
