#!/usr/bin/env python
"""A change made in one browser painted in another (SPEC §11: p50 ≤ 150 ms, p95 ≤ 400 ms, with 1,000
other sockets connected).

1. **Stack**: ``backend/scripts/e2e_stack.py --seed none`` (what the browser tests use): a scratch
   database ``pulse_e2e_*``, migrations, uvicorn serving the API, the websockets and the built SPA as
   ``make run`` does, with ``REDIS_URL`` as cache and channel layer (required here: fan-out goes through
   Redis as deployed) and ``--workers`` uvicorn processes (default 2, so the writer, the painter and the
   other sockets may sit in different processes). The per-user socket and ticket bounds are lifted for
   the load user only in the sense that the stack's limits are raised (one user holds the 1,000 sockets).
2. **Data** (``manage.py shell`` with the services): users ``paint_a`` (owner and lead of one project),
   ``paint_b`` (developer member) and ``paint_load`` (stakeholder member).
3. **Other sockets**: ``--load-sockets`` (1,000) lean websocket clients (``bench/leanws.py``, as
   ``ws_bench.py``) in a separate process (this script with ``--hold``), signed in as ``paint_load``,
   each with its own ticket, subscribed to ``project:ID``: the same project, the worst case, so every
   edit fans out to all of them. It records when each of them received each change. The same process
   writes ``--background-rate`` (10) changes a second to a second project all of them also watch, as the
   websocket bench's load does (each change fans out to the 1,000 sockets too).
4. **Floor**: one bare websocket client in this process, signed in as ``paint_b``, subscribed to the
   project: PATCH sent → event received, with no browser in the way.
5. **Browsers** (``bench/live_paint.mjs``, playwright-core driving ``/usr/bin/chromium``, headless, two
   contexts): A edits the description through the UI (Edit, Description, Save changes); B has the
   project page open and repaints from the event. Latency = A's fetch() of the PATCH → B's animation
   frame after its MutationObserver saw the new text (both stamped in the pages as
   ``performance.timeOrigin + performance.now()``, epoch ms on the same machine; the Python side's
   receipts use ``time.time()``). ``--warmup`` samples, then ``--samples`` (50), paced ``--pause-ms``.

Output: p50/p95/p99/max of painted, in B's DOM, the floor, the 1,000 sockets' median and last receipt,
A's PATCH response; ratios (painted ÷ floor); PASS/FAIL against the target;
``bench/results/live-paint-<UTC>.json`` and ``live-paint-latest.json``. Needs ``frontend/dist``
(``make frontend-build``, or ``cd frontend && npx vite build``), Node and ``/usr/bin/chromium``. The
machine is shared (server, PostgreSQL, Redis, Chromium and the load process): compare ratios in a run.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import datetime
import json
import math
import os
import platform
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import leanws
from benchkit import git_revision, load_average, log, step, utc_stamp, write_results

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BACKEND = REPO / "backend"
RESULTS = BENCH / "results"
DIST = REPO / "frontend" / "dist"
TARGETS = {"p50_ms": 150.0, "p95_ms": 400.0}
TITLE = "Live paint bench"
NOISE = "bg-change-"  # descriptions of the background changes, told apart from the measured edits

try:
    import orjson

    loads = orjson.loads
except ImportError:  # pragma: no cover
    loads = json.loads


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=50, help="measured edits (default 50)")
    parser.add_argument("--warmup", type=int, default=3, help="edits before them, not kept (default 3)")
    parser.add_argument("--load-sockets", type=int, default=1_000, help="other sockets on the project (1,000)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes (default 2)")
    parser.add_argument("--pause-ms", type=int, default=300, help="pause between edits: this plus up to this again")
    parser.add_argument("--connect-concurrency", type=int, default=50, help="load sockets opened at once (50)")
    parser.add_argument(
        "--background-rate",
        type=float,
        default=10.0,
        help="changes/s to a second project the other sockets also watch, as ws_bench.py's load (10; 0 = none)",
    )
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse")
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--strict", action="store_true", help="exit 1 when the target is missed")
    parser.add_argument("--hold", metavar="JSON", help=argparse.SUPPRESS)  # the load process (internal)
    return parser.parse_args()


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {"n": 0}
    ordered = sorted(values)

    def at(p: float) -> float:
        return round(ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1], 1)

    return {
        "n": len(ordered),
        "p50": at(50),
        "p95": at(95),
        "p99": at(99),
        "max": round(ordered[-1], 1),
        "min": round(ordered[0], 1),
        "mean": round(statistics.fmean(ordered), 1),
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a is not None and b else None


def epoch_clock() -> Any:
    """perf_counter stamps (what leanws gives) as epoch milliseconds, like the pages' stamps."""
    offset = time.time() - time.perf_counter()
    return lambda t: (t + offset) * 1000


