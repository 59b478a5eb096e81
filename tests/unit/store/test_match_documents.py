"""A Match survives its compact document exactly, whatever fields it sets."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from scoreline.domain.rounds import (
    Damage,
    DamageType,
    Defuse,
    Game,
    Kill,
    Match,
    Plant,
    Player,
    PlayerRound,
    PublishedTotals,
    ResultCode,
    Round,
    Team,
)
from scoreline.ingest import parse_source
from scoreline.store.match_documents import (
    MATCH_DOCUMENT_ENCODING,
    decode_match_document,
    encode_match_document,
)
from scoreline.synthetic.valorant import generate_match
from shared_data import DATA_DIR

REAL_FILES = sorted((DATA_DIR / "valorant").glob("*.json")) + sorted(
    (DATA_DIR / "cs2").glob("*.log")
)


def small_match() -> Match:
    """Two players, one round: every field at its default where it has one."""
    return Match(
        match_id="m-1",
        game=Game.VALORANT,
        source_format="riot-val-match-v1",
        map_name="/Game/Maps/Ascent/Ascent",
        mode="Competitive",
        started_at=datetime(2024, 5, 1, 18, 30, 0, 123456, tzinfo=UTC),
        players=(Player("a", "Ann#1", "Red"), Player("b", "Bob#2", "Blue")),
        teams=(Team("Red", "Red"), Team("Blue", "Blue")),
        rounds=(
            Round(
                number=0,
                winning_team_id="Red",
                result_code=ResultCode.ELIMINATION,
                players=(PlayerRound("a"), PlayerRound("b")),
                kills=(Kill(1000, "a", "b"),),
                damage=(Damage("a", "b", 150),),
            ),
        ),
    )


def _change_kill(match: Match, **changes: object) -> Match:
    round_ = match.rounds[0]
    kill = replace(round_.kills[0], **changes)  # type: ignore[arg-type]
    return replace(match, rounds=(replace(round_, kills=(kill,)),))


def _change_round(match: Match, **changes: object) -> Match:
    return replace(match, rounds=(replace(match.rounds[0], **changes),))  # type: ignore[arg-type]


VARIANTS: list[tuple[str, Callable[[Match], Match]]] = [
    ("defaults", lambda m: m),
    (
        "match options",
        lambda m: replace(m, queue="competitive", ranked=True, duration_ms=2_000_000),
    ),
    ("cs2 game", lambda m: replace(m, game=Game.CS2, source_format="cs2-server-log")),
    (
        "non-UTC start",
        lambda m: replace(
            m, started_at=datetime(2024, 5, 1, 20, 0, tzinfo=timezone(timedelta(hours=2)))
        ),
    ),
    (
        "player options",
        lambda m: replace(
            m, players=(Player("a", "Ann#1", "Red", agent="jett-id", party_id="p1"),)
        ),
    ),
    (
        "team results",
        lambda m: replace(m, teams=(Team("Red", "Red", 13, True), Team("Blue", "B", 7, False))),
    ),
    (
        "kill every field",
        lambda m: _change_kill(
            m,
            killer_id=None,
            assistant_ids=("c", "d"),
            weapon="Vandal",
            damage_type=DamageType.BOMB,
            headshot=True,
            secondary_fire=True,
            after_round_end=True,
            killer_position=(1.5, -2.25),
            victim_position=(-3.0, 4.0),
        ),
    ),
    (
        "kill headshot false",
        lambda m: _change_kill(m, headshot=False, damage_type=DamageType.UNKNOWN),
    ),
    (
        "round every field",
        lambda m: _change_round(
            m,
            winning_team_id=None,
            result_code=ResultCode.DEFUSE,
            players=(
                PlayerRound("a", 250, 3900, 2900, 100, "Vandal", "Heavy", True, False),
                PlayerRound("b", alive_at_end=True),
            ),
            damage=(Damage("a", "b", 99, 1, 2, 3, "Phantom", 1234),),
            plant=Plant(40_000, "b", "A"),
            defuse=Defuse(80_000, "a"),
            attacking_team_id="Blue",
            ceremony="CeremonyClutch",
            duration_ms=90_000,
        ),
    ),
    (
        "plant without site",
        lambda m: _change_round(m, plant=Plant(40_000, "b"), result_code=ResultCode.UNKNOWN),
    ),
    ("no rounds content", lambda m: _change_round(m, players=(), kills=(), damage=())),
    (
        "published totals",
        lambda m: replace(
            m,
            published=(
                PublishedTotals("a", 20, 10, 5, 5000, 24, 3500, 145.83, 0.2857142857142857),
                PublishedTotals("b", 1, 2),
            ),
        ),
    ),
    ("unicode names", lambda m: replace(m, players=(Player("a", "Ænn 🎯#1", "Red"),))),
]


@pytest.mark.parametrize(
    "change", [change for _, change in VARIANTS], ids=[label for label, _ in VARIANTS]
)
def test_every_field_survives_the_document(change: Callable[[Match], Match]) -> None:
    match = change(small_match())

    assert decode_match_document(encode_match_document(match)) == match


def test_decoded_match_keeps_enum_and_tuple_types() -> None:
    match = _change_kill(small_match(), assistant_ids=("c",), killer_position=(1.0, 2.0))

    decoded = decode_match_document(encode_match_document(match))

    kill = decoded.rounds[0].kills[0]
    assert type(decoded.game) is Game
    assert type(decoded.rounds[0].result_code) is ResultCode
    assert type(kill.damage_type) is DamageType
    assert type(kill.assistant_ids) is tuple
    assert type(kill.killer_position) is tuple


@pytest.mark.parametrize("path", REAL_FILES, ids=[path.name for path in REAL_FILES])
def test_real_matches_survive_the_document(path: Path) -> None:
    for match in parse_source(path.read_bytes(), str(path)):
        assert decode_match_document(encode_match_document(match)) == match


def test_generated_matches_survive_the_document() -> None:
    for index in range(10):
        (match,) = parse_source(orjson.dumps(generate_match(3, index)), f"generated {index}")
        assert decode_match_document(encode_match_document(match)) == match


def test_document_of_another_encoding_is_refused() -> None:
    document = orjson.loads(zlib.decompress(encode_match_document(small_match())))
    document[0] = MATCH_DOCUMENT_ENCODING + 1

    with pytest.raises(ValueError, match="encoding"):
        decode_match_document(zlib.compress(orjson.dumps(document)))


@pytest.mark.parametrize("data", [b"", b"not zlib", zlib.compress(b"{}"), zlib.compress(b"[1, 2]")])
def test_bytes_that_are_no_document_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError, match="not a match document"):
        decode_match_document(data)
