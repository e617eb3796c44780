"""The exception handler: every error leaves as {"error": {"code", "message", "details"}}."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig, SuspiciousMultipartForm, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection
from rest_framework import exceptions as drf_exceptions

from pulsekit.errors import (
    ApplicationError,
    Conflict,
    Forbidden,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    Unprocessable,
    ValidationFailed,
    error_body,
    exception_handler,
    json_error_view,
    validation_details,
)
from pulsekit.versioning import StaleVersion
from tests.conftest import assert_error_shape
from tests.testapp.models import Widget

# ---------------------------------------------------------------- the ApplicationError family


@pytest.mark.parametrize(
    ("error_class", "status", "code"),
    [
        (ApplicationError, 400, "bad_request"),
        (ValidationFailed, 400, "validation_error"),
        (NotFound, 404, "not_found"),
        (Forbidden, 403, "permission_denied"),
        (Conflict, 409, "conflict"),
        (Unprocessable, 422, "unprocessable"),
        (PreconditionFailed, 412, "precondition_failed"),
        (PreconditionRequired, 428, "precondition_required"),
    ],
)
def test_each_application_error_maps_to_its_status_and_code(
    error_class: type[ApplicationError], status: int, code: str
) -> None:
    response = exception_handler(error_class(), {"view": None})
    assert response is not None
    assert response.status_code == status
    error = assert_error_shape(response.data, code)
    assert error["message"] == error_class.default_message
    assert error["details"] == {}


def test_application_error_message_code_details_and_headers_are_passed_through() -> None:
    exc = Conflict("The name is taken.", code="name_taken", details={"name": ["taken"]}, headers={"X-Why": "name"})
    response = exception_handler(exc, {"view": None})
    assert response is not None
    assert response.status_code == 409
    assert response.data == error_body("name_taken", "The name is taken.", {"name": ["taken"]})
    assert response["X-Why"] == "name"
    # The class default is untouched by one instance's code.
    assert Conflict.code == "conflict"
    assert str(exc) == "The name is taken."


def test_stale_version_through_the_handler_is_412_with_etag() -> None:
    response = exception_handler(StaleVersion(kind="widget", pk=1, current_version=9), {"view": None})
    assert response is not None
    assert response.status_code == 412
    assert response["ETag"] == '"widget-1-v9"'
    assert assert_error_shape(response.data, "precondition_failed")["details"] == {"etag": '"widget-1-v9"'}


def test_error_body_defaults_details_to_an_empty_object() -> None:
    assert error_body("x", "y") == {"error": {"code": "x", "message": "y", "details": {}}}


def test_validation_details_flattens_django_errors() -> None:
    by_field = DjangoValidationError({"name": ["Too long."], "size": ["Too big.", "Odd."]})
    assert validation_details(by_field) == {"name": ["Too long."], "size": ["Too big.", "Odd."]}
    plain = DjangoValidationError(["One.", "Two."])
    assert validation_details(plain) == {"non_field_errors": ["One.", "Two."]}


# ---------------------------------------------------------------- through a real APIView


@pytest.mark.parametrize(
    ("name", "status", "code", "message", "details"),
    [
        ("validation_failed", 400, "validation_error", ValidationFailed.default_message, {"name": ["Too short."]}),
        ("not_found", 404, "not_found", "Widget not found.", {}),
        ("forbidden", 403, "permission_denied", Forbidden.default_message, {}),
        ("conflict", 409, "conflict", "The name is taken.", {"name": ["taken"]}),
        ("precondition_required", 428, "precondition_required", PreconditionRequired.default_message, {}),
        ("custom_code", 409, "widget_archived", Conflict.default_message, {}),
        (
            "drf_validation",
            400,
            "validation_error",
            "The submitted data is not valid.",
            {"name": ["This field is required."]},
        ),
        (
            "drf_validation_list",
            400,
            "validation_error",
            "The submitted data is not valid.",
            {"non_field_errors": ["Bad input."]},
        ),
        ("drf_parse", 400, "parse_error", str(drf_exceptions.ParseError.default_detail), {}),
        ("drf_not_found", 404, "not_found", str(drf_exceptions.NotFound.default_detail), {}),
        # Django's own exceptions: translated, and their internal messages are not echoed.
        ("http404", 404, "not_found", str(drf_exceptions.NotFound.default_detail), {}),
        (
            "django_permission",
            403,
            "permission_denied",
            str(drf_exceptions.PermissionDenied.default_detail),
            {},
        ),
        (
            "django_validation",
            400,
            "validation_error",
            "The submitted data is not valid.",
            {"name": ["Too long."], "size": ["Too big.", "Odd."]},
        ),
        (
            "django_validation_plain",
            400,
            "validation_error",
            "The submitted data is not valid.",
            {"non_field_errors": ["Broken."]},
        ),
    ],
)
def test_errors_raised_in_a_view_render_in_the_one_shape(
    api_client: Any, name: str, status: int, code: str, message: str, details: dict[str, Any]
) -> None:
    response = api_client.get(f"/boom/{name}/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": code, "message": message, "details": details}}
    assert "internal detail" not in response.content.decode()


def test_custom_headers_of_an_application_error_reach_the_client(api_client: Any) -> None:
    assert api_client.get("/boom/custom_code/")["X-Reason"] == "archived"


def test_throttled_keeps_retry_after_and_repeats_it_in_details(api_client: Any) -> None:
    response = api_client.get("/boom/drf_throttled/")
    assert response.status_code == 429
    assert response["Retry-After"] == "7"  # DRF rounds 6.2 s up
    error = assert_error_shape(response.json(), "throttled")
    assert error["details"] == {"retry_after": 7}
    assert "7 seconds" in error["message"]


def test_a_real_throttle_answers_429_in_the_shape(api_client: Any) -> None:
    assert api_client.get("/throttled/").status_code == 200
    response = api_client.get("/throttled/")
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= 60
    assert assert_error_shape(response.json(), "throttled")["details"] == {"retry_after": retry_after}


def test_not_authenticated_is_401_with_www_authenticate(api_client: Any) -> None:
    response = api_client.get("/private/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    error = assert_error_shape(response.json(), "not_authenticated")
    assert error["message"] == str(drf_exceptions.NotAuthenticated.default_detail)


@pytest.mark.django_db
def test_wrong_credentials_are_authentication_failed(api_client: Any) -> None:
    User.objects.create_user("ada", password="right")
    api_client.credentials(HTTP_AUTHORIZATION="Basic YWRhOndyb25n")  # ada:wrong
    response = api_client.get("/private/")
    assert response.status_code == 401
    assert_error_shape(response.json(), "authentication_failed")

    api_client.credentials(HTTP_AUTHORIZATION="Basic YWRhOnJpZ2h0")  # ada:right
    assert api_client.get("/private/").json() == {"username": "ada"}


def test_method_not_allowed_is_in_the_shape(api_client: Any) -> None:
    response = api_client.delete("/boom/conflict/")
    assert response.status_code == 405
    assert_error_shape(response.json(), "method_not_allowed")


def test_malformed_json_is_a_parse_error(api_client: Any) -> None:
    response = api_client.generic("POST", "/write-then/ok/", "{not json", content_type="application/json")
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "parse_error")
    assert error["message"].startswith("JSON parse error")
    assert error["details"] == {}


def test_unexpected_exception_is_logged_and_answered_as_a_500_that_leaks_nothing(
    api_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="pulsekit.errors"):
        response = api_client.get("/boom/unexpected/")

    assert response.status_code == 500
    error = assert_error_shape(response.json(), "server_error")
    assert error["details"] == {}
    assert "hunter2" not in response.content.decode()

    [record] = [r for r in caplog.records if r.name == "pulsekit.errors"]
    assert record.getMessage() == "Unhandled error in BoomApi"
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)


@pytest.mark.parametrize(
    ("exc", "status", "code"),
    [
        (TooManyFieldsSent("The number of GET/POST parameters exceeded"), 400, "too_many_fields"),
        (TooManyFilesSent("The number of files exceeded"), 400, "too_many_files"),
        (RequestDataTooBig("Request body exceeded"), 413, "payload_too_large"),
        (SuspiciousMultipartForm("Invalid boundary"), 400, "bad_request"),
    ],
)
def test_django_refusing_the_request_data_is_a_client_error_logged_as_a_warning(
    exc: Exception, status: int, code: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        response = exception_handler(exc, {"view": None})
    assert response is not None and response.status_code == status
    assert_error_shape(response.data, code)
    [record] = caplog.records
    assert (record.name, record.levelno) == (f"django.security.{type(exc).__name__}", logging.WARNING)


def test_too_many_query_parameters_in_a_view_is_400(api_client: Any, caplog: pytest.LogCaptureFixture) -> None:
    query = "&".join(f"p{i}=1" for i in range(1001))
    with caplog.at_level(logging.WARNING):
        response = api_client.get(f"/widgets/?{query}")
    assert response.status_code == 400
    assert "1000" in assert_error_shape(response.json(), "too_many_fields")["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_handler_without_a_view_in_context_still_answers_500(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="pulsekit.errors"):
        response = exception_handler(KeyError("x"), {})
    assert response is not None and response.status_code == 500
    assert_error_shape(response.data, "server_error")


# ---------------------------------------------------------------- transactions: errors never commit


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("outcome", "status", "kept"), [("ok", 201, True), ("conflict", 409, False), ("crash", 500, False)]
)
def test_an_error_answer_rolls_back_an_atomic_request(
    api_client: Any, monkeypatch: pytest.MonkeyPatch, outcome: str, status: int, kept: bool
) -> None:
    # Services own their transactions in Pulse, but a project using ATOMIC_REQUESTS must not commit
    # the half-done work of a request that answered with an error.
    monkeypatch.setitem(connection.settings_dict, "ATOMIC_REQUESTS", True)
    response = api_client.post(f"/write-then/{outcome}/", {"name": f"row-{outcome}"})
    assert response.status_code == status
    assert Widget.all_objects.filter(name=f"row-{outcome}").exists() is kept


# ---------------------------------------------------------------- plain Django error views


def test_json_error_view_answers_in_the_shape(rf: Any) -> None:
    view = json_error_view(404, "not_found", "No such page.")
    response = view(rf.get("/nowhere"), Exception("ignored"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == error_body("not_found", "No such page.")
