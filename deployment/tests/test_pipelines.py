"""The Jenkinsfile's declarative structure, and every make target the CI definitions call exists.

npm-groovy-lint checks the Groovy; this checks the pipeline is the one we mean: declarative, the stages
in order, a rollback on failure, and only make targets that the Makefile defines (the same ones .ci/run
reaches through `make test`).
"""

from __future__ import annotations

import re

from .conftest import REPO

JENKINSFILE = (REPO / "Jenkinsfile").read_text()
MAKEFILE = (REPO / "Makefile").read_text()
WORKFLOWS = {p.name: p.read_text() for p in (REPO / ".github" / "workflows").glob("*.yml")}
MAKE_TARGETS = set(re.findall(r"^([A-Za-z][\w-]*):", MAKEFILE, flags=re.M))


def called_targets(text: str) -> set[str]:
    targets: set[str] = set()
    for line in re.findall(r"(?:sh '|run: )make ((?:[\w-]+ ?)+)", text):
        targets.update(t for t in line.split() if not t.startswith("-"))
    return targets


def test_jenkinsfile_is_a_declarative_pipeline_with_its_stages_in_order() -> None:
    assert JENKINSFILE.lstrip().split("\n", 3)[-1]  # not empty
    assert re.search(r"^pipeline \{", JENKINSFILE, flags=re.M), "top level must be a declarative `pipeline {}`"
    assert re.search(r"^\s{4}agent ", JENKINSFILE, flags=re.M)
    stages = re.findall(r"stage\('([^']+)'\)", JENKINSFILE)
    expected = ["Test", "Build and push images", "Deploy to staging", "Post-deploy health check"]
    positions = [stages.index(name) for name in expected]
    assert positions == sorted(positions), stages
    assert JENKINSFILE.count("{") == JENKINSFILE.count("}"), "unbalanced braces"


def test_jenkinsfile_deploys_with_kustomize_waits_checks_and_rolls_back() -> None:
    assert "kubectl apply -k" in JENKINSFILE
    assert "rollout status" in JENKINSFILE
    assert "/readyz" in JENKINSFILE
    post = JENKINSFILE[JENKINSFILE.rindex("post {") :]
    assert "failure {" in post and "rollout undo" in post


def test_ci_definitions_call_only_make_targets_that_exist_and_cover_make_test() -> None:
    test_line = re.search(r"^test: (.+)$", MAKEFILE, flags=re.M)
    assert test_line
    test_prereqs = set(test_line.group(1).split())
    for name, text in {"Jenkinsfile": JENKINSFILE, **WORKFLOWS}.items():
        missing = called_targets(text) - MAKE_TARGETS
        assert not missing, f"{name} calls make targets that do not exist: {missing}"
    everything = called_targets(JENKINSFILE)
    assert test_prereqs <= everything, f"Jenkins skips part of make test: {test_prereqs - everything}"
    workflows = set().union(*(called_targets(t) for t in WORKFLOWS.values()))
    assert test_prereqs <= workflows, f"GitHub Actions skip part of make test: {test_prereqs - workflows}"
