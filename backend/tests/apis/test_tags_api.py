"""Tags over HTTP: CRUD, case-insensitive uniqueness among live tags, effect on tagged projects."""

from __future__ import annotations

from typing import Any

import pytest

from pulse.activity.models import Activity
from tests.apis.support import API, activity_url, assert_error, body_of, project_url, state, tag_url
from tests.conftest import client_for, etag_of
from tests.factories import make_project, make_tag, make_user

pytestmark = pytest.mark.django_db

TAGS = f"{API}/tags/"


def test_create_201_location_etag() -> None:
    user = make_user("tagger")
    client = client_for(user)
    before = Activity.objects.count()

    response = client.post(TAGS, {"name": "  Backend ", "colour": "#3B82F6"}, format="json")

    assert response.status_code == 201, response.content
    body = body_of(response)
    assert (body["name"], body["colour"], body["project_count"]) == ("Backend", "#3B82F6", 0)
    assert response["Location"] == f"http://testserver{tag_url(body['id'])}"
    assert response["ETag"] == body["etag"] == etag_of(client, response["Location"])
    assert Activity.objects.count() == before + 1
    assert Activity.objects.latest("id").verb == "tag.created"


def test_default_colour() -> None:
    response = client_for(make_user("tagger")).post(TAGS, {"name": "plain"}, format="json")
    assert response.status_code == 201
    assert body_of(response)["colour"].startswith("#") and len(body_of(response)["colour"]) == 7


@pytest.mark.parametrize("clash", ["backend", "BACKEND", " Backend ", "bAcKeNd"])
def test_names_are_unique_case_insensitively(clash: str) -> None:
    user = make_user("tagger")
    make_tag(user, "Backend")
    before = state()
    response = client_for(user).post(TAGS, {"name": clash}, format="json")
    assert "name" in assert_error(response, 400, "validation_error")["details"]
    assert state() == before


