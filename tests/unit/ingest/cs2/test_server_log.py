"""Tests for the CS2 server-log adapter: the real log, small built logs, bad input."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from scoreline.domain.errors import MalformedInputError
from scoreline.domain.rounds import DamageType, Defuse, Kill, Match, Plant, ResultCode, Round
from scoreline.ingest.cs2 import server_log

DATA_DIR = Path(__file__).resolve().parents[4] / ".." / "shared" / "data" / "cs2"
REAL_LOG = DATA_DIR / "cs2_serverlog_seatlon_inferno_0f870999.log"
SOURCE = "built/server.log"
GAME_UUID = "0f870999-5f60-4259-7837-08de566fc039"
CLOCK_START = datetime(2026, 1, 19, 18, 0, 0, tzinfo=UTC)
STEAM64_BASE = 76561197960265728

# Accounts 1-2 start on CT ("Alpha"), 3-4 on T ("Bravo").
NAMES = {1: "Alice", 2: "Anna", 3: "Bob", 4: "Ben"}
ALICE, ANNA, BOB, BEN = (str(STEAM64_BASE + n) for n in (1, 2, 3, 4))
CT_WIN = ("CT", "SFUI_Notice_CTs_Win")
T_WIN = ("TERRORIST", "SFUI_Notice_Terrorists_Win")


# --- a small log writer --------------------------------------------------------------------


class LogWriter:
    """Builds a server log line by line on a clock that only moves forward."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.clock_s = 0

    def add(self, body: str, after_s: int = 0) -> LogWriter:
        self.clock_s += after_s
        stamp = CLOCK_START + timedelta(seconds=self.clock_s)
        self.lines.append(f"L {stamp:%m/%d/%Y - %H:%M:%S}: {body}")
        return self

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"

    def start_game(self, *, announce: bool = True, log_uuid: str | None = GAME_UUID) -> LogWriter:
        if log_uuid:
            self.add(f'Log file started (file "logs//{log_uuid}/2026_01_19.log") (game "csgo")')
        self.add('Loading map "de_nuke"')
        self.add('World triggered "Match_Start" on "de_nuke"')
        if announce:
            self.add('Team playing "CT": Alpha').add('Team playing "TERRORIST": Bravo')
        return self

    def play_round(
        self,
        score: tuple[int, int],
        *,
        winner: tuple[str, str] = CT_WIN,
        events: Iterable[str] = (),
        freeze: Iterable[str] = (),
        post: Iterable[str] = (),
        swapped: bool = False,
        players: Iterable[int] = (1, 2, 3, 4),
    ) -> LogWriter:
        self.add("Starting Freeze period", 5)
        for account in players:
            self.add(f'{tok(account, swapped=swapped)} picked up "knife"')
        for body in freeze:
            self.add(body)
        self.add('World triggered "Round_Start"', 15)
        for body in events:
            self.add(body, 2)
        side, notice = winner
        self.add(f'Team "{side}" triggered "{notice}" (CT "{score[0]}") (T "{score[1]}")', 2)
        self.add('World triggered "Round_End"')
        for body in post:
            self.add(body, 3)
        return self

    def game_over(self, score: tuple[int, int]) -> LogWriter:
        return self.add(f"Game Over: competitive mg_active de_nuke score {score[0]}:{score[1]}")


def side_of(account: int, *, swapped: bool = False) -> str:
    starts_ct = account in (1, 2)
    return "CT" if starts_ct != swapped else "TERRORIST"


def tok(account: int, *, swapped: bool = False, name: str | None = None) -> str:
    side = side_of(account, swapped=swapped)
    return f'"{name or NAMES[account]}<{account}><[U:1:{account}]><{side}>"'


def kill_line(killer: int, victim: int, weapon: str = "ak47", flags: str = "") -> str:
    tail = f" ({flags})" if flags else ""
    return f'{tok(killer)} [1 2 3] killed {tok(victim)} [10 20 30] with "{weapon}"{tail}'


def attack_line(attacker: int, victim: int, damage: int, health: int, hitgroup: str) -> str:
    return (
        f'{tok(attacker)} [1 2 3] attacked {tok(victim)} [10 20 30] with "ak47"'
        f' (damage "{damage}") (damage_armor "0") (health "{health}") (armor "0")'
        f' (hitgroup "{hitgroup}")'
    )


def parse_one(log: LogWriter) -> Match:
    (match,) = server_log.parse(log.text(), SOURCE)
    return match


