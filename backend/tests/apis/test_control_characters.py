"""Control characters never enter stored text (SPEC §12), and stored ones never become highlights.

One rule (``pulsekit.fields``): one-line text refuses every C0 control (U+0000-U+001F) and DEL;
multi-line text (descriptions) allows tab, LF and CR. The API answers 400 on the field, the
services refuse the same input when called directly, and search highlighting does not depend on
what a stored title contains.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulse.accounts.services import user_create
from pulse.bulk.services import bulk_operation_request
from pulse.projects import services
from pulse.projects.models import Milestone, Project
from pulse.search.selectors import search
from pulsekit.errors import ValidationFailed
from pulsekit.fields import has_control_chars
from pulsekit.versioning import make_etag
from tests.apis.support import API, assert_error, body_of, milestone_url, milestones_url, project_url, state, tag_url
from tests.conftest import Cast, client_for, etag_of
from tests.factories import make_milestone, make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

ONE_LINE_BAD = ["\x00", "\x02", "\x03", "\x07", "\t", "\n", "\r", "\x0b", "\x1b", "\x1f", "\x7f"]
MULTI_LINE_BAD = ["\x00", "\x02", "\x03", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]


def test_the_rule() -> None:
    for code in range(0x20):
        assert has_control_chars(f"a{chr(code)}b")
        assert has_control_chars(f"a{chr(code)}b", multiline=True) is (code not in (0x09, 0x0A, 0x0D))
    assert has_control_chars("\x7f") and has_control_chars("\x7f", multiline=True)
    assert not has_control_chars("Café — naïve ünïcode ✓ \u00a0 \u200b")
    assert not has_control_chars("line one\r\nline two\ttabbed", multiline=True)


def _bad(char: str) -> list[str]:
    # In the middle, and alone at either end (where CharField's trimming would otherwise eat \x1c-\x1f).
    return [f"Moon{char}base", f"{char}Moonbase", f"Moonbase{char}"]


@pytest.mark.parametrize("char", ONE_LINE_BAD, ids=[f"U+{ord(c):04X}" for c in ONE_LINE_BAD])
def test_project_title_and_reason_refuse_every_control(cast: Cast, char: str) -> None:
    client = client_for(cast.owner)
    for value in _bad(char):
        before = state()
        error = assert_error(client.post(f"{API}/projects/", {"title": value}, format="json"), 400, "validation_error")
        assert list(error["details"]) == ["title"], error
        body = {"title": "Fine", "health_override": "at_risk", "health_override_reason": value}
        error = assert_error(client.post(f"{API}/projects/", body, format="json"), 400)
        assert list(error["details"]) == ["health_override_reason"], error
        url = project_url(cast.project.pk)
        error = assert_error(
            client.patch(url, {"title": value}, format="json", HTTP_IF_MATCH=etag_of(client, url)), 400
        )
        assert list(error["details"]) == ["title"], error
        assert state() == before


@pytest.mark.parametrize("char", MULTI_LINE_BAD, ids=[f"U+{ord(c):04X}" for c in MULTI_LINE_BAD])
def test_descriptions_refuse_controls_other_than_tab_and_line_breaks(cast: Cast, char: str) -> None:
    client = client_for(cast.owner)
    url = project_url(cast.project.pk)
    before = state()
    for value in _bad(char):
        error = assert_error(
            client.post(f"{API}/projects/", {"title": "Fine", "description": value}, format="json"), 400
        )
        assert list(error["details"]) == ["description"], error
        error = assert_error(
            client.patch(url, {"description": value}, format="json", HTTP_IF_MATCH=etag_of(client, url)), 400
        )
        assert list(error["details"]) == ["description"], error
        body = {"title": "Fine", "description": value}
        error = assert_error(client.post(milestones_url(cast.project.pk), body, format="json"), 400)
        assert list(error["details"]) == ["description"], error
    assert state() == before


def test_descriptions_keep_tab_and_line_breaks(cast: Cast) -> None:
    client = client_for(cast.owner)
    text = "First line\r\nSecond\tline\n"
    response = client.post(f"{API}/projects/", {"title": "Multi-line", "description": text}, format="json")
    assert response.status_code == 201, response.content
    assert Project.objects.get(pk=body_of(response)["id"]).description == text
    response = client.post(milestones_url(cast.project.pk), {"title": "M", "description": text}, format="json")
    assert response.status_code == 201, response.content
    assert Milestone.objects.get(pk=body_of(response)["id"]).description == text


@pytest.mark.parametrize("char", ["\x00", "\x02", "\n", "\x1f", "\x7f"])
def test_milestone_and_tag_names_refuse_controls(cast: Cast, char: str) -> None:
    client = client_for(cast.owner)
    milestone = make_milestone(cast.project, title="Launch")
    tag = make_tag(cast.owner, "infra")
    before = state()
    for value in _bad(char):
        error = assert_error(client.post(milestones_url(cast.project.pk), {"title": value}, format="json"), 400)
        assert list(error["details"]) == ["title"], error
        url = milestone_url(cast.project.pk, milestone.pk)
        error = assert_error(
            client.patch(url, {"title": value}, format="json", HTTP_IF_MATCH=etag_of(client, url)), 400
        )
        assert list(error["details"]) == ["title"], error
        error = assert_error(client.post(f"{API}/tags/", {"name": value}, format="json"), 400)
        assert list(error["details"]) == ["name"], error
        url = tag_url(tag.pk)
        error = assert_error(client.patch(url, {"name": value}, format="json", HTTP_IF_MATCH=etag_of(client, url)), 400)
        assert list(error["details"]) == ["name"], error
    assert state() == before


@pytest.mark.parametrize("field", ["display_name", "first_name", "last_name"])
@pytest.mark.parametrize("char", ["\x00", "\x03", "\t", "\x1e", "\x7f"])
def test_profile_names_refuse_controls(cast: Cast, field: str, char: str) -> None:
    client = client_for(cast.developer)
    url = f"{API}/auth/me/"
    before = state()
    for value in _bad(char):
        response = client.patch(url, {field: value}, format="json", HTTP_IF_MATCH=etag_of(client, url))
        assert list(assert_error(response, 400)["details"]) == [field]
    assert state() == before


def test_profile_email_refuses_controls_even_in_a_quoted_local_part(cast: Cast) -> None:
    client = client_for(cast.developer)
    url = f"{API}/auth/me/"
    before = state()
    for value in ['"a\x07b"@example.test', "dev\x1f@example.test"]:
        response = client.patch(url, {"email": value}, format="json", HTTP_IF_MATCH=etag_of(client, url))
        assert list(assert_error(response, 400)["details"]) == ["email"]
    assert state() == before


def test_bulk_reason_refuses_controls(cast: Cast) -> None:
    client = client_for(cast.owner)
    project = Project.objects.get(pk=cast.project.pk)
    items = [{"id": project.pk, "etag": make_etag("project", project.pk, project.version)}]
    before = state()
    for value in _bad("\x02"):
        body = {"action": "set_health_override", "items": items, "params": {"health": "at_risk", "reason": value}}
        error = assert_error(client.post(f"{API}/bulk-operations/", body, format="json"), 400)
        assert error["details"] == {"params": {"reason": [error["details"]["params"]["reason"][0]]}}
    assert state() == before


@pytest.mark.parametrize("path", ["/search/", "/projects/", "/users/"])
def test_query_parameters_refuse_controls(cast: Cast, path: str) -> None:
    response = client_for(cast.owner).get(f"{API}{path}", {"q": "moon\x02"})
    assert list(assert_error(response, 400)["details"]) == ["q"]


# ------------------------------------------------------------------ the services, called directly


@pytest.mark.parametrize("char", ["\x00", "\x02", "\n", "\x7f"])
def test_services_refuse_controls_on_their_own(cast: Cast, char: str) -> None:
    owner = cast.owner
    cases: list[tuple[Any, str]] = [
        (lambda: services.project_create(actor=owner, title=f"a{char}b"), "title"),
        (
            lambda: services.project_create(actor=owner, title="ok", description=f"a{char}b"),
            "description",
        ),
        (
            lambda: services.project_create(
                actor=owner, title="ok", health_override="at_risk", health_override_reason=f"a{char}b"
            ),
            "health_override_reason",
        ),
        (
            lambda: services.milestone_create(project_id=cast.project.pk, actor=owner, data={"title": f"a{char}b"}),
            "title",
        ),
        (lambda: services.tag_create(actor=owner, name=f"a{char}b"), "name"),
        (
            lambda: user_create(username="newbie", email="n@example.test", password=None, first_name=f"a{char}"),
            "first_name",
        ),
        (
            lambda: user_create(username="newbie", email="n@example.test", password=None, last_name=f"a{char}"),
            "last_name",
        ),
        (
            lambda: user_create(username="newbie", email="n@example.test", password=None, display_name=f"{char}"),
            "display_name",
        ),
    ]
    before = state()
    for call, field in cases:
        if field == "description" and char == "\n":
            continue  # a line break is fine in a description
        with pytest.raises(ValidationFailed) as raised:
            call()
        assert field in raised.value.details, (field, raised.value.details)
    project = Project.objects.get(pk=cast.project.pk)
    with pytest.raises(ValidationFailed) as raised:
        bulk_operation_request(
            actor=owner,
            action="set_health_override",
            params={"health": "at_risk", "reason": f"a{char}b"},
            items=[{"id": project.pk, "etag": make_etag("project", project.pk, project.version)}],
        )
    assert "reason" in raised.value.details["params"]
    assert state() == before


# ------------------------------------------------------------------ highlighting legacy rows


def test_stored_control_characters_never_become_highlights(cast: Cast) -> None:
    """Rows written before the rule (straight through the ORM) hold the characters the highlighter
    once used as its markers; they are escaped text, never ``<mark>``."""
    owner = make_user("legacy")
    project = make_project(owner, title="Legacy zeppelin", description="About the zeppelin")
    milestone = make_milestone(project, title="Zeppelin milestone")
    Project.objects.filter(pk=project.pk).update(
        title="\x02Legacy\x03 zeppelin \x02<b>x</b>", description="\x02About\x03 the zeppelin \x03 end \x02"
    )
    Milestone.objects.filter(pk=milestone.pk).update(title="\x02Zeppelin\x03 milestone \x02 open")
    services.search_index_refresh([project.pk])
    services.milestone_search_index_refresh([milestone.pk])

    results = {r["type"]: r for r in search(user=owner, q="zeppelin")}

    assert set(results) == {"project", "milestone"}
    for hit in results.values():
        for value in (hit["title_highlighted"], hit["snippet"]):
            # exactly the one matched word is marked, and every mark is balanced
            assert value.count("<mark>") == value.count("</mark>") <= 1, value
            assert "<mark>" not in value.replace("<mark>zeppelin</mark>", "").replace("<mark>Zeppelin</mark>", "")
            assert value.replace("<mark>", "").replace("</mark>", "").count("<") == 0, value
    assert results["project"]["title_highlighted"] == "\x02Legacy\x03 <mark>zeppelin</mark> \x02&lt;b&gt;x&lt;/b&gt;"
    assert results["milestone"]["title_highlighted"] == "\x02<mark>Zeppelin</mark>\x03 milestone \x02 open"


def test_highlight_markers_differ_per_search(cast: Cast) -> None:
    """A title that spells out one search's markers is plain text in the next one."""
    from pulse.search.selectors import Markers

    first, second = Markers.fresh(), Markers.fresh()
    assert first != second
    for marker in (*first, *second):
        assert marker.isalnum()
    owner = make_user("spell")
    project = make_project(owner, title=f"{first.start}Orbit{first.stop} plan")
    (hit,) = search(user=owner, q="plan", kinds=frozenset({"project"}))
    assert hit["id"] == project.pk
    assert hit["title_highlighted"] == f"{first.start}Orbit{first.stop} <mark>plan</mark>"
