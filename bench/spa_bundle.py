#!/usr/bin/env python
"""SPA bundle budget (SPEC §11: the SPA's initial JavaScript ≤ 250 KB gzipped), from the built files.

It builds nothing: it reads ``frontend/dist`` (``make frontend-build`` makes it; ``--dist`` points
elsewhere) and Vite's manifest, ``frontend/dist/.vite/manifest.json`` (written because
``frontend/vite.config.ts`` sets ``build.manifest``).

1. **Initial HTML**: the scripts and stylesheets ``index.html`` loads (the entry chunk, its module
   preloads, ``theme-init.js``, the CSS).
2. **Pages**: what a page pulls in before it can render, the static import closure (``imports``,
   recursively, with each chunk's ``css``) of the entry plus its route chunks. The router's routes are
   lazy: ``/login`` loads ``routes/login``; the first signed-in page, the dashboard at ``/``, loads
   the protected layout (``routes/protected``) and ``routes/dashboard``; ``/projects`` the layout and
   ``routes/projects``. What a page imports dynamically after it renders (the dashboard's chart) is
   listed beside it as lazy, with its own closure's new bytes, and is not part of the page's figure.
3. **Every chunk** in the manifest with its raw, gzip and brotli size.

Sizes: gzip at level 9 (``gzip.compress``), brotli at quality 11 when the ``brotli`` module is
installed (else reported as absent); kB are 1,000 bytes. The budget is judged on the JavaScript of
the initial HTML and of the first pages (login and dashboard), as a ratio to 250 kB.

Output: the tables, PASS/FAIL, ``bench/results/spa-bundle-<UTC>.json`` and ``spa-bundle-latest.json``.
``--strict`` exits 1 when the budget is missed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from benchkit import git_revision, log, utc_stamp, write_results

try:
    import brotli  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - optional
    brotli = None

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
RESULTS = BENCH / "results"
FRONTEND = REPO / "frontend"
BUDGET_KB = 250.0  # SPEC §11: "SPA initial JavaScript ≤ 250 KB gzipped"

# Route chunks each page loads before it renders (frontend/src/app/router.tsx: every route is lazy).
PAGES: dict[str, list[str]] = {
    "login": ["src/app/routes/login.tsx"],
    "dashboard": ["src/app/routes/protected.tsx", "src/app/routes/dashboard.tsx"],
    "projects": ["src/app/routes/protected.tsx", "src/app/routes/projects.tsx"],
}
# The pages a visitor can land on first; their JavaScript is what the budget is about.
FIRST_PAGES = ("login", "dashboard")


@dataclass(frozen=True)
class Size:
    raw: int
    gzip: int
    brotli: int | None

    def __add__(self, other: Size) -> Size:
        br = None if self.brotli is None or other.brotli is None else self.brotli + other.brotli
        return Size(self.raw + other.raw, self.gzip + other.gzip, br)

    def as_dict(self) -> dict[str, Any]:
        return {"raw": self.raw, "gzip": self.gzip, "brotli": self.brotli}


ZERO = Size(0, 0, None if brotli is None else 0)


class AssetsInHtml(HTMLParser):
    """The scripts, module preloads and stylesheets an HTML page loads, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.preloads: list[str] = []
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("href"):
            rel = a.get("rel", "").lower().split()
            if "modulepreload" in rel:
                self.preloads.append(a["href"])
            elif "stylesheet" in rel:
                self.styles.append(a["href"])


class Bundle:
    def __init__(self, dist: Path) -> None:
        self.dist = dist
        self.manifest: dict[str, dict[str, Any]] = json.loads((dist / ".vite" / "manifest.json").read_text())
        self.by_file = {chunk["file"]: key for key, chunk in self.manifest.items()}
        self._sizes: dict[str, Size] = {}

    def size(self, file: str) -> Size:
        if file not in self._sizes:
            data = (self.dist / file.lstrip("/")).read_bytes()
            br = len(brotli.compress(data, quality=11)) if brotli is not None else None
            self._sizes[file] = Size(len(data), len(gzip.compress(data, compresslevel=9, mtime=0)), br)
        return self._sizes[file]

    def entry_key(self) -> str:
        entries = [key for key, chunk in self.manifest.items() if chunk.get("isEntry")]
        if len(entries) != 1:
            raise SystemExit(f"expected one entry chunk in the manifest, found {entries}")
        return entries[0]

    def closure(self, keys: Iterable[str]) -> tuple[list[str], list[str], set[str]]:
        """(JS files, CSS files, chunk keys) reachable through static imports, in load order."""
        seen: set[str] = set()
        js: list[str] = []
        css: list[str] = []

        def visit(key: str) -> None:
            if key in seen:
                return
            seen.add(key)
            chunk = self.manifest[key]
            for dep in chunk.get("imports", []):
                visit(dep)
            js.append(chunk["file"])
            css.extend(f for f in chunk.get("css", []) if f not in css)

        for key in keys:
            visit(key)
        return js, css, seen

    def total(self, files: Iterable[str]) -> Size:
        out = ZERO
        for f in files:
            out = out + self.size(f)
        return out


