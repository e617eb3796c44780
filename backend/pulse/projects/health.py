"""Project health: a pure function of dates, progress and milestones, with reasons."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import NamedTuple

from pulse.projects.models import Health, MilestoneStatus, ProjectStatus

# Progress this many points behind the share of time elapsed puts a project at risk / off track.
AT_RISK_LAG = 10
OFF_TRACK_LAG = 25


class MilestoneFacts(NamedTuple):
    """What a project's derived fields read of one live milestone (a row of ``milestone_facts``)."""

    title: str
    status: str
    start_date: datetime.date | None
    due_date: datetime.date | None
    progress: int
    weight: int = 1


def expected_progress(start: datetime.date | None, due: datetime.date | None, today: datetime.date) -> int | None:
    """Share of the schedule elapsed, in percent; None without a complete schedule."""
    if start is None or due is None or due <= start:
        return None
    elapsed = (min(max(today, start), due) - start).days
    return round(100 * elapsed / (due - start).days)


def compute_health(
    *,
    status: str,
    progress: int,
    start_date: datetime.date | None,
    due_date: datetime.date | None,
    milestones: Iterable[MilestoneFacts],
    today: datetime.date,
) -> tuple[str, list[dict[str, str]]]:
    """Return ``(health, reasons)``; each reason is ``{"code", "severity", "message"}``."""
    if status in (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED):
        return Health.ON_TRACK, []

    reasons: list[dict[str, str]] = []

    def add(code: str, severity: str, message: str) -> None:
        reasons.append({"code": code, "severity": severity, "message": message})

    if due_date is not None and due_date < today:
        add("project_overdue", Health.OFF_TRACK, f"Project was due {due_date.isoformat()} and is not complete.")

    open_statuses = (MilestoneStatus.PENDING, MilestoneStatus.IN_PROGRESS)
    overdue = [
        m
        for m in milestones
        if m.status == MilestoneStatus.MISSED or (m.status in open_statuses and m.due_date and m.due_date < today)
    ]
    if len(overdue) >= 2:
        add("milestones_overdue", Health.OFF_TRACK, f"{len(overdue)} milestones are overdue or missed.")
    elif overdue:
        add("milestone_overdue", Health.AT_RISK, f"Milestone “{overdue[0].title}” is overdue or missed.")

    slipping = [
        m
        for m in milestones
        if m.status in open_statuses
        and m not in overdue
        and (exp := expected_progress(m.start_date, m.due_date, today)) is not None
        and m.progress < exp - OFF_TRACK_LAG
    ]
    if slipping:
        add(
            "milestone_slipping",
            Health.AT_RISK,
            f"Milestone “{slipping[0].title}” is {(len(slipping) > 1 and 'among several ') or ''}behind its schedule.",
        )

    expected = expected_progress(start_date, due_date, today)
    if expected is not None and status == ProjectStatus.ACTIVE:
        lag = expected - progress
        if lag > OFF_TRACK_LAG:
            add(
                "progress_behind",
                Health.OFF_TRACK,
                f"Progress {progress}% is far behind the {expected}% of time elapsed.",
            )
        elif lag > AT_RISK_LAG:
            add("progress_behind", Health.AT_RISK, f"Progress {progress}% trails the {expected}% of time elapsed.")

    if any(r["severity"] == Health.OFF_TRACK for r in reasons):
        return Health.OFF_TRACK, reasons
    if reasons:
        return Health.AT_RISK, reasons
    return Health.ON_TRACK, reasons


def weighted_progress(milestones: Iterable[tuple[int, int]]) -> int | None:
    """Weighted mean of ``(progress, weight)`` pairs; None when there are none."""
    pairs = list(milestones)
    total = sum(w for _, w in pairs)
    if not pairs or total == 0:
        return None
    return round(sum(p * w for p, w in pairs) / total)