def described(payload: bytes) -> tuple[str | None, str]:
    """The new description an event carries (None if it changes no description), and its ``ts``."""
    message = loads(payload)
    changes = (message.get("data") or {}).get("changes") or {}
    change = changes.get("description")
    if isinstance(change, list) and len(change) == 2 and isinstance(change[1], str):
        return change[1], str(message.get("ts", ""))
    return None, ""


def iso_to_epoch_ms(ts: str) -> float | None:
    try:
        return datetime.datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp() * 1000
    except ValueError:
        return None


# ------------------------------------------------------------------ sockets


async def signed_in(http: httpx.AsyncClient, username: str, password: str) -> None:
    response = await http.post("/api/v1/auth/token/", json={"username": username, "password": password})
    response.raise_for_status()
    http.headers["Authorization"] = f"Bearer {response.json()['access']}"


async def open_socket(http: httpx.AsyncClient, ws_base: str, project_ids: list[int], on_text: Any) -> leanws.LeanSocket:
    """A ticket, the socket, ``welcome``, ``subscribe project:ID`` and ``subscribed`` for each project;
    then ``on_text``.

    Until ``subscribed`` the messages go to a queue of our own: the welcome can arrive in the same
    read as the handshake's answer, before anyone waits for it.
    """
    for attempt in range(3):
        try:
            response = await http.post("/api/v1/auth/ws-ticket/")
            break
        except httpx.TransportError:
            if attempt == 2:
                raise
    response.raise_for_status()
    opening: asyncio.Queue[bytes] = asyncio.Queue()
    subscribed = False

    def route(payload: bytes, received: float) -> None:
        if subscribed:
            on_text(payload, received)
        else:
            opening.put_nowait(payload)

    ws = await leanws.connect(f"{ws_base}/ws/?ticket={response.json()['ticket']}", route)
    try:
        welcome = loads(await asyncio.wait_for(opening.get(), 30))
        if welcome.get("type") != "welcome":
            raise RuntimeError(f"expected welcome, got {welcome}")
        for project_id in project_ids:
            ws.send_text(json.dumps({"type": "subscribe", "topic": f"project:{project_id}"}))
            answer = loads(await asyncio.wait_for(opening.get(), 30))
            if answer.get("type") != "subscribed":
                raise RuntimeError(f"expected subscribed, got {answer}")
    except BaseException:
        await ws.close(5)
        raise
    subscribed = True
    return ws


async def hold(cfg: dict[str, Any]) -> None:
    """The load process: ``sockets`` subscribers that record when each change reached each of them."""
    to_epoch = epoch_clock()
    receipts: dict[str, list[float]] = collections.defaultdict(list)

    def on_text(payload: bytes, received: float) -> None:
        value, _ = described(payload)
        if value is not None and not value.startswith(NOISE):
            receipts[value].append(received)

    ws_base = cfg["base_url"].replace("http://", "ws://")
    limits = httpx.Limits(max_connections=cfg["concurrency"] + 5, max_keepalive_connections=cfg["concurrency"])
    gate = asyncio.Semaphore(cfg["concurrency"])
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=60, limits=limits) as http:
        await signed_in(http, cfg["username"], cfg["password"])

        async def one() -> leanws.LeanSocket:
            async with gate:
                return await open_socket(http, ws_base, [cfg["project_id"], cfg["noise_id"]], on_text)

        outcomes = await asyncio.gather(*(one() for _ in range(cfg["sockets"])), return_exceptions=True)
    sockets = [o for o in outcomes if isinstance(o, leanws.LeanSocket)]
    errors = collections.Counter(f"{type(o).__name__}: {o}"[:160] for o in outcomes if isinstance(o, BaseException))
    ready = {"subscribed": len(sockets), "seconds": round(time.perf_counter() - started, 1), "errors": dict(errors)}
    print("READY " + json.dumps(ready), flush=True)
    writes: collections.Counter[str] = collections.Counter()
    writer = asyncio.create_task(background_changes(cfg, writes))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
    writer.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await writer
    closed = sum(1 for s in sockets if s.closed.done())
    result = {
        "closed_early": closed,
        "background": {"seconds": round(writes.pop("_elapsed_ms", 0) / 1000, 1), **writes},
        "receipts": {
            value: {
                "n": len(ts),
                "first": to_epoch(min(ts)),
                "p50": to_epoch(statistics.median(ts)),
                "last": to_epoch(max(ts)),
            }
            for value, ts in receipts.items()
        },
    }
    print("RESULT " + json.dumps(result), flush=True)
    gate = asyncio.Semaphore(200)

    async def close(ws: leanws.LeanSocket) -> None:
        async with gate:
            with contextlib.suppress(Exception):
                await ws.close(5)

    await asyncio.gather(*(close(s) for s in sockets))


