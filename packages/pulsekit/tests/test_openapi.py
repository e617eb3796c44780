"""pulsekit.openapi: the error responses and ETag headers as drf-spectacular documents them."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("drf_spectacular")

from django.test import override_settings
from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from pulsekit.openapi import ETAG, IF_MATCH, WRITE_ERRORS, ErrorSerializer, errors


class WidgetOut(serializers.Serializer):
    id = serializers.IntegerField()


def test_errors_give_the_error_shape_for_each_code_and_no_body_for_304() -> None:
    responses = errors(304, 412, 428)
    assert list(responses) == [304, 412, 428]
    assert responses[304].response is None
    assert responses[412].response is ErrorSerializer and "details.current" in responses[412].description


def test_unknown_status_codes_are_refused() -> None:
    with pytest.raises(KeyError):
        errors(418)


@override_settings(REST_FRAMEWORK={"DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema"})
def test_a_documented_write_has_if_match_etag_and_the_error_schema() -> None:
    # Defined here: extend_schema picks the schema class from the settings when it decorates.
    class DocumentedApi(APIView):
        @extend_schema(parameters=[IF_MATCH, ETAG], responses={200: WidgetOut, **errors(*WRITE_ERRORS)})
        def patch(self, request: Request, pk: int) -> Response:
            return Response({"id": pk})

    urlconf: Any = type("urls", (), {"urlpatterns": [path("widgets/<int:pk>/", DocumentedApi.as_view())]})
    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    operation = schema["paths"]["/widgets/{id}/"]["patch"]
    headers = {p["name"]: p for p in operation["parameters"] if p["in"] == "header"}
    assert headers["If-Match"]["required"] is True
    assert set(operation["responses"]) == {"200", "400", "401", "403", "404", "412", "428"}
    error_ref = operation["responses"]["412"]["content"]["application/json"]["schema"]["$ref"]
    assert error_ref == "#/components/schemas/Error"
    assert set(schema["components"]["schemas"]["ErrorBody"]["properties"]) == {"code", "message", "details"}
    assert "ETag" in operation["responses"]["200"]["headers"]
