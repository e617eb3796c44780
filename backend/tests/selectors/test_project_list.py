import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pulse.projects.selectors import project_list
from tests.conftest import client_for
from tests.factories import add_member, fresh, make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio():
    owner = make_user("owner")
    tags = [make_tag(owner) for _ in range(3)]
    for n in range(60):
        project = make_project(owner, title=f"P{n}", tag_ids=[t.pk for t in tags])
        for _ in range(3):
            add_member(project, make_user())
        for _ in range(2):
            make_milestone(project)
    return owner


def _queries(client, page_size):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("project-list"), {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


def test_list_query_count_is_constant_in_page_size(portfolio):
    client = client_for(portfolio)
    small, large = _queries(client, 1), _queries(client, 50)
    assert small == large
    assert large <= 5


def test_selector_filters_by_visibility(portfolio):
    outsider = make_user("outsider")
    assert project_list(user=outsider, params={}).count() == 0
    assert project_list(user=portfolio, params={}).count() == 60


def _pages(client, **params):
    out, page = [], 1
    while True:
        body = client.get(reverse("project-list"), {"page_size": 7, "page": page, **params}).json()
        out.append(body)
        if not body["next"]:
            return out
        page += 1


def test_a_large_portfolio_walks_the_order_index_and_lists_exactly_what_a_small_one_joins(monkeypatch):
    from pulse.projects import selectors, services

    owner, reader = make_user("walk-owner"), make_user("walk-reader")
    projects = [make_project(owner, title=f"W{n}") for n in range(12)]
    for project in projects[:8]:
        add_member(project, reader)
    mine = [make_project(reader, title=f"Mine {n}") for n in range(3)]  # visible by ownership
    gone = projects[0]
    services.project_delete(project_id=gone.pk, expected_version=fresh(gone).version, actor=owner)
    latest = projects[5]
    services.project_update(
        project_id=latest.pk, expected_version=fresh(latest).version, actor=owner, data={"title": "W5 again"}
    )
    client = client_for(reader)

    joined = _pages(client)
    monkeypatch.setattr(selectors, "WALK_FROM", 1)
    with CaptureQueriesContext(connection) as ctx:
        walked = _pages(client)
    assert walked == joined
    assert any("EXISTS" in q["sql"] and "LIMIT 7" in q["sql"] for q in ctx.captured_queries), "the walk ran"
    listed = [p["id"] for body in walked for p in body["results"]]
    assert walked[0]["count"] == len(listed) == 10
    assert gone.pk not in listed and set(listed) == {p.pk for p in projects[1:8]} | {p.pk for p in mine}
    assert listed[0] == latest.pk, "the latest change first"
    # Another order keeps the join (no index walks it): still every visible project, in that order.
    titles = [p["title"] for body in _pages(client, ordering="title") for p in body["results"]]
    assert titles == sorted(titles) and len(titles) == 10
