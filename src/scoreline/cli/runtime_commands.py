"""`scoreline worker`, `scoreline jobs ...` and `scoreline db ...`: run and operate the queue."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, NoReturn

import orjson
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import OperationalError

from scoreline.bootstrap import (
    BootstrapError,
    Runtime,
    Settings,
    SettingsError,
    build_child_runtime_opener,
    build_engine,
    build_worker_companions,
    build_worker_schedules,
    describe_schema,
    load_settings,
    open_runtime,
    upgrade_schema,
)
from scoreline.jobs import Job, JobError, JobState, JobStats
from scoreline.worker import WorkerError, WorkerOptions, run_workers
from scoreline.worker.logs import configure_logging

jobs_app = typer.Typer(
    name="jobs",
    help="See the job queue, why a job failed, and replay it.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
db_app = typer.Typer(
    name="db",
    help="The database schema: upgrade it, or see where it is.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


class ListFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


# Exit codes: 1 for a failure at run time, 2 for a command or configuration that cannot work.
EXIT_FAILURE = 1
EXIT_USAGE = 2
# A list shows the first line of the last error, cut to this width.
ERROR_COLUMN_CHARS = 60

_STATE_STYLES = {
    JobState.QUEUED: "cyan",
    JobState.RUNNING: "yellow",
    JobState.DONE: "green",
    JobState.DEAD: "red",
}

FormatOption = Annotated[
    ListFormat, typer.Option("--format", "-f", help="table for people, json for programs.")
]
KindOption = Annotated[str | None, typer.Option("--kind", help="Only jobs of this kind.")]
LimitOption = Annotated[
    int, typer.Option("--limit", min=1, help="At most this many, newest first.")
]


def _stdout() -> Console:
    # Piped output is not squeezed into 80 columns: tracebacks and keys are wide.
    return Console(width=None if sys.stdout.isatty() else 160)


def _stderr() -> Console:
    return Console(stderr=True)


def _abort(message: str, code: int = EXIT_FAILURE) -> NoReturn:
    _stderr().print(f"[red]error[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=code)


def _settings() -> Settings:
    try:
        settings = load_settings()
    except SettingsError as error:
        for problem in error.problems:
            _stderr().print(f"[red]error[/red] {escape(problem)}", highlight=False)
        raise typer.Exit(code=EXIT_USAGE) from None
    configure_logging(settings.log_format, settings.log_level)
    return settings


@contextmanager
def command_runtime(settings: Settings | None = None) -> Iterator[Runtime]:
    """The runtime of a command, with its failures turned into one line and an exit code."""
    chosen = settings if settings is not None else _settings()
    try:
        with open_runtime(chosen) as runtime:
            yield runtime
    except BootstrapError as error:
        _abort(str(error))
    except OperationalError as error:
        _abort(f"database error: {_first_line(error.orig)}")


def _first_line(error: BaseException | None) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def _write_json(document: Any) -> None:
    sys.stdout.buffer.write(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    sys.stdout.flush()


def _format_instant(instant: datetime | None) -> str:
    if instant is None:
        return "-"
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _format_seconds(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def _state_text(state: JobState) -> str:
    return f"[{_STATE_STYLES[state]}]{state.value}[/]"


def stats_document(stats: JobStats) -> dict[str, Any]:
    """The JSON form of the queue's depth and lag (``jobs stats --format json``)."""
    return {
        "counts": {state.value: stats.counts.get(state, 0) for state in JobState},
        "total": stats.total,
        "oldest_queued_lag_seconds": stats.oldest_queued_lag_seconds,
    }


def _print_jobs(jobs: Iterable[Job], title: str) -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    for column in ("id", "kind", "key", "state", "attempts", "run at", "updated", "last error"):
        table.add_column(column, justify="right" if column == "id" else "left")
    for job in jobs:
        error = (job.last_error or "").splitlines()[0] if job.last_error else ""
        if len(error) > ERROR_COLUMN_CHARS:
            error = error[: ERROR_COLUMN_CHARS - 1] + "…"
        table.add_row(
            str(job.id),
            escape(job.kind),
            escape(job.key),
            _state_text(job.state),
            f"{job.attempts}/{job.max_attempts}",
            _format_instant(job.run_at),
            _format_instant(job.updated_at),
            escape(error),
        )
    _stdout().print(table)


