"""Request bodies are bounded before work is done on them: size (413), list lengths, password length."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.hashers import get_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework import serializers
from rest_framework.test import APIClient

import pulse
from pulse.accounts.auth import PASSWORD_MAX_LENGTH
from pulse.projects.models import Project
from pulsekit.fields import BoundedListField
from tests.apis.support import API, assert_error, body_of
from tests.conftest import Cast, client_for, etag_of
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LIMIT = 2 * 1024 * 1024
MEGABYTE_PASSWORD = "p" * 1_000_000


def json_post(client: Any, url: str, raw: bytes, **extra: Any) -> Any:
    return client.generic("POST", url, raw, content_type="application/json", **extra)


# ------------------------------------------------------------------ body size


def test_the_cap_is_2_mib_by_default(settings: Any) -> None:
    assert settings.PULSE["MAX_REQUEST_BODY_BYTES"] == LIMIT
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == LIMIT


@pytest.mark.parametrize("authenticated", [True, False], ids=["signed-in", "anonymous"])
def test_a_body_over_the_cap_is_413_in_the_error_shape(cast: Cast, authenticated: bool) -> None:
    client = client_for(cast.owner if authenticated else None)
    raw = json.dumps({"title": "Big", "description": "x" * LIMIT}).encode()
    before = Project.objects.count()

    error = assert_error(json_post(client, f"{API}/projects/", raw), 413, "payload_too_large")

    assert error["details"] == {"max_bytes": LIMIT}
    assert Project.objects.count() == before


def test_a_body_at_the_cap_is_read_and_validated(cast: Cast) -> None:
    raw = json.dumps({"title": "Big", "description": ""}).encode()
    raw = raw[:-1] + b" " * (LIMIT - len(raw)) + raw[-1:]  # whitespace before the closing brace
    assert len(raw) == LIMIT
    response = json_post(client_for(cast.owner), f"{API}/projects/", raw)
    assert response.status_code == 201, response.content[:300]


def test_the_cap_also_guards_the_admin_and_the_webhook(settings: Any) -> None:
    settings.PULSE = {**settings.PULSE, "MAX_REQUEST_BODY_BYTES": 1000}
    big = "x" * 2000
    assert_error(Client().post("/admin/login/", {"username": big, "password": "x"}), 413, "payload_too_large")
    assert_error(Client().post(f"{API}/webhooks/mandrill/", {"mandrill_events": big}), 413, "payload_too_large")


# ------------------------------------------------------------------ list lengths before elements


def test_an_overlong_tag_list_is_refused_without_validating_each_element(cast: Cast) -> None:
    """An 8 MB ``tag_ids`` took 5 s of CPU: every element was validated before the length was checked."""
    response = client_for(cast.owner).post(
        f"{API}/projects/", {"title": "T", "tag_ids": ["x"] * 200_000}, format="json"
    )
    error = assert_error(response, 400)
    assert error["details"] == {"tag_ids": ["Ensure this field has no more than 50 elements."]}


def test_an_overlong_tag_list_in_a_project_update(cast: Cast) -> None:
    url = f"{API}/projects/{cast.project.pk}/"
    client = client_for(cast.owner)
    response = client.patch(
        url, {"tag_ids": list(range(1, 100_001))}, format="json", HTTP_IF_MATCH=etag_of(client, url)
    )
    assert assert_error(response, 400)["details"] == {"tag_ids": ["Ensure this field has no more than 50 elements."]}


def test_an_overlong_tag_list_in_bulk_params(cast: Cast) -> None:
    body = {
        "action": "add_tags",
        "items": [{"id": cast.project.pk, "etag": f'"project-{cast.project.pk}-v{cast.project.version}"'}],
        "params": {"tag_ids": ["x"] * 100_000},
    }
    response = client_for(cast.owner).post(f"{API}/bulk-operations/", body, format="json")
    details = assert_error(response, 400)["details"]
    assert details == {"params": {"tag_ids": ["Ensure this field has no more than 50 elements."]}}


def test_an_overlong_opt_out_list() -> None:
    user = make_user("optout")
    client = client_for(user)
    response = client.patch(
        f"{API}/auth/me/",
        {"email_opt_out": ["nope"] * 10_000},
        format="json",
        HTTP_IF_MATCH=etag_of(client, f"{API}/auth/me/"),
    )
    assert assert_error(response, 400)["details"] == {
        "email_opt_out": ["Ensure this field has no more than 20 elements."]
    }


# Output-only list fields: never validated, so unbounded is harmless there.
OUTPUT_LISTS = {
    "ProjectOutputSerializer.allowed_transitions",
    "MeOutputSerializer.email_opt_out",
    "BulkOperationSerializer.report",
}


def _all_serializers(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_serializers(sub)


def test_every_input_list_is_bounded_before_its_elements() -> None:
    """Closes the class: a new ``ListField`` in a request serializer fails here until it is bounded."""
    from config import urls  # noqa: F401  (imports every API module, hence every serializer)

    found, unbounded = set(), []
    for serializer in _all_serializers(serializers.Serializer):
        if not serializer.__module__.startswith(pulse.__name__ + "."):
            continue
        for name, field in serializer._declared_fields.items():  # type: ignore[attr-defined]
            if isinstance(field, serializers.ListField):
                label = f"{serializer.__name__}.{name}"
                found.add(label)
                if not isinstance(field, BoundedListField) and label not in OUTPUT_LISTS:
                    unbounded.append(label)
    assert {"ProjectInputSerializer.tag_ids", "ParamsSerializer.tag_ids", "MeInputSerializer.email_opt_out"} <= found
    assert not unbounded, f"unbounded input lists (use pulsekit.fields.BoundedListField): {unbounded}"


# ------------------------------------------------------------------ passwords are bounded before hashing


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Lengths of every password the configured hasher is asked to hash."""
    lengths: list[int] = []
    hasher = type(get_hasher())
    original = hasher.encode

    def spy(self: Any, password: str, salt: str, *args: Any, **kwargs: Any) -> str:
        lengths.append(len(password))
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", spy)
    return lengths


