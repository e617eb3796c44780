"""Shared fixtures of the deployment checks: the repository, the rendered overlays and nginx config."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOYMENT = REPO / "deployment"
K8S = DEPLOYMENT / "k8s"
OVERLAYS = ("staging", "production")
KUBERNETES_VERSION = "1.33.0"  # the version the manifests target (kubernetes-validate -k)
NGINX = "/usr/sbin/nginx"  # Debian's nginx 1.22


def tool(name: str) -> str:
    """A validator from .deploy-tools (deployment/tools/install.sh puts them on PATH)."""
    found = shutil.which(name)
    assert found, f"{name} not found on PATH: run `make test-deploy` (it installs the tools)"
    return found


def run(*command: str, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: float = 180) -> str:
    """Run a validator; fail the test with its output unless it exits 0."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{output}"
    return output


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict[str, Any]]]:
    """Each overlay rendered by `kubectl kustomize`: overlay name → list of objects."""
    out = {}
    for overlay in OVERLAYS:
        text = run(tool("kubectl"), "kustomize", str(K8S / overlay))
        out[overlay] = [doc for doc in yaml.safe_load_all(text) if doc]
    return out


@pytest.fixture(scope="session")
def rendered_files(
    rendered: dict[str, list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("kustomize")
    files = {}
    for overlay, objects in rendered.items():
        path = folder / f"{overlay}.yaml"
        path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
        files[overlay] = path
    return files


def render_nginx(out: Path, spa_root: Path, upstreams: str, **extra: str) -> Path:
    """deployment/nginx/render.sh into ``out`` with loopback upstreams; returns nginx.conf."""
    env = {
        **os.environ,
        "PULSE_API_UPSTREAMS": upstreams,
        "PULSE_SPA_ROOT": str(spa_root),
        "PULSE_NGINX_RUN_DIR": str(out / "run"),
        **extra,
    }
    run("sh", str(DEPLOYMENT / "nginx" / "render.sh"), str(out), env=env)
    return out / "nginx.conf"


def placeholder_dist(root: Path) -> Path:
    """A tiny stand-in for `npm run build` output: index.html and one hashed asset."""
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True, exist_ok=True)
    (dist / "assets" / "index-3f9a1c2b.js").write_text("console.log('pulse');\n" * 200)
    (dist / "index.html").write_text(
        '<!doctype html><html><head><meta charset="utf-8"><title>Pulse</title>'
        '<script type="module" crossorigin src="/assets/index-3f9a1c2b.js"></script></head>'
        '<body><div id="root"></div></body></html>\n'
    )
    return dist


@pytest.fixture(scope="session")
def nginx_conf(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("nginx")
    yield render_nginx(root / "conf", placeholder_dist(root), "127.0.0.1:18001,127.0.0.1:18002")
