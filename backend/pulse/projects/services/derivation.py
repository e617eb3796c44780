"""A project's derived fields: progress weighted from its milestones and health with reasons, from
named milestone rows read in one query (for one project or a bulk operation's ten thousand)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.utils import timezone

from pulse.projects.health import MilestoneFacts, compute_health, weighted_progress
from pulse.projects.models import Project

# The columns of a ``MilestoneFacts`` row, in its order.
MILESTONE_FACT_FIELDS = MilestoneFacts._fields


def milestone_facts(project_ids: list[int]) -> dict[int, list[MilestoneFacts]]:
    """Live milestones' facts per project, as named rows, in one query (for set-based recomputation)."""
    facts: dict[int, list[MilestoneFacts]] = {pid: [] for pid in project_ids}
    # Plain SQL: a bulk operation reads ~30,000 of these rows, where the ORM's per-row work showed.
    columns = ", ".join(f'"{name}"' for name in MILESTONE_FACT_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT project_id, {columns} FROM projects_milestone "  # noqa: S608 (column names from code)
            "WHERE deleted_at IS NULL AND project_id = ANY(%s::bigint[])",
            [list(project_ids)],
        )
        for project_id, *row in cursor.fetchall():
            facts[project_id].append(MilestoneFacts._make(row))
    return facts


def derive(project: Project, milestones: list[MilestoneFacts], *, today: datetime.date | None = None) -> None:
    """Recompute progress (weighted, from milestones) and health with reasons, on the instance."""
    derived = weighted_progress((m.progress, m.weight) for m in milestones)
    if derived is not None:
        project.progress = derived
    health, reasons = compute_health(
        status=project.status,
        progress=project.progress,
        start_date=project.start_date,
        due_date=project.due_date,
        milestones=milestones,
        today=today or timezone.localdate(),
    )
    project.health = project.health_override or health
    project.health_reasons = reasons


def derive_project(project: Project) -> None:
    derive(project, milestone_facts([project.pk])[project.pk])
