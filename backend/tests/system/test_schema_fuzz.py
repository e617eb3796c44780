"""Schemathesis over the whole OpenAPI schema, against the real server (SPEC §11: 0 server errors).

Why the real server and not schemathesis' in-process ASGI/WSGI loaders: the ASGI loader drives the
app through an in-process test client on this process's event loop, which makes Django's sync DB
code and pytest-django's transactional fixtures fight over connections and threads; the WSGI loader
would skip the ASGI stack we deploy (config.asgi with Channels and the lifespan sweep). Over HTTP the
fuzzer sees exactly what clients see — the uvicorn process, middleware, error handler, throttles —
and server crashes show up as such. Data is committed first (transactional_db) so ids exist.

Each operation is fuzzed with schemathesis' Hypothesis strategies (the 4.x Python API:
``operation.as_strategy`` + ``case.call`` + ``case.validate_response``) in three passes:
  * positive data, any path ids (mostly 404s: exercises lookup and error rendering);
  * positive data with the ids of real, visible resources and — for writes — the resource's current
    ETag in If-Match, so the happy paths (200/201/204) and their response schemas are exercised;
  * negative data (schema-violating parameters and bodies) with the real ids;
and ``ignored_auth`` re-sends one successful request of each operation without its token and with a
forged one, which must be refused. A second test runs schemathesis' coverage phase (its deterministic
boundary and negative cases) with the negative-data, missing-required-header and unsupported-method
checks: invalid input is refused, a request without If-Match, Idempotency-Key or the webhook signature
is refused, and an undeclared method is a 405 with ``Allow``.
Hypothesis runs derandomized with its example database off, so a CI run is reproducible, and
without shrinking: every failure is collected (not just the first) and reported together.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config._checks import MissingRequiredHeaderConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from pulse.projects import services
from tests.factories import add_member, make_milestone, make_project, make_tag, make_user
from tests.system.conftest import LiveServer, bearer, server_errors

# Committed data the server can see, with sequences reset so the ids (hence the generated requests)
# are the same in every run, whatever ran before.
pytestmark = pytest.mark.usefixtures("django_db_reset_sequences")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
# Examples per operation and pass; with the coverage test below the module stays near 2 minutes on 2 cores.
PASSES = (
    ("positive, any ids", GenerationMode.POSITIVE, False, 5),
    ("positive, real ids", GenerationMode.POSITIVE, True, 12),
    ("negative, real ids", GenerationMode.NEGATIVE, True, 5),
)
EXAMPLES_PER_FAILURE = 2
REQUEST_TIMEOUT = 30


def _seed() -> tuple[Any, dict[str, int]]:
    """An owner with a project holding a tag, team members and milestones, a trashed project and
    someone else's project: ids that exist, some the owner may change and some it may not see."""
    owner = make_user("fuzzer")
    teammate = make_user("teammate")
    stranger = make_user("stranger")
    tag = make_tag(owner, "fuzz-tag")
    project = make_project(owner, title="Fuzzed project", description="Exercised by schemathesis", tag_ids=[tag.pk])
    member = add_member(project, teammate, allocation=30)
    milestone = make_milestone(project, title="First milestone", assignee_id=teammate.pk)
    make_milestone(project, title="Second milestone")
    trashed = make_project(owner, title="Trashed project")
    services.project_delete(project_id=trashed.pk, expected_version=trashed.version, actor=owner)
    make_project(stranger, title="Invisible project")
    make_tag(stranger, "strangers-tag")
    ids = {"project_id": project.pk, "member_id": member.pk, "milestone_id": milestone.pk, "tag_id": tag.pk}
    return owner, ids


@dataclass
class Report:
    failures: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    calls: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    errors: dict[str, str] = field(default_factory=dict)
    http_time: float = 0.0

    def add(self, label: str, title: str, detail: str, response: str, curl: str) -> None:
        examples = self.failures[label][title]
        if len(examples) < EXAMPLES_PER_FAILURE:
            examples.append(f"{detail}\n  response: {response}\n  request:  {curl}")

    def add_failure(self, label: str, failure: Any, response: requests.Response, curl: str) -> None:
        message = [line.strip() for line in str(failure.message).splitlines() if line.strip()]
        self.add(
            label,
            f"{failure.title} ({failure.code})",
            " | ".join(message[:2])[:300],
            f"{response.status_code} {response.headers.get('Content-Type', '-')} {response.text[:160]!r}",
            curl[:600],
        )

    def render(self) -> str:
        lines = []
        for label in sorted(self.failures):
            lines.append(f"\n### {label}")
            for title, examples in self.failures[label].items():
                lines.append(f"  - {title}")
                lines.extend("      " + example.replace("\n", "\n      ") for example in examples)
        return "\n".join(lines)

    def summary(self) -> str:
        return "\n".join(f"  {label}: {', '.join(self.failures[label])}" for label in sorted(self.failures))


