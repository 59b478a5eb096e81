"""Schemathesis against the match endpoints' own OpenAPI: no 5xx, every answer as documented."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.core.result import Ok

from scoreline.api.app import create_app
from scoreline.bootstrap import load_settings, open_runtime
from scoreline.ingest import parse_source
from scoreline.synthetic.valorant import generate_match
from shared_data import DATA_DIR

from .report_setups import BACKENDS, ingest_files, module_database_url

MATCH_PATHS = r"^/api/v1/matches"
# Generated requests per operation: enough to reach every parameter's edge cases, few enough
# that both backends run in seconds.
EXAMPLES_PER_OPERATION = 60
# The list refuses some schema-valid requests on purpose, with a 422 naming the reason: a
# cursor it did not issue (the cursor is opaque) and a range whose start is after its end.
SEMANTIC_422_PATHS = frozenset({"/api/v1/matches"})


@dataclass
class Fuzzed:
    app: FastAPI
    players: dict[int, list[str]]  # stored match_pk -> its player ids


@pytest.fixture(scope="module", params=BACKENDS)
def fuzzed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fuzzed]:
    url = module_database_url(request, tmp_path_factory)
    cs2 = next((DATA_DIR / "cs2").glob("*.log"))
    files = [(cs2.read_bytes(), str(cs2))]
    files += [(orjson.dumps(generate_match(7, i)), f"synthetic-{i}") for i in range(3)]
    with open_runtime(load_settings(database_url=url, redis_url="")) as runtime:
        # The last one stays pending: its answers are those of a match without stats.
        outcomes = ingest_files(runtime, files, pending={len(files) - 1})
        players: dict[int, list[str]] = {}
        for outcome, (data, label) in zip(outcomes, files, strict=True):
            [match_pk] = outcome.match_pks
            [match] = parse_source(data, label)
            players[match_pk] = [player.player_id for player in match.players]
        yield Fuzzed(create_app(runtime), players)


def _operations(app: FastAPI) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app).include(path_regex=MATCH_PATHS)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    return operations


def test_every_match_endpoint_is_in_the_contract(fuzzed: Fuzzed) -> None:
    paths = {operation.path for operation in _operations(fuzzed.app)}
    assert paths == {
        "/api/v1/matches",
        "/api/v1/matches/{match_ref}",
        "/api/v1/matches/{match_ref}/rounds",
        "/api/v1/matches/{match_ref}/players/{player_id}",
        "/api/v1/matches/{match_ref}/duels",
        "/api/v1/matches/{match_ref}/clutches",
        "/api/v1/matches/{match_ref}/weapons",
    }


def test_generated_requests_get_documented_answers_and_no_server_error(fuzzed: Fuzzed) -> None:
    statuses: Counter[int] = Counter()
    for operation in _operations(fuzzed.app):
        excluded = (
            [schemathesis.checks.positive_data_acceptance]
            if operation.path in SEMANTIC_422_PATHS
            else []
        )
        _fuzz(operation, fuzzed.players, excluded, statuses)
    assert statuses[200] >= EXAMPLES_PER_OPERATION, statuses  # real bodies were checked too


def _fuzz(
    operation: Any, players: dict[int, list[str]], excluded: list[Any], statuses: Counter[int]
) -> None:
    stored = sorted(players)

    @given(case=operation.as_strategy(), data=st.data())
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any, data: st.DataObject) -> None:
        parameters = case.path_parameters or {}
        # Half the time name a stored match (and one of its players), so the answers checked
        # include real bodies, not only 404s for random ids.
        if "match_ref" in parameters and data.draw(st.booleans()):
            match_pk = data.draw(st.sampled_from(stored))
            parameters["match_ref"] = str(match_pk)
            if "player_id" in parameters and data.draw(st.booleans()):
                parameters["player_id"] = data.draw(st.sampled_from(players[match_pk]))
        response = case.call_and_validate(excluded_checks=excluded)
        statuses[response.status_code] += 1

    check()