def kb(n: int | None) -> str:
    return "—" if n is None else f"{n / 1000:,.1f}"


def ratio(gz: int, budget_kb: float) -> float:
    return round(gz / (budget_kb * 1000), 3)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dist", type=Path, default=FRONTEND / "dist", help="the built SPA (default frontend/dist)")
    parser.add_argument("--budget-kb", type=float, default=BUDGET_KB, help="initial JavaScript budget, kB gzipped")
    parser.add_argument("--strict", action="store_true", help="exit 1 when the budget is missed")
    return parser.parse_args()


def check_built(dist: Path) -> None:
    config = FRONTEND / "vite.config.ts"
    if config.exists() and not re.search(r"manifest\s*:\s*true", config.read_text()):
        raise SystemExit(f"{config} does not set build.manifest: true; this script reads Vite's manifest")
    missing = [p for p in (dist / "index.html", dist / ".vite" / "manifest.json") if not p.exists()]
    if missing:
        raise SystemExit(
            f"no built SPA at {dist} (missing {', '.join(str(p) for p in missing)}). Build it first:\n"
            "  make frontend-build            (installs the npm packages if needed, then builds)\n"
            "  or: cd frontend && npx vite build   (with the npm packages already installed)"
        )


def main() -> int:
    args = parse_args()
    dist: Path = args.dist.resolve()
    check_built(dist)
    bundle = Bundle(dist)
    budget = float(args.budget_kb)
    stamp = utc_stamp()
    log(f"SPA bundle in {dist} (gzip -9{', brotli q11' if brotli else '; brotli module not installed'})")

    # 1. The initial HTML.
    html = AssetsInHtml()
    html.feed((dist / "index.html").read_text())
    html_js = [src.lstrip("/") for src in html.scripts + html.preloads]
    html_css = [href.lstrip("/") for href in html.styles]
    for f in html_js + html_css:
        if not (dist / f).exists():
            raise SystemExit(f"index.html loads {f}, which is not in {dist}")
    entry = bundle.entry_key()
    entry_file = bundle.manifest[entry]["file"]
    if entry_file not in html_js:
        raise SystemExit(f"index.html does not load the manifest's entry chunk {entry_file}")
    # The entry's static imports load with it even when the HTML has no preload for them.
    entry_js, entry_css, _ = bundle.closure([entry])
    extra = [f for f in html_js if f not in entry_js]  # classic scripts from public/ (theme-init.js)
    initial_js = extra + entry_js
    initial_css = list(dict.fromkeys(html_css + entry_css))

    # 2. Pages.
    pages: dict[str, dict[str, Any]] = {}
    for name, routes in PAGES.items():
        missing = [r for r in routes if r not in bundle.manifest]
        if missing:
            raise SystemExit(f"route chunk(s) {missing} not in the manifest: update PAGES in {Path(__file__).name}")
        js, css, keys = bundle.closure([entry, *routes])
        js = extra + js
        css = list(dict.fromkeys(initial_css + css))
        lazy: list[dict[str, Any]] = []
        # What the page's own chunks import dynamically (the entry's dynamic imports are the other routes).
        later = sorted({d for k in keys - {entry} for d in bundle.manifest[k].get("dynamicImports", [])} - keys)
        for key in later:
            ljs, lcss, _ = bundle.closure([key])
            new_js = [f for f in ljs if f not in js]
            lazy.append(
                {
                    "chunk": key,
                    "js": new_js,
                    "css": [f for f in lcss if f not in css],
                    "js_size": bundle.total(new_js).as_dict(),
                }
            )
        js_size = bundle.total(js)
        pages[name] = {
            "routes": routes,
            "js": js,
            "css": css,
            "js_size": js_size.as_dict(),
            "css_size": bundle.total(css).as_dict(),
            "ratio_js_gzip_to_budget": ratio(js_size.gzip, budget),
            "lazy": lazy,
        }

    initial_js_size = bundle.total(initial_js)
    initial = {
        "js": initial_js,
        "css": initial_css,
        "js_size": initial_js_size.as_dict(),
        "css_size": bundle.total(initial_css).as_dict(),
        "ratio_js_gzip_to_budget": ratio(initial_js_size.gzip, budget),
    }

    # 3. Every chunk.
    chunks: list[dict[str, Any]] = []
    for key, chunk in sorted(bundle.manifest.items(), key=lambda kv: -bundle.size(kv[1]["file"]).gzip):
        s = bundle.size(chunk["file"])
        chunks.append(
            {
                "key": key,
                "file": chunk["file"],
                "entry": bool(chunk.get("isEntry")),
                "dynamic_entry": bool(chunk.get("isDynamicEntry")),
                **s.as_dict(),
            }
        )
        for css_file in chunk.get("css", []):
            css_size = bundle.size(css_file)
            chunks.append(
                {"key": f"{key} (css)", "file": css_file, "entry": False, "dynamic_entry": False, **css_size.as_dict()}
            )

    log("")
    log(
        f"{'what':<40} {'files':>5} {'JS raw kB':>10} {'JS gzip kB':>11} {'JS br kB':>9}"
        f" {'CSS gzip kB':>12} {'JS gz ÷ budget':>15}"
    )
    rows = [("initial HTML (index.html)", initial)] + [
        (f"page {n} ({' + '.join(Path(r).stem for r in p['routes'])})", p) for n, p in pages.items()
    ]
    for label, row in rows:
        js_s, css_s = row["js_size"], row["css_size"]
        log(
            f"{label:<40} {len(row['js']):>5} {kb(js_s['raw']):>10} {kb(js_s['gzip']):>11} {kb(js_s['brotli']):>9}"
            f" {kb(css_s['gzip']):>12} {row['ratio_js_gzip_to_budget']:>14.2f}×"
        )
        for lz in row.get("lazy", []):
            lzs = lz["js_size"]
            log(
                f"  + lazy {Path(lz['chunk']).stem:<31} {len(lz['js']):>5} {kb(lzs['raw']):>10}"
                f" {kb(lzs['gzip']):>11} {kb(lzs['brotli']):>9}"
            )
    log("")
    log(f"{'chunk':<58} {'raw kB':>9} {'gzip kB':>8} {'br kB':>7}")
    for c in chunks:
        kind = " (entry)" if c["entry"] else " (route/lazy)" if c["dynamic_entry"] else ""
        log(f"{(c['file'] + kind):<58} {kb(c['raw']):>9} {kb(c['gzip']):>8} {kb(c['brotli']):>7}")

    judged = {"initial": initial_js_size.gzip} | {n: pages[n]["js_size"]["gzip"] for n in FIRST_PAGES}
    worst_name, worst_gz = max(judged.items(), key=lambda kv: kv[1])
    ok = worst_gz <= budget * 1000
    log("")
    log(
        f"{'PASS' if ok else 'FAIL'}  initial JavaScript ≤ {budget:g} kB gzipped: largest first page {worst_name} "
        f"{kb(worst_gz)} kB = {ratio(worst_gz, budget):.2f}× the budget"
    )

    result = {
        "benchmark": "spa-bundle",
        "timestamp": stamp,
        "git": git_revision(REPO),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "setup": {
            "dist": str(dist),
            "manifest": str(dist / ".vite" / "manifest.json"),
            "gzip": "gzip.compress level 9",
            "brotli": "brotli quality 11" if brotli else None,
            "kB": 1000,
            "pages": PAGES,
        },
        "target": {
            "budget_kb_gzip": budget,
            "judged_on": ["initial", *FIRST_PAGES],
            "worst": worst_name,
            "worst_gzip": worst_gz,
            "ratio": ratio(worst_gz, budget),
            "ok": ok,
        },
        "initial": initial,
        "pages": pages,
        "chunks": chunks,
    }
    log(f"wrote {write_results(RESULTS, 'spa-bundle', stamp, result)}")
    return 1 if args.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
