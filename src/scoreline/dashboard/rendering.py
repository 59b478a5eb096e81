"""Jinja2 pages: the template environment, number formats and the page response."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from scoreline.api.deps import get_settings
from scoreline.api.responses import dump_json
from scoreline.dashboard.vendor import plotly_asset_url

MISSING_VALUE = "\u2013"  # an en dash where a ratio has no denominator (no rounds, no hits)
DECIMAL_PLACES = 2  # the API rounds ratios to two decimals; the pages show the same figures


def format_decimal(value: float | int | None, places: int = DECIMAL_PLACES) -> str:
    """A ratio as the tables show it: fixed decimals, or a dash when there is none."""
    if value is None:
        return MISSING_VALUE
    return f"{value:.{places}f}"


def format_count(value: int | None) -> str:
    return MISSING_VALUE if value is None else str(value)


def format_duration(milliseconds: int | None) -> str:
    """m:ss, as game clients show a round's length."""
    if milliseconds is None:
        return MISSING_VALUE
    minutes, seconds = divmod(round(milliseconds / 1000), 60)
    return f"{minutes}:{seconds:02d}"


def embed_json(value: Any) -> Markup:
    """``value`` as JSON safe inside a <script type="application/json"> element."""
    # "<" escaped so that no string in the data can close the script element.
    text = dump_json(value).decode().replace("<", "\\u003c")
    return Markup(text)


@cache
def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("scoreline.dashboard", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,  # a misspelt name fails the page test instead of vanishing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        decimal=format_decimal,
        count=format_count,
        duration=format_duration,
        json=embed_json,
    )
    return environment


def deployment_zone(request: Request) -> ZoneInfo:
    """The timezone times are shown in (SCORELINE_TIMEZONE), as the rollups' days are cut."""
    return ZoneInfo(get_settings(request).timezone)


def format_local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return MISSING_VALUE
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def render_page(
    request: Request,
    template_name: str,
    context: Mapping[str, Any],
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """The page ``template_name`` with ``context``, plus what every page's layout needs."""
    zone = deployment_zone(request)

    def local_time(moment: datetime | None) -> str:
        return format_local_time(moment, zone)

    template = _environment().get_template(template_name)
    html = template.render(
        **context,
        request=request,
        plotly_url=plotly_asset_url(),
        timezone_name=zone.key,
        local_time=local_time,
        search_text=request.query_params.get("search", ""),
    )
    return HTMLResponse(html, status_code=status_code)


def render_not_found(request: Request, message: str) -> HTMLResponse:
    """The 404 page, saying what was looked for."""
    return render_page(request, "not_found.html", {"message": message}, status_code=404)
