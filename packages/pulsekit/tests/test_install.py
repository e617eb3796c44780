"""``python -m build`` makes a wheel and an sdist; the wheel, installed into a fresh virtualenv with
the Django, DRF and psycopg the backend pins, runs the README's ETag example against PostgreSQL."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import venv
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings

import pulsekit

ROOT = Path(__file__).resolve().parents[1]
BACKEND_PYPROJECT = ROOT.parents[1] / "backend" / "pyproject.toml"
# What a new project installs beside pulsekit, when there is no Pulse backend to read the pins from.
FALLBACK_PINS = ["Django>=5.2,<6", "djangorestframework>=3.16,<4", "psycopg[binary]>=3.1,<4"]

# The tiny app around the README's two files: GET → ETag, 304, PATCH with If-Match → 200, stale → 412, none → 428.
FLOW = textwrap.dedent(
    """
    import json, os, sys
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "tiny_settings"
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from rest_framework.test import APIClient

    import pulsekit
    from shop.models import Item

    call_command("makemigrations", "shop", verbosity=0)  # as a new project would, before migrate
    setup_test_environment()
    test_db = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        item = Item.objects.create(name="old")
        url = f"/items/{item.pk}/"
        client = APIClient()
        out = {"pulsekit": pulsekit.__version__, "from": pulsekit.__file__}
        read = client.get(url)
        out["get"] = [read.status_code, read["ETag"], read.json()]
        again = client.get(url, headers={"If-None-Match": read["ETag"]})
        out["not_modified"] = [again.status_code, again["ETag"]]
        write = client.patch(url, {"name": "new"}, format="json", headers={"If-Match": read["ETag"]})
        out["patch"] = [write.status_code, write["ETag"], write.json()]
        stale = client.patch(url, {"name": "late"}, format="json", headers={"If-Match": read["ETag"]})
        out["stale"] = [stale.status_code, stale["ETag"], stale.json()]
        blind = client.patch(url, {"name": "blind"}, format="json")
        out["no_if_match"] = [blind.status_code, blind.json()["error"]["code"]]
        out["stored"] = list(Item.objects.values_list("name", "version").get(pk=item.pk))
    finally:
        connection.creation.destroy_test_db(test_db, verbosity=0)
    print(json.dumps(out))
    """
)


def run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    # Fixed programs (this interpreter, the new virtualenv's) with arguments and paths of our own.
    result = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False, **kwargs)  # type: ignore[call-overload]  # noqa: S603
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result


def backend_pins() -> list[str]:
    """Django, DRF and psycopg exactly as the backend pins them (psycopg with its binary libpq only)."""
    if not BACKEND_PYPROJECT.exists():
        return FALLBACK_PINS
    dependencies = tomllib.loads(BACKEND_PYPROJECT.read_text())["project"]["dependencies"]
    pins = []
    for name in ("Django", "djangorestframework", "psycopg"):
        [spec] = [d for d in dependencies if re.match(rf"{name}(\[|==)", d)]
        pins.append(re.sub(r"^psycopg\[[^\]]*\]", "psycopg[binary]", spec))
    return pins


def readme_file(path: str) -> str:
    """The README's python block that starts with ``# <path>``."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), flags=re.DOTALL)
    [block] = [b for b in blocks if b.startswith(f"# {path}\n")]
    return block


def setuptools_major() -> int:
    try:
        return int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return 0


def tiny_settings() -> str:
    db = settings.DATABASES["default"]
    name = f"{db['NAME']}_install"
    return textwrap.dedent(
        f"""
        SECRET_KEY = "tiny"
        USE_TZ = True
        DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
        ROOT_URLCONF = "shop.views"
        INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth", "rest_framework", "shop"]
        DATABASES = {{"default": {{
            "ENGINE": "django.db.backends.postgresql", "NAME": {name!r}, "TEST": {{"NAME": {"test_" + name!r}}},
            "USER": {db["USER"]!r}, "PASSWORD": {db["PASSWORD"]!r}, "HOST": {db["HOST"]!r}, "PORT": {db["PORT"]!r},
        }}}}
        REST_FRAMEWORK = {{
            "EXCEPTION_HANDLER": "pulsekit.errors.exception_handler",
            "DEFAULT_AUTHENTICATION_CLASSES": [],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
            "UNAUTHENTICATED_USER": None,
        }}
        """
    )


def test_build_then_install_into_a_fresh_venv_and_run_the_readme_example(tmp_path: Path) -> None:
    # Build from a copy, so the build leaves no build/ or egg-info behind in the package itself.
    source = tmp_path / "pulsekit"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    dist = tmp_path / "dist"
    build = [sys.executable, "-m", "build", "--outdir", str(dist), str(source)]
    if setuptools_major() >= 77:
        build.insert(3, "--no-isolation")  # offline: the installed build backend is recent enough
    run(build)

    [wheel] = dist.glob("*.whl")
    [sdist] = dist.glob("*.tar.gz")
    assert wheel.name == f"pulsekit-{pulsekit.__version__}-py3-none-any.whl"
    assert sdist.name == f"pulsekit-{pulsekit.__version__}.tar.gz"
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {"pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "src/pulsekit/py.typed"} <= names
    assert "src/pulsekit/conditional.py" in names

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    python = str(env_dir / "bin" / "python")
    run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel), *backend_pins()])
    run([python, "-m", "pip", "check"])

    app = tmp_path / "app"
    (app / "shop").mkdir(parents=True)
    (app / "shop" / "migrations").mkdir()
    (app / "shop" / "__init__.py").write_text("")
    (app / "shop" / "migrations" / "__init__.py").write_text("")
    (app / "shop" / "models.py").write_text(readme_file("shop/models.py"))
    (app / "shop" / "views.py").write_text(readme_file("shop/views.py"))
    (app / "tiny_settings.py").write_text(tiny_settings())
    (app / "flow.py").write_text(FLOW)
    # Only the app's directory on the path: pulsekit must come from the installed wheel, not src/.
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "DJANGO_SETTINGS_MODULE"}}
    out = json.loads(run([python, "flow.py"], cwd=app, env=env).stdout.strip().splitlines()[-1])

    assert out["pulsekit"] == pulsekit.__version__
    assert str(env_dir) in out["from"]
    [status, etag, body] = out["get"]
    pk = body["id"]
    assert (status, etag, body) == (200, f'"item-{pk}-v1"', {"id": pk, "name": "old", "version": 1})
    assert out["not_modified"] == [304, f'"item-{pk}-v1"']
    assert out["patch"] == [200, f'"item-{pk}-v2"', {"id": pk, "name": "new", "version": 2}]
    status, etag, body = out["stale"]
    assert (status, etag, body["error"]["code"]) == (412, f'"item-{pk}-v2"', "precondition_failed")
    assert body["error"]["details"] == {"current": {"id": pk, "name": "new", "version": 2}, "etag": f'"item-{pk}-v2"'}
    assert out["no_if_match"] == [428, "precondition_required"]
    assert out["stored"] == ["new", 2]
