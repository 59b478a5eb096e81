"""Settings: documented, read from SCORELINE_* variables, refused with the variable's name."""

from __future__ import annotations

import pickle
import sys
from typing import Any

import pytest

from scoreline.bootstrap import Settings, SettingsError, find_env_name, load_settings


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The developer's or CI's own SCORELINE_* variables must not leak into these tests.
    for name in Settings.model_fields:
        monkeypatch.delenv(find_env_name(name), raising=False)


def test_every_setting_has_a_description() -> None:
    undocumented = [
        name
        for name, field in Settings.model_fields.items()
        if not (field.description and len(field.description.split()) >= 5)
    ]
    assert undocumented == []


def test_defaults_run_on_the_embedded_sqlite_file_without_redis() -> None:
    settings = load_settings()

    assert settings.database_url == "sqlite:///scoreline.db"
    assert settings.redis_url is None
    assert settings.stat_preset == "official"
    assert settings.log_level == "INFO"
    assert settings.job_max_attempts == 3
    assert settings.job_lease_seconds == 30
    assert settings.worker_poll_seconds > 0


@pytest.mark.parametrize(
    ("variable", "value", "field", "expected"),
    [
        ("SCORELINE_DATABASE_URL", "postgresql://u@db/stats", "database_url", "postgresql://u@db/stats"),
        ("SCORELINE_REDIS_URL", "redis://cache:6379/0", "redis_url", "redis://cache:6379/0"),
        ("SCORELINE_REDIS_URL", "", "redis_url", None),
        ("SCORELINE_STAT_PRESET", "seed", "stat_preset", "seed"),
        ("SCORELINE_LOG_FORMAT", "JSON", "log_format", "json"),
        ("SCORELINE_LOG_LEVEL", "debug", "log_level", "DEBUG"),
        ("SCORELINE_JOB_MAX_ATTEMPTS", "5", "job_max_attempts", 5),
        ("SCORELINE_JOB_LEASE_SECONDS", "2.5", "job_lease_seconds", 2.5),
        ("SCORELINE_JOB_BACKOFF_BASE_SECONDS", "0.1", "job_backoff_base_seconds", 0.1),
        ("SCORELINE_WORKER_POLL_SECONDS", "0.05", "worker_poll_seconds", 0.05),
    ],
)  # fmt: skip
def test_each_variable_sets_its_setting(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str, expected: Any
) -> None:
    monkeypatch.setenv(variable, value)

    assert getattr(load_settings(), field) == expected


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("SCORELINE_STAT_PRESET", "fancy", "unknown preset 'fancy'; known: community, official"),
        ("SCORELINE_DATABASE_URL", "mysql://u@db/stats", "unsupported backend 'mysql'"),
        ("SCORELINE_REDIS_URL", "http://cache", "must start with one of redis://"),
        ("SCORELINE_LOG_FORMAT", "xml", "'json' or 'console'"),
        ("SCORELINE_LOG_LEVEL", "chatty", "'DEBUG'"),
        ("SCORELINE_JOB_MAX_ATTEMPTS", "0", "greater than or equal to 1"),
        ("SCORELINE_JOB_LEASE_SECONDS", "-1", "greater than 0"),
        ("SCORELINE_WORKER_POLL_SECONDS", "soon", "valid number"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    monkeypatch.setenv(variable, value)

    with pytest.raises(SettingsError) as raised:
        load_settings()

    [problem] = raised.value.problems
    assert problem.startswith(f"{variable}: ")
    assert reason in problem


def test_a_backoff_cap_below_its_base_is_refused() -> None:
    with pytest.raises(SettingsError, match=r"JOB_BACKOFF_CAP_SECONDS \(5\.0\) must be >="):
        load_settings(job_backoff_base_seconds=10, job_backoff_cap_seconds=5)


def test_every_bad_value_is_reported_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCORELINE_STAT_PRESET", "fancy")
    monkeypatch.setenv("SCORELINE_JOB_MAX_ATTEMPTS", "0")

    with pytest.raises(SettingsError) as raised:
        load_settings()

    assert [problem.split(":")[0] for problem in raised.value.problems] == [
        "SCORELINE_STAT_PRESET",
        "SCORELINE_JOB_MAX_ATTEMPTS",
    ]


@pytest.mark.parametrize(("is_terminal", "expected"), [(True, "console"), (False, "json")])
def test_log_format_defaults_to_console_at_a_terminal_and_json_elsewhere(
    monkeypatch: pytest.MonkeyPatch, is_terminal: bool, expected: str
) -> None:
    monkeypatch.setattr(sys.stderr, "isatty", lambda: is_terminal)

    assert load_settings().log_format == expected


def test_settings_are_frozen() -> None:
    settings = load_settings()

    with pytest.raises(ValueError, match="frozen"):
        settings.job_max_attempts = 9


def test_settings_cross_a_process_boundary_unchanged() -> None:
    # Worker children are spawned: their settings arrive pickled, not re-read from the
    # environment, so every process of one run works with the same values.
    settings = load_settings(stat_preset="seed", job_lease_seconds=2)

    assert pickle.loads(pickle.dumps(settings)) == settings
