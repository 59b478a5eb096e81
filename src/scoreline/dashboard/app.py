"""The site: the API plus the dashboard's pages and static files, on one runtime."""

from __future__ import annotations

import gc
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from scoreline.api.app import create_app
from scoreline.bootstrap.composition import Runtime, open_runtime
from scoreline.dashboard.pages import PAGE_ROUTERS
from scoreline.dashboard.rendering import render_not_found
from scoreline.dashboard.vendor import vendor_router

# Paths the API owns: their errors stay JSON bodies, whatever the client accepts.
API_PATH_PREFIXES = ("/api/", "/health", "/ready", "/metrics", "/openapi.json")

ExceptionHandler = Callable[[Request, Exception], Any]


def create_site(runtime: Runtime, *, on_shutdown: Sequence[Callable[[], Any]] = ()) -> FastAPI:
    """The API of ``runtime`` (scoreline.api.app.create_app) with the dashboard's pages,
    /static and plotly.js added; ``on_shutdown`` runs when the server stops."""
    app = create_app(runtime, on_shutdown=on_shutdown)
    # Before the /static mount, which would otherwise answer for the vendor path.
    app.include_router(vendor_router)
    for router in PAGE_ROUTERS:
        app.include_router(router, include_in_schema=False)
    app.mount("/static", StaticFiles(packages=[("scoreline.dashboard", "static")]), name="static")
    api_handler: ExceptionHandler = app.exception_handlers[StarletteHTTPException]

    async def on_http_error(request: Request, exc: Exception) -> Response:
        # A person who mistypes a page's address gets a page; API clients keep their JSON.
        is_page = not request.url.path.startswith(API_PATH_PREFIXES)
        if is_page and isinstance(exc, StarletteHTTPException) and exc.status_code == 404:
            return render_not_found(request, f"There is no page at {request.url.path}.")
        response: Response = await api_handler(request, exc)
        return response

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    return app


def create_site_from_environment() -> FastAPI:
    """The site `scoreline serve` runs in each server process: settings from the environment,
    the runtime opened here and closed when the server stops."""
    stack = ExitStack()
    runtime = stack.enter_context(open_runtime())
    try:
        site = create_site(runtime, on_shutdown=[stack.close])
    except BaseException:
        stack.close()
        raise
    # As in scoreline.api.app.create_app_from_environment: the objects of a server process's
    # lifetime, frozen, are no longer walked by the cyclic collector (long p99 pauses).
    gc.collect()
    gc.freeze()
    return site