async def background_changes(cfg: dict[str, Any], writes: collections.Counter[str]) -> None:
    """The websocket bench's write load: ``rate`` PATCHes a second, paced by the clock, to the noise
    project every other socket also watches (so each fans out to all of them), each under the ETag of
    the one before. Counts answers by status; a stale ETag (412) takes the current one and goes on."""
    rate = float(cfg["background_rate"])
    if rate <= 0:
        return
    path = f"/api/v1/projects/{cfg['noise_id']}/"
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=cfg["base_url"], timeout=30) as http:
        await signed_in(http, cfg["username"], cfg["password"])
        etag = (await http.get(path)).headers.get("etag", "")
        n = 0
        while True:  # until cancelled
            n += 1
            response = await http.patch(path, json={"description": f"{NOISE}{n}"}, headers={"If-Match": etag})
            writes[str(response.status_code)] += 1
            etag = response.headers.get("etag") or etag
            if response.status_code == 412:
                etag = (await http.get(path)).headers.get("etag", "")
            writes["_elapsed_ms"] = int((time.perf_counter() - started) * 1000)
            await asyncio.sleep(max(0.0, started + n / rate - time.perf_counter()))


# ------------------------------------------------------------------ stack and data

SETUP_CODE = """
import json
from pulse.accounts.models import User
from pulse.projects.services import member_add, project_create
users = {{
    name: User.objects.create_user(
        username=name, email=f"{{name}}@bench.example", password={password!r}, display_name=name.replace("_", " ")
    )
    for name in ("paint_a", "paint_b", "paint_load")
}}
project = project_create(actor=users["paint_a"], title={title!r}, description="Before the first edit")
member_add(project_id=project.pk, actor=users["paint_a"], user_id=users["paint_b"].pk, role="developer")
member_add(project_id=project.pk, actor=users["paint_a"], user_id=users["paint_load"].pk, role="stakeholder")
noise = project_create(actor=users["paint_load"], title="Background changes", description="{noise}0")
print("PAINT " + json.dumps({{"project_id": project.pk, "noise_id": noise.pk}}))
"""