def test_rename_onto_another_tags_name_is_400_but_recasing_itself_is_fine() -> None:
    user = make_user("tagger")
    make_tag(user, "Frontend")
    backend = make_tag(user, "Backend")
    client = client_for(user)
    url = tag_url(backend.pk)
    before = state()

    clash = client.patch(url, {"name": "FRONTEND"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert "name" in assert_error(clash, 400)["details"]
    assert state() == before

    recased = client.patch(url, {"name": "BACKEND"}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert recased.status_code == 200, recased.content
    assert body_of(recased)["name"] == "BACKEND"
    latest = Activity.objects.latest("id")
    assert (latest.verb, latest.changes) == ("tag.updated", {"name": ["Backend", "BACKEND"]})


def test_deleted_tag_name_can_be_reused_and_the_tag_is_gone() -> None:
    user = make_user("tagger")
    old = make_tag(user, "Legacy")
    client = client_for(user)
    url = tag_url(old.pk)
    response = client.delete(url, HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 204
    assert_error(client.get(url), 404)
    assert old.pk not in [t["id"] for t in body_of(client.get(TAGS))["results"]]
    again = client.post(TAGS, {"name": "legacy"}, format="json")
    assert again.status_code == 201


def test_list_search_and_project_count() -> None:
    user = make_user("tagger")
    alpha = make_tag(user, "alpha-team")
    make_tag(user, "beta-team")
    make_tag(user, "gamma")
    make_project(user, title="Uses alpha", tag_ids=[alpha.pk])
    make_project(user, title="Also alpha", tag_ids=[alpha.pk])
    client = client_for(user)

    everything = body_of(client.get(TAGS))
    assert [t["name"] for t in everything["results"]] == ["alpha-team", "beta-team", "gamma"]
    assert everything["count"] == 3

    found = body_of(client.get(TAGS, {"q": "TEAM"}))["results"]
    assert [t["name"] for t in found] == ["alpha-team", "beta-team"]
    assert next(t for t in found if t["name"] == "alpha-team")["project_count"] == 2


def test_tagging_a_project_and_what_tag_changes_do_to_it() -> None:
    user = make_user("tagger")
    tag = make_tag(user, "ops")
    project = make_project(user, title="Infra")
    client = client_for(user)
    purl = project_url(project.pk)

    tagged = client.patch(purl, {"tag_ids": [tag.pk]}, format="json", HTTP_IF_MATCH=etag_of(client, purl))
    assert tagged.status_code == 200
    assert [t["name"] for t in body_of(tagged)["tags"]] == ["ops"]
    assert Activity.objects.latest("id").changes == {"tags": [[], ["ops"]]}

    # Renaming the tag changes the project's representation, so its ETag must change.
    project_etag = etag_of(client, purl)
    turl = tag_url(tag.pk)
    renamed = client.patch(turl, {"name": "operations"}, format="json", HTTP_IF_MATCH=etag_of(client, turl))
    assert renamed.status_code == 200
    assert [t["name"] for t in body_of(client.get(purl))["tags"]] == ["operations"]
    assert etag_of(client, purl) != project_etag
    assert client.get(f"{API}/projects/", {"tag": tag.pk}).json()["count"] == 1

    # Deleting it takes it off the project, again with a new ETag.
    project_etag = etag_of(client, purl)
    assert client.delete(turl, HTTP_IF_MATCH=etag_of(client, turl)).status_code == 204
    assert body_of(client.get(purl))["tags"] == []
    assert etag_of(client, purl) != project_etag


def test_untagging_with_an_empty_list() -> None:
    user = make_user("tagger")
    tag = make_tag(user, "temp")
    project = make_project(user, title="Tagged", tag_ids=[tag.pk])
    client = client_for(user)
    url = project_url(project.pk)
    response = client.patch(url, {"tag_ids": []}, format="json", HTTP_IF_MATCH=etag_of(client, url))
    assert response.status_code == 200
    assert body_of(response)["tags"] == []


def test_only_creator_or_staff_may_change_a_tag() -> None:
    creator, other, staff = make_user("creator"), make_user("other"), make_user("staff", is_staff=True)
    tag = make_tag(creator, "owned")
    url = tag_url(tag.pk)
    before = state()
    other_client = client_for(other)
    patch = other_client.patch(url, {"colour": "#000000"}, format="json", HTTP_IF_MATCH=etag_of(other_client, url))
    assert_error(patch, 403, "permission_denied")
    assert_error(other_client.delete(url, HTTP_IF_MATCH=etag_of(other_client, url)), 403)
    assert state() == before
    staff_client = client_for(staff)
    assert (
        staff_client.patch(
            url, {"colour": "#000000"}, format="json", HTTP_IF_MATCH=etag_of(staff_client, url)
        ).status_code
        == 200
    )


def test_what_a_shared_tag_tells_each_person_is_limited_to_the_projects_they_may_see() -> None:
    me, stranger, staff = make_user("me"), make_user("stranger"), make_user("staff", is_staff=True)
    tag = make_tag(stranger, "confidential")
    mine = make_project(me, title="Mine", tag_ids=[tag.pk])
    theirs = make_project(stranger, title="Theirs", tag_ids=[tag.pk])
    also_theirs = make_project(stranger, title="Also theirs", tag_ids=[tag.pk])
    turl = tag_url(tag.pk)

    def counts(user: Any) -> tuple[int, int]:
        client = client_for(user)
        listed = next(t for t in body_of(client.get(TAGS))["results"] if t["id"] == tag.pk)
        return listed["project_count"], body_of(client.get(turl))["project_count"]

    assert counts(me) == (1, 1)
    assert counts(stranger) == (2, 2)
    assert counts(staff) == (3, 3)
    assert counts(make_user("nobody")) == (0, 0)

    owner = client_for(stranger)
    assert owner.patch(turl, {"name": "renamed"}, format="json", HTTP_IF_MATCH=etag_of(owner, turl)).status_code == 200
    assert owner.delete(turl, HTTP_IF_MATCH=etag_of(owner, turl)).status_code == 204

    def tag_rows(user: Any) -> dict[str, list[int]]:
        client = client_for(user)
        feed = body_of(client.get(f"{API}/activity/", {"verb": "tag."}))["results"]
        recent = body_of(client.get(f"{API}/dashboard/"))["recent_activity"]
        changes = ("tag.updated", "tag.deleted")
        from_feed = {a["verb"]: sorted(a["metadata"]["project_ids"]) for a in feed if a["verb"] in changes}
        from_dashboard = {a["verb"]: sorted(a["metadata"]["project_ids"]) for a in recent if a["verb"] in changes}
        assert from_dashboard == from_feed
        return from_feed

    everything = sorted([mine.pk, theirs.pk, also_theirs.pk])
    assert tag_rows(me) == {"tag.updated": [mine.pk], "tag.deleted": [mine.pk]}
    theirs_only = sorted([theirs.pk, also_theirs.pk])
    assert tag_rows(stranger) == {"tag.updated": theirs_only, "tag.deleted": theirs_only}
    assert tag_rows(make_user("nobody")) == {"tag.updated": [], "tag.deleted": []}
    assert tag_rows(staff) == {"tag.updated": everything, "tag.deleted": everything}
    stored = Activity.objects.get(verb="tag.deleted", target_id=tag.pk)
    assert sorted(stored.metadata["project_ids"]) == everything, "the audit log itself keeps every id"


def test_renaming_or_deleting_a_tag_is_a_change_of_each_tagged_project_with_its_own_activity() -> None:
    user = make_user("tagger")
    tag = make_tag(user, "ops")
    other_tag = make_tag(user, "infra")
    tagged = [make_project(user, title=f"Tagged {n}", tag_ids=[tag.pk, other_tag.pk]) for n in range(2)]
    untagged = make_project(user, title="Untagged", tag_ids=[other_tag.pk])
    client = client_for(user)
    turl = tag_url(tag.pk)

    def project_changes(project_id: int) -> tuple[str, dict[str, Any], int, dict[str, Any]]:
        latest = body_of(client.get(activity_url(project_id)))["results"][0]
        current = client.get(project_url(project_id))
        assert current["ETag"] == f'"project-{project_id}-v{latest["version"]}"', "the activity names the new version"
        return latest["verb"], latest["changes"], latest["version"], latest["metadata"]

    versions = {p.pk: body_of(client.get(project_url(p.pk)))["version"] for p in [*tagged, untagged]}
    untouched = body_of(client.get(activity_url(untagged.pk)))["results"][0]["id"]
    assert (
        client.patch(turl, {"name": "operations"}, format="json", HTTP_IF_MATCH=etag_of(client, turl)).status_code
        == 200
    )
    for p in tagged:
        verb, changes, version, metadata = project_changes(p.pk)
        assert (verb, changes, version) == (
            "project.updated",
            {"tags": [["infra", "ops"], ["infra", "operations"]]},
            versions[p.pk] + 1,
        )
        assert metadata == {"title": p.title, "tag_id": tag.pk, "cause": "tag.updated"}

    colour = client.patch(turl, {"colour": "#112233"}, format="json", HTTP_IF_MATCH=etag_of(client, turl))
    assert colour.status_code == 200
    assert client.delete(turl, HTTP_IF_MATCH=etag_of(client, turl)).status_code == 204
    for p in tagged:
        verb, changes, version, metadata = project_changes(p.pk)
        assert (verb, changes, version) == (
            "project.updated",
            {"tags": [["infra", "operations"], ["infra"]]},
            versions[p.pk] + 2,
        )
        assert metadata["cause"] == "tag.deleted"
    assert body_of(client.get(activity_url(untagged.pk)))["results"][0]["id"] == untouched
    assert body_of(client.get(project_url(untagged.pk)))["version"] == versions[untagged.pk]
