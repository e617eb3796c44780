"""Search-index maintenance: the weighted text vectors of projects and milestones and the vocabulary
of words the typo search suggests from, rebuilt in set-based statements by the writers that change
what they index (the query side is ``pulse.search.selectors``)."""

from __future__ import annotations

from django.db import connection


def search_index_refresh(project_ids: list[int]) -> None:
    """Rebuild the weighted search vector (title A, tags B, description C) in one statement."""
    if not project_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE projects_project p SET search_vector =
                setweight(to_tsvector('english', p.title), 'A') ||
                setweight(to_tsvector('english', coalesce(t.names, '')), 'B') ||
                setweight(to_tsvector('english', p.description), 'C')
            FROM (
                SELECT p2.id, string_agg(tag.name, ' ') AS names
                FROM projects_project p2
                LEFT JOIN projects_project_tags pt ON pt.project_id = p2.id
                LEFT JOIN projects_tag tag ON tag.id = pt.tag_id AND tag.deleted_at IS NULL
                WHERE p2.id = ANY(%s)
                GROUP BY p2.id
            ) t
            WHERE p.id = t.id
            """,
            [list(project_ids)],
        )
        cursor.execute(VOCABULARY_SQL.format(table="projects_project", column="title"), [list(project_ids)])


VOCABULARY_SQL = """
    INSERT INTO search_searchword (word)
    SELECT DISTINCT w FROM {table} x, regexp_split_to_table(lower(x.{column}), '[^[:alnum:]]+') w
    WHERE x.id = ANY(%s) AND length(w) BETWEEN 3 AND 100 AND w !~ '^[0-9]+$'
    ON CONFLICT DO NOTHING
"""


def milestone_search_index_refresh(milestone_ids: list[int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(VOCABULARY_SQL.format(table="projects_milestone", column="title"), [list(milestone_ids)])
        cursor.execute(
            """
            UPDATE projects_milestone SET search_vector =
                setweight(to_tsvector('english', title), 'A') ||
                setweight(to_tsvector('english', description), 'C')
            WHERE id = ANY(%s)
            """,
            [list(milestone_ids)],
        )