def setup_data(database_url: str, redis_url: str, password: str) -> tuple[int, int]:
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.django.test",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        CHANNEL_LAYER_PREFIX="paint-setup-" + secrets.token_hex(4),  # its events reach no socket
        CELERY_BROKER_URL="memory://",
        LOG_LEVEL="WARNING",
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "shell", "-c", SETUP_CODE.format(password=password, title=TITLE, noise=NOISE)],
        cwd=BACKEND,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("PAINT ")), None)
    if done.returncode or line is None:
        raise SystemExit(f"setting up the users and the project failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    ids = json.loads(line.removeprefix("PAINT "))
    return int(ids["project_id"]), int(ids["noise_id"])


async def read_tagged(stream: asyncio.StreamReader, tag: str, timeout: float) -> dict[str, Any]:
    prefix = (tag + " ").encode()
    async with asyncio.timeout(timeout):
        while True:
            line = await stream.readline()
            if not line:
                raise SystemExit(f"the load process ended before {tag}")
            if line.startswith(prefix):
                return dict(json.loads(line[len(prefix) :]))


async def measure(
    args: argparse.Namespace, base_url: str, project_id: int, noise_id: int, password: str
) -> dict[str, Any]:
    to_epoch = epoch_clock()
    hold_cfg = {
        "base_url": base_url,
        "project_id": project_id,
        "noise_id": noise_id,
        "background_rate": args.background_rate,
        "username": "paint_load",
        "password": password,
        "sockets": args.load_sockets,
        "concurrency": args.connect_concurrency,
    }
    loader = await asyncio.create_subprocess_exec(
        sys.executable,
        str(Path(__file__).resolve()),
        "--hold",
        json.dumps(hold_cfg),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert loader.stdin is not None and loader.stdout is not None
    try:
        with step(f"load process: {args.load_sockets} sockets as paint_load, subscribed to project:{project_id}"):
            ready = await read_tagged(loader.stdout, "READY", 600)
            errors = ready["errors"] or ""
            log(f"  {ready['subscribed']}/{args.load_sockets} subscribed in {ready['seconds']} s {errors}")

        floor: dict[str, float] = {}
        event_ts: dict[str, float | None] = {}

        def on_floor(payload: bytes, received: float) -> None:
            value, ts = described(payload)
            if value is not None and value not in floor:
                floor[value] = to_epoch(received)
                event_ts[value] = iso_to_epoch_ms(ts)

        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            await signed_in(http, "paint_b", password)
            floor_ws = await open_socket(http, base_url.replace("http://", "ws://"), [project_id], on_floor)

        node = shutil.which("node")
        if node is None:
            raise SystemExit("node is needed for the browser half (bench/live_paint.mjs)")
        config = {
            "baseUrl": base_url,
            "projectId": project_id,
            "projectTitle": TITLE,
            "a": {"username": "paint_a", "password": password},
            "b": {"username": "paint_b", "password": password},
            "samples": args.samples,
            "warmup": args.warmup,
            "pauseMs": args.pause_ms,
            "chromium": args.chromium,
        }
        with step(f"Chromium: A edits the description {args.warmup} + {args.samples} times, B paints it"):
            browser_proc = await asyncio.create_subprocess_exec(
                node, str(BENCH / "live_paint.mjs"), json.dumps(config), cwd=REPO, stdout=asyncio.subprocess.PIPE
            )
            out, _ = await asyncio.wait_for(browser_proc.communicate(), 180 + 10 * (args.samples + args.warmup))
            if browser_proc.returncode != 0:
                raise SystemExit(f"bench/live_paint.mjs failed ({browser_proc.returncode})")
            browser = dict(json.loads(out.decode().strip().splitlines()[-1]))
        await asyncio.sleep(1.0)  # late receipts
        floor_closed = floor_ws.closed.done()
        await floor_ws.close(5)
        loader.stdin.close()
        held = await read_tagged(loader.stdout, "RESULT", 60)
    finally:
        if not loader.stdin.is_closing():
            loader.stdin.close()
        try:
            await asyncio.wait_for(loader.wait(), 60)
        except TimeoutError:
            loader.kill()
            await loader.wait()
    return {
        "ready": ready,
        "floor": floor,
        "event_ts": event_ts,
        "floor_closed_early": floor_closed,
        "browser": browser,
        "held": held,
    }


# ------------------------------------------------------------------ report


def main() -> int:
    args = parse_args()
    if args.hold:
        try:
            import uvloop

            uvloop.run(hold(json.loads(args.hold)))
        except ImportError:  # pragma: no cover
            asyncio.run(hold(json.loads(args.hold)))
        return 0
    if not (DIST / "index.html").exists():
        raise SystemExit(f"no built SPA in {DIST}: run make frontend-build (or cd frontend && npx vite build)")
    if not Path(args.chromium).exists():
        raise SystemExit(f"no Chromium at {args.chromium}: make chromium installs Debian's")
    if not args.redis_url:
        raise SystemExit("REDIS_URL (or --redis-url) is needed: the fan-out goes through Redis as deployed")
    from spa_ttu import start_stack, stop_stack

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # inherited by the server and the load process
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))

    started = time.perf_counter()
    stamp = utc_stamp()
    load_before = load_average()
    password = "paint-" + secrets.token_hex(8)
    # Inherited by e2e_stack.py and its uvicorn: one user holds the other sockets, each with a ticket.
    os.environ.update(
        WEB_CONCURRENCY=str(args.workers),
        WS_MAX_SOCKETS_PER_USER=str(max(2_000, 2 * args.load_sockets)),
        WS_TICKET_THROTTLE_RATE=f"{max(100_000, 10 * args.load_sockets)}/min",
        WS_TICKET_IP_THROTTLE_RATE=f"{max(100_000, 10 * args.load_sockets)}/min",
    )
    log(
        f"Live paint: {args.samples} edits in browser A painted in browser B, {args.load_sockets} other sockets on "
        f"the project, {args.background_rate:g} background changes/s, {args.workers} uvicorn process(es); "
        f"load average {load_before}"
    )
    with tempfile.TemporaryDirectory(prefix="live-paint-") as tmp:
        server_log = Path(tmp) / "server.log"
        with step("scratch database, migrations and server (backend/scripts/e2e_stack.py --seed none)"):
            stack, ready = start_stack(args, server_log)
        try:
            log(f"  {ready['base_url']} on database {ready['database']}")
            with step("users paint_a (owner), paint_b (developer), paint_load (stakeholder) and the project"):
                project_id, noise_id = setup_data(ready["database_url"], args.redis_url, password)
            run = asyncio.run(measure(args, ready["base_url"], project_id, noise_id, password))
            server_text = server_log.read_text(errors="replace")
        finally:
            stop_stack(stack)
    load_after = load_average()

    samples = run["browser"]["samples"]
    receipts = run["held"]["receipts"]
    rows = []
    for s in samples:
        sent, value = s["sent"], s["value"]
        held = receipts.get(value, {})

        def since(at: float | None, sent: float | None = sent) -> float | None:
            return at - sent if at is not None and sent is not None else None

        rows.append(
            {
                **s,
                "painted_ms": since(s["frame"]),
                "dom_ms": since(s["dom"]),
                "b_socket_ms": since(s.get("socket")),
                "b_socket_to_painted_ms": s["frame"] - s["socket"] if s["frame"] and s.get("socket") else None,
                "patch_response_ms": since(s["answered"]),
                "floor_ms": since(run["floor"].get(value)),
                "event_ts_ms": since(run["event_ts"].get(value)),
                "load_p50_ms": since(held.get("p50")),
                "load_last_ms": since(held.get("last")),
                "load_received": held.get("n", 0),
            }
        )

    def col(key: str) -> list[float]:
        return [r[key] for r in rows if r[key] is not None]

    figures = {
        key: summary(col(key))
        for key in (
            "painted_ms",
            "dom_ms",
            "b_socket_ms",
            "b_socket_to_painted_ms",
            "floor_ms",
            "event_ts_ms",
            "load_p50_ms",
            "load_last_ms",
            "patch_response_ms",
        )
    }
    added = [r["painted_ms"] - r["floor_ms"] for r in rows if r["painted_ms"] is not None and r["floor_ms"] is not None]
    figures["browser_added_ms"] = summary(added)
    painted = figures["painted_ms"]
    ratios = {
        "b_socket_p50_to_floor_p50": ratio(figures["b_socket_ms"].get("p50"), figures["floor_ms"].get("p50")),
        "painted_p50_to_floor_p50": ratio(painted.get("p50"), figures["floor_ms"].get("p50")),
        "painted_p95_to_floor_p95": ratio(painted.get("p95"), figures["floor_ms"].get("p95")),
        "painted_p50_to_load_p50": ratio(painted.get("p50"), figures["load_p50_ms"].get("p50")),
    }
    lost = {
        "browser_not_painted": sum(1 for r in rows if r["lost"]),
        "floor_missed": sum(1 for r in rows if r["floor_ms"] is None),
        "load_receipts_missing": sum(args.load_sockets - r["load_received"] for r in rows)
        if run["ready"]["subscribed"] == args.load_sockets
        else None,
        "load_sockets_closed_early": run["held"]["closed_early"],
    }
    targets_met = {
        "p50": painted.get("p50", math.inf) <= TARGETS["p50_ms"],
        "p95": painted.get("p95", math.inf) <= TARGETS["p95_ms"],
        "all_painted": lost["browser_not_painted"] == 0,
    }
    tracebacks = sum(1 for line in server_text.splitlines() if line.startswith("Traceback"))

    labels = {
        "painted_ms": "B painted (frame after the DOM change)",
        "dom_ms": "  B's DOM holds the new text",
        "b_socket_ms": "  B's page receives the event (message event)",
        "b_socket_to_painted_ms": "B: event received → painted (the browser's share)",
        "floor_ms": "floor: bare websocket client receipt",
        "event_ts_ms": "  the event's ts (Activity row written)",
        "load_p50_ms": f"{args.load_sockets} other sockets: median receipt",
        "load_last_ms": f"{args.load_sockets} other sockets: last receipt",
        "patch_response_ms": "A's PATCH response (in A)",
        "browser_added_ms": "painted − floor, per edit",
    }
    log("")
    log(f"{'ms from A sending the PATCH':<50} {'n':>3} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}")
    for key, label in labels.items():
        st = figures[key]
        log(
            f"{label:<50} {st.get('n', 0):>3} "
            + " ".join(f"{st.get(k, float('nan')):>8.1f}" for k in ("p50", "p95", "p99", "max"))
        )
    log("")
    log(
        f"painted ÷ floor: p50 {ratios['painted_p50_to_floor_p50']}×, p95 {ratios['painted_p95_to_floor_p95']}×; "
        f"painted ÷ the other sockets' median p50 {ratios['painted_p50_to_load_p50']}×; B's receipt ÷ floor p50 "
        f"{ratios['b_socket_p50_to_floor_p50']}×"
    )
    background = run["held"].get("background", {})
    sent = sum(v for k, v in background.items() if k.isdigit())
    log(
        f"background changes: {sent} in {background.get('seconds', 0)} s "
        f"({sent / max(background.get('seconds') or 1, 1e-9):.1f}/s), answers {background}"
    )
    log(f"lost: {lost}; server tracebacks {tracebacks}; load average {load_before} → {load_after}")
    verdict = "PASS" if all(targets_met.values()) else "FAIL"
    log(
        f"{verdict}: painted p50 {painted.get('p50')} ms (≤ {TARGETS['p50_ms']:.0f}), "
        f"p95 {painted.get('p95')} ms (≤ {TARGETS['p95_ms']:.0f}), {lost['browser_not_painted']} not painted"
    )

    result = {
        "benchmark": "live-paint",
        "timestamp": stamp,
        "git": git_revision(REPO),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "browser": run["browser"].get("browser"),
            "load_average": {"before": load_before, "after": load_after},
        },
        "setup": {
            "stack": "backend/scripts/e2e_stack.py --seed none (uvicorn as make run serves), REDIS_URL set",
            "workers": args.workers,
            "load_sockets": args.load_sockets,
            "load_sockets_subscribed": run["ready"]["subscribed"],
            "load_connect_seconds": run["ready"]["seconds"],
            "load_topic": f"project:{project_id} (the edited project: every edit fans out to all of them)",
            "background_changes": (
                f"{args.background_rate}/s PATCHes by paint_load to project:{noise_id}, which the other sockets also"
                " watch (the websocket bench's write load)"
            ),
            "background_answers": run["held"].get("background", {}),
            "load_process": "bench/live_paint.py --hold: lean asyncio websocket clients (bench/leanws.py)",
            "edit": "browser A (paint_a, owner) through the UI: Edit, Description, Save changes",
            "paint": "browser B (paint_b, developer) with the project page open, never reloaded",
            "clock": "epoch ms: performance.timeOrigin + performance.now() in the pages, time.time() in Python",
            "start": "A's page calls fetch() with the PATCH",
            "headline": "painted_ms: B's animation frame after its MutationObserver saw the new description",
            "floor": "one bare websocket client (paint_b) in the orchestrating process, subscribed to the project",
            "samples": args.samples,
            "warmup": args.warmup,
            "pause_ms": f"{args.pause_ms}–{2 * args.pause_ms}",
        },
        "targets": TARGETS,
        "targets_met": targets_met,
        "figures": figures,
        "ratios": ratios,
        "lost": lost,
        "server_tracebacks": tracebacks,
        "samples": rows,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    log(f"wrote {write_results(RESULTS, 'live-paint', stamp, result)} ({time.perf_counter() - started:.0f}s total)")
    return 1 if args.strict and verdict == "FAIL" else 0


if __name__ == "__main__":
    sys.exit(main())
