"""reject_unknown_params: a typo is a 400, never a silently unfiltered answer."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from rest_framework.request import Request

from pulsekit.errors import ValidationFailed
from pulsekit.fields import CONTROL_CHARS_MESSAGE
from pulsekit.params import COMMON_PARAMS, reject_unknown_params
from tests.conftest import assert_error_shape

pytestmark = pytest.mark.django_db


def drf_get(query: dict[str, Any]) -> Request:
    return Request(RequestFactory().get("/", query))


def test_known_and_common_params_pass() -> None:
    reject_unknown_params(
        drf_get({"name": "a", "page": "2", "page_size": "5", "ordering": "x", "format": "json"}), {"name"}
    )
    reject_unknown_params(drf_get({"cursor": "abc"}), ())
    assert frozenset({"page", "page_size", "cursor", "ordering", "format"}) == COMMON_PARAMS


def test_unknown_param_raises_with_every_unknown_name_and_the_allowed_list() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        reject_unknown_params(drf_get({"stauts": "active", "zzz": "1", "name": "ok"}), ["name", "status"])
    error = excinfo.value
    assert error.code == "unknown_parameter"
    assert error.message == "Unknown query parameter(s): stauts, zzz."
    assert error.details == {
        "stauts": ["Unknown query parameter."],
        "zzz": ["Unknown query parameter."],
        "allowed": ["cursor", "format", "name", "ordering", "page", "page_size", "status"],
    }


def test_unknown_param_through_a_view_is_400_in_the_shape(api_client: Any) -> None:
    response = api_client.get("/widgets/", {"nmae": "x"})
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "unknown_parameter")
    assert error["details"]["nmae"] == ["Unknown query parameter."]
    assert "name" in error["details"]["allowed"]
    assert error["message"] == "Unknown query parameter(s): nmae."


def test_a_view_allowing_nothing_still_accepts_the_common_params(api_client: Any) -> None:
    assert api_client.get("/widgets/feed/", {"page_size": "3"}).status_code == 200
    response = api_client.get("/widgets/feed/", {"name": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["details"]["allowed"] == sorted(COMMON_PARAMS)


@pytest.mark.parametrize("values", [["a\x00b"], ["fine", "\x00"], ["\x02x\x03"], ["tab\there"], ["del\x7f"]])
def test_control_character_in_a_value_is_400(api_client: Any, values: list[str]) -> None:
    response = api_client.get("/widgets/", {"name": values})
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "validation_error")
    assert error["details"] == {"name": [CONTROL_CHARS_MESSAGE]}


def test_nul_byte_in_an_unknown_name_is_still_a_400() -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        reject_unknown_params(drf_get({"a\x00b": "1"}), ["name"])
    assert excinfo.value.code == "unknown_parameter"
