"""One process harness: uvicorn and Celery are started from ``pulse.ops.processes`` only.

`make run`, the tests, the bench scripts and the helper scripts all build their command lines there,
so a test serves exactly as `make run` does. A second hand-written command line fails this test.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from pulse.ops import processes

BACKEND = Path(__file__).resolve().parents[1]
REPO = BACKEND.parent
HARNESS = Path(processes.__file__).resolve()
PROGRAMS = {"uvicorn", "celery"}


def _python_files() -> list[Path]:
    roots = [BACKEND, REPO / "bench"]
    return sorted(p for root in roots for p in root.rglob("*.py") if "migrations" not in p.parts)


def _command_lines(path: Path) -> list[int]:
    """Lines of list literals that start uvicorn or Celery (``["uvicorn", ...]``, ``[..., "-m", "celery", ...]``)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not isinstance(node, ast.List):
            continue
        words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        as_module = any(a == "-m" and b in PROGRAMS for a, b in itertools.pairwise(words))
        if as_module or (words[:1] and words[0] in PROGRAMS):
            found.append(node.lineno)
    return found


def test_uvicorn_and_celery_command_lines_are_built_only_by_the_harness() -> None:
    offenders = [
        f"{path.relative_to(REPO)}:{line}"
        for path in _python_files()
        if path.resolve() != HARNESS
        for line in _command_lines(path)
    ]
    assert not offenders, f"start servers and workers with pulse.ops.processes, not by hand: {offenders}"


def test_the_harness_serves_as_make_run_and_the_image_do() -> None:
    command = processes.server_command("127.0.0.1", 8000)
    flags = " ".join(command[3:])
    assert command[3] == "config.asgi:application"
    for flag in ("--lifespan on", "--proxy-headers", "--no-server-header", "--ws-per-message-deflate false"):
        assert flag in flags, flag
        assert flag in (REPO / "deployment" / "docker" / "entrypoint.sh").read_text(), flag
    assert "--no-access-log" in command
    assert "--no-access-log" not in processes.server_command("127.0.0.1", 8000, access_log=True)
    assert "serve import" not in (BACKEND / "scripts" / "serve.py").read_text()
    assert "server_command(" in (BACKEND / "scripts" / "serve.py").read_text()
