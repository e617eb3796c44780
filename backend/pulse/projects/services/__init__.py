"""Every write to projects, members, milestones and tags, one module per entity.

Each public service is one transaction, checks permission and the expected
version under a row lock, writes with a compare-and-swap on ``version`` and
records exactly one Activity (the event outbox row) for the change.
Lock order is always project, then milestone / member, so writers never deadlock.
The rules they apply (permissions, lifecycle, validation, the activity row, who
is told) live in ``pulse.projects.rules``, shared with the bulk path; the search
index they keep up to date, in ``pulse.search.index``.

``from pulse.projects.services import X`` names every public service and helper.
"""

from __future__ import annotations

from pulse.projects.rules.lifecycle import TRANSITIONS, allowed_transitions
from pulse.projects.services.common import PROJECT_FIELDS
from pulse.projects.services.derivation import MILESTONE_FACT_FIELDS, derive, milestone_facts
from pulse.projects.services.lifecycle import project_delete, project_restore, project_transition
from pulse.projects.services.members import member_add, member_remove, member_update
from pulse.projects.services.milestones import MILESTONE_FIELDS, milestone_create, milestone_delete, milestone_update
from pulse.projects.services.projects import project_create, project_update
from pulse.projects.services.tags import tag_create, tag_delete, tag_names_by_project, tag_update
from pulse.search.index import VOCABULARY_SQL, milestone_search_index_refresh, search_index_refresh

__all__ = [
    "MILESTONE_FACT_FIELDS",
    "MILESTONE_FIELDS",
    "PROJECT_FIELDS",
    "TRANSITIONS",
    "VOCABULARY_SQL",
    "allowed_transitions",
    "derive",
    "member_add",
    "member_remove",
    "member_update",
    "milestone_create",
    "milestone_delete",
    "milestone_facts",
    "milestone_search_index_refresh",
    "milestone_update",
    "project_create",
    "project_delete",
    "project_restore",
    "project_transition",
    "project_update",
    "search_index_refresh",
    "tag_create",
    "tag_delete",
    "tag_names_by_project",
    "tag_update",
]