def test_login_refuses_a_megabyte_password_without_hashing_it(clear_cache: Any, hashed: list[int]) -> None:
    user = make_user("longpass")
    hashed.clear()
    for name in (user.username, "nobody-with-this-name"):
        response = APIClient().post(
            f"{API}/auth/token/", {"username": name, "password": MEGABYTE_PASSWORD}, format="json"
        )
        details = assert_error(response, 400)["details"]
        assert details == {"password": [f"Ensure this field has no more than {PASSWORD_MAX_LENGTH} characters."]}
    assert hashed == []

    assert (
        APIClient()
        .post(f"{API}/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
        .status_code
        == 200
    )
    assert hashed and max(hashed) == len(PASSWORD), "a normal login still checks the password"


def test_login_refuses_an_overlong_login_name(clear_cache: Any) -> None:
    response = APIClient().post(f"{API}/auth/token/", {"username": "u" * 100_000, "password": "x"}, format="json")
    assert "username" in assert_error(response, 400)["details"]


def test_the_admin_login_form_does_not_hash_a_megabyte_password(clear_cache: Any, hashed: list[int]) -> None:
    staff = make_user("adminlong", is_staff=True)
    hashed.clear()
    client = Client()
    response = client.post("/admin/login/", {"username": staff.username, "password": MEGABYTE_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert hashed == []


def test_a_password_longer_than_login_accepts_cannot_be_set(hashed: list[int]) -> None:
    user = make_user("setter")
    with pytest.raises(ValidationError) as refused:
        validate_password("Zq7!" * 40, user)
    assert "at most 128 characters" in " ".join(refused.value.messages)
    validate_password("Zq7!" * 32, user)  # exactly 128: fine

    client = client_for(user)
    url = f"{API}/auth/me/"
    response = client.patch(
        url,
        {"current_password": PASSWORD, "new_password": "Zq7!" * 40},
        format="json",
        HTTP_IF_MATCH=etag_of(client, url),
    )
    assert "new_password" in assert_error(response, 400)["details"]
    assert all(n <= PASSWORD_MAX_LENGTH for n in hashed)
    assert body_of(client.get(url))["version"] == user.version