def kill_pairs(round_: Round) -> list[tuple[str | None, str]]:
    return [(k.killer_id, k.victim_id) for k in round_.kills]


def team_of(match: Match) -> dict[str, str]:
    return {p.player_id: p.team_id for p in match.players}


# --- rounds: warm-up, restarts, restores -----------------------------------------------------


def test_warm_up_kills_belong_to_no_round() -> None:
    log = LogWriter().add('Loading map "de_nuke"').add('World triggered "Warmup_Start"')
    log.add(kill_line(1, 3), 5).add('World triggered "Warmup_End"')
    log.start_game().play_round((0, 1), winner=T_WIN, events=[kill_line(4, 2)])
    match = parse_one(log)
    assert [r.number for r in match.rounds] == [0]
    assert kill_pairs(match.rounds[0]) == [(BEN, ANNA)]


def test_restart_discards_every_round_played_before_it() -> None:
    log = LogWriter().start_game()
    log.play_round((1, 0), events=[kill_line(1, 3, "knife")])  # a knife round
    log.play_round((1, 1), winner=T_WIN, events=[kill_line(3, 1)])
    log.add('rcon from "1.2.3.4:5": command "mp_restartgame 4;"')
    log.add('World triggered "Restart_Round_(4_seconds)"', 1).start_game()
    log.play_round((0, 1), winner=T_WIN, events=[kill_line(4, 2)])
    match = parse_one(log)
    assert [r.number for r in match.rounds] == [0]
    assert kill_pairs(match.rounds[0]) == [(BEN, ANNA)]
    assert match.rounds[0].winning_team_id == "Bravo"


def test_backup_restore_replaces_the_replayed_round_and_voids_later_ones() -> None:
    log = LogWriter().start_game()
    log.play_round((1, 0), events=[kill_line(1, 3)])
    log.play_round((2, 0), events=[kill_line(1, 4)])
    log.play_round((3, 0), events=[kill_line(2, 4)])
    log.add('rcon from "1.2.3.4:5": command "mp_backup_restore_load_file backup_round01.txt"')
    # The replay of round 1 (score back to 1:0 before it) is won by the other side.
    log.play_round((1, 1), winner=T_WIN, events=[kill_line(3, 2)])
    log.game_over((1, 1))
    match = parse_one(log)
    assert [r.number for r in match.rounds] == [0, 1]
    assert kill_pairs(match.rounds[1]) == [(BOB, ANNA)]
    assert match.rounds[1].winning_team_id == "Bravo"
    assert [t.rounds_won for t in match.teams] == [1, 1]


def test_match_start_printed_during_freeze_keeps_that_freeze() -> None:
    # CS2 prints Match_Start after the first round's freeze began, between the buys.
    freeze = [
        'World triggered "Match_Start" on "de_nuke"',
        f"{tok(1)} money change 800-200 = $600 (tracked) (purchase: weapon_hegrenade)",
    ]
    log = LogWriter().start_game().play_round((1, 0), freeze=freeze, players=(1, 3))
    (round_,) = parse_one(log).rounds
    assert [(p.player_id, p.spent) for p in round_.players] == [(ALICE, 200), (BOB, 0)]


def test_round_without_a_winner_notice_is_not_kept() -> None:
    log = LogWriter().start_game().play_round((1, 0), events=[kill_line(1, 3)])
    log.add("Starting Freeze period", 5).add('World triggered "Round_Start"', 15)
    log.add(kill_line(4, 1), 2).add('World triggered "Round_End"', 1)
    match = parse_one(log)
    assert [r.number for r in match.rounds] == [0]


def test_log_without_a_completed_round_is_malformed() -> None:
    log = LogWriter().start_game().add('World triggered "Round_Start"', 5)
    log.add(kill_line(1, 3), 2)
    with pytest.raises(MalformedInputError) as info:
        server_log.parse(log.text(), SOURCE)
    assert (info.value.source, info.value.field) == (SOURCE, "rounds")


# --- deaths and assists --------------------------------------------------------------------


def test_suicide_has_the_victim_as_killer_and_a_world_death_has_none() -> None:
    events = [
        f'{tok(3)} [5 6 7] committed suicide with "hegrenade"',
        f'{tok(4)} [5 6 7] committed suicide with "world"',
    ]
    match = parse_one(LogWriter().start_game().play_round((1, 0), events=events))
    grenade, world = match.rounds[0].kills
    assert (grenade.killer_id, grenade.victim_id, grenade.weapon) == (BOB, BOB, "hegrenade")
    assert grenade.damage_type is DamageType.WEAPON
    assert (world.killer_id, world.victim_id, world.weapon) == (None, BEN, "world")
    assert world.victim_position == (5.0, 6.0)


