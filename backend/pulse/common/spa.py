"""The web app on the API's origin: hashed assets from ServeStatic, index.html for every client route.

`frontend/dist` is Vite's build (`make frontend-build`; `make run` builds it when sources change).
Hashed files under /assets/ never change, so they are cached for a year as immutable; index.html is
`no-cache` so a deploy is picked up on the next navigation. ServeStatic sends only precompressed files,
so the server writes a gzip copy beside each built file once per build (`precompress`).
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Vite names hashed files `<name>-<8+ url-safe chars>.<ext>`.
_HASHED = re.compile(r"^/assets/.+-[0-9A-Za-z_-]{8,}\.[0-9a-z]+$")

logger = logging.getLogger(__name__)

# Not worth a compressed copy: source maps (fetched by developer tools only) and what is compressed already.
_NOT_COMPRESSED = re.compile(r"\.(map|gz|br|zstd|png|jpe?g|gif|webp|avif|woff2?)$", re.IGNORECASE)

# Paths the server owns; everything else under / is a client route of the SPA.
SERVER_PREFIXES = ("api/", "ws/", "static/", "admin/", "assets/", "healthz", "readyz", "metrics")


def spa_dist() -> Path:
    return Path(settings.SPA_DIST_DIR)


def is_immutable(_path: str, url: str) -> bool:
    return bool(_HASHED.match(url))


def _no_cache_index(headers: Any, _path: str, url: str) -> None:
    if url.endswith(".html"):
        headers["Cache-Control"] = "no-cache"


def precompress(dist: Path) -> int:
    """Writes ``<file>.gz`` beside each compressible built file that has no up-to-date one; returns how many.

    ServeStatic serves a precompressed sibling to clients that accept it and never compresses on the fly,
    and the Vite build writes none: without this the SPA's JavaScript goes over the wire at its raw size.
    Up to date means the copy carries its source's mtime (as ServeStatic's own compressor leaves it), so a
    restart on the same build writes nothing. The copy is written to a temporary name and renamed, so
    server processes starting together never serve a half-written file (they write the same bytes).
    """
    from servestatic.compress import Compressor

    written = 0
    for path in sorted(dist.rglob("*")):
        hidden = any(part.startswith(".") for part in path.relative_to(dist).parts)  # .vite/, .built, partials
        if hidden or not path.is_file() or _NOT_COMPRESSED.search(path.name):
            continue
        target = path.with_name(path.name + ".gz")
        source = path.stat()
        if target.is_file() and target.stat().st_mtime_ns == source.st_mtime_ns:
            continue
        data = path.read_bytes()
        compressed = Compressor.compress_gzip(data)
        if len(compressed) > 0.95 * len(data):  # ServeStatic's own threshold
            continue
        partial = path.with_name(f".{target.name}.{os.getpid()}.tmp")
        partial.write_bytes(compressed)
        os.utime(partial, ns=(source.st_atime_ns, source.st_mtime_ns))
        os.replace(partial, target)
        written += 1
    return written


def with_spa_assets(application: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps the HTTP application so the SPA's built files are served before Django sees the request."""
    from servestatic import ServeStaticASGI

    dist = spa_dist()
    if not dist.is_dir():
        return application
    try:
        precompress(dist)
    except OSError as error:  # a read-only build: served uncompressed (behind nginx, which compresses)
        logger.warning("no compressed copies of the web app's files in %s: %s", dist, error)
    return ServeStaticASGI(
        application,
        root=dist,
        max_age=3600,
        immutable_file_test=is_immutable,
        add_headers_function=_no_cache_index,
    )


def spa_index(request: HttpRequest, path: str = "") -> HttpResponse:
    index = spa_dist() / "index.html"
    if not index.is_file():
        # Not built (an API-only checkout): the API docs are the most useful page.
        return redirect("/api/docs/")
    response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