def _etag_url(case: Any, base_url: str) -> str:
    """The resource whose ETag a conditional request must carry."""
    path = case.formatted_path
    if "/transitions/" in path:
        path = path.split("transitions/")[0]
    return f"{base_url}{path}"


@dataclass
class Fuzzer:
    base_url: str
    auth: dict[str, str]
    report: Report
    session: requests.Session = field(default_factory=requests.Session)
    # Operations whose authentication ignored_auth has confirmed (a 2xx re-sent without and with a bad
    # token, refused both times): once per operation is proof enough and keeps the run short.
    auth_proven: set[str] = field(default_factory=set)

    def run(self, operation: Any, *, mode: GenerationMode, ids: dict[str, int], etag: bool, examples: int) -> None:
        label = operation.label

        @settings(
            max_examples=examples,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=ids or None))
        def fuzz(case: Any) -> None:
            if etag:
                current = self.session.get(_etag_url(case, self.base_url), headers=self.auth, timeout=REQUEST_TIMEOUT)
                if "ETag" in current.headers:
                    case.headers = {**(case.headers or {}), "If-Match": current.headers["ETag"]}
            t0 = time.monotonic()
            try:
                response = case.call(
                    base_url=self.base_url, session=self.session, headers=self.auth, timeout=REQUEST_TIMEOUT
                )
            except requests.RequestException as exc:
                curl = case.as_curl_command(base_url=self.base_url)
                self.report.add(label, f"Request failed: {type(exc).__name__}", str(exc)[:300], "-", curl)
                return
            self.report.calls[label] += 1
            self.report.http_time += time.monotonic() - t0
            self.report.statuses[label][response.status_code] += 1
            prove_auth = 200 <= response.status_code < 300 and label not in self.auth_proven
            checks = [*CHECKS, ignored_auth] if prove_auth else list(CHECKS)
            if mode is GenerationMode.NEGATIVE:
                checks.append(negative_data_rejection)
            try:
                case.validate_response(response, checks=checks, headers=self.auth)
            except FailureGroup as group:
                curl = case.as_curl_command(headers=dict(response.request.headers), base_url=self.base_url)
                for failure in group.exceptions:
                    self.report.add_failure(label, failure, response, curl)
            if prove_auth:
                self.auth_proven.add(label)

        fuzz()


def test_whole_schema_has_no_server_errors_or_schema_violations(api_server: LiveServer) -> None:
    owner, ids = _seed()
    schema = schemathesis.openapi.from_url(f"{api_server.url}/api/schema/?format=json", timeout=REQUEST_TIMEOUT)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 35, [op.label for op in operations]

    report = Report()
    fuzzer = Fuzzer(base_url=api_server.url, auth=bearer(owner), report=report)
    mark = api_server.log_mark()
    started = time.monotonic()

    for operation in operations:
        path_names = {p.name for p in operation.path_parameters}
        conditional = any(p.name == "If-Match" for p in operation.headers)
        for pass_name, mode, real_ids, examples in PASSES:
            known = {name: ids[name] for name in path_names if name in ids} if real_ids else {}
            if real_ids and path_names and not known:
                continue  # nothing real to point at (e.g. notification ids): the first pass covers it
            if not real_ids and not path_names:
                continue  # no ids at all: the same requests as the "real ids" pass
            etag = real_ids and conditional and mode is GenerationMode.POSITIVE and operation.method != "delete"
            try:
                fuzzer.run(operation, mode=mode, ids=known, etag=etag, examples=examples)
            except Exception as exc:  # generation problems are schema problems too: report, keep going
                report.errors[f"{operation.label} [{pass_name}]"] = f"{type(exc).__name__}: {exc}"[:400]

    elapsed = time.monotonic() - started
    total = sum(report.calls.values())
    print(f"\nschemathesis: {len(operations)} operations, {total} requests in {elapsed:.0f}s")
    print(f"  (of which {report.http_time:.0f}s waiting for the server)")
    for label in sorted(report.statuses):
        print(f"  {label}: {dict(sorted(report.statuses[label].items()))}")
    for key, error in report.errors.items():
        print(f"  generation error {key}: {error}")

    # ignored_auth re-sent one 2xx of each operation without a token and with a forged one.
    print(f"  authentication proven enforced on {len(fuzzer.auth_proven)} operations")
    assert len(fuzzer.auth_proven) >= 25, sorted(fuzzer.auth_proven)
    unexercised = [op.label for op in operations if report.calls[op.label] == 0]
    assert not unexercised, f"operations never called: {unexercised}"
    positive_errors = {k: v for k, v in report.errors.items() if "positive" in k}
    assert not positive_errors, "could not generate valid requests for:\n" + "\n".join(
        f"  {k}: {v}" for k, v in positive_errors.items()
    )
    count = sum(len(f) for f in report.failures.values())
    assert count == 0, (
        f"{count} distinct failures in {len(report.failures)} operations ({total} requests):\n"
        f"{report.summary()}\n{report.render()}\n\n{server_errors([api_server], [mark])}"
    )