def test_team_kill_keeps_killer_and_victim_on_one_team() -> None:
    match = parse_one(LogWriter().start_game().play_round((1, 0), events=[kill_line(1, 2)]))
    assert kill_pairs(match.rounds[0]) == [(ALICE, ANNA)]
    teams = team_of(match)
    assert teams[ALICE] == teams[ANNA] == "Alpha"


def test_c4_death_is_marked_bomb_with_no_killer() -> None:
    events = [
        f'{tok(3)} triggered "Planted_The_Bomb" at bombsite A',
        f"{tok(1)} [100 200 0] was killed by the bomb.",
    ]
    log = LogWriter().start_game()
    log.play_round((0, 1), winner=("TERRORIST", "SFUI_Notice_Target_Bombed"), events=events)
    round_ = parse_one(log).rounds[0]
    (death,) = round_.kills
    assert (death.killer_id, death.victim_id, death.damage_type) == (None, ALICE, DamageType.BOMB)
    assert round_.result_code is ResultCode.DETONATE
    assert round_.plant == Plant(t_ms=2000, planter_id=BOB, site="A")
    assert round_.winning_team_id == round_.attacking_team_id == "Bravo"


def test_flash_and_damage_assists_credit_enemies_of_the_victim_only() -> None:
    events = [
        kill_line(3, 1),
        f"{tok(4)} flash-assisted killing {tok(1)}",
        f"{tok(2)} assisted killing {tok(1)}",  # the victim's teammate: never an assistant
        kill_line(3, 2, flags="headshot"),
        f"{tok(4)} assisted killing {tok(2)}",
    ]
    match = parse_one(LogWriter().start_game().play_round((0, 1), winner=T_WIN, events=events))
    assert [k.assistant_ids for k in match.rounds[0].kills] == [(BEN,), (BEN,)]
    assert [k.headshot for k in match.rounds[0].kills] == [False, True]


def test_kill_after_round_end_is_marked_and_kept_in_its_round() -> None:
    log = LogWriter().start_game()
    log.play_round((1, 0), events=[kill_line(1, 3)], post=[kill_line(2, 4)])
    log.play_round((2, 0), events=[kill_line(1, 4)])
    first, second = parse_one(log).rounds
    assert [k.after_round_end for k in first.kills] == [False, True]
    assert first.duration_ms is not None
    assert first.kills[1].t_ms > first.duration_ms
    assert kill_pairs(second) == [(ALICE, BEN)]


def test_kills_keep_log_order_on_equal_seconds() -> None:
    log = LogWriter().start_game().add("Starting Freeze period", 5)
    log.add('World triggered "Round_Start"', 15)
    log.add(kill_line(1, 3), 4).add(kill_line(4, 1)).add(kill_line(2, 4))
    log.add('Team "CT" triggered "SFUI_Notice_CTs_Win" (CT "1") (T "0")', 1)
    log.add('World triggered "Round_End"')
    (round_,) = parse_one(log).rounds
    assert kill_pairs(round_) == [(ALICE, BOB), (BEN, ALICE), (ANNA, BEN)]
    assert [k.t_ms for k in round_.kills] == [4000, 4000, 4000]


# --- damage --------------------------------------------------------------------------------


def test_damage_counts_health_removed_and_resets_health_each_round() -> None:
    log = LogWriter().start_game()
    log.play_round(
        (1, 0),
        events=[
            attack_line(1, 3, damage=27, health=73, hitgroup="chest"),
            attack_line(1, 3, damage=129, health=0, hitgroup="head"),  # overkill: 73 counted
            attack_line(2, 4, damage=19, health=81, hitgroup="left leg"),
        ],
    )
    log.play_round((2, 0), events=[attack_line(1, 3, damage=10, health=90, hitgroup="generic")])
    first, second = parse_one(log).rounds
    assert [(d.amount, d.headshots, d.bodyshots, d.legshots) for d in first.damage] == [
        (27, 0, 1, 0),
        (73, 1, 0, 0),
        (19, 0, 0, 1),
    ]
    hit = first.damage[0]
    assert (hit.attacker_id, hit.receiver_id, hit.weapon, hit.t_ms) == (ALICE, BOB, "ak47", 2000)
    assert [d.amount for d in second.damage] == [10]