def _list_jobs(
    state: JobState | None, kind: str | None, limit: int, output: ListFormat, title: str
) -> None:
    with command_runtime() as runtime:
        jobs = runtime.ledger.list(state=state, kind=kind, limit=limit)
    if output is ListFormat.JSON:
        _write_json([job.describe() for job in jobs])
        return
    if not jobs:
        _stdout().print(f"no {title}")
        return
    _print_jobs(jobs, title)


@jobs_app.command("list")
def jobs_list(
    state: Annotated[
        JobState | None, typer.Option("--state", help="Only jobs in this state.")
    ] = None,
    kind: KindOption = None,
    limit: LimitOption = 50,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """List jobs, newest first."""
    _list_jobs(state, kind, limit, output, "jobs")


@jobs_app.command("dead")
def jobs_dead(
    kind: KindOption = None,
    limit: LimitOption = 50,
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """List the dead jobs (out of attempts) with their last error; replay with `jobs retry`."""
    _list_jobs(JobState.DEAD, kind, limit, output, "dead jobs")


@jobs_app.command("show")
def jobs_show(
    job_id: Annotated[int, typer.Argument(help="The job's id (see `jobs list`).")],
    output: FormatOption = ListFormat.TABLE,
) -> None:
    """Show one job: its state, attempts, payload, and its last error with the traceback."""
    with command_runtime() as runtime:
        try:
            job = runtime.ledger.get(job_id)
        except JobError as error:
            _abort(str(error))
    if output is ListFormat.JSON:
        _write_json(job.describe(with_traceback=True))
        return
    console = _stdout()
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="bold")
    fields.add_column()
    rows = [
        ("job", str(job.id)),
        ("kind", escape(job.kind)),
        ("key", escape(job.key)),
        ("state", _state_text(job.state)),
        ("attempts", f"{job.attempts} of {job.max_attempts}"),
        ("priority", str(job.priority)),
        ("run at", _format_instant(job.run_at)),
        ("lease expires", _format_instant(job.lease_expires_at)),
        ("worker", escape(job.worker_id or "-")),
        ("created", _format_instant(job.created_at)),
        ("updated", _format_instant(job.updated_at)),
        ("finished", _format_instant(job.finished_at)),
        ("payload", escape(orjson.dumps(dict(job.payload)).decode())),
        ("last error", escape(job.last_error or "-")),
    ]
    for name, value in rows:
        fields.add_row(name, value)
    console.print(fields)
    if job.last_traceback:
        console.print("\n[bold]traceback[/bold]")
        console.print(job.last_traceback.rstrip(), markup=False, highlight=False, soft_wrap=True)


@jobs_app.command("retry")
def jobs_retry(
    job_id: Annotated[
        int | None, typer.Argument(help="The dead or done job to run again.", show_default=False)
    ] = None,
    all_dead: Annotated[
        bool, typer.Option("--all-dead", help="Run every dead job again (with --kind: of it).")
    ] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", help="With --all-dead: only this kind.")
    ] = None,
) -> None:
    """Replay a dead (or done) job now with its attempts reset, or every dead job."""
    if (job_id is None) == (not all_dead):
        _abort("give a job id or --all-dead (not both)", EXIT_USAGE)
    if kind is not None and not all_dead:
        _abort("--kind goes with --all-dead", EXIT_USAGE)
    with command_runtime() as runtime:
        if all_dead:
            count = runtime.ledger.retry_all_dead(kind=kind)
            _stdout().print(f"{count} dead job(s) queued again")
            return
        assert job_id is not None  # the check above
        try:
            job = runtime.ledger.retry(job_id)
        except JobError as error:
            _abort(str(error))
    _stdout().print(
        f"job {job.id} ({escape(job.kind)} {escape(job.key)}) queued again", highlight=False
    )


