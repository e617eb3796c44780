"""The project lifecycle (SPEC §4): which transition leads from which statuses to which status."""

from __future__ import annotations

from pulse.projects.models import ProjectStatus

# name -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({ProjectStatus.PLANNING}), ProjectStatus.ACTIVE),
    "hold": (frozenset({ProjectStatus.ACTIVE}), ProjectStatus.ON_HOLD),
    "resume": (frozenset({ProjectStatus.ON_HOLD}), ProjectStatus.ACTIVE),
    "complete": (frozenset({ProjectStatus.ACTIVE}), ProjectStatus.COMPLETED),
    "cancel": (
        frozenset({ProjectStatus.PLANNING, ProjectStatus.ACTIVE, ProjectStatus.ON_HOLD}),
        ProjectStatus.CANCELLED,
    ),
}


def allowed_transitions(status: str) -> list[str]:
    return [name for name, (sources, _) in TRANSITIONS.items() if status in sources]


def transition_target(name: str) -> str:
    """The status the (known) transition ``name`` leads to."""
    return TRANSITIONS[name][1]


def transition_problem(name: str, status: str) -> str | None:
    """Why the (known) transition ``name`` cannot run on a project that is ``status``, or None."""
    if status not in TRANSITIONS[name][0]:
        return f"Cannot {name} a project that is {status}."
    return None


def status_label(status: str) -> str:
    """``on_hold`` → ``on hold``: a status as a sentence names it."""
    return str(ProjectStatus(status).label).lower()
