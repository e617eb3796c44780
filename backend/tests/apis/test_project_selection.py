"""``GET /projects/selection/``: every project the list would show for the same filters, as bulk items."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pulse.projects import selectors, services
from pulse.projects.models import Project
from pulsekit.versioning import make_etag
from tests.apis.support import API, assert_error, body_of
from tests.background.support import bulk_projects
from tests.conftest import client_for
from tests.factories import add_member, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

LIST = f"{API}/projects/"
SELECTION = f"{API}/projects/selection/"


def _listed(client: Any, params: dict[str, Any]) -> list[int]:
    """Every id the list shows for these params, page after page."""
    ids: list[int] = []
    page = 1
    while True:
        response = client.get(LIST, {**params, "page": page, "page_size": 100})
        assert response.status_code == 200, response.content[:1000]
        body = body_of(response)
        ids += [row["id"] for row in body["results"]]
        if not body.get("next"):
            return ids
        page += 1


def _selected(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    response = client.get(SELECTION, params)
    assert response.status_code == 200, response.content[:1000]
    return dict(body_of(response))


@pytest.fixture
def portfolio() -> dict[str, Any]:
    owner = make_user("sel-owner")
    other = make_user("sel-other")
    red, blue = make_tag(owner, "sel-red"), make_tag(owner, "sel-blue")
    made = []
    for i in range(12):
        project = make_project(
            owner,
            title=f"{'Apollo' if i % 3 == 0 else 'Gemini'} mission {i}",
            start_date=datetime.date(2030, 1, 1),
            due_date=datetime.date(2030, 1, 1) + datetime.timedelta(days=10 * i),
            tag_ids=[red.pk, blue.pk] if i % 2 else [blue.pk],
        )
        made.append(project)
    for project in made[:4]:
        services.project_transition(project_id=project.pk, name="start", expected_version=1, actor=owner)
    services.project_update(
        project_id=made[5].pk,
        expected_version=1,
        actor=owner,
        data={"health_override": "off_track", "health_override_reason": "Late"},
    )
    services.project_delete(project_id=made[11].pk, expected_version=1, actor=owner)
    theirs = make_project(other, title="Apollo elsewhere")
    shared = make_project(other, title="Apollo shared")
    add_member(shared, owner)
    return {"owner": owner, "other": other, "red": red, "blue": blue, "made": made, "theirs": theirs, "shared": shared}


FILTERS: list[dict[str, Any]] = [
    {},
    {"status": "active"},
    {"status": ["active", "planning"], "ordering": "title"},
    {"health": "off_track"},
    {"tag": "RED"},  # replaced by the red tag's id below
    {"tag": ["RED", "BLUE"], "ordering": "-due_date"},
    {"due_before": "2030-02-15", "due_after": "2030-01-05"},
    {"q": "apollo"},
    {"q": "apolo"},  # a typo: the trigram match
    {"q": "mission", "ordering": "health"},
    {"ordering": "-progress"},
    {"overdue": "false", "progress_max": 100},
]


@pytest.mark.parametrize("params", FILTERS, ids=[str(f) for f in FILTERS])
def test_the_selection_is_the_list_in_its_order(portfolio: dict[str, Any], params: dict[str, Any]) -> None:
    tags = {"RED": portfolio["red"].pk, "BLUE": portfolio["blue"].pk}
    params = {k: ([tags.get(x, x) for x in v] if isinstance(v, list) else tags.get(v, v)) for k, v in params.items()}
    client = client_for(portfolio["owner"])

    listed = _listed(client, params)
    body = _selected(client, params)

    assert set(body) == {"count", "truncated", "items"}
    assert [item["id"] for item in body["items"]] == listed
    assert body["count"] == len(listed) and body["truncated"] is False
    versions = {p.pk: p.version for p in Project.objects.filter(pk__in=listed)}
    assert body["items"] == [{"id": pk, "etag": make_etag("project", pk, versions[pk])} for pk in listed]


def test_visibility_is_the_lists(portfolio: dict[str, Any]) -> None:
    made, theirs, shared = portfolio["made"], portfolio["theirs"], portfolio["shared"]
    live_mine = {p.pk for p in made[:11]}

    mine = {item["id"] for item in _selected(client_for(portfolio["owner"]), {})["items"]}
    assert mine == live_mine | {shared.pk}  # never the trashed one, never a stranger's
    others = {item["id"] for item in _selected(client_for(portfolio["other"]), {})["items"]}
    assert others == {theirs.pk, shared.pk}
    outsider = _selected(client_for(make_user("sel-outsider")), {})
    assert outsider == {"count": 0, "truncated": False, "items": []}
    staff = {item["id"] for item in _selected(client_for(make_user("sel-staff", is_staff=True)), {})["items"]}
    assert live_mine | {theirs.pk, shared.pk} <= staff and made[11].pk not in staff
    # An ETag moves with the project's version.
    item = next(i for i in _selected(client_for(portfolio["owner"]), {"status": "active"})["items"])
    assert item["etag"] == make_etag("project", item["id"], 2)


def test_one_query_of_ids_and_versions(portfolio: dict[str, Any]) -> None:
    client = client_for(portfolio["owner"])
    client.get(SELECTION)  # warm the authentication path
    with CaptureQueriesContext(connection) as queries:
        body = _selected(client, {"tag": portfolio["red"].pk, "q": "mission", "ordering": "health"})
    assert body["items"]
    reads = [q["sql"] for q in queries.captured_queries if '"projects_project"' in q["sql"]]
    assert len(reads) == 1, reads
    selected = reads[0].split(" FROM ", 1)[0]
    assert '"projects_project"."id"' in selected and '"projects_project"."version"' in selected
    assert '"projects_project"."title"' not in selected and "projects_milestone" not in reads[0]


def test_more_than_the_limit_is_truncated(monkeypatch: Any) -> None:
    owner = make_user("sel-many")
    bulk_projects(owner, 7)
    client = client_for(owner)
    monkeypatch.setattr(selectors, "SELECTION_LIMIT", 5)

    body = _selected(client, {"ordering": "title"})

    assert body["count"] == 7 and body["truncated"] is True and len(body["items"]) == 5
    assert [i["id"] for i in body["items"]] == _listed(client, {"ordering": "title"})[:5]
    exactly = _selected(client, {"ordering": "title", "q": "project"})
    assert exactly["count"] == 7 and exactly["truncated"] is True
    monkeypatch.setattr(selectors, "SELECTION_LIMIT", 7)
    assert _selected(client, {})["truncated"] is False


def test_ten_thousand_at_most() -> None:
    owner = make_user("sel-tenk")
    bulk_projects(owner, 10_001)

    body = _selected(client_for(owner), {})

    assert body["count"] == 10_001 and body["truncated"] is True and len(body["items"]) == 10_000
    assert len({i["id"] for i in body["items"]}) == 10_000


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "paused"}, "status"),
        ({"health": "green"}, "health"),
        ({"due_after": ""}, "due_after"),
        ({"due_before": "31/12/2030"}, "due_before"),
        ({"progress_min": "1.5"}, "progress_min"),
        ({"owner": "0"}, "owner"),
        ({"tag": str(2**40)}, "tag"),
        ({"ordering": "secret"}, "ordering"),
        ({"q": "---"}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_params_are_the_usual_400(params: dict[str, Any], field: str) -> None:
    response = client_for(make_user("sel-typo")).get(SELECTION, params)

    error = assert_error(response, 400)
    assert field in error["details"], error


def test_anonymous_is_401() -> None:
    assert_error(client_for(None).get(SELECTION), 401, "not_authenticated")