# --- teams, sides, players -----------------------------------------------------------------


def test_team_ids_survive_the_halftime_side_swap() -> None:
    log = LogWriter().start_game()
    log.play_round((1, 0), events=[kill_line(1, 3)])
    log.add('MatchStatus: Team playing "CT": Bravo').add(
        'MatchStatus: Team playing "TERRORIST": Alpha'
    )
    # After the swap Bravo plays CT and wins: the CT notice credits Bravo.
    log.play_round((1, 1), swapped=True)
    match = parse_one(log)
    assert [r.attacking_team_id for r in match.rounds] == ["Bravo", "Alpha"]
    assert [r.winning_team_id for r in match.rounds] == ["Alpha", "Bravo"]
    assert team_of(match) == {ALICE: "Alpha", ANNA: "Alpha", BOB: "Bravo", BEN: "Bravo"}
    assert [(t.team_id, t.name, t.rounds_won, t.won) for t in match.teams] == [
        ("Alpha", "Alpha", 1, None),
        ("Bravo", "Bravo", 1, None),
    ]


def test_team_ids_fall_back_to_the_starting_side_without_team_names() -> None:
    log = LogWriter().start_game(announce=False).play_round((1, 0)).game_over((1, 0))
    match = parse_one(log)
    assert team_of(match)[ALICE] == server_log.TEAM_CT_START
    assert team_of(match)[BOB] == server_log.TEAM_T_START
    assert [(t.team_id, t.won) for t in match.teams] == [
        (server_log.TEAM_CT_START, True),
        (server_log.TEAM_T_START, False),
    ]


def test_player_who_leaves_during_freeze_did_not_play_the_round() -> None:
    freeze = [f'{tok(4)} disconnected (reason "NETWORK_DISCONNECT_DISCONNECT_BY_USER")']
    log = LogWriter().start_game().play_round((1, 0), freeze=freeze)
    (round_,) = parse_one(log).rounds
    assert [p.player_id for p in round_.players] == [ALICE, ANNA, BOB]


def test_players_are_keyed_by_steamid64_with_their_last_name_and_bots_by_name() -> None:
    bot = '"Kate<9><BOT><TERRORIST>"'
    log = LogWriter().start_game()
    log.play_round((1, 0), freeze=[f'{bot} picked up "glock"'])
    log.play_round(
        (2, 0), events=[f'{tok(1, name="Alice2")} [1 2 3] killed {bot} [4 5 6] with "m4a1"']
    )
    match = parse_one(log)
    names = {p.player_id: (p.name, p.team_id) for p in match.players}
    assert names[ALICE] == ("Alice2", "Alpha")
    assert names["BOT:Kate"] == ("Kate", "Bravo")
    assert kill_pairs(match.rounds[1]) == [(ALICE, "BOT:Kate")]


# --- bomb, economy, round results ------------------------------------------------------------


def test_defuse_goes_to_the_last_defuse_begun_when_the_log_has_no_defused_line() -> None:
    events = [
        f'{tok(3)} triggered "Planted_The_Bomb" at bombsite B',
        f'{tok(1)} triggered "Begin_Bomb_Defuse_Without_Kit"',
        f'{tok(2)} triggered "Begin_Bomb_Defuse_With_Kit"',
    ]
    log = LogWriter().start_game()
    log.play_round((1, 0), winner=("CT", "SFUI_Notice_Bomb_Defused"), events=events)
    (round_,) = parse_one(log).rounds
    assert round_.result_code is ResultCode.DEFUSE
    assert round_.plant == Plant(t_ms=2000, planter_id=BOB, site="B")
    assert round_.defuse == Defuse(t_ms=8000, defuser_id=ANNA)


@pytest.mark.parametrize(
    ("notice_side", "notice", "result", "winner"),
    [
        ("CT", "SFUI_Notice_Target_Saved", ResultCode.TIMER, "Alpha"),
        ("TERRORIST", "SFUI_Notice_Terrorists_Win", ResultCode.ELIMINATION, "Bravo"),
        ("CT", "SFUI_Notice_Terrorists_Surrender", ResultCode.SURRENDERED, "Alpha"),
        ("TERRORIST", "SFUI_Notice_CTs_Surrender", ResultCode.SURRENDERED, "Bravo"),
        ("CT", "SFUI_Notice_Hostages_Rescued", ResultCode.UNKNOWN, "Alpha"),
    ],
)
def test_round_end_notice_gives_result_code_and_winner(
    notice_side: str, notice: str, result: ResultCode, winner: str
) -> None:
    log = LogWriter().start_game().play_round((1, 0), winner=(notice_side, notice))
    (round_,) = parse_one(log).rounds
    assert (round_.result_code, round_.winning_team_id) == (result, winner)


