"""`make run` end to end: embedded PostgreSQL from nothing, a short console, and Ctrl-C stops it all."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from pulse.ops.processes import free_port

BACKEND = Path(__file__).resolve().parents[2]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_make_run_serves_then_ctrl_c_stops_server_and_embedded_postgres(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PULSE_VAR_DIR=str(tmp_path / "var"), PORT=str(port), PYTHONUNBUFFERED="1")
    log = tmp_path / "console.log"
    with log.open("wb") as out:
        serve = subprocess.Popen(
            [sys.executable, str(BACKEND / "scripts" / "serve.py")],
            cwd=BACKEND,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 240
        while "Press Ctrl-C" not in log.read_text() and serve.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "Press Ctrl-C" in log.read_text(), log.read_text()
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(base + "/healthz").status_code == 200
        token = httpx.post(base + "/api/v1/auth/token/", json={"username": "demo", "password": "pulse-demo-2026"})
        assert token.status_code == 200
        projects = httpx.get(base + "/api/v1/projects/", headers={"Authorization": f"Bearer {token.json()['access']}"})
        assert projects.status_code == 200 and projects.json()["count"] > 0
        postmaster = int((tmp_path / "var" / "pgdata" / "postmaster.pid").read_text().split("\n", 1)[0])
        assert alive(postmaster)

        serve.send_signal(signal.SIGINT)  # what Ctrl-C delivers to the foreground process
        assert serve.wait(60) == 0
        deadline = time.monotonic() + 10
        while alive(postmaster) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not alive(postmaster), log.read_text()
        with socket.socket() as sock:
            assert sock.connect_ex(("127.0.0.1", port)) != 0, "the server still listens"
    finally:
        if serve.poll() is None:
            os.killpg(serve.pid, signal.SIGKILL)

    console = log.read_text()
    assert "Stopped the embedded PostgreSQL." in console
    # Short console: no line per background task or per request, no uvicorn start-up chatter.
    assert "celery.app.trace" not in console
    assert "GET /api/v1/projects/" not in console
    assert "Application startup complete" not in console
    assert len(console.splitlines()) < 30, console
