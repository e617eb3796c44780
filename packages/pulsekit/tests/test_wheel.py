"""The package builds into a wheel that carries its modules, its type marker and clean metadata."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pulsekit

ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "__init__",
    "bulk",
    "conditional",
    "dates",
    "errors",
    "fields",
    "ids",
    "models",
    "openapi",
    "pagination",
    "params",
    "parsers",
    "versioning",
]


def setuptools_major() -> int:
    try:
        return int(version("setuptools").split(".")[0])
    except (PackageNotFoundError, ValueError):
        return 0


def test_wheel_builds_with_modules_py_typed_and_metadata(tmp_path: Path) -> None:
    # Build from a copy, so the build leaves no build/ or egg-info behind in the package itself.
    source = tmp_path / "pulsekit"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "MANIFEST.in"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "src" / "pulsekit", source / "src" / "pulsekit", ignore=shutil.ignore_patterns("__pycache__")
    )
    dist = tmp_path / "dist"

    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(dist), str(source)]
    if setuptools_major() >= 77:
        # Offline: the build backend already installed here is recent enough for the SPDX license (PEP 639).
        command.insert(4, "--no-build-isolation")
    # The command is sys.executable with fixed arguments and paths of our own.
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # A missing readme or a deprecated license table shows up as a build-backend warning.
    assert "BuildBackendWarning" not in output, output
    assert "SetuptoolsDeprecationWarning" not in output, output

    [wheel] = dist.glob("pulsekit-*-py3-none-any.whl")
    assert wheel.name == f"pulsekit-{pulsekit.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(f"pulsekit-{pulsekit.__version__}.dist-info/METADATA").decode()

    assert "pulsekit/errors.py" in names
    assert "pulsekit/py.typed" in names
    assert {f"pulsekit/{module}.py" for module in MODULES} <= names
    assert not any(name.startswith("tests/") for name in names)

    assert "License-Expression: MIT" in metadata
    assert "License-File: LICENSE" in metadata
    assert "Description-Content-Type: text/markdown" in metadata
    assert "# pulsekit" in metadata  # the README is the long description
    assert "Requires-Dist: Django<6,>=5.2" in metadata
    assert "Requires-Dist: djangorestframework<4,>=3.16" in metadata
    assert "Requires-Dist: psycopg<4,>=3.1" in metadata
    assert "Provides-Extra: openapi" in metadata
    assert 'Requires-Dist: drf-spectacular>=0.27; extra == "openapi"' in metadata
    assert f"Version: {pulsekit.__version__}" in metadata
