from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet

from pulse.accounts.models import User


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def user_list(*, user: Any, q: str = "") -> QuerySet[User]:
    """Active people ``user`` may pick: staff see everyone; anyone else sees themself and the owners and
    members of every project they can see, and, when ``q`` is a whole email address, whoever has exactly
    that email (any case), so a newcomer can be added without ``/users/`` listing everyone's address.
    Each word of ``q`` narrows the result by name, username or email."""
    qs = User.objects.filter(is_active=True)
    q = q.strip()
    if not getattr(user, "is_staff", False):
        # Imported here: the projects app builds on accounts, not the other way round.
        from pulse.projects.models import Project, TeamMember
        from pulse.projects.selectors import visible_project_ids

        visible = visible_project_ids(user)
        scope = (
            Q(pk=user.pk)
            | Q(pk__in=TeamMember.objects.filter(project_id__in=visible).values("user_id"))
            | Q(pk__in=Project.objects.filter(pk__in=visible).values("owner_id"))
        )
        if _is_email(q):
            scope |= Q(email__iexact=q)
        qs = qs.filter(scope)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(display_name__icontains=word)
            | Q(username__icontains=word)
            | Q(email__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
        )
    return qs.order_by("display_name", "username")


def user_get(*, user_id: int) -> User:
    return User.objects.get(pk=user_id)
