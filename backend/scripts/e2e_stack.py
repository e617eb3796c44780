"""A throwaway Pulse for browser tests and web benchmarks: scratch database, known data, real server.

1. Creates a scratch PostgreSQL database ``pulse_e2e_<pid>_<random>`` on the server of
   ``--database-url`` (never that database itself) and drops leftovers of stacks that died
   (their pid no longer runs).
2. Migrates it and loads data with a management command (``--seed``, default ``seed_e2e``;
   ``none`` loads nothing).
3. Starts uvicorn with ``config.asgi:application`` (as ``make run`` does) on a free port; it serves
   the API, the websockets and ``frontend/dist``.
4. Prints one JSON line on stdout when the server answers: ``{"base_url", "database_url", ...}``.
5. Runs until SIGTERM/SIGINT, or until stdin closes (``--watch-stdin``: the parent went away),
   then stops the server and drops the database.

Settings: ``config.django.test`` (fast password hashing, login throttles that a test run cannot
trip), background tasks in-process after commit (``CELERY_BROKER_URL=memory://``: no worker is
needed, no broker queue is left behind), the scheduled jobs off (``LOCAL_BEAT=false``, so the
numbers a test asserts do not move), access tokens of 15 minutes (one signed-in state lasts the
whole run) and e-mail kept in memory. With ``--redis-url`` the cache and the channel layer use
that Redis under a prefix of their own; without it, the database cache and an in-memory layer.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from urllib.parse import urlsplit, urlunsplit

from serve import stop_server  # also puts this checkout's backend first on sys.path

from pulse.ops.processes import NotReady, free_port, server_command, wait_until_ready

BACKEND = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 120.0
PREFIX = "pulse_e2e_"
LEFTOVER = re.compile(rf"^{PREFIX}(\d+)_[0-9a-f]+$")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class ScratchDatabase:
    def __init__(self, server_url: str) -> None:
        parts = urlsplit(server_url)
        self.name = f"{PREFIX}{os.getpid()}_{secrets.token_hex(4)}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self.maintenance_url = urlunsplit(parts._replace(path="/postgres"))

    @contextlib.contextmanager
    def _maintenance(self) -> Iterator[Callable[[str, str], None]]:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.maintenance_url, autocommit=True) as conn:

            def run(template: str, name: str) -> None:
                conn.execute(sql.SQL(template).format(sql.Identifier(name)))

            self._names = [
                row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [PREFIX + "%"])
            ]
            yield run

    def create(self) -> None:
        with self._maintenance() as run:
            for name in self._names:
                m = LEFTOVER.match(name)
                if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
                    run("DROP DATABASE IF EXISTS {} WITH (FORCE)", name)
            run("CREATE DATABASE {}", self.name)

    def drop(self) -> None:
        with self._maintenance() as run:
            run("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name)


def child_env(args: argparse.Namespace, database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DATABASE_URL"):
        env.pop(name, None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.django.test",
        DATABASE_URL=database_url,
        CELERY_BROKER_URL="memory://",
        LOCAL_BEAT="false",
        JWT_ACCESS_MINUTES="15",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
        env["CHANNEL_LAYER_PREFIX"] = f"e2e-{secrets.token_hex(4)}"
    return env


def manage(env: dict[str, str], log: Path, *command: str) -> None:
    with log.open("ab") as out:
        result = subprocess.run(
            [sys.executable, str(BACKEND / "manage.py"), *command], cwd=BACKEND, env=env, stdout=out, stderr=out
        )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed ({result.returncode}); see {log}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse"),
        help="a URL on the PostgreSQL server to use; only its host, port and credentials are used",
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--seed", default="seed_e2e", help="management command that loads the data, or 'none'")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--log", type=Path, default=Path("e2e-server.log"))
    parser.add_argument("--watch-stdin", action="store_true", help="stop when stdin closes")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    args.log.parent.mkdir(parents=True, exist_ok=True)
    args.log.write_bytes(b"")
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.watch_stdin:

        def watch() -> None:
            # os.read, not sys.stdin: a daemon thread blocked in the buffered reader holds its lock at exit.
            while os.read(sys.stdin.fileno(), 4096):
                pass
            stop.set()

        threading.Thread(target=watch, daemon=True).start()

    database = ScratchDatabase(args.database_url)
    server: subprocess.Popen[bytes] | None = None
    database.create()
    try:
        env = child_env(args, database.url)
        manage(env, args.log, "migrate", "--no-input", "-v", "0")
        if not args.redis_url:
            manage(env, args.log, "createcachetable")
        if args.seed != "none":
            manage(env, args.log, args.seed)
        port = args.port or free_port()
        with args.log.open("ab") as out:
            server = subprocess.Popen(
                server_command("127.0.0.1", port),
                cwd=BACKEND,
                env=env,
                stdout=out,
                stderr=out,
                start_new_session=True,  # one SIGINT from stop_server, not a second from the terminal
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_ready(server, f"{base_url}/healthz", timeout=STARTUP_TIMEOUT, what="the server")
        except NotReady as error:
            raise SystemExit(f"{error} (port {port}); see {args.log}") from None
        ready = {"base_url": base_url, "database_url": database.url, "database": database.name, "pid": os.getpid()}
        print(json.dumps(ready), flush=True)
        while not stop.wait(0.5):
            if server.poll() is not None:
                print(f"the server exited with {server.returncode}; see {args.log}", file=sys.stderr)
                return 1
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if server is not None:
            stop_server(server)
        with contextlib.suppress(Exception):
            database.drop()


if __name__ == "__main__":
    sys.exit(main())