def test_spent_and_remaining_come_from_buy_time_money_changes() -> None:
    freeze = [
        f"{tok(1)} money change 800-200 = $600 (tracked) (purchase: weapon_hegrenade)",
        f"{tok(1)} money change 600-500 = $100 (tracked) (purchase: weapon_mac10)",
        f"{tok(1)} money change 100+250 = $350 (tracked) (acquire: sellback)",
    ]
    log = LogWriter().start_game()
    log.play_round(
        (1, 0), freeze=freeze, events=[f"{tok(1)} money change 350+300 = $650 (tracked)"]
    )
    log.play_round((2, 0))
    first, second = parse_one(log).rounds
    economy = {p.player_id: (p.spent, p.remaining) for p in first.players}
    assert economy[ALICE] == (450, 350)
    assert economy[ANNA] == (0, None)  # bought nothing; no round_stats block to tell her money
    assert {(p.spent, p.remaining) for p in second.players} == {(None, None)}


# --- match fields, games, published totals ---------------------------------------------------


def round_stats_block(round_number: int, rows: dict[int, str]) -> list[str]:
    fields = "accountid, team, money, kills, deaths, assists, dmg, hsp, kdr, adr, mvp"
    lines = [
        "JSON_BEGIN{",
        '"name": "round_stats",',
        f'"round_number" : "{round_number}",',
        '"map" : "de_nuke",',
        f'"fields" : "   {fields}",',
        '"players" : {',
        '"player_0" : "       0,  0,  800,  0,  0,  0,  0.00,  0.00,  0.00,  0,  0",',
    ]
    lines += [f'"player_{n}" : "   {n}, {row}",' for n, row in rows.items()]
    return [*lines, "}}JSON_END"]


def test_published_totals_come_from_the_last_round_stats_block() -> None:
    block = round_stats_block(
        2,
        {
            1: "3, 1350, 1, 0, 0, 100.00, 100.00, 0.00, 100, 1",
            3: "2, 1900, 0, 1, 0, 0.00, 0.00, 0.00, 0, 0",
        },
    )
    log = LogWriter().start_game().play_round((1, 0), events=[kill_line(1, 3, flags="headshot")])
    buy = f"{tok(3)} money change 1900-200 = $1700 (tracked) (purchase: weapon_flashbang)"
    log.play_round((2, 0), freeze=[*block, buy]).game_over((2, 0))
    match = parse_one(log)
    published = {p.player_id: p for p in match.published}
    assert set(published) == {ALICE, BOB}
    alice = published[ALICE]
    assert (alice.kills, alice.deaths, alice.assists, alice.damage) == (1, 0, 0, 100)
    assert (alice.adr, alice.hs_pct) == (100.0, 100.0)
    # The block opens round 2 (1-based): it covers round 0 only, which both played.
    assert alice.rounds_played == published[BOB].rounds_played == 1
    # The block's money is the start money: a player who bought nothing keeps it all.
    economy = {p.player_id: (p.spent, p.remaining) for p in match.rounds[1].players}
    assert economy[ALICE] == (0, 1350)
    assert economy[BOB] == (200, 1700)


def test_match_fields_come_from_the_log() -> None:
    log = LogWriter().start_game().play_round((1, 0)).play_round((1, 1), winner=T_WIN)
    log.game_over((1, 1))
    match = parse_one(log)
    assert match.match_id == GAME_UUID
    assert (match.map_name, match.mode, match.source_format) == (
        "de_nuke",
        "competitive",
        "cs2-server-log",
    )
    assert match.started_at == CLOCK_START  # the Match_Start line, read as UTC
    # Two rounds of 5 s to freeze, 15 s of buy time and 2 s of play, then Game Over.
    assert match.duration_ms == 2 * (5 + 15 + 2) * 1000


