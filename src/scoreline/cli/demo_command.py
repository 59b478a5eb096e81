"""`scoreline demo`: a synthetic season and the user's files stored, computed, then served."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import orjson
import typer
from rich.console import Console
from rich.markup import escape

from scoreline.cli.inputs import MISSING_INPUT, find_match_files
from scoreline.cli.pipeline_commands import ingest_file
from scoreline.cli.progress import build_progress
from scoreline.cli.runtime_commands import command_runtime
from scoreline.cli.serve_command import DEFAULT_HOST, DEFAULT_PORT, serve
from scoreline.stats.rounds import PRESETS
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import IngestStatus, ingest_source

DEMO_SEED = 2026
DEMO_MATCHES = 150
_DAY = timedelta(days=1)

stdout = Console()
stderr = Console(stderr=True)


def demo(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Your match files, directories or globs, stored beside the synthetic set.",
            show_default=False,
        ),
    ] = None,
    matches: Annotated[
        int, typer.Option("--matches", min=0, help="Synthetic matches to store.")
    ] = DEMO_MATCHES,
    serve_after: Annotated[
        bool,
        typer.Option("--serve/--no-serve", help="Serve the dashboard once the data is in."),
    ] = True,
    host: Annotated[str, typer.Option(help="Address the dashboard listens on.")] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Its TCP port.")] = DEFAULT_PORT,
) -> None:
    """Fill the database with a synthetic season ending today and any files given, computed
    at once, then serve the dashboard and the API (the `make run` command).

    The synthetic matches are the same on every run of a day, so running the demo again
    stores nothing twice. Files that cannot be read are reported with the field at fault;
    the rest still go in.

    Examples:

      scoreline demo

      scoreline demo ../matches/ --port 8080

      SCORELINE_DATABASE_URL=sqlite:///demo.db scoreline demo --matches 500 --no-serve
    """
    files, missing = find_match_files(paths or [])
    for argument in missing:
        stderr.print(f"[red]error[/red] {escape(argument)}: {MISSING_INPUT}", soft_wrap=True)
    counts: Counter[IngestStatus] = Counter()
    with command_runtime() as runtime:
        rules = PRESETS[runtime.settings.stat_preset]
        zone = ZoneInfo(runtime.settings.timezone)
        window_end_ms = _start_of_tomorrow_ms()
        with build_progress(stderr) as progress:
            task = progress.add_task("storing and computing", total=matches + len(files))
            for index in range(matches):
                data = orjson.dumps(generate_match(DEMO_SEED, index, window_end_ms=window_end_ms))
                outcome = ingest_source(
                    runtime.engine,
                    runtime.ledger,
                    data,
                    f"synthetic match {index + 1}",
                    compute_now=rules,
                    zone=zone,
                )
                counts[outcome.status] += 1
                progress.advance(task)
            for path in files:
                outcome = ingest_file(runtime, path, rules, report_duplicates=False)
                counts[outcome.status] += 1
                progress.advance(task)
    stdout.print(
        f"{counts[IngestStatus.INGESTED]} new, {counts[IngestStatus.DUPLICATE]} already stored, "
        f"{counts[IngestStatus.REJECTED] + len(missing)} rejected",
        highlight=False,
    )
    if serve_after:
        serve(host=host, port=port)
    elif counts[IngestStatus.REJECTED] or missing:
        raise typer.Exit(code=1)


def _start_of_tomorrow_ms() -> int:
    """The end of the synthetic season: midnight UTC after today, so a day's runs agree."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return int((today + _DAY).timestamp() * 1000)
