from __future__ import annotations

import re

import pytest

from scoreline.domain.errors import ScorelineError
from scoreline.store.engines import normalize_database_url
from scoreline.store.errors import UnsupportedDatabaseError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///scoreline.db", "sqlite:///scoreline.db"),
        ("sqlite:////var/lib/scoreline.db", "sqlite:////var/lib/scoreline.db"),
        ("sqlite+pysqlite:///x.db", "sqlite+pysqlite:///x.db"),
        ("sqlite://", "sqlite://"),
        ("postgresql://u@db:5432/stats", "postgresql+psycopg://u@db:5432/stats"),
        ("postgres://u@db/stats", "postgresql+psycopg://u@db/stats"),
        ("postgresql+psycopg://u@db/stats", "postgresql+psycopg://u@db/stats"),
        (
            "postgresql://u@db/stats?sslmode=require",
            "postgresql+psycopg://u@db/stats?sslmode=require",
        ),
    ],
)
def test_database_url_is_normalised_to_the_driver_scoreline_uses(url: str, expected: str) -> None:
    assert normalize_database_url(url).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://u@db/stats", "unsupported backend 'mysql'"),
        ("postgresql+psycopg2://u@db/stats", "unsupported backend 'postgresql+psycopg2'"),
        ("not a url", "not a database URL"),
    ],
)
def test_unsupported_database_url_is_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(UnsupportedDatabaseError, match=re.escape(reason)) as caught:
        normalize_database_url(url)
    assert isinstance(caught.value, ScorelineError)


def test_refused_url_does_not_show_the_password() -> None:
    with pytest.raises(UnsupportedDatabaseError) as caught:
        normalize_database_url("mysql://user:secret@db/stats")
    assert "secret" not in str(caught.value)
