"""The OpenAPI schema served by the real server documents the conditional-request and error statuses
(SPEC §5), and the interactive docs load without any third-party URL (drf-spectacular-sidecar)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.system.conftest import LiveServer

API = "/api/v1"
METHODS = ("get", "put", "patch", "delete", "post", "head", "options")
WRITE_METHODS = ("put", "patch", "delete")
TRANSITION = re.compile(r"/transitions/(\{[^}]+\}|[a-z_]+)/$")

# Operations that exist today (config/urls.py); checked so the rules below can never pass vacuously.
REQUIRED_OPERATIONS = {
    ("post", f"{API}/auth/token/"),
    ("get", f"{API}/projects/"),
    ("post", f"{API}/projects/"),
    ("get", f"{API}/projects/{{project_id}}/"),
    ("patch", f"{API}/projects/{{project_id}}/"),
    ("put", f"{API}/projects/{{project_id}}/"),
    ("delete", f"{API}/projects/{{project_id}}/"),
    ("post", f"{API}/projects/{{project_id}}/transitions/{{name}}/"),
    ("post", f"{API}/projects/{{project_id}}/restore/"),
    ("get", f"{API}/projects/{{project_id}}/members/{{member_id}}/"),
    ("patch", f"{API}/projects/{{project_id}}/members/{{member_id}}/"),
    ("get", f"{API}/projects/{{project_id}}/milestones/{{milestone_id}}/"),
    ("patch", f"{API}/projects/{{project_id}}/milestones/{{milestone_id}}/"),
    ("get", f"{API}/tags/{{tag_id}}/"),
    ("patch", f"{API}/tags/{{tag_id}}/"),
}


@pytest.fixture(scope="module")
def schema(api_server: LiveServer) -> dict[str, Any]:
    response = httpx.get(f"{api_server.url}/api/schema/", params={"format": "json"}, timeout=30)
    assert response.status_code == 200, response.text[:500]
    document = response.json()
    assert str(document.get("openapi", "")).startswith("3."), document.get("openapi")
    return document


def _operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any], list[dict[str, Any]]]]:
    found = []
    for path, item in schema["paths"].items():
        shared = item.get("parameters", [])
        for method in METHODS:
            if method in item:
                op = item[method]
                found.append((method, path, op, [*shared, *op.get("parameters", [])]))
    return found


def _requires_auth(op: dict[str, Any], schema: dict[str, Any]) -> bool:
    security = op.get("security", schema.get("security", []))
    return bool(security) and all(requirement for requirement in security)  # `{}` means anonymous is allowed


def _is_single_resource(path: str) -> bool:
    return path.endswith("}/")


def _header(params: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    return next((p for p in params if p.get("in") == "header" and p["name"].lower() == name.lower()), None)


def test_schema_documents_conditional_and_error_statuses(schema: dict[str, Any]) -> None:
    operations = _operations(schema)
    present = {(method, path) for method, path, _, _ in operations}
    assert present >= REQUIRED_OPERATIONS, f"operations missing from the schema: {REQUIRED_OPERATIONS - present}"

    problems: list[str] = []

    def need(op_label: str, responses: dict[str, Any], *codes: int, why: str) -> None:
        for code in codes:
            if str(code) not in responses:
                problems.append(f"{op_label}: does not document {code} ({why})")

    for method, path, op, params in operations:
        label = f"{method.upper()} {path}"
        responses = op.get("responses", {})
        if not path.startswith(API):
            continue
        if _requires_auth(op, schema):
            need(label, responses, 401, why="authenticated operation")
        if any(p.get("in") == "path" for p in params):
            need(label, responses, 404, why="has path parameters")
        if "requestBody" in op or any(p.get("in") == "query" for p in params):
            need(label, responses, 400, why="takes a body or query parameters")
        if method == "get" and _is_single_resource(path):
            need(label, responses, 304, why="single-resource GET answers If-None-Match")
            if _header(params, "If-None-Match") is None:
                problems.append(f"{label}: does not declare the If-None-Match request header")
            if "etag" not in {h.lower() for h in responses.get("200", {}).get("headers", {})}:
                problems.append(f"{label}: 200 does not declare the ETag response header")
        conditional = method in WRITE_METHODS or (method == "post" and TRANSITION.search(path))
        if conditional:
            need(label, responses, 412, 428, why="If-Match is required on PUT/PATCH/DELETE/transitions")
            if_match = _header(params, "If-Match")
            if if_match is None or not if_match.get("required"):
                problems.append(f"{label}: does not declare a required If-Match request header")
        if method == "post" and (TRANSITION.search(path) or path.endswith("/restore/")):
            need(label, responses, 409, why="a transition / restore that does not apply is a conflict")
        if (method, path) in {("post", f"{API}/auth/token/"), ("post", f"{API}/auth/ws-ticket/")}:
            need(label, responses, 429, why="login and ticket issuance are throttled")
        for code, response in responses.items():
            if code.startswith(("4", "5")):
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                wanted = "/PreconditionFailed" if code == "412" else "/Error"  # the error shape, its details typed
                if not ref.endswith(wanted):
                    problems.append(f"{label}: {code} does not use the {wanted[1:]} schema (got {ref or 'no body'})")
            if code == "304" and response.get("content"):
                problems.append(f"{label}: 304 must not declare a body")

    assert len(problems) == 0, "OpenAPI schema gaps:\n" + "\n".join(sorted(problems))


def test_error_component_has_the_single_error_shape(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    error = components["Error"]
    assert error["required"] == ["error"]
    body_ref = error["properties"]["error"]["$ref"].rsplit("/", 1)[-1]
    body = components[body_ref]
    assert set(body["properties"]) == {"code", "message", "details"}
    assert set(body.get("required", [])) == {"code", "message", "details"}


def test_a_412_documents_who_changed_what_in_the_error_shape(schema: dict[str, Any]) -> None:
    components = schema["components"]["schemas"]
    body = components[components["PreconditionFailed"]["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert set(body["properties"]) == set(body["required"]) == {"code", "message", "details"}
    details = components[body["properties"]["details"]["$ref"].rsplit("/", 1)[-1]]
    assert set(details["required"]) == {"current", "etag", "changed_by", "changed_fields"}
    assert details["properties"]["changed_by"]["nullable"] is True
    assert details["properties"]["changed_fields"]["items"] == {"type": "string"}
    assert set(components["ChangedBy"]["properties"]) == {"id", "name"}


class _AssetCollector(HTMLParser):
    """Every URL an HTML page makes the browser fetch (or preconnect to), plus inline script text."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name in ("src", "href", "spec-url", "data", "poster", "action"):
            if values.get(name):
                self.urls.append(str(values[name]))
        if tag == "script" and not values.get("src"):
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline_scripts.append(data)


@pytest.mark.parametrize("page", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_use_only_local_assets(api_url: str, page: str) -> None:
    response = httpx.get(f"{api_url}{page}", timeout=30)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/html")
    parser = _AssetCollector()
    parser.feed(response.text)

    external = [u for u in parser.urls if urlsplit(u).scheme or u.startswith("//")]
    inline_external = [
        m for script in parser.inline_scripts for m in re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s'\"]*", script)
    ]
    assert not external and not inline_external, (
        f"{page} references external URLs: {external + inline_external} (every asset must come from /static/)"
    )

    scripts = [u for u in parser.urls if u.split("?")[0].endswith(".js")]
    assert scripts, f"{page} loads no script at all: {parser.urls}"
    for url in parser.urls:
        if url.startswith("/api/schema/"):
            continue
        assert url.startswith("/static/"), f"{page}: asset {url!r} is not served from /static/"
        asset = httpx.get(urljoin(api_url, url), timeout=30)
        assert asset.status_code == 200, f"{page}: {url} → {asset.status_code}"
        assert asset.content, f"{page}: {url} is empty"
