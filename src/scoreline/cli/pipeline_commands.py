"""`scoreline ingest` and `scoreline recompute`: files into the store, matches back to the queue."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.markup import escape

from scoreline.bootstrap.composition import Runtime
from scoreline.cli.inputs import MISSING_INPUT, find_match_files
from scoreline.cli.progress import build_progress
from scoreline.cli.runtime_commands import command_runtime
from scoreline.stats.rounds import PRESETS, STAT_VERSION, StatRules
from scoreline.store.canonical import list_match_pks
from scoreline.store.retention import find_pruned_match_pks
from scoreline.worker.aggregate import schedule_aggregate
from scoreline.worker.intake import IngestOutcome, IngestStatus, ingest_source

RECOMPUTE_BATCH = 500

stdout = Console()
stderr = Console(stderr=True)


def ingest(
    paths: Annotated[
        list[str],
        typer.Argument(help="Match files, directories or globs.", show_default=False),
    ],
    sync: Annotated[
        bool,
        typer.Option(
            "--sync",
            help="Compute the stats now, in this process, instead of leaving jobs for a worker.",
        ),
    ] = False,
) -> None:
    """Store match files with their canonical rows and queue their stats for the worker.

    Each file is stored in one transaction: the raw payload (compressed, with its sha256),
    its matches and one aggregate job per match. The same content twice is a no-op; a bad
    file stores only a rejection record with its reason. The exit code is 1 when any file
    was rejected or missing.
    """
    files, missing = find_match_files(paths)
    for argument in missing:
        stderr.print(
            f"[red]error[/red] {escape(argument)}: {MISSING_INPUT}",
            soft_wrap=True,
        )
    counts: Counter[IngestStatus] = Counter()
    matches = 0
    with command_runtime() as runtime:
        rules = PRESETS[runtime.settings.stat_preset] if sync else None
        with build_progress(stderr) as progress:
            task = progress.add_task("ingesting", total=len(files))
            for path in files:
                outcome = ingest_file(runtime, path, rules, report_duplicates=True)
                counts[outcome.status] += 1
                matches += len(outcome.match_pks)
                progress.advance(task)
    then = "stats computed" if sync else "queued for the worker"
    stdout.print(
        f"{counts[IngestStatus.INGESTED]} ingested ({matches} matches, {then}), "
        f"{counts[IngestStatus.DUPLICATE]} duplicate, {counts[IngestStatus.REJECTED]} rejected"
    )
    if counts[IngestStatus.REJECTED] or missing:
        raise typer.Exit(code=1)


def ingest_file(
    runtime: Runtime, path: Path, rules: StatRules | None, *, report_duplicates: bool
) -> IngestOutcome:
    """Store one file (computing it at once with ``rules``), printing on stderr why it was
    rejected (an unreadable file is rejected too) and, if asked, that it was stored already."""
    try:
        data = path.read_bytes()
    except OSError as error:
        stderr.print(f"[red]rejected[/red] {escape(str(path))}: {error.strerror}", soft_wrap=True)
        return IngestOutcome(str(path), IngestStatus.REJECTED, reason=error.strerror or "")
    outcome = ingest_source(
        runtime.engine,
        runtime.ledger,
        data,
        str(path),
        compute_now=rules,
        zone=ZoneInfo(runtime.settings.timezone),
    )
    if outcome.status is IngestStatus.REJECTED:
        where = f"{path}: {outcome.field}" if outcome.field else str(path)
        stderr.print(
            f"[red]rejected[/red] {escape(where)}: {escape(outcome.reason)}", soft_wrap=True
        )
    elif outcome.status is IngestStatus.DUPLICATE and report_duplicates:
        stderr.print(
            f"[yellow]duplicate[/yellow] {escape(str(path))}: already stored", soft_wrap=True
        )
    return outcome


def recompute(
    all_matches: Annotated[
        bool, typer.Option("--all", help="Every stored match, whatever its stat version.")
    ] = False,
    below_version: Annotated[
        int | None,
        typer.Option(
            "--below-version",
            help=f"Matches computed below this stat version, or never (default: {STAT_VERSION}).",
        ),
    ] = None,
) -> None:
    """Queue stored matches for the worker again, in batches, with a progress bar.

    Safe to interrupt and run again: queueing a match whose job is already waiting does
    nothing, and batches go in match order.
    """
    if all_matches and below_version is not None:
        stderr.print("[red]error[/red] --all and --below-version exclude each other")
        raise typer.Exit(code=2)
    version = None if all_matches else (below_version or STAT_VERSION)
    queued = 0
    skipped = 0
    with command_runtime() as runtime, build_progress(stderr) as progress:
        task = progress.add_task("queueing", total=None)
        after = 0
        while True:
            with runtime.engine.begin() as conn:
                batch = list_match_pks(
                    conn, below_version=version, after_pk=after, limit=RECOMPUTE_BATCH
                )
                # Retention deleted their round events: their stats stay, but cannot be redone.
                pruned = find_pruned_match_pks(conn, batch)
                for match_pk in batch:
                    if match_pk not in pruned:
                        schedule_aggregate(runtime.ledger, conn, match_pk)
            if not batch:
                break
            queued += len(batch) - len(pruned)
            skipped += len(pruned)
            after = batch[-1]
            progress.advance(task, len(batch))
    scope = "every match" if version is None else f"matches below stat version {version}"
    stdout.print(f"queued {queued} matches ({scope}); run `scoreline worker` to compute them")
    if skipped:
        stdout.print(
            f"skipped {skipped} matches whose round events retention deleted "
            "(their stats and rollups stay as they are)"
        )