def test_match_id_without_a_game_folder_is_a_content_hash() -> None:
    first = LogWriter().start_game(log_uuid=None).play_round((1, 0))
    other = LogWriter().start_game(log_uuid=None).play_round((0, 1), winner=T_WIN)
    first_id = parse_one(first).match_id
    assert len(first_id) == 32
    assert first_id == parse_one(first).match_id
    assert first_id != parse_one(other).match_id


def test_each_game_over_closes_a_match() -> None:
    log = LogWriter().start_game().play_round((1, 0)).game_over((1, 0))
    log.add(f'{tok(3)} [1 2 3] committed suicide with "world"', 5)  # a disconnect after the end
    log.start_game().play_round((0, 1), winner=T_WIN).game_over((0, 1))
    first, second = server_log.parse(log.text(), SOURCE)
    assert (first.match_id, second.match_id) == (GAME_UUID, f"{GAME_UUID}-2")
    assert [t.won for t in first.teams] == [True, False]
    assert [t.won for t in second.teams] == [False, True]
    assert all(not r.kills for r in (*first.rounds, *second.rounds))


def test_http_log_lines_give_millisecond_times() -> None:
    log = LogWriter().start_game().play_round((1, 0), events=[kill_line(1, 3)])
    http_lines = []
    for line in log.lines:
        stamp, body = line[2:23], line[25:]
        http_lines.append(f"{stamp}.{250 if 'killed' in body else 0:03d} - {body}")
    text = "\n".join(http_lines)
    assert server_log.recognizes(text)
    (match,) = server_log.parse(text, SOURCE)
    assert [k.t_ms for k in match.rounds[0].kills] == [2250]


def test_recognizes_a_log_with_a_byte_order_mark() -> None:
    text = "\ufeff" + LogWriter().start_game().play_round((1, 0)).text()
    assert server_log.recognizes(text)
    assert server_log.parse(text, SOURCE)[0].match_id == GAME_UUID


# --- malformed input -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("damaged", "event"),
    [
        (f'{tok(1)} [1 2 3] attacked {tok(3)} [4 5 6] with "ak47" (damage "2', "attacked"),
        (f"{tok(1)} [1 2 3] killed {tok(3)} [4", "killed"),
        ('Team "CT" triggered "SFUI_Notice_CTs_Win"', "Team triggered"),
        ("L 01/19/2026 - 18:0", "timestamp"),
    ],
)
def test_truncated_line_is_malformed_naming_its_line(damaged: str, event: str) -> None:
    log = LogWriter().start_game().play_round((1, 0))
    if damaged.startswith("L "):
        log.lines.append(damaged)
    else:
        log.add(damaged)
    with pytest.raises(MalformedInputError) as info:
        server_log.parse(log.text(), SOURCE)
    assert info.value.source == SOURCE
    assert info.value.field == f"line {len(log.lines)}: {event}"


def test_round_stats_block_with_a_bad_row_is_malformed() -> None:
    log = LogWriter().start_game().play_round((1, 0)).add("Starting Freeze period", 5)
    for line in round_stats_block(2, {1: "3, 1350, x, 0, 0, 1.00, 0.00, 0.00, 1, 0"}):
        log.add(line)
    with pytest.raises(MalformedInputError) as info:
        server_log.parse(log.text(), SOURCE)
    assert info.value.field == f"line {len(log.lines) - 1}: round_stats"


def test_unclosed_round_stats_block_is_malformed() -> None:
    log = LogWriter().start_game().play_round((1, 0)).add("Starting Freeze period", 5)
    log.add("JSON_BEGIN{").add('"name": "round_stats",').add('World triggered "Round_Start"')
    with pytest.raises(MalformedInputError) as info:
        server_log.parse(log.text(), SOURCE)
    # Named by the line that opened the block.
    assert info.value.field == f"line {len(log.lines) - 2}: round_stats"


def test_unknown_lines_are_ignored() -> None:
    noise = [
        "Some line a future server prints",
        f'{tok(1)} did something new "x"',
        'World triggered "Something_New"',
        f'{tok(3)} say "{tok(1)} [1 2 3] killed {tok(3)} [4 5 6] with "awp""',
    ]
    match = parse_one(LogWriter().start_game().play_round((1, 0), events=noise))
    assert match.rounds[0].kills == ()


# --- the real log --------------------------------------------------------------------------


@cache
def real_match() -> Match:
    (match,) = server_log.parse(REAL_LOG.read_text(encoding="utf-8"), str(REAL_LOG))
    return match


