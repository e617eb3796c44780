from django.db.models import Q, QuerySet

from pulse.accounts.models import User


def user_list(*, q: str = "") -> QuerySet[User]:
    qs = User.objects.filter(is_active=True)
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
