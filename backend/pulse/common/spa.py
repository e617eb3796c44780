"""The web app on the API's origin: hashed assets from ServeStatic, index.html for every client route.

`frontend/dist` is Vite's build (`make frontend-build`; `make run` builds it when sources change).
Hashed files under /assets/ never change, so they are cached for a year as immutable; index.html is
`no-cache` so a deploy is picked up on the next navigation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

# Vite names hashed files `<name>-<8+ url-safe chars>.<ext>`.
_HASHED = re.compile(r"^/assets/.+-[0-9A-Za-z_-]{8,}\.[0-9a-z]+$")

# Paths the server owns; everything else under / is a client route of the SPA.
SERVER_PREFIXES = ("api/", "ws/", "static/", "admin/", "assets/", "healthz", "readyz", "metrics")


def spa_dist() -> Path:
    return Path(settings.SPA_DIST_DIR)


def is_immutable(_path: str, url: str) -> bool:
    return bool(_HASHED.match(url))


def _no_cache_index(headers: Any, _path: str, url: str) -> None:
    if url.endswith(".html"):
        headers["Cache-Control"] = "no-cache"


def with_spa_assets(application: Callable[..., Any]) -> Callable[..., Any]:
    """Wraps the HTTP application so the SPA's built files are served before Django sees the request."""
    from servestatic import ServeStaticASGI

    dist = spa_dist()
    if not dist.is_dir():
        return application
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
