"""structlog configuration: JSON lines in production, readable lines at a terminal."""

from __future__ import annotations

import logging
import sys
from typing import Any, Literal, get_args

import structlog
from structlog.typing import FilteringBoundLogger, Processor

LogFormat = Literal["json", "console"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
LOG_FORMATS: tuple[LogFormat, ...] = get_args(LogFormat)
LOG_LEVELS: tuple[LogLevel, ...] = get_args(LogLevel)

# Marks the stdlib handler this module installs, so configuring again replaces only it.
_HANDLER_NAME = "scoreline"


class _StderrLogger:
    """Writes each rendered line to whatever ``sys.stderr`` is at the time of the call.

    Looked up per call rather than bound once, so redirections made after configuration
    (a test capturing stderr, a CLI runner) receive the lines.
    """

    def msg(self, message: str) -> None:
        stream = sys.stderr
        stream.write(message + "\n")
        stream.flush()

    log = debug = info = warn = warning = error = critical = exception = fatal = msg


def _make_stderr_logger(*_args: Any) -> _StderrLogger:
    return _StderrLogger()


class _StderrHandler(logging.Handler):
    """A stdlib handler writing to the current ``sys.stderr`` (see _StderrLogger)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
            stream = sys.stderr
            stream.write(line + "\n")
            stream.flush()
        except Exception:
            self.handleError(record)


def _shared_processors() -> list[Processor]:
    return [
        # The job's job_id / job_kind / match_id, bound by the runner for the job's duration.
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def _renderer(log_format: LogFormat) -> Processor:
    if log_format == "json":
        return structlog.processors.JSONRenderer()
    return structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())


def configure_logging(log_format: LogFormat, log_level: LogLevel) -> None:
    """Send structlog and stdlib logging (SQLAlchemy, Alembic, psycopg) to stderr as one stream.

    Idempotent: configuring again replaces the previous configuration.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"log format must be one of {LOG_FORMATS}, got {log_format!r}")
    if log_level not in LOG_LEVELS:
        raise ValueError(f"log level must be one of {LOG_LEVELS}, got {log_level!r}")
    level = logging.getLevelNamesMapping()[log_level]
    renderer = _renderer(log_format)
    tail: list[Processor] = [structlog.processors.format_exc_info] if log_format == "json" else []
    structlog.configure(
        processors=[
            *_shared_processors(),
            structlog.processors.StackInfoRenderer(),
            *tail,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_make_stderr_logger,
        cache_logger_on_first_use=False,
    )
    handler = _StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*_shared_processors(), structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *tail,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        if existing.get_name() == _HANDLER_NAME:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic narrates every schema check at INFO ("Context impl ..."); keep it for DEBUG.
    logging.getLogger("alembic").setLevel(level if level <= logging.DEBUG else logging.WARNING)


def get_logger(name: str) -> FilteringBoundLogger:
    """A structlog logger; what it prints follows the last configure_logging call."""
    logger: FilteringBoundLogger = structlog.get_logger(name)
    return logger
