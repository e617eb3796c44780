"""``GET /users/``, the people picker: scoped to the people a caller shares a project with.

Anyone may look up one person by their whole email address (to add someone new to a team), but
nobody who is not staff can list, or search their way through, the emails of people they share
nothing with.
"""

from __future__ import annotations

from typing import Any

import pytest

from pulse.accounts.models import User
from pulse.projects import services
from tests.apis.support import API, body_of
from tests.conftest import client_for
from tests.factories import add_member, make_project, make_user

pytestmark = pytest.mark.django_db

USERS = f"{API}/users/"


def _named(username: str, display_name: str, **extra: Any) -> Any:
    user = make_user(username, **extra)
    User.objects.filter(pk=user.pk).update(display_name=display_name)
    user.refresh_from_db()
    return user


def _ids(client: Any, **params: Any) -> set[int]:
    body = body_of(client.get(USERS, {"page_size": 100, **params}))
    assert body["count"] == len(body["results"])
    return {u["id"] for u in body["results"]}


def test_users_search_by_name_and_email_among_shared_people_excludes_inactive() -> None:
    searcher = make_user("searcher")
    ada = _named("ada", "Ada Lovelace")
    grace = _named("grace", "Grace Hopper")
    ghost = _named("ghost", "Ada Ghost")
    project = make_project(searcher, title="Engine")
    for person in (ada, grace, ghost):
        add_member(project, person)
    User.objects.filter(pk=ghost.pk).update(is_active=False)
    client = client_for(searcher)

    by_name = body_of(client.get(USERS, {"q": "lovelace"}))
    assert [u["id"] for u in by_name["results"]] == [ada.pk]
    assert set(by_name["results"][0]) == {"id", "name", "email", "username"}
    assert by_name["results"][0]["name"] == "Ada Lovelace"

    by_email = body_of(client.get(USERS, {"q": ada.email.upper()}))
    assert [u["id"] for u in by_email["results"]] == [ada.pk]
    assert _ids(client, q="ada") == {ada.pk}
    assert _ids(client, q="ada lovelace") == {ada.pk}
    assert _ids(client, q="nobody-has-this") == set()


def test_users_list_is_paginated_and_never_leaks_secrets() -> None:
    owner = make_user("searcher")
    project = make_project(owner, title="Paged")
    for n in range(3):
        add_member(project, make_user(f"person{n}"))
    client = client_for(owner)
    body = body_of(client.get(USERS, {"page_size": 2}))
    assert body["count"] == 4
    assert len(body["results"]) == 2
    assert body["next"]
    raw = client.get(USERS).content.decode()
    assert "password" not in raw and "md5$" not in raw


def test_an_outsider_cannot_enumerate_emails() -> None:
    """Someone on no project sees only themself, whatever partial text they try."""
    owner, member = make_user("owner"), make_user("member")
    add_member(make_project(owner, title="Secret"), member)
    outsider = make_user("outsider")
    client = client_for(outsider)

    assert _ids(client) == {outsider.pk}
    for partial in ("example", "@example.test", "owner", "member", "e", member.email[:-1], member.email[1:]):
        found = _ids(client, q=partial)
        assert found <= {outsider.pk}, partial
    raw = client.get(USERS, {"q": "example.test"}).content.decode()
    assert owner.email not in raw and member.email not in raw and owner.username not in raw


def test_shared_people_are_owners_and_members_of_every_visible_project() -> None:
    alice, bob, carol, dave, erin = (make_user(n) for n in ("alice", "bob", "carol", "dave", "erin"))
    # Alice owns Apollo, where Bob works; Carol owns Gemini, where Alice works with Dave.
    apollo = make_project(alice, title="Apollo")
    add_member(apollo, bob)
    gemini = make_project(carol, title="Gemini")
    add_member(gemini, alice)
    add_member(gemini, dave)
    # Erin's own project with Bob: Alice sees Bob through Apollo, not Erin.
    add_member(make_project(erin, title="Mercury"), bob)

    assert _ids(client_for(alice)) == {alice.pk, bob.pk, carol.pk, dave.pk}
    assert _ids(client_for(bob)) == {alice.pk, bob.pk, erin.pk}
    assert _ids(client_for(dave)) == {alice.pk, carol.pk, dave.pk}
    assert _ids(client_for(alice), q="erin") == set()


def test_exact_email_finds_one_person_without_a_shared_project() -> None:
    searcher = make_user("searcher")
    newcomer = _named("newcomer", "Nora Newcomer")
    _named("newcomer2", "Nora Other")
    gone = make_user("gone", is_active=False)
    client = client_for(searcher)

    for spelling in (newcomer.email, newcomer.email.upper(), f"  {newcomer.email.title()} "):
        body = body_of(client.get(USERS, {"q": spelling}))
        assert [u["id"] for u in body["results"]] == [newcomer.pk], spelling
        assert body["results"][0]["name"] == "Nora Newcomer"
    # A part of the address, the name, or an address with something added finds nobody unshared.
    local, domain = newcomer.email.split("@")
    for partial in (local, f"@{domain}", newcomer.email[:-1], f"x{newcomer.email}", "Nora", "newcomer"):
        assert _ids(client, q=partial) <= {searcher.pk}, partial
    assert _ids(client, q=gone.email) == set()


def test_staff_see_everyone() -> None:
    staff = make_user("staff", is_staff=True)
    people = {make_user(f"p{n}").pk for n in range(3)}
    assert people | {staff.pk} <= _ids(client_for(staff))
    assert _ids(client_for(staff), q="p1") == {p for p in people if User.objects.get(pk=p).username.startswith("p1")}


def test_a_deleted_project_no_longer_shares_its_people() -> None:
    owner, member = make_user("owner"), make_user("member")
    project = make_project(owner, title="Doomed")
    add_member(project, member)
    assert member.pk in _ids(client_for(owner))

    project.refresh_from_db()
    services.project_delete(project_id=project.pk, expected_version=project.version, actor=owner)
    assert _ids(client_for(owner)) == {owner.pk}
    assert _ids(client_for(member)) == {member.pk}


def test_users_list_query_count_does_not_grow_with_projects(django_assert_max_num_queries: Any) -> None:
    user = make_user("busy")
    for n in range(5):
        add_member(make_project(user, title=f"Busy {n}"), make_user(f"mate{n}"))
    client = client_for(user)
    with django_assert_max_num_queries(4):
        assert len(_ids(client)) == 6
