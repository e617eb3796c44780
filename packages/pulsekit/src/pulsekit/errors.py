"""Application errors and the one exception handler that renders them.

Every 4xx/5xx leaves the API as ``{"error": {"code", "message", "details"}}``.
Domain code raises :class:`ApplicationError` subclasses; DRF's and Django's own
exceptions are translated here too, so clients handle a single shape.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions as drf_exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

logger = logging.getLogger(__name__)


class ApplicationError(Exception):
    """Base of every error the domain raises on purpose."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code = "bad_request"
    default_message = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        if code:
            self.code = code
        self.details = details or {}
        self.headers = headers or {}
        super().__init__(self.message)


class ValidationFailed(ApplicationError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "validation_error"
    default_message = "The submitted data is not valid."


class NotFound(ApplicationError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"
    default_message = "Not found."


class Forbidden(ApplicationError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "permission_denied"
    default_message = "You do not have permission to perform this action."


class Conflict(ApplicationError):
    status_code = status.HTTP_409_CONFLICT
    code = "conflict"
    default_message = "The request conflicts with the current state of the resource."


class Unprocessable(ApplicationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    code = "unprocessable"
    default_message = "The request is well-formed but cannot be processed."


class PreconditionFailed(ApplicationError):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    code = "precondition_failed"
    default_message = "The resource has changed since you last read it."


class PreconditionRequired(ApplicationError):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    code = "precondition_required"
    default_message = "This request must be conditional: send If-Match with the ETag you last read."


class PayloadTooLarge(ApplicationError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "payload_too_large"
    default_message = "The request body is too large."


def validation_details(error: DjangoValidationError) -> dict[str, Any]:
    """Flatten a Django ValidationError into ``{field: [messages]}``."""
    if hasattr(error, "error_dict"):
        return {field: [str(m) for e in errs for m in e.messages] for field, errs in error.error_dict.items()}
    return {"non_field_errors": [str(m) for m in error.messages]}


def _drf_code(exc: drf_exceptions.APIException) -> str:
    mapping = {
        drf_exceptions.ValidationError: "validation_error",
        drf_exceptions.ParseError: "parse_error",
        drf_exceptions.NotAuthenticated: "not_authenticated",
        drf_exceptions.AuthenticationFailed: "authentication_failed",
        drf_exceptions.PermissionDenied: "permission_denied",
        drf_exceptions.NotFound: "not_found",
        drf_exceptions.MethodNotAllowed: "method_not_allowed",
        drf_exceptions.NotAcceptable: "not_acceptable",
        drf_exceptions.UnsupportedMediaType: "unsupported_media_type",
        drf_exceptions.Throttled: "throttled",
    }
    for cls, code in mapping.items():
        if isinstance(exc, cls):
            return code
    return str(getattr(exc, "default_code", "error"))


def _string_keys(value: Any) -> Any:
    """DRF keys errors of list items by position (ints); JSON objects need string keys."""
    if isinstance(value, dict):
        return {str(k): _string_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_string_keys(v) for v in value]
    return value


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": _string_keys(details or {})}}


def _suspicious_request(exc: SuspiciousOperation) -> ApplicationError:
    """Django's refusals of a request's own data (too many parameters, a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE, a malformed multipart body): the client's fault, so a 4xx."""
    # As Django does for them outside DRF, on the django.security.<Name> logger; a warning, since
    # anyone can send one and nothing on the server is wrong.
    logging.getLogger(f"django.security.{type(exc).__name__}").warning("%s", exc)
    if isinstance(exc, TooManyFieldsSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        return ApplicationError(f"Too many query or form parameters (at most {limit}).", code="too_many_fields")
    if isinstance(exc, TooManyFilesSent):
        limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        return ApplicationError(f"Too many files in one request (at most {limit}).", code="too_many_files")
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    return ApplicationError("The request could not be understood.", code="bad_request")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF ``EXCEPTION_HANDLER``: render every error in the one shape."""
    if isinstance(exc, SuspiciousOperation):
        exc = _suspicious_request(exc)
    if isinstance(exc, ApplicationError):
        # As DRF does for its own exceptions: an error answer must not commit an ATOMIC_REQUESTS transaction.
        set_rollback()
        return Response(error_body(exc.code, exc.message, exc.details), status=exc.status_code, headers=exc.headers)
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(detail=validation_details(exc))
    elif isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        # Anything unexpected: log it with the traceback, answer in the one shape, leak nothing.
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__, exc_info=exc)
        # The exception is swallowed here, so Django's ATOMIC_REQUESTS would otherwise commit the half-done work.
        set_rollback()
        return Response(
            error_body("server_error", "Something went wrong on our side. It has been logged."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    assert isinstance(exc, drf_exceptions.APIException)
    detail = response.data
    if isinstance(exc, drf_exceptions.ValidationError):
        details = detail if isinstance(detail, dict) else {"non_field_errors": detail}
        message = "The submitted data is not valid."
    else:
        details = {}
        message = str(detail.get("detail", exc.default_detail)) if isinstance(detail, dict) else str(detail)
        wait = getattr(exc, "wait", None)
        if isinstance(exc, drf_exceptions.Throttled) and wait is not None:
            details = {"retry_after": int(wait + 0.999)}
    response.data = error_body(_drf_code(exc), message, details)
    return response


def json_error_view(status_code: int, code: str, message: str) -> Any:
    """Build a plain Django view that answers in the error shape (for handler404/500)."""

    def view(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
        return JsonResponse(error_body(code, message), status=status_code)

    return view
