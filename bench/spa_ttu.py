#!/usr/bin/env python
"""Time to a usable projects page (issue #10 §9): /projects with 2,000 visible projects, in Chromium.

1. **Stack**: ``backend/scripts/e2e_stack.py --seed none`` (what the browser tests use): a scratch
   database ``pulse_e2e_*`` on the server of ``DATABASE_URL`` (never that database), migrations, and
   uvicorn serving the API and the built SPA as ``make run`` does (same command line; settings
   ``config.django.test``: DEBUG off, fast password hashing, background tasks in-process), with
   ``REDIS_URL`` as cache and channel layer when set. The stack drops its database when this script
   closes its stdin.
2. **Data**: api_bench's set-based loader (``load_data``): 300 users, 40 tags, 2,000 projects, each with
   3 tags, 4 members and 3 milestones; ``bench_member`` (a developer on every one of them, not staff)
   gets a password; ``VACUUM ANALYZE``.
3. **Browser** (``bench/spa_ttu.mjs``, playwright-core driving ``/usr/bin/chromium``, headless): sign in
   through the login page, then ``--runs`` samples after a warm-up, each: the floor, ``/favicon.svg``
   (a static file from the same server) navigated to in a new context (cold) and again (warm); then
   ``/projects`` in a new signed-in context (cold: empty cache, new connection) and again in the same
   context (warm: assets from the cache, ``index.html`` revalidated). Page figures are on the page's
   own clock from navigation start: first table row in the DOM (a MutationObserver), the animation
   frame after it ("painted", the headline), the HTML's response end, DOMContentLoaded, and the list
   request's start and duration (Resource Timing). The floor's figure is its load event.
4. **API**: the list request the page made (same query string), replayed with httpx over keep-alive
   with the token of a real sign-in, ``--api-requests`` times, interleaved with a GET of
   ``/favicon.svg`` (the HTTP floor).

Output: medians and p90 per figure, ratios (page cold ÷ floor cold, page warm ÷ floor warm, API list ÷
static GET), ``bench/results/spa-ttu-<UTC>.json`` and ``spa-ttu-latest.json``. No target in SPEC §11
for this one: it is reported beside the API's own latency. Needs ``frontend/dist`` (``make
frontend-build``), Node and ``/usr/bin/chromium``. The machine is shared: compare ratios within a run.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import secrets
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from benchkit import git_revision, load_average, log, step, utc_stamp, write_results

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
BACKEND = REPO / "backend"
RESULTS = BENCH / "results"
DIST = REPO / "frontend" / "dist"
SETTINGS = "config.django.test"  # what e2e_stack.py serves with
USERNAME = "bench_member"
STACK_TIMEOUT_S = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=2_000, help="visible projects (default 2,000)")
    parser.add_argument("--runs", type=int, default=10, help="browser samples of each kind after one warm-up")
    parser.add_argument("--api-requests", type=int, default=60, help="httpx requests to the list and the floor")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
    parser.add_argument(
        "--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pulse")
    )
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    return parser.parse_args()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def stats(values: Sequence[float | None]) -> dict[str, float | int]:
    xs = [float(v) for v in values if v is not None]
    if not xs:
        return {"n": 0}
    return {
        "n": len(xs),
        "p50": round(statistics.median(xs), 1),
        "p90": round(percentile(xs, 90), 1),
        "min": round(min(xs), 1),
        "max": round(max(xs), 1),
    }


def start_stack(args: argparse.Namespace, server_log: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    command = [
        sys.executable,
        str(BACKEND / "scripts" / "e2e_stack.py"),
        "--seed",
        "none",
        "--watch-stdin",
        "--database-url",
        args.database_url,
        "--log",
        str(server_log),
    ]
    if args.redis_url:
        command += ["--redis-url", args.redis_url]
    stack = subprocess.Popen(command, cwd=BACKEND, stdin=subprocess.PIPE, stdout=subprocess.PIPE)  # noqa: S603
    assert stack.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(stack.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + STACK_TIMEOUT_S
    buffer = b""
    while time.monotonic() < deadline:
        if not selector.select(timeout=1.0):
            if stack.poll() is not None:
                break
            continue
        chunk = os.read(stack.stdout.fileno(), 4096)
        if not chunk:
            break
        buffer += chunk
        for line in buffer.split(b"\n")[:-1]:
            if line.startswith(b"{"):
                return stack, json.loads(line)
        buffer = buffer.rsplit(b"\n", 1)[-1]
    stop_stack(stack)
    raise SystemExit(f"the stack did not start within {STACK_TIMEOUT_S:.0f} s; see {server_log}")


def stop_stack(stack: subprocess.Popen[bytes]) -> None:
    if stack.stdin is not None and not stack.stdin.closed:
        stack.stdin.close()  # --watch-stdin: stops the server and drops the scratch database
    try:
        stack.wait(60)
    except subprocess.TimeoutExpired:
        stack.terminate()
        stack.wait(30)


def load(database_url: str, projects: int, password: str) -> dict[str, Any]:
    """api_bench's loader into the stack's database; returns its timings and the member's id."""
    os.environ.update(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE=SETTINGS)
    import api_bench

    api_bench.django_setup({"DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": SETTINGS})
    cfg = api_bench.Config(
        list_projects=projects,
        search_projects=0,
        users=300,
        requests=0,
        warmup=0,
        extra_requests=0,
        budget_s=0,
        extra_budget_s=0,
        servers=[],
        port=0,
        quick=False,
        strict=False,
    )
    with api_bench.model_defaults_in_database(database_url):
        data = api_bench.load_data(database_url, cfg)
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from pulse.accounts.models import User

    User.objects.filter(id=data.member_id).update(password=make_password(password))
    connection.close()
    api_bench.vacuum_analyze(database_url)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # the settings' logging config logs every request
    return {"member_id": data.member_id, "load_seconds": data.load_seconds}


