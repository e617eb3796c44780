"""The lock file (``make lock``) pins what ``pyproject.toml`` pins, and nothing it declares is missing."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

BACKEND = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\[=<>~! ]", requirement, maxsplit=1)[0]).lower()


def _locked() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (BACKEND / "requirements.lock").read_text().splitlines():
        if line and not line.startswith((" ", "#", "-")):
            name, _, version = line.partition("==")
            pins[_name(name)] = version.strip()
    return pins


def test_every_declared_dependency_is_locked_at_its_pinned_version() -> None:
    project = tomllib.loads((BACKEND / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    locked = _locked()
    drift = {}
    for requirement in declared:
        name = _name(requirement)
        pinned = requirement.partition("==")[2].split(";")[0].strip()
        if locked.get(name) != pinned:
            drift[name] = (pinned, locked.get(name))
    assert not drift, f"run `make lock`: pyproject pin vs lock {drift}"


def test_the_lock_pins_the_transitive_set() -> None:
    locked = _locked()
    assert len(locked) > 60  # the dependencies' own dependencies, not only the direct ones
    assert {"asgiref", "kombu", "sqlparse", "structlog"} <= set(locked)
    assert all(re.fullmatch(r"[0-9][0-9a-z.+!-]*", v) for v in locked.values()), locked
