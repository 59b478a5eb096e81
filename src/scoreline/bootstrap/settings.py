"""Every setting of scoreline, read from ``SCORELINE_*`` environment variables."""

from __future__ import annotations

import sys
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import croniter  # type: ignore[import-untyped, unused-ignore]
from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoreline.bootstrap.errors import SettingsError
from scoreline.jobs.backoff import DEFAULT_BACKOFF
from scoreline.jobs.ledger import (
    DEFAULT_LEASE_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_POLL_INTERVAL_SECONDS,
)
from scoreline.stats.rounds import PRESETS
from scoreline.store.engines import DEFAULT_DATABASE_URL, normalize_database_url
from scoreline.store.errors import UnsupportedDatabaseError
from scoreline.worker.logs import LogFormat, LogLevel

ENV_PREFIX = "SCORELINE_"
_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def _default_log_format() -> LogFormat:
    # People at a terminal read console lines; anything else (a container, a file) gets JSON.
    return "console" if sys.stderr.isatty() else "json"


class Settings(BaseSettings):
    """The configuration of one scoreline process. Each field is ``SCORELINE_<NAME>``."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, frozen=True, extra="ignore", validate_default=True
    )

    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description=(
            "Where everything is stored: sqlite:///PATH (embedded, the default file "
            "scoreline.db in the current directory; its schema is upgraded automatically) "
            "or postgresql://USER:PASSWORD@HOST/DB (production; upgrade it with "
            "`scoreline db upgrade`)."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        description=(
            "Optional Redis (redis://HOST:6379/0) for the seed-compatible ingress list; "
            "unset, scoreline runs without Redis."
        ),
    )
    stat_preset: str = Field(
        default="official",
        description=(
            "Stat definitions the worker computes with: "
            + ", ".join(sorted(PRESETS))
            + " (STAT_DEFINITIONS.md)."
        ),
    )
    log_format: LogFormat = Field(
        default_factory=_default_log_format,
        description=(
            "json (one JSON object per line, for production) or console (for people); "
            "defaults to console when stderr is a terminal, json otherwise."
        ),
    )
    log_level: LogLevel = Field(
        default="INFO",
        description="Least severe log level written: DEBUG, INFO, WARNING, ERROR or CRITICAL.",
    )
    job_max_attempts: int = Field(
        default=DEFAULT_MAX_ATTEMPTS,
        ge=1,
        description="Attempts a job gets before it is dead (kept for `scoreline jobs retry`).",
    )
    job_lease_seconds: float = Field(
        default=DEFAULT_LEASE_SECONDS,
        gt=0,
        description=(
            "How long a claimed job stays reserved without a heartbeat; a killed worker's "
            "job is taken again after this. Workers heartbeat every third of it."
        ),
    )
    job_backoff_base_seconds: float = Field(
        default=DEFAULT_BACKOFF.base_seconds,
        gt=0,
        description="Delay before the second attempt of a failed job; doubles per attempt.",
    )
    job_backoff_cap_seconds: float = Field(
        default=DEFAULT_BACKOFF.cap_seconds,
        gt=0,
        description="Longest delay between two attempts of a failed job.",
    )
    worker_poll_seconds: float = Field(
        default=DEFAULT_POLL_INTERVAL_SECONDS,
        gt=0,
        description=(
            "How often an idle worker looks for jobs on SQLite (PostgreSQL wakes workers "
            "with LISTEN/NOTIFY instead)."
        ),
    )

    timezone: str = Field(
        default="UTC",
        description=(
            "IANA timezone (Europe/Paris) whose calendar days bucket the daily rollups and "
            "bound the periods today, week and month. Changing it needs "
            "`scoreline rollups verify --fix` to re-bucket stored matches."
        ),
    )
    raw_payload_retention_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Delete raw payloads received more than this many days ago, once their canonical "
            "rows exist; unset keeps them forever (re-ingest after an adapter fix needs them)."
        ),
    )
    round_event_retention_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Delete the round events (kills, damage, per-round states) of matches started more "
            "than this many days ago; match aggregates and rollups stay, but such a match can "
            "no longer be recomputed. Unset keeps them forever."
        ),
    )
    retention_batch_rows: int = Field(
        default=5000,
        ge=1,
        description="Rows a retention job deletes per transaction, so it never blocks workers.",
    )
    retention_schedule: str = Field(
        default="17 3 * * *",
        description="Cron expression (UTC) of the retention job the workers run.",
    )
    api_tokens: str = Field(
        default="",
        description=(
            "Comma-separated bearer tokens for the API's write and admin endpoints; "
            "with none, those endpoints answer 403."
        ),
    )
    api_max_body_bytes: int = Field(
        default=20 * 1024 * 1024,
        ge=1,
        description="Largest body POST /api/v1/ingest accepts (413 above it).",
    )

    @property
    def api_token_list(self) -> tuple[str, ...]:
        """The configured API tokens, blanks dropped."""
        return tuple(token.strip() for token in self.api_tokens.split(",") if token.strip())

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r}; use an IANA name such as UTC or Europe/Paris"
            ) from None
        return value

    @field_validator("retention_schedule")
    @classmethod
    def _check_retention_schedule(cls, value: str) -> str:
        if not croniter.is_valid(value):
            raise ValueError(f"not a cron expression: {value!r}")
        return value

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        try:
            normalize_database_url(value)
        except UnsupportedDatabaseError as error:
            raise ValueError(error.reason) from None
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _check_redis_url(cls, value: Any) -> Any:
        if value == "":
            return None  # an empty variable means unset, as in most shells' configs
        if isinstance(value, str) and not value.startswith(_REDIS_SCHEMES):
            raise ValueError(f"must start with one of {', '.join(_REDIS_SCHEMES)}")
        return value

    @field_validator("stat_preset")
    @classmethod
    def _check_stat_preset(cls, value: str) -> str:
        if value not in PRESETS:
            raise ValueError(f"unknown preset {value!r}; known: {', '.join(sorted(PRESETS))}")
        return value

    @field_validator("log_format", "log_level", mode="before")
    @classmethod
    def _fold_case(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str):
            return value.upper() if info.field_name == "log_level" else value.lower()
        return value

    @model_validator(mode="after")
    def _check_backoff(self) -> Self:
        if self.job_backoff_cap_seconds < self.job_backoff_base_seconds:
            raise ValueError(
                f"{ENV_PREFIX}JOB_BACKOFF_CAP_SECONDS ({self.job_backoff_cap_seconds}) must be "
                f">= {ENV_PREFIX}JOB_BACKOFF_BASE_SECONDS ({self.job_backoff_base_seconds})"
            )
        return self


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, ``overrides`` first; SettingsError names each bad one."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError([_describe_problem(problem) for problem in error.errors()]) from None


def find_env_name(field_name: str) -> str:
    """The environment variable that sets ``field_name``."""
    return f"{ENV_PREFIX}{field_name.upper()}"


def _describe_problem(problem: Any) -> str:
    location = problem.get("loc") or ()
    message = str(problem.get("msg", "invalid value")).removeprefix("Value error, ")
    if not location:
        return message
    return f"{find_env_name(str(location[0]))}: {message}"
