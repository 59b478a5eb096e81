"""Every dashboard page in Debian's headless Chromium, driven by Playwright, against a real
uvicorn server: tables filled, charts drawn, nothing fetched from outside, no console error.

Screenshots go to artifacts/screenshots/<page>.png at the repository root (CI keeps them).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from dashboard_site import FilledStore, fill_store
from scoreline.bootstrap import Runtime, load_settings, open_runtime
from scoreline.dashboard.app import create_site
from scoreline.reports.matches import load_match_detail, load_match_head

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
SERVER_START_TIMEOUT_S = 30
CHART_TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1400, "height": 1000}


@dataclass(frozen=True, slots=True)
class Site:
    base_url: str
    filled: FilledStore
    player_id: str


@dataclass
class BrowserLog:
    """What a page did that a test must see: console errors, page errors, requests."""

    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is not installed (apt install chromium; CI=true makes this fail)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    database = tmp_path_factory.mktemp("browser") / "scoreline.db"
    settings = load_settings(database_url=f"sqlite:///{database}", redis_url="", log_format="json")
    with open_runtime(settings) as opened:
        yield opened


@pytest.fixture(scope="module")
def site(runtime: Runtime) -> Iterator[Site]:
    """The site over a filled SQLite store, served by uvicorn in a thread of this process."""
    filled = fill_store(runtime)
    app = create_site(runtime)
    filled.pin_clock(app)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        assert thread.is_alive(), "uvicorn stopped while starting"
        time.sleep(0.05)
    with runtime.engine.connect() as conn:
        head = load_match_head(conn, filled.real_match_pk)
        assert head is not None
        player_id = load_match_detail(conn, head)["scoreboard"][0]["player_id"]
    try:
        yield Site(f"http://127.0.0.1:{port}", filled, player_id)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium_path), args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[tuple[Any, BrowserLog]]:
    context = browser.new_context(viewport=VIEWPORT)
    opened = context.new_page()
    log = BrowserLog()
    opened.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda error: log.errors.append(str(error)))
    opened.on("request", lambda request: log.requests.append(request.url))
    try:
        yield opened, log
    finally:
        context.close()


# (screenshot name, path template, tables that must have rows, charts that must be drawn)
PAGES = [
    ("home", "/", ("recent-matches", "top-players", "queue"), ("activity",)),
    ("matches", "/matches", ("match-list",), ()),
    ("match", "/matches/{match}", ("scoreboard", "rounds", "duels", "clutches", "weapons"),
     ("duel-heatmap",)),
    ("player", "/players/{player}", ("totals", "percentiles", "recent-matches", "split-maps"),
     ("radar", "trend")),
    ("player_search", "/players?search=a", ("players",), ()),
    ("leaderboards", "/leaderboards?min_matches=1", ("leaderboard",), ()),
    ("team", "/teams/Red", ("totals", "recent-matches", "split-maps"), ("trend",)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "path", "tables", "charts"), PAGES, ids=[page[0] for page in PAGES]
)
def test_page_renders_tables_and_charts(
    site: Site,
    page: tuple[Any, BrowserLog],
    name: str,
    path: str,
    tables: tuple[str, ...],
    charts: tuple[str, ...],
) -> None:
    opened, log = page
    url = site.base_url + path.format(match=site.filled.real_match_pk, player=site.player_id)
    response = opened.goto(url)
    assert response is not None
    assert response.status == 200
    for chart in charts:
        # plotly draws into .main-svg once the figure is laid out.
        opened.wait_for_selector(f"#{chart} .main-svg", timeout=CHART_TIMEOUT_MS)
    for table in tables:
        rows = opened.locator(f"table#{table} tbody tr").count()
        assert rows > 0, f"{name}: table {table} is empty"
    opened.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert log.errors == [], log.errors
    outside = [request for request in log.requests if not request.startswith(site.base_url)]
    assert outside == [], f"{name} fetched from outside the server: {outside}"


def test_scoreboard_sorts_by_a_clicked_column(site: Site, page: tuple[Any, BrowserLog]) -> None:
    opened, log = page
    opened.goto(f"{site.base_url}/matches/{site.filled.real_match_pk}")
    column = opened.locator("table#scoreboard thead th").all_inner_texts().index("ACS")

    def acs_values() -> list[float]:
        cells = opened.locator(f"table#scoreboard tbody tr td:nth-child({column + 1})")
        return [float(text) for text in cells.all_inner_texts()]

    opened.locator("table#scoreboard thead th").nth(column).locator("button").click()
    assert acs_values() == sorted(acs_values(), reverse=True)
    opened.locator("table#scoreboard thead th").nth(column).locator("button").click()
    assert acs_values() == sorted(acs_values())
    assert log.errors == []


def test_pages_read_without_javascript(site: Site, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=VIEWPORT)
    try:
        opened = context.new_page()
        opened.goto(f"{site.base_url}/matches/{site.filled.real_match_pk}")
        assert opened.locator("table#scoreboard tbody tr").count() == 10
        assert opened.locator(".main-svg").count() == 0  # charts need JavaScript, tables do not
        opened.screenshot(path=str(SCREENSHOTS / "match_without_javascript.png"))
    finally:
        context.close()


def test_unknown_page_is_a_404_page(site: Site, page: tuple[Any, BrowserLog]) -> None:
    opened, _ = page
    response = opened.goto(f"{site.base_url}/players/nobody")
    assert response is not None
    assert response.status == 404
    assert "No player with id" in opened.inner_text("main")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    opened.screenshot(path=str(SCREENSHOTS / "not_found.png"))
