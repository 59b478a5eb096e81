"""Result rows map to flat, summable columns and back, and every result field has a table."""

from __future__ import annotations

from typing import NamedTuple

import orjson
import pytest

from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from scoreline.stats.rounds.results import MatchStats
from scoreline.store.result_columns import FieldKind, describe_result_row
from scoreline.store.schema import AGGREGATE_TABLES, AggregateTable
from scoreline.synthetic.valorant import generate_match

# MatchStats fields stored outside the aggregate tables: on the matches row, or the match
# itself (its canonical rows).
STAMPED_ON_MATCHES = {"match", "preset", "stat_version", "side_conflicts"}


def generated_stats(index: int) -> MatchStats:
    (match,) = parse_source(orjson.dumps(generate_match(5, index)), f"generated {index}")
    return compute_match_stats(match, preset("official"))


def test_every_match_stats_field_is_stored_somewhere() -> None:
    stored = {aggregate.stats_field for aggregate in AGGREGATE_TABLES}

    assert set(MatchStats._fields) == stored | STAMPED_ON_MATCHES
    assert len(stored) == len(AGGREGATE_TABLES)


@pytest.mark.parametrize(
    "aggregate", AGGREGATE_TABLES, ids=[aggregate.table.name for aggregate in AGGREGATE_TABLES]
)
def test_every_field_of_the_rows_has_a_column(aggregate: AggregateTable) -> None:
    row_type = aggregate.layout.row_type
    stored = [column.name for column in aggregate.table.columns]

    assert stored[0] == "match_pk"
    assert stored[-2:] == ["stat_version", "stat_preset"]
    assert [field.name for field in aggregate.layout.fields] == list(row_type._fields)
    assert stored[1:-2] == list(aggregate.layout.columns)


@pytest.mark.parametrize(
    ("table", "columns"),
    [
        (
            "match_player_stats",
            [
                "multikills_2k",
                "multikills_3k",
                "multikills_4k",
                "multikills_5k",
                "multikills_6k",
                "kill_chains_2",
                "kill_chains_3",
                "kill_chains_4",
                "kill_chains_5",
                "kill_chains_6",
                "clutch_attempts_1v1",
                "clutch_attempts_1v2",
                "clutch_attempts_1v3",
                "clutch_attempts_1v4",
                "clutch_attempts_1v5",
                "clutch_wins_1v1",
                "clutch_wins_1v2",
                "clutch_wins_1v3",
                "clutch_wins_1v4",
                "clutch_wins_1v5",
            ],
        ),
        (
            "team_match_stats",
            ["multikills_2k", "multikills_3k", "multikills_4k", "multikills_5k", "multikills_6k"],
        ),
    ],
)
def test_tuple_counters_become_one_integer_column_per_bucket(
    table: str, columns: list[str]
) -> None:
    (aggregate,) = [a for a in AGGREGATE_TABLES if a.table.name == table]

    for name in columns:
        assert aggregate.table.c[name].type.python_type is int
        assert not aggregate.table.c[name].nullable


def test_composition_is_text_and_buy_rounds_is_json() -> None:
    by_name = {aggregate.table.name: aggregate for aggregate in AGGREGATE_TABLES}

    composition = by_name["round_team_stats"].layout.fields[-1]
    buy_rounds = by_name["team_match_stats"].layout.fields[-1]

    assert (composition.name, composition.kind) == ("composition", FieldKind.JOINED)
    assert (buy_rounds.name, buy_rounds.kind) == ("buy_rounds", FieldKind.PAIRS)


@pytest.mark.parametrize("index", range(3))
def test_flatten_then_unflatten_gives_back_every_row(index: int) -> None:
    stats = generated_stats(index)

    for aggregate in AGGREGATE_TABLES:
        layout = aggregate.layout
        for row in getattr(stats, aggregate.stats_field):
            values = layout.flatten(row)
            assert len(values) == len(layout.columns)
            assert layout.unflatten(values) == row


def test_flattened_counts_keep_bucket_order() -> None:
    (aggregate,) = [a for a in AGGREGATE_TABLES if a.table.name == "match_player_stats"]
    stats = generated_stats(0)
    row = stats.players[0]

    values = dict(zip(aggregate.layout.columns, aggregate.layout.flatten(row), strict=True))

    assert [values[f"multikills_{n}k"] for n in range(2, 7)] == list(row.multikills)
    assert [values[f"clutch_wins_1v{n}"] for n in range(1, 6)] == list(row.clutch_wins)


def test_empty_composition_round_trips() -> None:
    (aggregate,) = [a for a in AGGREGATE_TABLES if a.table.name == "round_team_stats"]
    row = generated_stats(0).round_teams[0]._replace(composition=())

    values = aggregate.layout.flatten(row)

    assert values[-1] == ""
    assert aggregate.layout.unflatten(values) == row


class Unmapped(NamedTuple):
    name: str
    ratio: float | None
    scores: list[int]


class NullableCounts(NamedTuple):
    multikills: tuple[int, int, int, int, int] | None


class UnnamedCounts(NamedTuple):
    buckets: tuple[int, int, int]


class WrongLength(NamedTuple):
    multikills: tuple[int, int, int]


@pytest.mark.parametrize(
    ("row_type", "message"),
    [
        (Unmapped, "scores: no column mapping"),
        (NullableCounts, "multikills: only scalar fields may be None"),
        (UnnamedCounts, "buckets: a 3-count field needs its suffixes"),
        (WrongLength, "multikills: a 3-count field needs its suffixes"),
    ],
)
def test_a_field_with_no_column_mapping_is_refused(row_type: type, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        describe_result_row(row_type)