# The coverage phase: schemathesis' deterministic boundary and negative cases, one per scenario, among them
# a request without each required header, one for each undeclared HTTP method, and every parameter and
# body property made invalid in turn. Their checks: nothing is a 500, invalid data is refused, a missing
# header is refused and an undeclared method is a 405 with Allow.
COVERAGE_CHECKS = [
    not_a_server_error,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    content_type_conformance,
]
COVERAGE_CASES_PER_OPERATION = 300
COVERAGE_CASES_PER_SCENARIO = 15
# A conditional write without If-Match is 428 Precondition Required (SPEC §5), a refusal like the others.
MISSING_HEADER_STATUSES = ["400", "401", "403", "406", "415", "422", "428"]


def _scenario(data: Any) -> str:
    if not isinstance(data, CoveragePhaseData):
        return "other"
    if data.scenario == CoverageScenario.MISSING_PARAMETER and data.parameter_location == ParameterLocation.HEADER:
        return "missing_header"
    return str(data.scenario.value)


def test_coverage_phase_negative_data_missing_headers_and_unsupported_methods(api_server: LiveServer) -> None:
    owner, ids = _seed()
    schema = schemathesis.openapi.from_url(f"{api_server.url}/api/schema/?format=json", timeout=REQUEST_TIMEOUT)
    schema.config.checks.missing_required_header = MissingRequiredHeaderConfig(
        expected_statuses=MISSING_HEADER_STATUSES
    )
    operations = [result.ok() for result in schema.get_all_operations()]
    auth = bearer(owner)
    session = requests.Session()
    report = Report()
    scenarios: Counter[str] = Counter()
    mark = api_server.log_mark()
    started = time.monotonic()
    for operation in operations:
        label = operation.label
        known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        cases = operation.schema.iter_coverage_cases(
            operation,
            generation_modes=[GenerationMode.NEGATIVE, GenerationMode.POSITIVE],
            generation_config=schema.config.generation_for(operation=operation),
        )
        per_scenario: Counter[str] = Counter()
        for n, case in enumerate(cases):
            if n >= COVERAGE_CASES_PER_OPERATION:
                break
            scenario = _scenario(case.meta.phase.data if case.meta else None)
            per_scenario[scenario] += 1
            if per_scenario[scenario] > COVERAGE_CASES_PER_SCENARIO:
                continue  # half the cases are one more wrong type for one more property: a sample is enough
            if known and not (case.meta and case.meta.is_negative_at(ParameterLocation.PATH)):
                # Point at real resources, so a refusal says something about the request, not a 404.
                case.path_parameters = {**(case.path_parameters or {}), **known}
            try:
                response = case.call(base_url=api_server.url, session=session, headers=auth, timeout=REQUEST_TIMEOUT)
            except requests.RequestException as exc:
                report.add(label, f"Request failed: {type(exc).__name__}", str(exc)[:300], "-", label)
                continue
            report.calls[label] += 1
            report.statuses[label][response.status_code] += 1
            scenarios[scenario] += 1
            try:
                case.validate_response(response, checks=COVERAGE_CHECKS, headers=auth)
            except FailureGroup as group:
                curl = case.as_curl_command(headers=dict(response.request.headers), base_url=api_server.url)
                for failure in group.exceptions:
                    report.add_failure(label, failure, response, curl)
    elapsed = time.monotonic() - started
    total = sum(report.calls.values())
    print(f"\nschemathesis coverage phase: {len(operations)} operations, {total} requests in {elapsed:.0f}s")
    print(f"  scenarios: {dict(scenarios.most_common())}")
    for label in sorted(report.statuses):
        print(f"  {label}: {dict(sorted(report.statuses[label].items()))}")
    # What this pass is for: a schemathesis upgrade that stopped generating these would go unnoticed.
    assert scenarios["unspecified_http_method"] >= 20, scenarios
    assert scenarios["missing_header"] >= 10, scenarios  # If-Match, Idempotency-Key, the webhook signature
    count = sum(len(f) for f in report.failures.values())
    assert count == 0, (
        f"{count} distinct failures in {len(report.failures)} operations ({total} requests):\n"
        f"{report.summary()}\n{report.render()}\n\n{server_errors([api_server], [mark])}"
    )
