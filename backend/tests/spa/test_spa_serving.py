"""The web app on the API's origin: immutable hashed assets, index.html (no-cache) for client routes only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from django.test import Client, override_settings

from pulse.common.asgi import get_asgi_application
from pulse.common.spa import with_spa_assets

INDEX = b"<!doctype html><title>Pulse</title><div id=root></div>"


@pytest.fixture
def dist(tmp_path: Path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-CQ9ifXwX.js").write_text("console.log('pulse')")
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    with override_settings(SPA_DIST_DIR=str(tmp_path)):
        yield tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/projects", "/projects/12?tab=team", "/trash", "/login"])
def test_client_routes_get_index_html_uncached(dist: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/nope/", "/api/v1/projects/999999/"])
def test_api_paths_never_fall_back_to_the_spa(dist: Path, path: str) -> None:
    response = Client().get(path)
    assert response.status_code in (401, 404)
    assert response["Content-Type"].startswith("application/json")
    assert "error" in response.json()


@pytest.mark.django_db
def test_without_a_build_the_root_points_at_the_api_docs(tmp_path: Path) -> None:
    with override_settings(SPA_DIST_DIR=str(tmp_path / "missing")):
        response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/api/docs/"


def test_hashed_assets_are_immutable_and_other_files_revalidate(dist: Path) -> None:
    asyncio.run(_check_assets())


async def _check_assets() -> None:
    app = with_spa_assets(get_asgi_application())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        asset = await client.get("/assets/index-CQ9ifXwX.js")
        assert asset.status_code == 200
        assert asset.text == "console.log('pulse')"
        assert "immutable" in asset.headers["cache-control"]
        assert (
            "max-age=315360000" in asset.headers["cache-control"]
            or "max-age=31536000" in asset.headers["cache-control"]
        )
        icon = await client.get("/favicon.svg")
        assert icon.status_code == 200
        assert "immutable" not in icon.headers["cache-control"]
        missing = await client.get("/assets/nope-12345678.js")
        assert missing.status_code == 404


def test_built_files_go_gzip_compressed_to_browsers_that_accept_it(dist: Path) -> None:
    """ServeStatic sends only precompressed files; the server writes them for the build once, source maps aside."""
    script = "export const pulse = () => console.log('pulse');\n" * 400
    (dist / "assets" / "app-CQ9ifXwZ.js").write_text(script)
    (dist / "assets" / "app-CQ9ifXwZ.js.map").write_text('{"version": 3, "sources": []}' * 100)
    asyncio.run(_check_compressed(dist, script))
    assert (dist / "assets" / "app-CQ9ifXwZ.js.gz").is_file()
    assert not (dist / "assets" / "app-CQ9ifXwZ.js.map.gz").exists()
    # Written once per build: a second server start finds them up to date and leaves them alone.
    before = (dist / "assets" / "app-CQ9ifXwZ.js.gz").stat().st_mtime_ns
    with_spa_assets(get_asgi_application())
    assert (dist / "assets" / "app-CQ9ifXwZ.js.gz").stat().st_mtime_ns == before


async def _check_compressed(dist: Path, script: str) -> None:
    app = with_spa_assets(get_asgi_application())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
        gzipped = await client.get("/assets/app-CQ9ifXwZ.js", headers={"Accept-Encoding": "gzip"})
        assert gzipped.status_code == 200
        assert gzipped.headers["content-encoding"] == "gzip"
        assert int(gzipped.headers["content-length"]) < len(script) / 10
        assert gzipped.text == script
        assert "immutable" in gzipped.headers["cache-control"]
        assert "Accept-Encoding" in gzipped.headers["vary"]
        plain = await client.get("/assets/app-CQ9ifXwZ.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.text == script
