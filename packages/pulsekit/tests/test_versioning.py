"""Strong ETags, If-Match / If-None-Match handling and the SQL compare-and-swap."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.response import Response

from pulsekit.errors import PreconditionFailed, PreconditionRequired
from pulsekit.versioning import (
    StaleVersion,
    expected_version,
    if_match_version,
    make_etag,
    not_modified_or,
    parse_etag,
    precondition_failed,
)
from tests.conftest import assert_error_shape
from tests.testapp.models import Widget


def drf_request(**headers: str) -> Request:
    return Request(RequestFactory().get("/", headers=headers))


# ---------------------------------------------------------------- make_etag / parse_etag


def test_make_etag_is_a_quoted_strong_validator() -> None:
    assert make_etag("project", 12, 3) == '"project-12-v3"'


def test_parse_etag_round_trips_and_ignores_surrounding_whitespace() -> None:
    assert parse_etag(make_etag("project", 12, 3), kind="project", pk=12) == 3
    assert parse_etag('  "project-12-v3" ', kind="project", pk=12) == 3


@pytest.mark.parametrize(
    "value",
    [
        'W/"project-12-v3"',  # weak: If-Match needs strong comparison
        "*",
        '"milestone-12-v3"',  # another kind
        '"project-13-v3"',  # another id
        "project-12-v3",  # unquoted
        '"project-12-3"',
        '"project-12-v"',
        '"project-12-v-1"',
        '"project-012-v3"',  # not character-for-character the ETag we sent
        '"project-12-v03"',
        '"project-١٢-v٣"',  # non-ASCII digits int() would accept
        "",
    ],
)
def test_parse_etag_rejects_anything_but_this_resources_strong_etag(value: str) -> None:
    assert parse_etag(value, kind="project", pk=12) is None


# ---------------------------------------------------------------- If-Match


def test_missing_if_match_is_precondition_required() -> None:
    with pytest.raises(PreconditionRequired):
        expected_version(drf_request(), kind="project", pk=12)
    with pytest.raises(PreconditionRequired):
        if_match_version(drf_request(**{"If-Match": ""}))


def test_if_match_version_returns_the_raw_header() -> None:
    assert if_match_version(drf_request(**{"If-Match": 'W/"x"'})) == 'W/"x"'


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ('"project-12-v3"', 3),
        ('"milestone-4-v1", "project-12-v3"', 3),  # a foreign candidate is ignored
        ('"project-12-v3", "project-12-v3"', 3),  # the same ETag twice still names one version
        ('"project-12-v3", "project-12-v4"', None),  # two versions name none
        ('W/"project-12-v3"', None),
        ("*", None),
        ('"project-99-v3"', None),
        ("garbage", None),
    ],
)
def test_expected_version_reads_if_match(header: str, expected: int | None) -> None:
    assert expected_version(drf_request(**{"If-Match": header}), kind="project", pk=12) == expected


def test_precondition_failed_carries_the_current_representation_and_etag() -> None:
    error = precondition_failed(kind="widget", pk=5, current_version=4, current={"name": "x"})
    assert isinstance(error, PreconditionFailed)
    assert error.status_code == 412
    assert error.details == {"current": {"name": "x"}, "etag": '"widget-5-v4"'}
    assert error.headers == {"ETag": '"widget-5-v4"'}


def test_stale_version_is_a_precondition_failed_with_the_current_etag() -> None:
    stale = StaleVersion(kind="widget", pk=5, current_version=4)
    assert isinstance(stale, PreconditionFailed)
    assert (stale.kind, stale.pk, stale.current_version) == ("widget", 5, 4)
    assert stale.details == {"etag": '"widget-5-v4"'}
    assert stale.headers == {"ETag": '"widget-5-v4"'}


# ---------------------------------------------------------------- If-None-Match


def build_ok() -> Response:
    return Response({"built": True})


@pytest.mark.parametrize(
    "header",
    [
        '"widget-1-v2"',
        'W/"widget-1-v2"',  # If-None-Match uses weak comparison (RFC 9110 §13.1.2)
        '"widget-1-v1", "widget-1-v2"',
        '"other-9-v9",W/"widget-1-v2"',
        "*",
    ],
)
def test_not_modified_or_answers_304_with_the_etag(header: str) -> None:
    def build() -> Any:
        raise AssertionError("the body must not be built for a 304")

    response = not_modified_or(drf_request(**{"If-None-Match": header}), '"widget-1-v2"', build)
    assert response.status_code == 304
    assert response["ETag"] == '"widget-1-v2"'
    assert response.data is None


@pytest.mark.parametrize("header", [None, '"widget-1-v1"', 'W/"widget-1-v3"', '"widget-1-v2'])
def test_not_modified_or_builds_the_200_otherwise(header: str | None) -> None:
    headers = {} if header is None else {"If-None-Match": header}
    response = not_modified_or(drf_request(**headers), '"widget-1-v2"', build_ok)
    assert response.status_code == 200
    assert response.data == {"built": True}
    assert response["ETag"] == '"widget-1-v2"'


# ---------------------------------------------------------------- end to end through an APIView


@pytest.mark.django_db
def test_get_returns_a_strong_etag_and_304_when_it_is_sent_back(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    first = api_client.get(f"/widgets/{widget.pk}/")
    assert first.status_code == 200
    assert first["ETag"] == f'"widget-{widget.pk}-v1"'
    assert first.json() == {"id": widget.pk, "name": "a", "version": 1}

    again = api_client.get(f"/widgets/{widget.pk}/", headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


@pytest.mark.django_db
def test_patch_without_if_match_is_428(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    response = api_client.patch(f"/widgets/{widget.pk}/", {"name": "b"})
    assert response.status_code == 428
    assert_error_shape(response.json(), "precondition_required")
    assert Widget.objects.get(pk=widget.pk).name == "a"


@pytest.mark.django_db
def test_existence_is_checked_before_the_precondition(api_client: Any) -> None:
    response = api_client.patch("/widgets/999999/", {"name": "b"})
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


@pytest.mark.django_db
def test_patch_with_the_current_etag_writes_and_returns_the_next_one(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    etag = api_client.get(f"/widgets/{widget.pk}/")["ETag"]

    response = api_client.patch(f"/widgets/{widget.pk}/", {"name": "b"}, headers={"If-Match": etag})

    assert response.status_code == 200
    assert response.json() == {"id": widget.pk, "name": "b", "version": 2}
    assert response["ETag"] == f'"widget-{widget.pk}-v2"'
    # The old ETag no longer earns a 304.
    assert api_client.get(f"/widgets/{widget.pk}/", headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("stale", ['"widget-{pk}-v1"', 'W/"widget-{pk}-v2"', "*", '"widget-0-v2"'])
def test_patch_with_a_stale_weak_or_foreign_etag_is_412_with_the_current_representation(
    api_client: Any, stale: str
) -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).update(version=2, name="theirs")

    response = api_client.patch(
        f"/widgets/{widget.pk}/", {"name": "mine"}, headers={"If-Match": stale.format(pk=widget.pk)}
    )

    assert response.status_code == 412
    error = assert_error_shape(response.json(), "precondition_failed")
    current_etag = f'"widget-{widget.pk}-v2"'
    assert error["details"] == {"current": {"id": widget.pk, "name": "theirs", "version": 2}, "etag": current_etag}
    assert response["ETag"] == current_etag
    assert Widget.objects.get(pk=widget.pk).name == "theirs"


@pytest.mark.django_db
def test_uncaught_stale_version_still_renders_412_with_the_etag(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).update(version=3)

    response = api_client.delete(f"/widgets/{widget.pk}/", headers={"If-Match": f'"widget-{widget.pk}-v2"'})

    assert response.status_code == 412
    error = assert_error_shape(response.json(), "precondition_failed")
    assert error["details"] == {"etag": f'"widget-{widget.pk}-v3"'}
    assert response["ETag"] == f'"widget-{widget.pk}-v3"'
    assert Widget.objects.filter(pk=widget.pk).exists()


@pytest.mark.django_db
def test_delete_with_the_current_etag_soft_deletes(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    response = api_client.delete(f"/widgets/{widget.pk}/", headers={"If-Match": f'"widget-{widget.pk}-v1"'})
    assert response.status_code == 204
    assert api_client.get(f"/widgets/{widget.pk}/").status_code == 404
    assert Widget.all_objects.get(pk=widget.pk).is_deleted
