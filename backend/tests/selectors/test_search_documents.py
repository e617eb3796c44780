"""The narrow search copies (``search_projectdocument``) staff searches rank on: every writer of a
project's vector or deletion keeps them equal to the project's own row, a failed write leaves them as
they were, and ranking on them returns exactly what ranking on ``projects_project`` returns."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.postgres.search import SearchRank
from django.db import connection, transaction
from django.db.models import F

from pulse.projects import services
from pulse.projects.filters import search_query
from pulse.projects.models import Project
from pulse.search.models import ProjectDocument
from pulse.search.selectors import search
from pulsekit.errors import ApplicationError
from tests.factories import make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


def _copy_matches(project_id: int) -> None:
    """The document holds exactly the project's vector and deletion time (compared in SQL, as text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT p.search_vector::text, d.search_vector::text, p.deleted_at, d.deleted_at
            FROM projects_project p LEFT JOIN search_projectdocument d ON d.project_id = p.id WHERE p.id = %s
            """,
            [project_id],
        )
        project_vector, document_vector, project_deleted, document_deleted = cursor.fetchone()
    assert document_vector == project_vector
    assert document_deleted == project_deleted


def _vector(project_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_vector::text FROM search_projectdocument WHERE project_id = %s", [project_id])
        return str(cursor.fetchone()[0])


def test_every_writer_keeps_the_copy_equal_to_the_project() -> None:
    owner = make_user("owner")
    tag = make_tag(owner, "zeppelin")
    project = make_project(owner, title="Harbour crane", description="Lift the containers", tag_ids=[tag.pk])
    _copy_matches(project.pk)
    assert "'zeppelin':" in _vector(project.pk) and "'crane':" in _vector(project.pk)

    project = services.project_update(
        project_id=project.pk, expected_version=project.version, actor=owner, data={"title": "Harbour gantry"}
    )
    _copy_matches(project.pk)
    assert "'gantri':" in _vector(project.pk) and "'crane'" not in _vector(project.pk)

    services.tag_update(tag_id=tag.pk, expected_version=tag.version, actor=owner, data={"name": "airship"})
    _copy_matches(project.pk)
    assert "'airship':" in _vector(project.pk) and "zeppelin" not in _vector(project.pk)

    project = Project.objects.get(pk=project.pk)  # the tag rename moved its version
    project = services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    _copy_matches(project.pk)
    assert ProjectDocument.objects.get(pk=project.pk).deleted_at is not None

    services.project_restore(project_id=project.pk, actor=owner)
    _copy_matches(project.pk)
    assert ProjectDocument.objects.get(pk=project.pk).deleted_at is None

    Project.all_objects.filter(pk=project.pk).delete()
    assert not ProjectDocument.objects.filter(pk=project.pk).exists()


def test_a_failed_write_leaves_the_copy_as_it_was() -> None:
    owner, stranger = make_user("owner"), make_user("stranger")
    project = make_project(owner, title="Harbour crane", description="Lift the containers")
    before = _vector(project.pk)

    with pytest.raises(ApplicationError):  # not the owner: refused before anything is written
        services.project_delete(project_id=project.pk, expected_version=project.version, actor=stranger)
    with pytest.raises(ApplicationError):  # a stale version: refused
        services.project_update(
            project_id=project.pk, expected_version=project.version + 5, actor=owner, data={"title": "Gantry"}
        )
    with pytest.raises(RuntimeError), transaction.atomic():  # written, then rolled back
        services.project_update(
            project_id=project.pk, expected_version=project.version, actor=owner, data={"title": "Gantry"}
        )
        assert "'gantri':" in _vector(project.pk)
        raise RuntimeError("roll back")

    assert _vector(project.pk) == before
    assert ProjectDocument.objects.get(pk=project.pk).deleted_at is None
    _copy_matches(project.pk)


def _ranked_on_projects(q: str, limit: int) -> list[tuple[int, float]]:
    """The ranking as it was before the copies: every live match ranked on ``projects_project``."""
    query = search_query(q)
    rows = (
        Project.objects.filter(search_vector=query)
        .annotate(rank=SearchRank(F("search_vector"), query))
        .order_by("-rank", "-id")
        .values_list("id", "rank")[:limit]
    )
    return [(pk, round(float(rank), 6)) for pk, rank in rows]


def test_staff_ranking_on_the_copies_equals_ranking_on_the_projects() -> None:
    staff = make_user("staff", is_staff=True)
    owner = make_user("owner")
    # 30 matches of "ledger" for a limit of 20, with ties (the same text) broken by id, title and
    # description matches, repeated words, and deleted matches that must never come back.
    texts: list[tuple[str, str]] = []
    for i in range(30):
        if i % 5 == 0:
            texts.append((f"Ledger rework {i}", "Move the accounts"))
        elif i % 5 == 1:
            texts.append((f"Accounts {i}", "ledger ledger ledger close"))
        else:
            texts.append((f"Accounts {i}", f"Close the ledger {'and the books ' * (i % 4)}"))
    projects = [make_project(owner, title=t, description=d) for t, d in texts]
    for gone in projects[:6:2]:
        services.project_delete(project_id=gone.pk, expected_version=gone.version, actor=owner)
    gone_ids = {p.pk for p in projects[:6:2]}

    expected = _ranked_on_projects("ledger", 20)
    assert len(expected) == 20
    got = [(r["id"], r["rank"]) for r in search(user=staff, q="ledger", kinds=frozenset({"project"}))]
    assert got == expected
    assert not gone_ids & {pk for pk, _ in got}
    # a title match outranks every description-only match, on the copies too
    titles = {p.pk: p.title for p in projects}
    in_title = ["ledger" in titles[pk].lower() for pk, _ in got]
    assert in_title == sorted(in_title, reverse=True)
    assert any(in_title) and not all(in_title)


def test_staff_typo_ranking_on_the_copies_leaves_out_deleted_projects() -> None:
    staff = make_user("staff", is_staff=True)
    owner = make_user("owner")
    live = make_project(owner, title="Warehouse scanner", description="Barcode reader")
    gone = make_project(owner, title="Warehouse robots", description="Pickers")
    services.project_delete(project_id=gone.pk, expected_version=gone.version, actor=owner)

    results: list[dict[str, Any]] = search(user=staff, q="warehose", kinds=frozenset({"project"}))
    assert [r["id"] for r in results] == [live.pk]
    assert "<mark>Warehouse</mark>" in results[0]["title_highlighted"]