TEAM_1, TEAM_2 = "rvls test team 1", "rvls test 2"


def test_real_log_is_recognized() -> None:
    assert server_log.recognizes(REAL_LOG.read_text(encoding="utf-8"))


def test_real_log_match_fields() -> None:
    match = real_match()
    assert match.match_id == GAME_UUID
    assert (match.map_name, match.mode) == ("de_inferno", "competitive")
    # The last Match_Start: after the knife round and the second mp_restartgame.
    assert match.started_at == datetime(2026, 1, 19, 19, 3, 17, tzinfo=UTC)
    assert match.duration_ms == 596_000
    assert len(match.players) == 10
    assert [(t.team_id, t.rounds_won, t.won) for t in match.teams] == [
        (TEAM_1, 13, True),
        (TEAM_2, 2, False),
    ]


def test_real_log_keeps_fifteen_rounds_and_drops_the_knife_round() -> None:
    rounds = real_match().rounds
    assert [r.number for r in rounds] == list(range(15))
    # The knife round (19:02:08, all knife kills) was replayed as round 0 after the restart.
    first = rounds[0].kills[0]
    assert (first.weapon, first.headshot, first.t_ms) == ("deagle", True, 11_000)
    assert all(len(r.players) == 10 for r in rounds)


def test_real_log_sides_swap_after_twelve_rounds() -> None:
    rounds = real_match().rounds
    assert [r.attacking_team_id for r in rounds] == [TEAM_2] * 12 + [TEAM_1] * 3
    winners = Counter(r.winning_team_id for r in rounds)
    assert winners == {TEAM_1: 13, TEAM_2: 2}
    assert [r.number for r in rounds if r.winning_team_id == TEAM_2] == [1, 5]


def test_real_log_kills_damage_and_results() -> None:
    rounds = real_match().rounds
    kills = [k for r in rounds for k in r.kills]
    teams = team_of(real_match())
    assert [len(r.kills) for r in rounds] == [9, 9, 7, 8, 7, 8, 8, 8, 8, 7, 8, 7, 9, 8, 5]
    assert sum(k.after_round_end for k in kills) == 7
    assert sum(bool(k.headshot) for k in kills) == 51
    assert sum(1 for k in kills if k.killer_id and teams[k.killer_id] == teams[k.victim_id]) == 19
    assert sum(len(r.damage) for r in rounds) == 627
    assert Counter(r.result_code for r in rounds) == {
        ResultCode.ELIMINATION: 14,
        ResultCode.DEFUSE: 1,
    }
    defused = rounds[10]
    assert defused.plant == Plant(t_ms=27_000, planter_id="76561199007399506", site="A")
    assert defused.defuse == Defuse(t_ms=53_000, defuser_id="76561198057945007")


def test_real_log_published_totals_cover_the_rounds_before_the_last_block() -> None:
    match = real_match()
    published = {p.player_id: p for p in match.published}
    assert len(published) == 10
    # The last block opens round 15 (1-based): rounds 0-13. No block follows Game Over.
    assert {p.rounds_played for p in published.values()} == {14}
    lolz = published["76561198057945007"]
    assert (lolz.kills, lolz.deaths, lolz.assists, lolz.damage) == (19, 7, 7, 1957)
    assert (lolz.adr, lolz.hs_pct) == (140.0, 52.63)


def _deaths_and_enemy_damage(match: Match, rounds: Iterable[Round]) -> dict[str, tuple[int, int]]:
    teams = team_of(match)
    deaths: Counter[str] = Counter()
    damage: Counter[str] = Counter()
    for round_ in rounds:
        deaths.update(k.victim_id for k in round_.kills)
        for hit in round_.damage:
            if teams[hit.attacker_id] != teams[hit.receiver_id]:
                damage[hit.attacker_id] += hit.amount
    return {pid: (deaths[pid], damage[pid]) for pid in teams}


def test_real_log_deaths_and_capped_damage_reproduce_the_published_block() -> None:
    match = real_match()
    covered = [r for r in match.rounds if r.number < 14]
    mine = _deaths_and_enemy_damage(match, covered)
    assert mine == {p.player_id: (p.deaths, p.damage) for p in match.published}


def test_real_log_every_kill_has_a_killer_and_both_positions() -> None:
    kills: list[Kill] = [k for r in real_match().rounds for k in r.kills]
    assert all(k.killer_id is not None for k in kills)
    assert all(k.killer_position and k.victim_position for k in kills)