def run_browser(args: argparse.Namespace, base_url: str, password: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is needed for the browser half (bench/spa_ttu.mjs)")
    config = {"baseUrl": base_url, "username": USERNAME, "password": password, "runs": args.runs}
    config["chromium"] = args.chromium
    result = subprocess.run(  # noqa: S603
        [node, str(BENCH / "spa_ttu.mjs"), json.dumps(config)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        timeout=120 + 60 * args.runs,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"bench/spa_ttu.mjs failed ({result.returncode})")
    return dict(json.loads(result.stdout.decode().strip().splitlines()[-1]))


def measure_api(base_url: str, password: str, list_path: str, requests: int) -> dict[str, Any]:
    """The page's own list request and a static file, interleaved, over one keep-alive connection."""
    with httpx.Client(base_url=base_url, timeout=30) as client:
        token = client.post("/api/v1/auth/token/", json={"username": USERNAME, "password": password})
        token.raise_for_status()
        headers = {"Authorization": f"Bearer {token.json()['access']}"}
        times: dict[str, list[float]] = {"list": [], "static": []}
        count, size = None, 0
        for i in range(5 + requests):
            order = ("list", "static") if i % 2 == 0 else ("static", "list")
            for name in order:
                started = time.perf_counter()
                if name == "list":
                    response = client.get(list_path, headers=headers)
                else:
                    response = client.get("/favicon.svg", headers={"Cache-Control": "no-cache"})
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if name == "list":
                    count, size = response.json().get("count"), len(response.content)
                if i >= 5:
                    times[name].append(elapsed)
    return {
        "path": list_path,
        "count": count,
        "bytes": size,
        "list": stats(times["list"]),
        "static": stats(times["static"]),
    }


def ratio(a: Any, b: Any) -> float | None:
    try:
        return round(float(a) / float(b), 2)
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def main() -> int:
    args = parse_args()
    if not (DIST / "index.html").exists():
        raise SystemExit(f"no built SPA in {DIST}: run make frontend-build (or cd frontend && npx vite build)")
    if not Path(args.chromium).exists():
        raise SystemExit(f"no Chromium at {args.chromium}: make chromium installs Debian's")
    started = time.perf_counter()
    stamp = utc_stamp()
    load_before = load_average()
    password = "bench-" + secrets.token_hex(8)
    log(f"SPA time to usable /projects: {args.projects:,} projects, {args.runs} runs; load average {load_before}")
    with tempfile.TemporaryDirectory(prefix="spa-ttu-") as tmp:
        server_log = Path(tmp) / "server.log"
        with step("scratch database, migrations and server (backend/scripts/e2e_stack.py --seed none)"):
            stack, ready = start_stack(args, server_log)
        try:
            log(f"  {ready['base_url']} on database {ready['database']}")
            with step(f"load {args.projects:,} projects (api_bench's set-based SQL) and VACUUM ANALYZE"):
                data = load(ready["database_url"], args.projects, password)
                log(f"  seconds per step: {data['load_seconds']}")
            with step(f"Chromium: sign in, then {args.runs} × (floor cold/warm, /projects cold/warm)"):
                browser = run_browser(args, ready["base_url"], password)
            list_path = browser["list_urls"][0] if browser["list_urls"] else "/api/v1/projects/"
            with step(f"API: {list_path} and /favicon.svg, {args.api_requests} each, interleaved"):
                api = measure_api(ready["base_url"], password, list_path, args.api_requests)
            server_errors = [
                line for line in server_log.read_text(errors="replace").splitlines() if "Traceback" in line
            ]
        finally:
            stop_stack(stack)
    load_after = load_average()

    s = browser["samples"]
    page: dict[str, dict[str, Any]] = {}
    for kind in ("cold", "warm"):
        rows = s[f"page_{kind}"]
        page[kind] = {
            key: stats([r[key] for r in rows])
            for key in (
                "html_response_end_ms",
                "dom_content_loaded_ms",
                "list_api_start_ms",
                "list_api_ms",
                "list_api_end_ms",
                "rows_ms",
                "painted_ms",
                "transferred_bytes",
            )
        }
        page[kind]["rows"] = stats([r["rows"] for r in rows])
    floor = {kind: stats([r["load_ms"] for r in s[f"floor_{kind}"]]) for kind in ("cold", "warm")}
    ratios = {
        "page_cold_to_floor_cold": ratio(page["cold"]["painted_ms"].get("p50"), floor["cold"].get("p50")),
        "page_warm_to_floor_warm": ratio(page["warm"]["painted_ms"].get("p50"), floor["warm"].get("p50")),
        "api_list_to_static_get": ratio(api["list"].get("p50"), api["static"].get("p50")),
        "page_cold_to_api_list": ratio(page["cold"]["painted_ms"].get("p50"), api["list"].get("p50")),
        "page_warm_to_api_list": ratio(page["warm"]["painted_ms"].get("p50"), api["list"].get("p50")),
    }

    def row(label: str, st: dict[str, Any], floor_st: dict[str, Any] | None = None) -> str:
        r = ratio(st.get("p50"), floor_st.get("p50")) if floor_st else None
        return (
            f"{label:<46} {st.get('n', 0):>3} {st.get('p50', float('nan')):>9.1f} {st.get('p90', float('nan')):>9.1f}"
            + (f" {r:>8.2f}×" if r is not None else "")
        )

    log("")
    log(f"{'ms (p50 of ' + str(args.runs) + ')':<46} {'n':>3} {'p50':>9} {'p90':>9} {'÷ floor':>9}")
    for kind in ("cold", "warm"):
        p = page[kind]
        log(row(f"/projects {kind}: first rows painted", p["painted_ms"], floor[kind]))
        log(row("  first row in the DOM", p["rows_ms"]))
        log(row("  HTML response end", p["html_response_end_ms"]))
        log(row("  DOMContentLoaded", p["dom_content_loaded_ms"]))
        log(row("  list request start", p["list_api_start_ms"]))
        log(row("  list request duration (in the browser)", p["list_api_ms"]))
        log(row(f"floor {kind}: /favicon.svg load event", floor[kind]))
    log(row(f"API {list_path[:30]} (httpx)", api["list"], api["static"]))
    log(row("floor: GET /favicon.svg (httpx)", api["static"]))
    log("")
    log(
        f"rows per page {page['cold']['rows'].get('p50')}, projects visible {api['count']}, list response "
        f"{api['bytes']:,} bytes; sign-in through the page {browser['sign_in_ms']} ms; server tracebacks "
        f"{len(server_errors)}"
    )
    log(
        f"page cold ÷ API list {ratios['page_cold_to_api_list']}×, page warm ÷ API list "
        f"{ratios['page_warm_to_api_list']}×"
    )
    for kind in ("cold", "warm"):
        samples = sorted(s[f"page_{kind}"], key=lambda r: r["painted_ms"])
        median_sample = samples[(len(samples) - 1) // 2]
        log("")
        log(
            f"requests before the first rows, the median {kind} sample"
            f" (rows painted {median_sample['painted_ms']:.0f} ms):"
        )
        for r in median_sample.get("waterfall", []):
            log(
                f"  {r['start_ms']:>6} → {r['end_ms']:>6} ms  {r['transfer_bytes']:>8,} B"
                f"  {r['type']:<14} {r['path'][:70]}"
            )

    result = {
        "benchmark": "spa-ttu",
        "timestamp": stamp,
        "git": git_revision(REPO),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "browser": browser.get("browser"),
            "load_average": {"before": load_before, "after": load_after},
        },
        "setup": {
            "stack": "backend/scripts/e2e_stack.py --seed none (uvicorn as make run serves)",
            "settings": SETTINGS,
            "redis": bool(args.redis_url),
            "projects": args.projects,
            "per_project": {"tags": 3, "members": 4, "milestones": 3},
            "user": f"{USERNAME} (developer member of every project, not staff)",
            "runs": args.runs,
            "warmup": 1,
            "cold": "new browser context (empty cache, new connection), signed in by storage state",
            "warm": "the same context navigated to /projects again",
            "floor_browser": "/favicon.svg navigated to in a new context (cold) and again (warm): load event",
            "floor_http": "GET /favicon.svg with httpx, interleaved with the list request",
            "headline": "painted_ms: the animation frame after the first table row is in the DOM",
        },
        "data_load_seconds": data["load_seconds"],
        "sign_in_ms": browser["sign_in_ms"],
        "list_urls": browser["list_urls"],
        "page": page,
        "floor": floor,
        "api": api,
        "ratios": ratios,
        "server_tracebacks": len(server_errors),
        "samples": s,
        "elapsed_s": round(time.perf_counter() - started, 1),
    }
    log(f"wrote {write_results(RESULTS, 'spa-ttu', stamp, result)} ({time.perf_counter() - started:.0f}s total)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
