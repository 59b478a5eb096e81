"""With the official preset, scoreline reproduces the publishers' own totals for every player."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from scoreline.domain.rounds import Match
from scoreline.ingest import parse_source
from scoreline.stats.rounds import compute_match_stats, preset
from shared_data import DATA_DIR

pytestmark = pytest.mark.golden

VALORANT_FILES = sorted((DATA_DIR / "valorant").glob("*.json"))
CS2_LOGS = sorted((DATA_DIR / "cs2").glob("*.log"))
STEAM_ID64_BASE = 76561197960265728


def parse_one(path: Path) -> Match:
    (match,) = parse_source(path.read_bytes(), str(path))
    return match


def test_the_shared_data_is_there() -> None:
    assert VALORANT_FILES, f"no Valorant files under {DATA_DIR}"
    assert CS2_LOGS, f"no CS2 logs under {DATA_DIR}"


@pytest.mark.parametrize("path", VALORANT_FILES, ids=lambda p: p.name)
def test_valorant_kills_deaths_assists_score_match_the_publisher(path: Path) -> None:
    match = parse_one(path)
    stats = compute_match_stats(match, preset("official"))
    computed = {p.player_id: p for p in stats.players}
    assert match.published, "the file carries the publisher's per-player totals"
    assert {p.player_id for p in match.published} == set(computed)
    for published in match.published:
        ours = computed[published.player_id]
        assert ours.kills == published.kills, ours.name
        assert ours.deaths == published.deaths, ours.name
        if published.assists is not None:
            assert ours.assists == published.assists, ours.name
        if published.score is not None:
            assert ours.score == published.score, ours.name
        if published.rounds_played is not None:
            assert ours.rounds_played == published.rounds_played, ours.name


def last_round_stats_block(log: Path) -> dict[str, dict[str, str]]:
    """The match's last cumulative `round_stats` block, from the extraction beside the log.

    A block printed after `Game Over` opens the next warm-up (round 1, all zeros): the
    match's last block is the one with the highest round number.
    """
    extraction = log.with_name(log.stem + "_round_stats.json")
    blocks = json.loads(extraction.read_text())["blocks"]
    last = max(
        (b for b in blocks if b["players"]),
        key=lambda b: (int(b["round_number"]), b["log_line_index"]),
    )
    players: dict[str, dict[str, str]] = last["players"]
    return players


@pytest.mark.parametrize("log", CS2_LOGS, ids=lambda p: p.name)
def test_cs2_totals_match_the_last_round_stats_block(log: Path) -> None:
    match = parse_one(log)
    block = last_round_stats_block(log)
    (rounds_covered,) = {p.rounds_played for p in match.published}
    assert rounds_covered is not None
    # The block is printed at the start of a round: it covers the rounds before it.
    covered = dataclasses.replace(match, rounds=match.rounds[:rounds_covered])
    stats = compute_match_stats(covered, preset("official"))
    computed = {p.player_id: p for p in stats.players}
    assert len(block) == len(computed)
    for account_id, expected in block.items():
        ours = computed[str(STEAM_ID64_BASE + int(account_id))]
        assert ours.kills == int(expected["kills"]), ours.name
        assert ours.deaths == int(expected["deaths"]), ours.name
        assert ours.assists == int(expected["assists"]), ours.name
        assert ours.damage == round(float(expected["dmg"])), ours.name
        assert ours.adr is not None
        assert round(ours.adr) == int(expected["adr"]), ours.name
        assert ours.hs_pct_kills == pytest.approx(float(expected["hsp"]), abs=0.005), ours.name
