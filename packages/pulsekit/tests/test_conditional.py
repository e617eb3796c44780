"""pulsekit.conditional through a real view: GET → ETag/304, If-Match writes, 412, 428, 201."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import assert_error_shape
from tests.testapp.models import Widget

URL = "/conditional/widgets/"

pytestmark = pytest.mark.django_db


def etag(widget_id: int, version: int) -> str:
    return f'"widget-{widget_id}-v{version}"'


def test_get_answers_the_representation_with_its_etag_then_304(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    first = api_client.get(f"{URL}{widget.pk}/")
    assert (first.status_code, first["ETag"]) == (200, etag(widget.pk, 1))
    assert first.json() == {"id": widget.pk, "name": "a", "version": 1}
    again = api_client.get(f"{URL}{widget.pk}/", headers={"If-None-Match": first["ETag"]})
    assert (again.status_code, again["ETag"], again.content) == (304, etag(widget.pk, 1), b"")


def test_post_is_201_with_location_and_etag_of_what_it_created(api_client: Any) -> None:
    response = api_client.post(URL, {"name": "fresh"})
    assert response.status_code == 201
    widget = Widget.objects.get(name="fresh")
    assert response.json() == {"id": widget.pk, "name": "fresh", "version": 1}
    assert response["Location"] == f"http://testserver{URL}{widget.pk}/"
    assert response["ETag"] == etag(widget.pk, 1)


def test_post_with_invalid_input_is_400_and_creates_nothing(api_client: Any) -> None:
    response = api_client.post(URL, {"name": ""})
    assert response.status_code == 400
    assert_error_shape(response.json(), "validation_error")
    assert not Widget.all_objects.exists()


def test_patch_with_the_current_etag_answers_what_this_write_produced(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    response = api_client.patch(f"{URL}{widget.pk}/", {"name": "b"}, headers={"If-Match": etag(widget.pk, 1)})
    assert response.status_code == 200
    assert response.json() == {"id": widget.pk, "name": "b", "version": 2}
    assert response["ETag"] == etag(widget.pk, 2)


def test_patch_without_if_match_is_428_and_writes_nothing(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    response = api_client.patch(f"{URL}{widget.pk}/", {"name": "b"})
    assert response.status_code == 428
    assert_error_shape(response.json(), "precondition_required")
    assert Widget.objects.get(pk=widget.pk).version == 1


@pytest.mark.parametrize("sent", ['"widget-{pk}-v1"', 'W/"widget-{pk}-v2"', '"widget-0-v2"', "*"])
def test_a_stale_weak_or_foreign_if_match_is_412_with_the_current_representation(api_client: Any, sent: str) -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).update(name="theirs", version=2)
    response = api_client.patch(f"{URL}{widget.pk}/", {"name": "mine"}, headers={"If-Match": sent.format(pk=widget.pk)})
    assert response.status_code == 412
    error = assert_error_shape(response.json(), "precondition_failed")
    assert error["details"] == {
        "current": {"id": widget.pk, "name": "theirs", "version": 2},
        "etag": etag(widget.pk, 2),
    }
    assert response["ETag"] == etag(widget.pk, 2)
    assert Widget.objects.get(pk=widget.pk).name == "theirs"


def test_an_if_match_list_holding_the_current_etag_writes(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).update(version=3)
    sent = f"{etag(widget.pk, 1)}, {etag(widget.pk, 3)}"
    response = api_client.patch(f"{URL}{widget.pk}/", {"name": "b"}, headers={"If-Match": sent})
    assert (response.status_code, response["ETag"]) == (200, etag(widget.pk, 4))


def test_an_invalid_body_is_400_before_the_precondition_is_used(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    response = api_client.patch(f"{URL}{widget.pk}/", {"name": 7}, headers={"If-Match": etag(widget.pk, 1)})
    assert response.status_code == 400
    assert Widget.objects.get(pk=widget.pk).version == 1


def test_a_missing_resource_is_404_whatever_if_match_says(api_client: Any) -> None:
    response = api_client.patch(f"{URL}999999/", {"name": "b"}, headers={"If-Match": etag(999999, 1)})
    assert response.status_code == 404
    assert_error_shape(response.json(), "not_found")


def test_delete_is_204_then_404_and_a_stale_delete_is_412(api_client: Any) -> None:
    widget = Widget.objects.create(name="a")
    stale = api_client.delete(f"{URL}{widget.pk}/", headers={"If-Match": etag(widget.pk, 7)})
    assert stale.status_code == 412
    assert assert_error_shape(stale.json(), "precondition_failed")["details"]["etag"] == etag(widget.pk, 1)
    done = api_client.delete(f"{URL}{widget.pk}/", headers={"If-Match": etag(widget.pk, 1)})
    assert (done.status_code, done.content) == (204, b"")
    assert api_client.get(f"{URL}{widget.pk}/").status_code == 404
    assert Widget.all_objects.get(pk=widget.pk).version == 2


@pytest.mark.parametrize(("sent", "expected"), [('"widget-{pk}-v1"', 1), ('W/"widget-{pk}-v1"', None)])
def test_explain_adds_to_a_412s_details_what_it_knows_of_the_versions_since(
    api_client: Any, sent: str, expected: int | None
) -> None:
    widget = Widget.objects.create(name="a")
    Widget.objects.filter(pk=widget.pk).update(name="theirs", version=3)
    response = api_client.delete(f"{URL}{widget.pk}/", headers={"If-Match": sent.format(pk=widget.pk)})
    error = assert_error_shape(response.json(), "precondition_failed")
    assert response.status_code == 412
    assert error["details"] == {
        "current": {"id": widget.pk, "name": "theirs", "version": 3},
        "etag": etag(widget.pk, 3),
        "versions_since": [expected, 3],
    }
    assert Widget.objects.filter(pk=widget.pk).exists()
