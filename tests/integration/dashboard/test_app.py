"""The site: the API and the pages on one app, plotly.js served from the installed package."""

from __future__ import annotations

from importlib import metadata

from dashboard_site import FilledStore, TestClient
from scoreline.dashboard.vendor import PLOTLY_ASSET_PATH, find_plotly_bundle


def test_plotly_is_served_from_the_installed_package_with_a_long_cache(
    empty_client: TestClient,
) -> None:
    response = empty_client.get(PLOTLY_ASSET_PATH)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.content == find_plotly_bundle().read_bytes()


def test_chart_pages_load_the_local_plotly_by_version(
    client: TestClient, filled: FilledStore
) -> None:
    html = client.get(f"/matches/{filled.real_match_pk}").text
    assert f'src="{PLOTLY_ASSET_PATH}?v={metadata.version("plotly")}"' in html
    assert "cdn" not in html.lower()


def test_static_files_are_served(empty_client: TestClient) -> None:
    for path, media_type in [
        ("/static/site.css", "text/css"),
        ("/static/sortable.js", "text/javascript"),
        ("/static/charts.js", "text/javascript"),
    ]:
        response = empty_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(media_type), path


def test_pages_stay_out_of_the_api_contract(empty_client: TestClient) -> None:
    paths = empty_client.get("/openapi.json").json()["paths"]
    assert all(path.startswith("/api/") or path in {"/health", "/ready", "/metrics"}
               for path in paths), sorted(paths)  # fmt: skip
