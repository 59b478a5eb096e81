"""The installed command, run as a user runs it: in a subprocess, reading real files."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from shared_data import DATA_DIR

pytestmark = pytest.mark.acceptance

HAVEN = DATA_DIR / "valorant" / "riot_v1_galeforce_2_haven_unrated_9a640756.json"
CS2_LOG = DATA_DIR / "cs2" / "cs2_serverlog_seatlon_inferno_0f870999.log"


def scoreline(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scoreline", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def stats_json(*args: str | Path) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    result = scoreline("stats", "--format", "json", *args)
    return json.loads(result.stdout), result


def test_json_of_real_files_has_the_documented_shape() -> None:
    document, result = stats_json(HAVEN, CS2_LOG)
    assert result.returncode == 0, result.stderr
    assert document["preset"] == "official"
    assert document["errors"] == []
    games = [m["game"] for m in document["matches"]]
    assert games == ["valorant", "cs2"]
    haven = document["matches"][0]
    assert haven["rounds_played"] == 25
    assert {t["team_id"]: t["won"] for t in haven["teams"]} == {"Red": True, "Blue": False}
    player = haven["players"][0]
    for field in (
        "player_id", "name", "team", "rounds_played", "kills", "deaths", "assists", "score",
        "acs", "adr", "kast", "hs_pct_hits", "hs_pct_kills", "first_kills", "first_deaths",
        "trade_kills", "traded_deaths", "clutches_attempted", "clutches_won", "multikills",
        "team_kills", "suicides", "spike_deaths", "damage",
    ):  # fmt: skip
        assert field in player, field
    assert set(player["multikills"]) >= {"2k", "3k", "4k", "5k"}
    assert sum(p["kills"] for p in haven["players"]) > 0


def test_detail_adds_rounds_and_sections() -> None:
    document, result = stats_json("--detail", HAVEN)
    assert result.returncode == 0, result.stderr
    match = document["matches"][0]
    assert [r["number"] for r in match["rounds"]] == list(range(1, 26))
    first = match["rounds"][0]
    assert set(first) >= {"number", "winner", "result", "players"}
    assert set(first["players"][0]) == {
        "player_id", "kills", "deaths", "assists", "damage", "score", "survived", "kast",
    }  # fmt: skip
    per_player = {p["player_id"]: p["kills"] for p in match["players"]}
    for player_id, kills in per_player.items():
        rounds = [p for r in match["rounds"] for p in r["players"] if p["player_id"] == player_id]
        assert sum(p["kills"] for p in rounds) == kills
    assert {"sides", "duels", "clutches", "weapons"} <= set(match)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b'{"matchInfo": {"matchId": "x"', "invalid JSON"),
        (b"just some text\n", "unrecognised content"),
        (b'{"hello": "world"}', "no supported match format"),
    ],
    ids=["empty", "truncated", "text", "other-json"],
)
def test_bad_file_is_one_line_on_stderr_and_the_rest_still_computes(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    document, result = stats_json(bad, HAVEN)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    error_lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(error_lines) == 1
    assert str(bad) in error_lines[0]
    assert expected in error_lines[0]
    assert [m["match_id"] for m in document["matches"]] == ["9a640756-ef49-4d7c-bb5a-9cbda043517a"]
    assert document["errors"][0]["source"] == str(bad)


def test_wrong_field_type_names_the_field(tmp_path: Path) -> None:
    doc = json.loads(HAVEN.read_text())
    doc["roundResults"][3]["playerStats"][2]["score"] = "lots"
    bad = tmp_path / "haven_bad_score.json"
    bad.write_text(json.dumps(doc))
    result = scoreline("stats", bad)
    assert result.returncode == 1
    assert "roundResults[3].playerStats[2].score" in result.stderr


def test_missing_path_is_reported() -> None:
    result = scoreline("stats", "/nonexistent/match.json")
    assert result.returncode == 1
    assert "no such file" in result.stderr


def test_generate_is_deterministic_and_readable(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = scoreline("generate", "--matches", "3", "--seed", "7", "--out", out)
        assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in first.iterdir())
    assert len(names) == 3
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes()
    document, result = stats_json(first)
    assert result.returncode == 0, result.stderr
    assert len(document["matches"]) == 3
    assert all(m["rounds_played"] >= 13 for m in document["matches"])


def test_csv_has_one_row_per_player() -> None:
    result = scoreline("stats", "--format", "csv", HAVEN)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 10
    assert {"match_id", "player_id", "acs", "multikills_2k"} <= set(rows[0])


def test_presets_change_the_definitions_not_the_file() -> None:
    official, _ = stats_json(HAVEN)
    community, _ = stats_json("--preset", "community", HAVEN)
    assert official["matches"][0]["rounds_played"] == community["matches"][0]["rounds_played"]
    assert community["preset"] == "community"


def run_in(folder: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """The command with the default embedded database, in ``folder``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORELINE_")}
    return subprocess.run(
        [sys.executable, "-m", "scoreline", *map(str, args)],
        capture_output=True, text=True, timeout=300, check=False, cwd=folder, env=env,
    )  # fmt: skip


def test_demo_stores_a_synthetic_season_and_the_given_files_once(tmp_path: Path) -> None:
    first = run_in(tmp_path, "demo", "--no-serve", "--matches", "4", HAVEN)
    again = run_in(tmp_path, "demo", "--no-serve", "--matches", "4", HAVEN)

    assert first.returncode == 0, first.stderr
    assert "5 new, 0 already stored, 0 rejected" in first.stdout
    assert "0 new, 5 already stored, 0 rejected" in again.stdout
    with sqlite3.connect(tmp_path / "scoreline.db") as db:
        computed = db.execute("SELECT count(*) FROM matches WHERE stat_version IS NOT NULL")
        assert computed.fetchone() == (5,)
        assert db.execute("SELECT count(*) FROM jobs").fetchone() == (0,)


def test_demo_reports_a_bad_file_and_stores_the_rest(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"matchInfo": {}}')

    result = run_in(tmp_path, "demo", "--no-serve", "--matches", "1", bad)

    assert result.returncode == 1
    assert "bad.json" in result.stderr
    assert "1 new, 0 already stored, 1 rejected" in result.stdout


def test_demo_ends_with_the_dashboard_up_and_prints_its_address(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCORELINE_")}
    command = [sys.executable, "-m", "scoreline", "demo", "--matches", "2", "--port", str(port)]
    with subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    ) as server:
        try:
            assert server.stdout is not None
            lines = [server.stdout.readline() for _ in range(2)]
            address = f"http://127.0.0.1:{port}"
            assert any(address in line for line in lines), lines
            page = _get_when_up(f"{address}/")
            assert "scoreline" in page.lower()
        finally:
            server.terminate()
            server.wait(timeout=30)


def _get_when_up(url: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body: str = response.read().decode()
                return body
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_help_teaches_the_presets() -> None:
    result = scoreline("stats", "--help")
    assert result.returncode == 0
    assert "official" in result.stdout
    assert "community" in result.stdout
