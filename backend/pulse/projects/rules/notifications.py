"""Who is told of a change, and what they read: one fan-out for one project or ten thousand."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from pulse.accounts.models import User
from pulse.activity.models import Activity
from pulse.notifications.models import NotificationKind
from pulse.notifications.services import notify
from pulse.projects.rules.lifecycle import status_label, transition_target

SHOWN_TITLES = 10


def notify_transitioned(
    *,
    actor: User,
    name: str,
    projects: Sequence[tuple[int, str, int]],
    target: tuple[str, int | None],
    dedupe_key: str,
) -> None:
    """Transition ``name`` ran on ``projects`` (``(id, title, owner_id)``): one notification per person
    concerned (members and owners, but the actor), naming their projects."""
    titles = {pk: title for pk, title, _ in projects}
    concerned: dict[int, set[int]] = {}
    with connection.cursor() as cursor:  # ~30,000 memberships in a bulk run: plain rows, not ORM ones
        cursor.execute(
            "SELECT user_id, project_id FROM projects_teammember WHERE project_id = ANY(%s::bigint[])", [list(titles)]
        )
        for user_id, project_id in cursor.fetchall():
            concerned.setdefault(user_id, set()).add(project_id)
    for pk, _, owner_id in projects:
        concerned.setdefault(owner_id, set()).add(pk)
    status = status_label(transition_target(name))
    for user in User.objects.filter(pk__in=list(concerned), is_active=True):
        theirs = concerned[user.pk]
        names = sorted(titles[pk] for pk in theirs)
        shown = ", ".join(names[:SHOWN_TITLES])
        if len(names) > SHOWN_TITLES:
            shown += f" and {len(names) - SHOWN_TITLES} more"
        notify(
            recipients=[user],
            kind=NotificationKind.PROJECT_TRANSITIONED,
            title=(f"{names[0]} is now" if len(names) == 1 else f"{len(names)} projects are now") + f" {status}",
            body=f"{actor.name} ran “{name}” on {shown}.",
            project_id=next(iter(theirs)) if len(theirs) == 1 else None,
            target=target,
            dedupe_key=dedupe_key,
            exclude=actor,
        )


def notify_about(activity: Activity, *, recipient: User, kind: str, title: str, body: str) -> None:
    """Tell ``recipient`` (unless they made it) of the change ``activity`` records, pointing at its target;
    once, however often the change is retried."""
    notify(
        recipients=[recipient],
        kind=kind,
        title=title,
        body=body,
        project_id=activity.project_id,
        target=(activity.target_type, activity.target_id),
        dedupe_key=f"activity:{activity.pk}",
        exclude=activity.actor,
    )
