"""`scoreline rollups verify [--fix]` and `scoreline matches delete ID` as a user runs them."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import pytest
import structlog
from sqlalchemy import delete, insert, select, update
from typer.testing import CliRunner, Result

from scoreline.bootstrap import Runtime
from scoreline.cli.app import app
from scoreline.ingest import parse_source
from scoreline.rollups.specs import ROLLUPS_BY_NAME
from scoreline.stats.rounds import preset
from scoreline.store.schema import jobs, matches, metadata
from scoreline.worker.intake import ingest_source

from .rollup_states import match_document, migrated_runtime, stored_rollups

PLAYER_DAY = metadata.tables["rollup_player_day"]
TEAM_DAY = metadata.tables["rollup_team_day"]


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    # Every command configures logging for the process; put the test process's back.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def runtime(database_url: str) -> Iterator[Runtime]:
    with migrated_runtime(database_url) as runtime:
        yield runtime


def invoke(runtime: Runtime, *arguments: str) -> Result:
    env = {
        "SCORELINE_DATABASE_URL": runtime.settings.database_url,
        "SCORELINE_LOG_FORMAT": "json",
    }
    return CliRunner().invoke(app, list(arguments), env=env)


def ingest_computed(runtime: Runtime, index: int) -> str:
    """Store generated match ``index`` with its stats; returns its source match id."""
    data = match_document(index)
    ingest_source(runtime.engine, runtime.ledger, data, f"m{index}", compute_now=preset("seed"))
    (match,) = parse_source(data, "generated")
    return match.match_id


def test_verify_reports_none_on_rollups_the_workers_wrote(runtime: Runtime) -> None:
    ingest_computed(runtime, 0)
    result = invoke(runtime, "rollups", "verify")

    assert result.exit_code == 0, result.output
    assert "1 matches" in result.output
    assert "no difference" in result.output


def test_verify_finds_tampered_buckets_and_fix_repairs_them(runtime: Runtime) -> None:
    ingest_computed(runtime, 0)
    ingest_computed(runtime, 1)
    honest = stored_rollups(runtime.engine)
    with runtime.engine.begin() as conn:
        player_id = conn.execute(select(PLAYER_DAY.c.player_id).limit(1)).scalar_one()
        conn.execute(
            update(PLAYER_DAY)
            .where(PLAYER_DAY.c.player_id == player_id)
            .values(kills=PLAYER_DAY.c.kills + 3)
        )
        conn.execute(delete(TEAM_DAY).where(TEAM_DAY.c.team_id == "Red"))
        measures = ROLLUPS_BY_NAME["rollup_player_day"].measures
        conn.execute(
            insert(PLAYER_DAY).values(
                day=date(2020, 1, 1),
                game="valorant",
                player_id="nobody",
                **dict.fromkeys(measures, 1),
            )
        )

    found = invoke(runtime, "rollups", "verify")
    assert found.exit_code == 1
    assert player_id in found.output
    assert "nobody" in found.output
    assert "rollup_team_day" in found.output
    assert "run with --fix" in found.output
    assert stored_rollups(runtime.engine) != honest

    fixed = invoke(runtime, "rollups", "verify", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "all repaired" in fixed.output
    assert stored_rollups(runtime.engine) == honest
    again = invoke(runtime, "rollups", "verify")
    assert again.exit_code == 0
    assert "no difference" in again.output


def test_matches_delete_removes_the_match_and_its_contribution(runtime: Runtime) -> None:
    ingest_computed(runtime, 1)
    kept = stored_rollups(runtime.engine)
    doomed = ingest_computed(runtime, 2)
    ingest_source(runtime.engine, runtime.ledger, match_document(3), "queued")
    with runtime.engine.connect() as conn:
        queued_pk = conn.execute(select(jobs.c.payload)).scalar_one()["match_id"]

    result = invoke(runtime, "matches", "delete", doomed)
    assert result.exit_code == 0, result.output
    assert "deleted match" in result.output
    by_pk = invoke(runtime, "matches", "delete", str(queued_pk))
    assert by_pk.exit_code == 0, by_pk.output

    assert stored_rollups(runtime.engine) == kept
    with runtime.engine.connect() as conn:
        assert conn.execute(select(matches.c.source_match_id)).scalars().all() == [
            parse_source(match_document(1), "generated")[0].match_id
        ]
        assert conn.execute(select(jobs.c.id)).first() is None
    assert invoke(runtime, "rollups", "verify").exit_code == 0


def test_matches_delete_names_an_unknown_id(runtime: Runtime) -> None:
    result = invoke(runtime, "matches", "delete", "no-such-match")

    assert result.exit_code == 1
    assert "no stored match" in result.output
    assert "no-such-match" in result.output
