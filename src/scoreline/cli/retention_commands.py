"""`scoreline retention`: delete old raw payloads and round events now, or see what would go."""

from __future__ import annotations

import sys
from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from scoreline.cli.progress import build_progress
from scoreline.cli.runtime_commands import command_runtime
from scoreline.store.engines import SQLITE_BEGIN_OPTION
from scoreline.store.retention import (
    RetentionBatch,
    RetentionReport,
    plan_retention,
    run_retention,
)
from scoreline.worker.retention import BATCH_PAUSE_SECONDS, build_retention_policy

RETENTION_OFF = (
    "retention is off: set SCORELINE_RAW_PAYLOAD_RETENTION_DAYS and/or "
    "SCORELINE_ROUND_EVENT_RETENTION_DAYS (or pass --raw-payload-days / --round-event-days)"
)


def _stdout() -> Console:
    return Console(width=None if sys.stdout.isatty() else 120)


def _format_instant(instant: datetime | None) -> str:
    if instant is None:
        return "-"
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def render_report(console: Console, report: RetentionReport, *, verb: str) -> None:
    """The report as a table per table, with the cutoffs it used."""
    table = Table(title=f"rows that {verb}", title_justify="left")
    table.add_column("table")
    table.add_column("rows", justify="right")
    table.add_column("oldest")
    table.add_column("newest")
    for sweep in report.sweeps:
        table.add_row(
            sweep.table,
            str(sweep.rows),
            _format_instant(sweep.oldest),
            _format_instant(sweep.newest),
        )
    console.print(table)
    if report.payload_cutoff is not None:
        console.print(
            "raw payloads: received before "
            f"{_format_instant(report.payload_cutoff)} and stored as matches"
        )
    if report.event_cutoff is not None:
        console.print(
            f"round events: of {report.pruned_matches} matches started before "
            f"{_format_instant(report.event_cutoff)} (their stats and rollups stay; "
            "they can no longer be recomputed)"
        )
    if report.batches:
        console.print(f"{report.rows} rows in {report.batches} transactions")


def retention(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Count what would go and delete nothing.")
    ] = False,
    raw_payload_days: Annotated[
        int | None,
        typer.Option(
            "--raw-payload-days",
            min=1,
            help="Use this age instead of SCORELINE_RAW_PAYLOAD_RETENTION_DAYS.",
            show_default=False,
        ),
    ] = None,
    round_event_days: Annotated[
        int | None,
        typer.Option(
            "--round-event-days",
            min=1,
            help="Use this age instead of SCORELINE_ROUND_EVENT_RETENTION_DAYS.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Delete raw payloads and round events older than the retention settings, now.

    Raw payloads go once their matches are stored; round events (kills, damage, per-round
    states) go while match stats and rollups stay. Deletes run in short transactions of
    SCORELINE_RETENTION_BATCH_ROWS rows, so running workers are not held up. The workers
    also run this on SCORELINE_RETENTION_SCHEDULE.

    Examples:

      scoreline retention --dry-run

      scoreline retention --round-event-days 90
    """
    stdout = _stdout()
    stderr = Console(stderr=True)
    with command_runtime() as runtime:
        policy = build_retention_policy(runtime.settings)
        if raw_payload_days is not None:
            policy = replace(policy, raw_payload_days=raw_payload_days)
        if round_event_days is not None:
            policy = replace(policy, round_event_days=round_event_days)
        if not policy.enabled:
            stdout.print(RETENTION_OFF)
            return
        now = datetime.now(UTC)
        with runtime.engine.connect() as conn:
            # DEFERRED on SQLite: counting must not take the write lock from the workers.
            conn.execution_options(**{SQLITE_BEGIN_OPTION: "DEFERRED"})
            plan = plan_retention(conn, policy, now)
        if dry_run:
            render_report(stdout, plan, verb="would go")
            return
        with build_progress(stderr) as progress:
            task = progress.add_task("deleting", total=plan.rows)

            def advance(batch: RetentionBatch) -> None:
                progress.advance(task, batch.rows)

            report = run_retention(
                runtime.engine,
                policy,
                now=now,
                on_batch=advance,
                pause_seconds=BATCH_PAUSE_SECONDS,
            )
        render_report(stdout, report, verb="went")
