"""`scoreline rollups verify` and `scoreline matches delete`: check rollups, remove a match."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from scoreline.cli.progress import build_progress
from scoreline.cli.runtime_commands import command_runtime
from scoreline.store.canonical import find_match_pk
from scoreline.store.record_errors import AmbiguousMatchRefError
from scoreline.store.rollup_verify import VERIFY_STEPS, RollupCheck, verify_rollups
from scoreline.worker.aggregate import delete_aggregated_match

rollups_app = typer.Typer(
    name="rollups",
    help="The daily rollups: check them against the per-match stats, repair them.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
matches_app = typer.Typer(
    name="matches",
    help="Stored matches: remove one with everything derived from it.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

EXIT_FAILURE = 1


def _stdout() -> Console:
    # Piped output is not squeezed into 80 columns: keys are wide.
    return Console(width=None if sys.stdout.isatty() else 160)


def _stderr() -> Console:
    return Console(stderr=True)


def _abort(message: str) -> NoReturn:
    _stderr().print(f"[red]error[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=EXIT_FAILURE)


@rollups_app.command("verify")
def rollups_verify(
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Repair every difference, in one transaction that holds off writers."
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=0, help="Show at most this many differences.")
    ] = 50,
) -> None:
    """Recompute every rollup bucket from the per-match stats and report each difference
    (table, key, measure, stored, expected).

    The exit code is 1 when differences were found and not fixed. Run with --fix after
    changing SCORELINE_TIMEZONE: it re-buckets every stored match.
    """
    with command_runtime() as runtime:
        zone = ZoneInfo(runtime.settings.timezone)
        with build_progress(_stderr()) as progress:
            task = progress.add_task("verifying", total=VERIFY_STEPS)
            check = verify_rollups(
                runtime.engine, zone, fix=fix, on_step=lambda _step: progress.advance(task)
            )
    _report(check, limit, zone)
    if check.rows_differing and not check.fixed:
        raise typer.Exit(code=EXIT_FAILURE)


def _report(check: RollupCheck, limit: int, zone: ZoneInfo) -> None:
    console = _stdout()
    shown = check.differences[:limit]
    if shown:
        table = Table(title="differences", title_justify="left", header_style="bold")
        for column in ("table", "key", "measure"):
            table.add_column(column)
        for column in ("stored", "expected"):
            table.add_column(column, justify="right")
        for difference in shown:
            table.add_row(
                difference.table,
                escape(" ".join(_key_text(part) for part in difference.key)),
                difference.measure,
                _count_text(difference.stored),
                _count_text(difference.expected),
            )
        console.print(table)
        shown_rows = len({(d.table, d.key) for d in shown})
        if shown_rows < check.rows_differing:
            console.print(f"(the first {shown_rows} of {check.rows_differing} differing rows)")
    summary = (
        f"{check.matches} matches, {check.rows_checked} rollup rows checked (days in {zone.key}): "
    )
    if not check.rows_differing:
        console.print(summary + "no difference")
    elif check.fixed:
        console.print(summary + f"{check.rows_differing} rows differed, all repaired")
    else:
        console.print(
            summary + f"{check.rows_differing} rows differ; run with --fix to repair them"
        )


def _key_text(part: object) -> str:
    return part.isoformat() if isinstance(part, date) else str(part)


def _count_text(value: int | None) -> str:
    return "-" if value is None else str(value)


@matches_app.command("delete")
def matches_delete(
    match_ref: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="The match's match_pk, or its source match id.", show_default=False
        ),
    ],
) -> None:
    """Delete a stored match and everything derived from it: its contribution to the daily
    rollups, its aggregates, its canonical rows and its job, in one transaction.

    The raw payload stays (ingesting it again is then a duplicate); so do the players.
    """
    with command_runtime() as runtime:
        zone = ZoneInfo(runtime.settings.timezone)
        with runtime.engine.begin() as conn:
            try:
                match_pk = find_match_pk(conn, match_ref)
            except AmbiguousMatchRefError as error:
                _abort(str(error))
            if match_pk is None:
                _abort(f"no stored match has match_pk or source match id {match_ref!r}")
            delete_aggregated_match(runtime.ledger, conn, match_pk, zone=zone)
    _stdout().print(f"deleted match {match_pk} ({escape(match_ref)})", highlight=False)
