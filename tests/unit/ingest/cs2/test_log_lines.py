"""Tests for the CS2 log line grammar: headers, player tokens and one typed event per line."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoreline.domain.errors import MalformedInputError
from scoreline.ingest.cs2 import _log_lines as ll

SOURCE = "built/server.log"
STEAM64_OF_1 = "76561197960265729"
STEAM64_OF_2 = "76561197960265730"
A = '"Alice<3><[U:1:1]><CT>"'
B = '"Bob<4><[U:1:2]><TERRORIST>"'
EPOCH_MS_2026_01_19_185538 = int(datetime(2026, 1, 19, 18, 55, 38, tzinfo=UTC).timestamp()) * 1000


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "L 01/19/2026 - 18:55:38: World triggered",
            (EPOCH_MS_2026_01_19_185538, "World triggered"),
        ),
        # The HTTP logger's form carries milliseconds.
        (
            "01/19/2026 - 18:55:38.250 - World triggered",
            (EPOCH_MS_2026_01_19_185538 + 250, "World triggered"),
        ),
        # A shipper's RFC 3339 stamp in front is skipped; the server's own time is kept.
        (
            "2026-01-19T17:55:38.123456Z L 01/19/2026 - 18:55:38: x",
            (EPOCH_MS_2026_01_19_185538, "x"),
        ),
        ("", None),
        ("some console noise", None),
    ],
)
def test_split_header_reads_server_time_as_utc(line: str, expected: tuple[int, str] | None) -> None:
    assert ll.split_header(line, SOURCE, 1) == expected


@pytest.mark.parametrize(
    "line",
    [
        "L 01/19/2026 - 18:5",  # truncated mid-header
        "L 13/45/2026 - 18:55:38: body",  # impossible date
        "01/19/2026 - 18:55:38 - body",  # HTTP form without milliseconds
    ],
)
def test_damaged_header_is_malformed_naming_the_line(line: str) -> None:
    with pytest.raises(MalformedInputError) as info:
        ll.split_header(line, SOURCE, 7)
    assert info.value.source == SOURCE
    assert info.value.field == "line 7: timestamp"


@pytest.mark.parametrize(
    ("name", "steam", "expected"),
    [
        ("Alice", "[U:1:1]", STEAM64_OF_1),
        ("Alice", "[U:1:91023233]", "76561198051288961"),
        ("Old", "STEAM_1:1:5", str(ll.STEAM64_BASE + 11)),
        ("Old", "STEAM_0:0:5", str(ll.STEAM64_BASE + 10)),
        ("Bot Kate", "BOT", "BOT:Bot Kate"),
        ("Joining", "STEAM_ID_PENDING", None),
        ("Lan", "STEAM_ID_LAN", None),
        ("Odd", "[U:1:x]", None),
    ],
)
def test_player_id_is_steamid64_or_stable_bot_key(
    name: str, steam: str, expected: str | None
) -> None:
    assert ll.player_id_of(name, steam) == expected


def _alice(side: str = "CT") -> ll.Actor:
    return ll.Actor("Alice", STEAM64_OF_1, side)


def _bob(side: str = "TERRORIST") -> ll.Actor:
    return ll.Actor("Bob", STEAM64_OF_2, side)


EVENT_CASES: list[tuple[str, ll.Event | None]] = [
    (
        f'{A} [1 2 3] attacked {B} [4 5 6] with "ak47" (damage "27") (damage_armor "3")'
        ' (health "73") (armor "96") (hitgroup "Left Leg")',
        ll.Attack(_alice(), _bob(), "ak47", 27, 73, "left leg"),
    ),
    (
        f'{A} [1 2 3] killed {B} [-4 5 6] with "awp" (headshot noscope)',
        ll.Death(
            "kill", _alice(), _bob(), "awp", frozenset({"headshot", "noscope"}), (1, 2), (-4, 5)
        ),
    ),
    (
        f'{A} [1 2 3] killed {B} [4 5 6] with "m4a1"',
        ll.Death("kill", _alice(), _bob(), "m4a1", frozenset(), (1, 2), (4, 5)),
    ),
    (
        f'{B} [7 8 9] committed suicide with "hegrenade"',
        ll.Death("suicide", None, _bob(), "hegrenade", frozenset(), None, (7, 8)),
    ),
    (
        f"{B} [7 8 9] was killed by the bomb.",
        ll.Death("bomb", None, _bob(), None, frozenset(), None, (7, 8)),
    ),
    (f"{A} assisted killing {B}", ll.Assist(_alice(), _bob(), flash=False)),
    (f"{A} flash-assisted killing {B}", ll.Assist(_alice(), _bob(), flash=True)),
    (
        f'{B} triggered "Planted_The_Bomb" at bombsite B',
        ll.PlayerTrigger(_bob(), "Planted_The_Bomb", "B"),
    ),
    (f'{B} triggered "Got_The_Bomb"', ll.PlayerTrigger(_bob(), "Got_The_Bomb", None)),
    (
        f"{A} money change 800-200 = $600 (tracked) (purchase: weapon_hegrenade)",
        ll.MoneyChange(_alice(), -200, 600, purchase=True, sellback=False),
    ),
    (
        f"{A} money change 500+300 = $800 (tracked) (acquire: sellback)",
        ll.MoneyChange(_alice(), 300, 800, purchase=False, sellback=True),
    ),
    (
        f"{A} money change 3850+3250 = $7100 (tracked)",
        ll.MoneyChange(_alice(), 3250, 7100, purchase=False, sellback=False),
    ),
    (f'{A} picked up "knife"', ll.Presence(_alice())),
    (f'{A} purchased "m4a1"', ll.Presence(_alice())),
    (f'{A} disconnected (reason "NETWORK_DISCONNECT")', ll.Disconnect(_alice())),
    ('World triggered "Round_Start"', ll.WorldTrigger("Round_Start", None)),
    ('World triggered "Match_Start" on "de_inferno"', ll.WorldTrigger("Match_Start", "de_inferno")),
    (
        'Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "10") (T "2")',
        ll.TeamNotice("CT", "SFUI_Notice_CTs_Win", 10, 2),
    ),
    ('Team playing "CT": rvls test team 1', ll.TeamPlaying("CT", "rvls test team 1")),
    ('MatchStatus: Team playing "TERRORIST": Blue', ll.TeamPlaying("TERRORIST", "Blue")),
    (
        "Game Over: competitive  de_inferno score 2:13 after 10 min",
        ll.GameOver("competitive", "de_inferno", 2, 13),
    ),
    ('Loading map "de_inferno"', ll.LoadingMap("de_inferno")),
    ('Log file started (file "logs//x/1.log") (game "csgo")', ll.LogStarted("logs//x/1.log")),
    ("Starting Freeze period", ll.FreezeStart()),
    ("JSON_BEGIN{", ll.JsonBegin()),
    # Line types the adapter does not use are not errors.
    (f'{A} [1 2 3] killed other "chicken<145>" [4 5 6] with "knife"', None),
    (f'{A} say "I killed "Bob<4><[U:1:2]><TERRORIST>" with "awp"', None),
    (f'{A} say_team "attacked"', None),
    ('"Alice<3><[U:1:1]>" switched from team <Unassigned> to <CT>', None),
    ('"Spec<5><[U:1:5]><Spectator>" picked up "knife"', None),
    ('Team "CT" scored "1" with "5" players', None),
    ('rcon from "1.2.3.4:5": command "mp_restartgame 4;"', None),
    ("ACCOLADE, FINAL: {hsp},\tCzar<1>,\tVALUE: 66.666664", None),
    ("Something the next game version prints", None),
]


@pytest.mark.parametrize(("body", "expected"), EVENT_CASES)
def test_parse_event_reads_each_line_type(body: str, expected: ll.Event | None) -> None:
    assert ll.parse_event(body, SOURCE, 1) == expected


@pytest.mark.parametrize(
    ("body", "event"),
    [
        (f'{A} [1 2 3] attacked {B} [4 5 6] with "ak47" (damage "x")', "attacked"),
        (f'{A} [1 2 3] killed {B} [4 5 6] with "ak', "killed"),
        (f"{A} [1 2 3] killed Bob", "killed"),
        (f"{A} assisted killing Bob", "assisted killing"),
        (f"{B} [1 2 3] committed suicide with world", "committed suicide"),
        (f"{A} money change 800-x = $600 (tracked)", "money change"),
        (f"{A} triggered Planted_The_Bomb", "triggered"),
        ("World triggered Round_Start", "World triggered"),
        ('Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "1")', "Team triggered"),
        ("Game Over: competitive", "Game Over"),
        ("Loading map de_inferno", "Loading map"),
        # Combat lines must key their players: a LAN id cannot be counted for anyone.
        (
            '"Lan<3><STEAM_ID_LAN><CT>" [1 2 3] killed "Bob<4><[U:1:2]><TERRORIST>" [4 5 6]'
            ' with "ak47"',
            "killed",
        ),
    ],
)
def test_known_event_with_broken_fields_is_malformed(body: str, event: str) -> None:
    with pytest.raises(MalformedInputError) as info:
        ll.parse_event(body, SOURCE, 42)
    assert info.value.source == SOURCE
    assert info.value.field == f"line 42: {event}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('L 01/19/2026 - 18:55:38: Log file started (file "x")\n', True),
        ("\n\nL 01/19/2026 - 18:55:38: Loading map\n", True),
        ("01/19/2026 - 18:55:38.000 - Loading map\n", True),
        ("2026-01-19T18:55:38Z L 01/19/2026 - 18:55:38: Loading map\n", True),
        ("timestamp,event\n1,2\n", False),
        ("a\nb\nc\nd\ne\nL 01/19/2026 - 18:55:38: late header\n", False),
        ("", False),
    ],
)
def test_looks_like_log_checks_only_the_first_lines(text: str, expected: bool) -> None:
    assert ll.looks_like_log(text) is expected
