"""Every environment variable the backend reads is provided wherever the backend runs.

The names come from the settings source itself (``env("X")``, ``env.int("X")``,
``os.environ.get("X")`` …), so a new setting without a deployment value fails here.
"""

from __future__ import annotations

import ast
from typing import Any

import pytest
import yaml

from tests.conftest import OVERLAYS, REPO

BACKEND = REPO / "backend"
# Set by the image or by the process that starts the app, not configuration.
NOT_CONFIG = {"DJANGO_SETTINGS_MODULE"}
IMAGE_ENV = {"DJANGO_SETTINGS_MODULE"}  # ENV in deployment/docker/backend.Dockerfile


def env_names_read() -> set[str]:
    names: set[str] = set()
    sources = [*(BACKEND / "config").rglob("*.py"), *(BACKEND / "pulse").rglob("*.py")]
    for source in sources:
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if not isinstance(node, ast.Call) or not node.args or not isinstance(node.args[0], ast.Constant):
                continue
            func = node.func
            is_env = (isinstance(func, ast.Name) and func.id == "env") or (
                isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "env"
            )
            is_os = isinstance(func, ast.Attribute) and (
                (func.attr == "getenv" and isinstance(func.value, ast.Name) and func.value.id == "os")
                or (func.attr in {"get", "setdefault"} and ast.unparse(func.value) == "os.environ")
            )
            if (is_env or is_os) and isinstance(node.args[0].value, str):
                names.add(node.args[0].value)
    return names


def test_the_scan_finds_the_settings() -> None:
    names = env_names_read()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "NUM_PROXIES", "PULSE_GIL_SWITCH_INTERVAL"} <= names
    assert len(names) > 30


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_config_and_secret_provide_every_setting(overlay: str, rendered: dict[str, list[Any]]) -> None:
    objects = rendered[overlay]
    [config] = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"] == "pulse-config"]
    [secret] = [o for o in objects if o["kind"] == "Secret" and o["metadata"]["name"] == "pulse-secrets"]
    provided = set(config["data"]) | set(secret.get("stringData", {})) | set(secret.get("data", {}))
    missing = env_names_read() - provided
    assert not missing, f"{overlay}: settings read but not in pulse-config / pulse-secrets: {sorted(missing)}"
    secret_names = {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "MANDRILL_API_KEY", "METRICS_TOKEN"}
    secrets_in_config = secret_names & set(config["data"])
    assert not secrets_in_config, f"secrets belong in the Secret: {secrets_in_config}"
    assert config["data"]["DJANGO_SETTINGS_MODULE"] == "config.django.production"
    assert config["data"]["NUM_PROXIES"] == "1"  # the web nginx forwards exactly one address
    assert config["data"]["METRICS_PUBLIC"] == "false"


def test_the_metrics_scrape_job_sends_the_token(rendered: dict[str, list[Any]]) -> None:
    """/metrics answers only the token: the scrape job must send it, to the api pods' port and path."""
    job = yaml.safe_load((REPO / "deployment" / "prometheus" / "scrape-pulse.yaml").read_text())["scrape_configs"][0]
    assert job["authorization"]["type"] == "Bearer" and job["authorization"]["credentials_file"]
    [api] = [o for o in rendered["production"] if o["kind"] == "Deployment" and o["metadata"]["name"] == "pulse-api"]
    annotations = api["spec"]["template"]["metadata"]["annotations"]
    assert job["metrics_path"] == annotations["prometheus.io/path"] == "/metrics"
    keep = {rule["regex"] for rule in job["relabel_configs"] if rule.get("action") == "keep"}
    assert {"pulse;api", annotations["prometheus.io/port"]} <= keep


def test_compose_and_env_example_provide_every_setting() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    backend_env = set(compose["x-backend"]["environment"])
    missing = env_names_read() - backend_env
    assert not missing, f"docker-compose.yml backend environment lacks {sorted(missing)}"
    example = {
        line.split("=", 1)[0]
        for line in (REPO / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    # DATABASE_URL and REDIS_URL are assembled in docker-compose.yml from the compose services.
    missing = env_names_read() - example - {"DATABASE_URL", "REDIS_URL"}
    assert not missing, f".env.example lacks {sorted(missing)}"
    interpolated = set()
    for value in compose["x-backend"]["environment"].values():
        interpolated |= {part.split("}")[0].split(":")[0].split("-")[0] for part in str(value).split("${")[1:]}
    assert interpolated <= example, (
        f"docker-compose.yml reads variables .env.example does not list: {interpolated - example}"
    )


def test_compose_start_order_and_health() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "migrate", "api", "worker", "beat", "web"}
    for name in ("api", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name
    assert services["web"]["depends_on"]["api"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "api", "web"):
        assert services[name]["healthcheck"]["test"], name
    assert set(compose["volumes"]) == {"postgres-data", "redis-data"}


def test_dockerfile_user_and_static_files() -> None:
    backend = (REPO / "deployment" / "docker" / "backend.Dockerfile").read_text()
    web = (REPO / "deployment" / "docker" / "web.Dockerfile").read_text()
    final_backend = backend.rsplit("\nFROM ", 1)[1]
    assert "USER 10001:10001" in final_backend and "HEALTHCHECK" in final_backend
    assert "collectstatic" in final_backend and "apt-get" not in final_backend and "gcc" not in final_backend
    assert "USER 101:101" in web.rsplit("\nFROM ", 1)[1]
    for name in IMAGE_ENV:
        assert f"{name}=" in final_backend
    production = (BACKEND / "config" / "django" / "production.py").read_text()
    assert "CompressedManifestStaticFilesStorage" in production and "WHITENOISE_USE_FINDERS = False" in production
