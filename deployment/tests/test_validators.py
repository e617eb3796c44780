"""Every deployment file through the real validator made for it (issue #13 item 6).

Nothing here builds an image or talks to a cluster: there is no Docker engine or cluster on
these machines. What can be checked offline is checked with the tools the ecosystems use.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from tests.conftest import DEPLOYMENT, KUBERNETES_VERSION, NGINX, OVERLAYS, REPO, run, tool

WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
DOCKERFILES = sorted((DEPLOYMENT / "docker").glob("*.Dockerfile"))
SHELL_SCRIPTS = [
    DEPLOYMENT / "docker" / "entrypoint.sh",
    DEPLOYMENT / "nginx" / "render.sh",
    DEPLOYMENT / "tools" / "install.sh",
    DEPLOYMENT / "tools" / "test-deploy.sh",
]


def test_there_is_something_to_validate() -> None:
    assert {p.name for p in WORKFLOWS} == {"backend.yml", "frontend.yml", "images.yml"}
    assert {p.name for p in DOCKERFILES} == {"backend.Dockerfile", "web.Dockerfile"}
    for dockerfile in DOCKERFILES:
        assert Path(f"{dockerfile}.dockerignore").is_file(), f"{dockerfile.name} has no .dockerignore"
    assert (REPO / ".dockerignore").is_file()


def test_yamllint() -> None:
    run(tool("yamllint"), "-s", "-c", str(DEPLOYMENT / "yamllint.yaml"), "docker-compose.yml", "deployment", ".github")


def test_kubernetes_validate_strict(rendered_files: dict[str, Path]) -> None:
    for overlay in OVERLAYS:
        output = run(tool("kubernetes-validate"), "--strict", "-k", KUBERNETES_VERSION, str(rendered_files[overlay]))
        # It exits 0 for an object whose API it has no schema for (a removed API, a typo'd kind).
        assert "couldn't find schema" not in output.lower(), output
        assert "passed for resource" in output and "failed" not in output.lower(), output


def test_compose_schema() -> None:
    run(tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", "docker-compose.yml")


def test_compose_config_with_env_example() -> None:
    run(tool("docker-compose"), "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "-q")


def test_workflow_schema() -> None:
    run(tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS))


def test_actionlint_with_shellcheck() -> None:
    shellcheck = tool("shellcheck")
    run(tool("actionlint"), "-shellcheck", shellcheck, *map(str, WORKFLOWS))


def test_shellcheck_scripts() -> None:
    run(tool("shellcheck"), "--severity=style", *map(str, SHELL_SCRIPTS))


def test_hadolint() -> None:
    run(tool("hadolint"), "--failure-threshold", "style", *map(str, DOCKERFILES))


def test_nginx_t_on_rendered_config(nginx_conf: Path) -> None:
    assert Path(NGINX).is_file(), "Debian nginx missing (deployment/tools/install.sh installs it)"
    output = run(NGINX, "-t", "-c", str(nginx_conf), "-e", "stderr")
    assert "test is successful" in output
    version = run(NGINX, "-v")
    assert "nginx/1.22" in version, version


def test_gixy_on_rendered_config(nginx_conf: Path) -> None:
    # No --nginx-version: its CVE list is about the binary, and the image runs its own nginx.
    output = run(tool("gixy"), str(nginx_conf))
    assert re.search(r"High: 0", output) and re.search(r"Medium: 0", output) and re.search(r"Low: 0", output), output


def test_npm_groovy_lint_jenkinsfile() -> None:
    assert shutil.which("java"), "npm-groovy-lint needs a Java runtime"
    run(tool("npm-groovy-lint"), "--failon", "error", "--noserver", "--output", "txt", "Jenkinsfile", timeout=300)


def test_ruff_on_the_deployment_python() -> None:
    ruff = str(Path(sys.executable).parent / "ruff")  # the backend venv's, with the backend's settings
    run(ruff, "check", "deployment")
    run(ruff, "format", "--check", "deployment")
