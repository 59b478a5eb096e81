"""`scoreline`: compute trusted esports stats from vendor match files."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console

from scoreline import __version__
from scoreline.cli.demo_command import demo
from scoreline.cli.inputs import MISSING_INPUT, find_match_files
from scoreline.cli.pipeline_commands import ingest, recompute
from scoreline.cli.progress import build_progress
from scoreline.cli.retention_commands import retention
from scoreline.cli.rollup_commands import matches_app, rollups_app
from scoreline.cli.runtime_commands import db_app, jobs_app, worker
from scoreline.cli.scoreboard import render_match
from scoreline.cli.serve_command import serve
from scoreline.domain.errors import InputError
from scoreline.ingest import parse_source
from scoreline.reports.match_json import MULTIKILL_KEYS, match_summary, player_summary
from scoreline.stats.rounds import PRESETS, STAT_VERSION, compute_match_stats
from scoreline.stats.rounds.results import MatchStats
from scoreline.synthetic.valorant import generate_match

app = typer.Typer(
    name="scoreline",
    help=(
        "Trusted esports stats from raw match files.\n\n"
        "Reads Riot VAL-MATCH-V1 and client match details, HenrikDev v2/v3/v4 match "
        "responses and CS2 dedicated-server logs; the format is recognised from the content."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

Preset = StrEnum("Preset", {name: name for name in PRESETS})  # type: ignore[misc]


class OutputFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


# Piped output is not squeezed into 80 columns: scoreboards are wide.
stdout = Console(width=None if sys.stdout.isatty() else 140)
stderr = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        stdout.print(f"scoreline {__version__} (stat version {STAT_VERSION})")
        raise typer.Exit


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Trusted esports stats from raw match files."""


class _Run:
    """The matches of one command run and the one-line reasons of what failed."""

    def __init__(self) -> None:
        self.stats: list[MatchStats] = []
        self.errors: list[dict[str, str]] = []

    def fail(self, source: str, field: str, reason: str) -> None:
        self.errors.append({"source": source, "field": field, "reason": reason})
        where = f"{source}: {field}" if field else source
        stderr.print(f"[red]error[/red] {where}: {reason}", highlight=False, soft_wrap=True)


def _compute_files(
    arguments: Iterable[str], preset: str, run: _Run, extra: Iterable[tuple[bytes, str]] = ()
) -> None:
    files, missing = find_match_files(arguments)
    for argument in missing:
        run.fail(argument, "", MISSING_INPUT)
    sources: list[tuple[bytes, str] | Path] = [*extra, *files]
    rules = PRESETS[preset]
    with build_progress(stderr, enabled=len(sources) > 1) as progress:
        task = progress.add_task("computing", total=len(sources))
        for source in sources:
            if isinstance(source, Path):
                try:
                    data, label = source.read_bytes(), str(source)
                except OSError as exc:
                    run.fail(str(source), "", exc.strerror or str(exc))
                    progress.advance(task)
                    continue
            else:
                data, label = source
            try:
                for match in parse_source(data, label):
                    run.stats.append(compute_match_stats(match, rules))
            except InputError as exc:
                run.fail(exc.source, exc.field, exc.reason)
            progress.advance(task)


def _emit(run: _Run, output_format: OutputFormat, preset: str, detail: bool) -> None:
    if output_format is OutputFormat.JSON:
        document = {
            "preset": preset,
            "stat_version": STAT_VERSION,
            "matches": [match_summary(s, detail=detail) for s in run.stats],
            "errors": run.errors,
        }
        sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    elif output_format is OutputFormat.CSV:
        _write_csv(run.stats)
    else:
        for stats in run.stats:
            render_match(stdout, stats)
    if run.errors:
        stderr.print(f"{len(run.errors)} input(s) failed; {len(run.stats)} match(es) computed")
        raise typer.Exit(code=1)


def _csv_rows(stats_list: Iterable[MatchStats]) -> Iterator[dict[str, Any]]:
    for stats in stats_list:
        match = stats.match
        for player in stats.players:
            row = player_summary(player)
            multikills = row.pop("multikills")
            yield {
                "match_id": match.match_id,
                "game": match.game.value,
                "map": match.map_name,
                "mode": match.mode,
                "started_at": match.started_at.isoformat(),
                **row,
                **{f"multikills_{key}": multikills[key] for key in MULTIKILL_KEYS},
            }


def _write_csv(stats_list: list[MatchStats]) -> None:
    rows = list(_csv_rows(stats_list))
    if not rows:
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Match files, directories (searched for .json, .log and .txt) or globs.",
        show_default=False,
    ),
]
PresetOption = Annotated[
    Preset,
    typer.Option(
        help=(
            "Stat definitions: [b]official[/b] reproduces the publisher's own scoreboard, "
            "[b]community[/b] follows vlr.gg/HLTV practice (enemy kills only, 5 s trades), "
            "[b]seed[/b] the original worker (3 s trades, 5 s kill chains, 3 s clutches)."
        ),
    ),
]
FormatOption = Annotated[
    OutputFormat,
    typer.Option("--format", "-f", help="table for people, json or csv for programs."),
]
DetailOption = Annotated[
    bool,
    typer.Option(
        "--detail", help="With json: add rounds, sides, duels, clutches and weapons per match."
    ),
]


@app.command()
def stats(
    paths: PathsArgument,
    preset: PresetOption = Preset["official"],
    output_format: FormatOption = OutputFormat.TABLE,
    detail: DetailOption = False,
) -> None:
    """Compute and print every stat of the given match files.

    A file that cannot be read is reported on stderr with the field at fault; the other
    files are still computed, and the exit code is 1.

    Examples:

      scoreline stats match.json

      scoreline stats ../matches/ --format json --detail > stats.json

      scoreline stats 'logs/**/*.log' --preset community --format csv
    """
    run = _Run()
    _compute_files(paths, preset.value, run)
    _emit(run, output_format, preset.value, detail)


@app.command()
def generate(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the files to.")],
    matches: Annotated[int, typer.Option("--matches", min=1, help="How many matches.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="The same seed writes the same files.")] = 0,
) -> None:
    """Write deterministic synthetic Valorant matches in Riot's VAL-MATCH-V1 format.

    Matches are realistic competitive games (13 to 30+ rounds, overtime, plants, trades,
    clutches, economy); match i depends only on (seed, i).
    """
    out.mkdir(parents=True, exist_ok=True)
    with build_progress(stderr) as progress:
        task = progress.add_task("generating", total=matches)
        for index in range(matches):
            document = generate_match(seed, index)
            path = out / f"synthetic_s{seed}_{index:06d}.json"
            path.write_bytes(orjson.dumps(document))
            progress.advance(task)
    stdout.print(f"wrote {matches} matches to {out}")


app.command()(ingest)
app.command()(recompute)
app.command()(worker)
app.command()(retention)
app.command()(serve)
app.command()(demo)
app.add_typer(jobs_app, name="jobs")
app.add_typer(db_app, name="db")
app.add_typer(rollups_app, name="rollups")
app.add_typer(matches_app, name="matches")


def main() -> None:
    app()
