import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pulse.projects.selectors import project_list
from tests.conftest import client_for
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user

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
