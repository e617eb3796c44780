"""Search (ranked, typo-tolerant, highlighted, escaped) and the dashboard (people picker: test_users_api)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from pulse.projects import services
from pulse.projects.models import Project
from tests.apis.support import API, assert_error, body_of, result_ids
from tests.conftest import client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

SEARCH = f"{API}/search/"


@dataclass
class Corpus:
    user: Any
    title_match: int
    description_match: int
    tag_match: int
    script: int
    hidden: int
    milestone: int


@pytest.fixture
def corpus() -> Corpus:
    user, stranger = make_user("searcher"), make_user("stranger")
    checkout_tag = make_tag(user, "checkout")
    title_match = make_project(user, title="Checkout redesign", description="Rebuild the payment page")
    description_match = make_project(
        user, title="Payments platform", description="Speed up the checkout flow for mobile shoppers"
    )
    tag_match = make_project(user, title="Mobile app", description="Native shell", tag_ids=[checkout_tag.pk])
    script = make_project(user, title="<script>x</script>", description="Scripted <b>bold</b> attack text")
    hidden = make_project(stranger, title="Checkout secret", description="checkout checkout")
    milestone = make_milestone(tag_match, title="Checkout QA pass", description="Test the checkout")
    return Corpus(user, title_match.pk, description_match.pk, tag_match.pk, script.pk, hidden.pk, milestone.pk)


def _search(corpus: Corpus, **params: Any) -> dict[str, Any]:
    response = client_for(corpus.user).get(SEARCH, params)
    assert response.status_code == 200, response.content
    return dict(body_of(response))


def test_search_finds_by_title_tag_and_description_and_ranks_title_first(corpus: Corpus) -> None:
    body = _search(corpus, q="checkout")
    projects = [r for r in body["results"] if r["type"] == "project"]
    ids = [r["id"] for r in projects]
    assert set(ids) == {corpus.title_match, corpus.description_match, corpus.tag_match}
    assert ids[0] == corpus.title_match
    assert corpus.hidden not in {r["project_id"] for r in body["results"]}
    assert body["count"] == len(body["results"])
    ranks = [r["rank"] for r in body["results"]]
    assert ranks == sorted(ranks, reverse=True)
    # Every hit whose title matches outranks every hit that matched elsewhere.
    in_title = ["checkout" in r["title"].lower() for r in body["results"]]
    assert in_title == sorted(in_title, reverse=True), [(r["title"], r["rank"]) for r in body["results"]]


def test_search_includes_milestones_with_their_project(corpus: Corpus) -> None:
    body = _search(corpus, q="checkout", type="milestone")
    assert [r["type"] for r in body["results"]] == ["milestone"]
    hit = body["results"][0]
    assert (hit["id"], hit["project_id"], hit["project_title"]) == (corpus.milestone, corpus.tag_match, "Mobile app")


def test_search_limit(corpus: Corpus) -> None:
    assert len(_search(corpus, q="checkout", limit=1)["results"]) == 1


def test_search_tolerates_a_typo(corpus: Corpus) -> None:
    body = _search(corpus, q="chekout")
    assert corpus.title_match in [r["id"] for r in body["results"] if r["type"] == "project"]
    assert corpus.hidden not in {r["project_id"] for r in body["results"]}


def test_search_highlights_matches(corpus: Corpus) -> None:
    body = _search(corpus, q="checkout", type="project")
    by_id = {r["id"]: r for r in body["results"]}
    assert "<mark>Checkout</mark>" in by_id[corpus.title_match]["title_highlighted"]
    assert "<mark>checkout</mark>" in by_id[corpus.description_match]["snippet"]


def test_search_escapes_html_in_titles_and_snippets(corpus: Corpus) -> None:
    body = _search(corpus, q="script")
    hit = next(r for r in body["results"] if r["id"] == corpus.script)
    assert "<script" not in hit["title_highlighted"]
    assert "&lt;script&gt;" in hit["title_highlighted"]
    assert "<b>" not in hit["snippet"]
    for value in (hit["title_highlighted"], hit["snippet"]):
        assert value.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_list_q_filter_uses_the_same_search(corpus: Corpus) -> None:
    ids = result_ids(client_for(corpus.user).get(f"{API}/projects/", {"q": "checkout"}))
    assert set(ids) == {corpus.title_match, corpus.description_match, corpus.tag_match}
    assert ids[0] == corpus.title_match
    assert corpus.title_match in result_ids(client_for(corpus.user).get(f"{API}/projects/", {"q": "chekout"}))


def test_search_finds_renamed_tags(corpus: Corpus) -> None:
    tag = make_tag(corpus.user, "zeppelin")
    project = make_project(corpus.user, title="Airship", tag_ids=[tag.pk])
    assert project.pk in [r["id"] for r in _search(corpus, q="zeppelin")["results"]]


# ------------------------------------------------------------------ dashboard


@dataclass
class Board:
    user: Any
    busy: Any
    overdue_project: int
    planning: int
    completed: int
    milestone_risk: int
    overdue_milestone: int


@pytest.fixture
def board() -> Board:
    user, busy = make_user("boss"), make_user("busy")
    today = timezone.localdate()
    overdue_project = make_project(user, title="Late rocket", due_date=today - datetime.timedelta(days=10))
    planning = make_project(user, title="Future plan", due_date=today + datetime.timedelta(days=100))
    completed = make_project(user, title="Done deal")
    milestone_risk = make_project(user, title="Slipping")
    overdue_ms = make_milestone(milestone_risk, title="Missed beat", due_date=today - datetime.timedelta(days=3))
    add_member(overdue_project, busy, allocation=60)
    add_member(planning, busy, allocation=50)
    for project, names in ((overdue_project, ["start"]), (completed, ["start", "complete"])):
        for name in names:
            version = Project.objects.get(pk=project.pk).version
            services.project_transition(project_id=project.pk, name=name, expected_version=version, actor=user)
    make_project(make_user("stranger"), title="Invisible", due_date=today - datetime.timedelta(days=1))
    return Board(user, busy, overdue_project.pk, planning.pk, completed.pk, milestone_risk.pk, overdue_ms.pk)


def test_dashboard_counts(board: Board) -> None:
    body = body_of(client_for(board.user).get(f"{API}/dashboard/"))
    assert body["by_status"] == {"planning": 2, "active": 1, "on_hold": 0, "completed": 1, "cancelled": 0}
    assert body["totals"]["projects"] == 4
    assert body["totals"]["open"] == 3
    assert body["totals"]["overdue"] == 1
    assert sum(body["by_health"].values()) == 3  # open projects only
    assert body["by_health"]["off_track"] >= 1
    assert body["by_health"]["at_risk"] >= 1
    # Progress bands of the open projects: all three are at 0 % here.
    assert body["by_progress"] == {"0-24": 3, "25-49": 0, "50-74": 0, "75-99": 0, "100": 0}


def test_dashboard_lists_overdue_milestones_and_at_risk_projects_with_reasons(board: Board) -> None:
    body = body_of(client_for(board.user).get(f"{API}/dashboard/"))
    overdue = {m["id"]: m for m in body["overdue_milestones"]}
    assert board.overdue_milestone in overdue
    entry = overdue[board.overdue_milestone]
    assert (entry["days_overdue"], entry["project_id"], entry["project_title"]) == (3, board.milestone_risk, "Slipping")

    at_risk = {p["id"]: p for p in body["at_risk_projects"]}
    assert set(at_risk) == {board.overdue_project, board.milestone_risk}
    assert at_risk[board.overdue_project]["health"] == "off_track"
    assert "project_overdue" in {r["code"] for r in at_risk[board.overdue_project]["health_reasons"]}
    assert at_risk[board.milestone_risk]["health"] == "at_risk"
    assert "milestone_overdue" in {r["code"] for r in at_risk[board.milestone_risk]["health_reasons"]}
    for project in at_risk.values():
        assert all(reason["message"] for reason in project["health_reasons"])


def test_dashboard_over_allocated_people_and_recent_activity(board: Board) -> None:
    body = body_of(client_for(board.user).get(f"{API}/dashboard/"))
    people = {p["user"]["id"]: p for p in body["over_allocated_people"]}
    assert set(people) == {board.busy.pk}
    assert (people[board.busy.pk]["total_allocation"], people[board.busy.pk]["project_count"]) == (110, 2)

    recent = body["recent_activity"]
    assert recent
    assert [a["id"] for a in recent] == sorted((a["id"] for a in recent), reverse=True)
    visible = {board.overdue_project, board.planning, board.completed, board.milestone_risk}
    assert {a["project_id"] for a in recent if a["project_id"] is not None} <= visible


def test_dashboard_of_someone_with_no_projects_is_empty(board: Board) -> None:
    body = body_of(client_for(make_user("newbie")).get(f"{API}/dashboard/"))
    assert body["totals"]["projects"] == 0
    assert body["overdue_milestones"] == body["at_risk_projects"] == body["over_allocated_people"] == []


def test_completing_a_project_releases_the_allocation(board: Board) -> None:
    client = client_for(board.user)
    for name in ("start", "complete"):
        url = f"{API}/projects/{board.planning}/"
        etag = client.get(url)["ETag"]
        assert client.post(f"{url}transitions/{name}/", HTTP_IF_MATCH=etag).status_code == 200
    body = body_of(client.get(f"{API}/dashboard/"))
    assert body["over_allocated_people"] == []


def test_search_requires_authentication() -> None:
    assert_error(client_for(None).get(SEARCH, {"q": "x"}), 401, "not_authenticated")
