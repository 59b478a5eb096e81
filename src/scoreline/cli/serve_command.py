"""`scoreline serve`: the API and the dashboard under uvicorn, in one or several processes."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console

from scoreline.cli.runtime_commands import command_runtime
from scoreline.worker.metrics import MULTIPROC_DIR_ENV

# What each server process calls to build its app, by import path: uvicorn imports it in
# every worker process, which reads the settings from the environment it inherited.
APP_FACTORY = "scoreline.dashboard.app:create_site_from_environment"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000

stdout = Console()


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: every interface).")] = (
        DEFAULT_HOST
    ),
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
    workers: Annotated[
        int,
        typer.Option(min=1, help="Server processes: one per core serves the most reads."),
    ] = 1,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="A log line per request (off: /metrics counts them, at no cost per request).",
        ),
    ] = False,
) -> None:
    """Serve the REST API (/api/v1, /openapi.json) and the dashboard until Ctrl+C.

    The schema is readied once, before any server process starts (SQLite is upgraded,
    PostgreSQL checked). Several workers merge their Prometheus metrics through
    PROMETHEUS_MULTIPROC_DIR (a temporary one unless it is set).
    """
    import uvicorn  # here: every other command starts faster without it

    with command_runtime():
        pass  # settings checked, schema ready: each server process opens its own runtime
    stdout.print(f"dashboard and API at http://{_display_host(host)}:{port}", highlight=False)
    with _shared_metrics_directory(workers):
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            loop="uvloop",
            http="httptools",
            access_log=access_log,
            log_level="warning",
        )


def _display_host(host: str) -> str:
    if ":" in host:
        return f"[{host}]"  # IPv6
    return host


@contextmanager
def _shared_metrics_directory(workers: int) -> Iterator[None]:
    """A PROMETHEUS_MULTIPROC_DIR for several server processes, unless one is set; removed
    after, as its files describe processes that are gone."""
    if workers == 1 or os.environ.get(MULTIPROC_DIR_ENV):
        yield
        return
    directory = tempfile.mkdtemp(prefix="scoreline-serve-metrics-")
    os.environ[MULTIPROC_DIR_ENV] = directory
    try:
        yield
    finally:
        os.environ.pop(MULTIPROC_DIR_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)
