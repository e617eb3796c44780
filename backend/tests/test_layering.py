"""The layering rules of STYLE.md, checked over the source tree (Python's ``ast``, no imports run).

1. APIs and websocket consumers never write through the ORM and never queue work: no model manager
   (``.objects``, ``.all_objects``, ...), no ``.save()``/``.delay()``-style calls, no task module.
   They call selectors and services; services write and enqueue.
2. The app (``pulse``, ``config``) never imports the benchmarks (``bench``).
3. ``pulsekit`` is generic: it imports nothing from ``pulse`` or ``config``.

A violation names the file and line. (import-linter would express 2 and 3 as contracts; it is not
in the toolchain, and 1 is about calls as much as imports.)
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

BACKEND = Path(__file__).resolve().parents[1]
PULSEKIT = BACKEND.parent / "packages" / "pulsekit" / "src" / "pulsekit"

ENTRY_LAYERS = {"apis.py", "consumers.py"}
MANAGERS = {"objects", "all_objects", "_default_manager", "_base_manager"}
WRITES_AND_QUEUEING = {
    "save",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "select_for_update",
    "delay",
    "apply_async",
    "send_task",
}


def _sources(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "migrations" not in p.parts)


def _imports(tree: ast.AST) -> Iterator[tuple[int, str]]:
    """(line, module) for every import, ``from x import y`` also as ``x.y`` (y may be a module)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _entry_layer_violations(source: str, where: str) -> list[str]:
    tree = ast.parse(source, filename=where)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            found.append(f"{where}:{node.lineno} uses the model manager .{node.attr}")
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in WRITES_AND_QUEUEING
        ):
            found.append(f"{where}:{node.lineno} calls .{node.func.attr}()")
    queueing = {line: module for line, module in _imports(tree) if _is_task_module(module)}
    found += [f"{where}:{line} imports {module} (queueing is the services' job)" for line, module in queueing.items()]
    return found


def _is_task_module(module: str) -> bool:
    parts = module.split(".")
    return parts[0] == "pulse" and "tasks" in parts[1:]


def test_the_layering_check_sees_writes_and_queueing() -> None:
    """The checker itself: each forbidden form is reported (so a passing run means something)."""
    text = (
        "from pulse.projects.tasks import project_purge_task\n"
        "from pulse.common import tasks\n"
        "Project.objects.filter(pk=1).update(title='x')\n"
        "project.save()\n"
        "project_purge_task.delay(1)\n"
    )
    found = _entry_layer_violations(text, "sample/apis.py")
    assert len(found) == 5, found


@pytest.mark.parametrize(
    "path",
    [p for p in _sources(BACKEND / "pulse") if p.name in ENTRY_LAYERS],
    ids=lambda p: str(p.relative_to(BACKEND)),
)
def test_apis_and_consumers_neither_write_through_managers_nor_queue_tasks(path: Path) -> None:
    found = _entry_layer_violations(path.read_text(), str(path.relative_to(BACKEND)))
    assert not found, "\n".join(found)


def test_there_are_apis_and_consumers_to_check() -> None:
    names = {p.relative_to(BACKEND).as_posix() for p in _sources(BACKEND / "pulse") if p.name in ENTRY_LAYERS}
    assert {"pulse/projects/apis.py", "pulse/bulk/apis.py", "pulse/realtime/consumers.py"} <= names


def test_the_app_never_imports_the_benchmarks() -> None:
    found = [
        f"{path.relative_to(BACKEND)}:{line} imports {module}"
        for root in (BACKEND / "pulse", BACKEND / "config")
        for path in _sources(root)
        for line, module in _imports(ast.parse(path.read_text()))
        if _is_under(module, "bench") or module.split(".")[0] in {"benchkit", "floor_asgi", "api_bench"}
    ]
    assert not found, "\n".join(found)


def test_pulsekit_imports_nothing_from_the_app() -> None:
    assert (PULSEKIT / "__init__.py").exists(), PULSEKIT
    found = [
        f"{path.relative_to(PULSEKIT.parent)}:{line} imports {module}"
        for path in _sources(PULSEKIT)
        for line, module in _imports(ast.parse(path.read_text()))
        if _is_under(module, "pulse") or _is_under(module, "config")
    ]
    assert not found, "\n".join(found)