@jobs_app.command("stats")
def jobs_stats(output: FormatOption = ListFormat.TABLE) -> None:
    """Queue depth by state, and how long the oldest due job has waited for a worker."""
    with command_runtime() as runtime:
        stats = runtime.ledger.stats()
    if output is ListFormat.JSON:
        _write_json(stats_document(stats))
        return
    table = Table(header_style="bold")
    table.add_column("state")
    table.add_column("jobs", justify="right")
    for state in JobState:
        table.add_row(_state_text(state), str(stats.counts.get(state, 0)))
    table.add_row("[bold]total[/bold]", f"[bold]{stats.total}[/bold]")
    console = _stdout()
    console.print(table)
    console.print(f"oldest due job waiting: {_format_seconds(stats.oldest_queued_lag_seconds)}")


def _split_names(values: Iterable[str] | None) -> tuple[str, ...] | None:
    if not values:
        return None
    names = tuple(name.strip() for value in values for name in value.split(",") if name.strip())
    return names or None


def worker(
    concurrency: Annotated[
        int, typer.Option("--concurrency", "-c", min=1, help="Worker processes to run.")
    ] = 1,
    burst: Annotated[
        bool,
        typer.Option(
            "--burst",
            help=(
                "Exit once no job is queued or running (waiting out retries, run-at delays "
                "and the leases of killed workers), instead of waiting for new jobs."
            ),
        ),
    ] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            "--metrics-port", min=0, max=65535, help="Serve Prometheus metrics on this port."
        ),
    ] = None,
    kinds: Annotated[
        list[str] | None,
        typer.Option(
            "--kinds",
            help="Only claim jobs of these kinds (repeat, or separate with commas).",
            show_default="every kind",
        ),
    ] = None,
    handlers_modules: Annotated[
        list[str] | None,
        typer.Option(
            "--handlers-module",
            help="Import this module in every worker process to register more handlers.",
        ),
    ] = None,
) -> None:
    """Run the worker: claim jobs, compute, write the results, mark the jobs done.

    With --concurrency N, N processes share the work. SIGTERM or Ctrl-C lets each finish its
    current job, then exits 0; a killed worker loses nothing (its job is taken again when
    its lease expires, SCORELINE_JOB_LEASE_SECONDS).
    """
    settings = _settings()
    try:
        options = WorkerOptions(
            concurrency=concurrency,
            burst=burst,
            metrics_port=metrics_port,
            kinds=_split_names(kinds),
            handler_modules=_split_names(handlers_modules) or (),
            schedules=build_worker_schedules(settings),
        )
    except ValueError as error:
        _abort(str(error), EXIT_USAGE)
    with command_runtime(settings) as runtime:
        try:
            code = run_workers(
                runtime,
                build_child_runtime_opener(settings),
                options,
                companions=build_worker_companions(runtime),
            )
        except WorkerError as error:
            _abort(str(error), EXIT_USAGE)
    raise typer.Exit(code=code)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database to the newest schema (SQLite is also upgraded by every command)."""
    settings = _settings()
    engine = build_engine(settings)
    try:
        before, after = upgrade_schema(engine)
    except BootstrapError as error:
        _abort(str(error))
    finally:
        engine.dispose()
    where = escape(engine.url.render_as_string(hide_password=True))
    if before.up_to_date:
        _stdout().print(f"{where}: already at revision {after.current}", highlight=False)
    else:
        _stdout().print(
            f"{where}: upgraded from {before.current or 'an empty database'} to {after.current}",
            highlight=False,
        )


@db_app.command("current")
def db_current() -> None:
    """Show the database's schema revision and whether it is the newest; changes nothing."""
    settings = _settings()
    engine = build_engine(settings)
    try:
        status = describe_schema(engine)
    except BootstrapError as error:
        _abort(str(error))
    finally:
        engine.dispose()
    where = escape(engine.url.render_as_string(hide_password=True))
    verdict = "up to date" if status.up_to_date else "behind: run `scoreline db upgrade`"
    _stdout().print(
        f"{where}: revision {status.current or 'none'} (newest {status.head}), {verdict}",
        highlight=False,
    )
