"""The rendered nginx config, running (Debian nginx 1.22), with the shipped limits.

No api process is started: everything checked here is answered by nginx itself (the SPA's files,
rate limits, body size cap, the upstream-down answer). The proxied paths are exercised by
test_scaleout.py.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import NGINX, placeholder_dist, render_nginx

ERROR_KEYS = {"code", "message", "details"}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("edge")
    for folder in (root, *root.parents):  # nginx workers run unprivileged when started as root
        if str(folder).startswith("/tmp/"):
            folder.chmod(0o755)
    dist = placeholder_dist(root)
    for path in (dist, dist / "assets"):
        path.chmod(0o755)
    port = free_port()
    # Nothing listens on the upstream ports: API requests get the upstream-down answer.
    conf = render_nginx(root / "conf", dist, f"127.0.0.1:{free_port()}", PULSE_LISTEN_PORT=str(port))
    process = subprocess.Popen([NGINX, "-c", str(conf), "-g", "daemon off;"], stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(url + "/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(timeout=10)


def security_headers_present(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", response.url
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "strict-transport-security" not in headers  # plain HTTP here: no HSTS
    assert "server" not in headers or "/" not in headers["server"]  # no version


def test_spa_shell_is_revalidated_and_assets_are_immutable(edge: str) -> None:
    shell = httpx.get(edge + "/")
    assert shell.status_code == 200 and shell.headers["cache-control"] == "no-cache"
    assert '<div id="root">' in shell.text
    deep_link = httpx.get(edge + "/projects/42")  # client-side route: the shell again
    assert deep_link.status_code == 200 and deep_link.text == shell.text
    asset = httpx.get(edge + "/assets/index-3f9a1c2b.js", headers={"Accept-Encoding": "gzip"})
    assert asset.status_code == 200
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert asset.headers["content-encoding"] == "gzip"
    assert asset.text.startswith("console.log")  # httpx decoded the gzip body
    assert httpx.get(edge + "/assets/missing-0000.js").status_code == 404  # never the shell
    for response in (shell, deep_link, asset):
        security_headers_present(response)


def raw_body(url: str, accept_encoding: str) -> tuple[httpx.Response, bytes]:
    """The response and its body as sent on the wire (not decoded)."""
    with httpx.stream("GET", url, headers={"Accept-Encoding": accept_encoding}) as response:
        return response, b"".join(response.iter_raw())


def test_assets_are_brotli_compressed_when_the_module_is_installed(edge: str) -> None:
    # install.sh installs Debian's brotli filter module, so render.sh must have loaded it.
    assert Path("/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so").exists()
    plain, plain_body = raw_body(edge + "/assets/index-3f9a1c2b.js", "identity")
    assert "content-encoding" not in plain.headers
    asset, br_body = raw_body(edge + "/assets/index-3f9a1c2b.js", "br, gzip")
    assert asset.status_code == 200 and asset.headers["content-encoding"] == "br"
    assert "accept-encoding" in asset.headers.get("vary", "").lower()
    assert len(br_body) < len(plain_body) / 10  # 200 repeated lines compress well
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    security_headers_present(asset)
    _, gzip_body = raw_body(edge + "/assets/index-3f9a1c2b.js", "gzip")
    assert gzip_body[:2] == b"\x1f\x8b"  # clients without brotli still get gzip


def test_csp_allows_what_the_spa_needs_and_nothing_inline(edge: str) -> None:
    csp = httpx.get(edge + "/").headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"  # the built SPA has no inline script
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "ws://127.0.0.1" in directives["connect-src"]  # same-origin websocket, older browsers
    assert directives["object-src"] == "'none'"


def csp_violations(html: str) -> list[str]:
    """What in an HTML page the SPA's policy (script-src 'self', style-src 'self') would block."""
    found = []
    for attributes, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S):
        if "src=" not in attributes or body.strip():
            found.append(f"inline script {body.strip()[:60]!r}")
    if re.search(r"<style\b", html):
        found.append("inline <style>")
    if re.search(r"\sstyle=", html):
        found.append("style attribute")
    if re.search(r"\son[a-z]+=", html):
        found.append("inline event handler")
    return found


def test_the_spa_html_satisfies_the_csp() -> None:
    """Vite's entry page and, once built, the built one load nothing inline."""
    assert csp_violations('<script>boot()</script><div style="x"></div>') == [
        "inline script 'boot()'",
        "style attribute",
    ]
    assert csp_violations('<script type="module" crossorigin src="/assets/index-1.js"></script>') == []
    frontend = Path(__file__).resolve().parents[2] / "frontend"
    for page in (frontend / "index.html", frontend / "dist" / "index.html"):
        if page.is_file():
            assert csp_violations(page.read_text()) == [], page


def test_auth_rate_limit_answers_in_the_api_error_shape(edge: str) -> None:
    statuses = []
    for _ in range(20):  # burst 10 at 30/min: the 12th request at the latest is refused
        response = httpx.post(edge + "/api/v1/auth/token/", json={"username": "x", "password": "y"})
        statuses.append(response.status_code)
        if response.status_code == 429:
            break
    assert statuses[-1] == 429, statuses
    assert response.json() == {
        "error": {"code": "throttled", "message": "Too many requests. Try again later.", "details": {}}
    }
    assert response.headers["content-type"] == "application/json"
    assert response.headers["retry-after"] == "60"
    security_headers_present(response)


def test_admin_login_is_rate_limited(edge: str) -> None:
    codes = [httpx.post(edge + "/admin/login/", data={"username": "x"}).status_code for _ in range(10)]
    assert 429 in codes, codes
    assert set(codes) <= {429, 503}  # 503: no upstream in this test, before the limit


def test_body_over_two_megabytes_is_refused_before_the_app(edge: str) -> None:
    response = httpx.post(
        edge + "/api/v1/projects/", content=b"x" * (2 * 1024 * 1024 + 1), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    body = response.json()
    assert set(body["error"]) == ERROR_KEYS and body["error"]["code"] == "payload_too_large"
    assert body["error"]["details"]["max_bytes"] == 2 * 1024 * 1024


def test_upstream_down_answers_in_the_error_shape(edge: str) -> None:
    response = httpx.get(edge + "/api/v1/projects/")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    security_headers_present(response)


def test_metrics_are_not_public(edge: str) -> None:
    assert httpx.get(edge + "/metrics").status_code == 404
