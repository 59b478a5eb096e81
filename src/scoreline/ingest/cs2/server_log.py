"""Parse CS2 dedicated-server logs (HL log lines and round_stats blocks) into canonical matches."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum

from scoreline.domain.errors import MalformedInputError
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
from scoreline.ingest.cs2 import _log_lines as ll

FORMAT_NAME = "cs2-server-log"

FULL_HEALTH = 100
TEAM_CT_START = "team_ct_start"
TEAM_T_START = "team_t_start"
_BOM = "\ufeff"

_RESULT_BY_NOTICE = {
    "SFUI_Notice_Target_Bombed": ResultCode.DETONATE,
    "SFUI_Notice_Bomb_Defused": ResultCode.DEFUSE,
    "SFUI_Notice_Target_Saved": ResultCode.TIMER,
    "SFUI_Notice_Terrorists_Win": ResultCode.ELIMINATION,
    "SFUI_Notice_CTs_Win": ResultCode.ELIMINATION,
    "SFUI_Notice_Terrorists_Surrender": ResultCode.SURRENDERED,
    "SFUI_Notice_CTs_Surrender": ResultCode.SURRENDERED,
}
# The notice names the winner by itself; the `Team "X"` prefix is the fallback for others.
_WINNER_BY_NOTICE = {
    "SFUI_Notice_Target_Bombed": ll.TERRORIST,
    "SFUI_Notice_Terrorists_Win": ll.TERRORIST,
    "SFUI_Notice_CTs_Surrender": ll.TERRORIST,
    "SFUI_Notice_Bomb_Defused": ll.CT,
    "SFUI_Notice_Target_Saved": ll.CT,
    "SFUI_Notice_CTs_Win": ll.CT,
    "SFUI_Notice_Terrorists_Surrender": ll.CT,
}
_DEFUSED_NOTICE = "SFUI_Notice_Bomb_Defused"
_HEAD_HITGROUPS = frozenset({"head"})
_LEG_HITGROUPS = frozenset({"left leg", "right leg"})
# Events that abort whatever round is under way: nothing before them carries into the next round.
_RESET_TRIGGERS = frozenset({"Warmup_Start", "Game_Commencing"})
_UUID_RE = re.compile(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)
_STATS_LINE_RE = re.compile(r'"([^"]*)"\s*:\s*(?:"(.*)"|\{)\s*,?\s*')


def recognizes(text: str) -> bool:
    """True when the first lines carry the `L MM/DD/YYYY - HH:MM:SS:` header (or the HTTP one)."""
    return ll.looks_like_log(text.removeprefix(_BOM))


def parse(text: str, source: str) -> tuple[Match, ...]:
    """Parse one server log into one Match per game it holds (a game ends at `Game Over`).

    Warm-up, knife rounds and rounds voided by `mp_restartgame` or a backup restore are
    dropped: each completed round is numbered from the score its end notice shows, and a
    round replaces any kept round with the same or a later number.
    """
    text = text.removeprefix(_BOM)
    reader = _LogReader(source)
    for line_no, line in enumerate(text.splitlines(), start=1):
        reader.feed(line, line_no)
    games = [game for game in reader.finish() if game.rounds]
    if not games:
        raise MalformedInputError(source, "rounds", "the log holds no completed round")
    base_id = _match_id_base(reader.log_path, text)
    return tuple(
        _build_match(game, base_id if k == 0 else f"{base_id}-{k + 1}")
        for k, game in enumerate(games)
    )


class _Phase(Enum):
    IDLE = "idle"  # warm-up, between games: nothing is recorded
    FREEZE = "freeze"  # buy time before Round_Start: presence and money
    LIVE = "live"  # Round_Start .. Round_End
    POST = "post"  # after Round_End: exit frags still belong to the round


@dataclass(frozen=True, slots=True)
class _StatsRow:
    kills: int
    deaths: int
    assists: int
    damage: int
    adr: float
    hs_pct: float
    money: int


@dataclass(frozen=True, slots=True)
class _StatsBlock:
    """A round_stats block: printed at the start of round `round_number` (1-based)."""

    round_number: int
    rows: dict[str, _StatsRow]


@dataclass(slots=True)
class _RoundDraft:
    """A round while its lines are read; frozen into a Round once the log is read."""

    start_ms: int = 0
    end_ms: int | None = None
    match_start_ms: int | None = None
    map_name: str | None = None
    announced: dict[str, str] = field(default_factory=dict)
    sides: dict[str, str] = field(default_factory=dict)  # player id -> side: presence
    start_money: dict[str, int] = field(default_factory=dict)
    money_tracked: bool = False
    spent: dict[str, int] = field(default_factory=dict)
    remaining: dict[str, int] = field(default_factory=dict)
    kills: list[Kill] = field(default_factory=list)
    last_kill_of: dict[str, int] = field(default_factory=dict)
    damage: list[Damage] = field(default_factory=list)
    health: dict[str, int] = field(default_factory=dict)
    plant: Plant | None = None
    defuse: Defuse | None = None
    notice: ll.TeamNotice | None = None
    notice_ms: int = 0
    winner_side: str | None = None
    defuse_started_by: str | None = None


@dataclass(slots=True)
class _GameDraft:
    rounds: dict[int, _RoundDraft] = field(default_factory=dict)
    announced: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    match_start_ms: int | None = None
    game_over: ll.GameOver | None = None
    game_over_ms: int | None = None
    last_block: _StatsBlock | None = None


class _LogReader:
    """Feeds lines through the round state machine; one _GameDraft per game."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.log_path: str | None = None
        self.map_name: str | None = None
        self.games: list[_GameDraft] = []
        self.game = _GameDraft()
        self.phase = _Phase.IDLE
        self.draft: _RoundDraft | None = None  # the round that FREEZE/LIVE/POST lines go to
        self.block: list[tuple[int, str]] | None = None  # round_stats lines being collected
        self.block_line_no = 0

    def feed(self, line: str, line_no: int) -> None:
        header = ll.split_header(line, self.source, line_no)
        if header is None:
            return
        ts_ms, body = header
        if self.block is not None:
            self._feed_block(body, line_no)
            return
        event = ll.parse_event(body, self.source, line_no)
        if event is not None:
            self._apply(event, ts_ms, line_no)

    def finish(self) -> list[_GameDraft]:
        if self.block is not None:
            raise MalformedInputError(
                self.source, f"line {self.block_line_no}: round_stats", "block never closed"
            )
        self.games.append(self.game)
        return self.games

    # -- events ---------------------------------------------------------------------------

    def _apply(self, event: ll.Event, ts_ms: int, line_no: int) -> None:
        match event:
            case ll.Attack() | ll.Death() | ll.Assist() | ll.PlayerTrigger():
                self._apply_combat(event, ts_ms)
            case ll.MoneyChange() | ll.Presence() | ll.Disconnect():
                self._apply_presence(event)
            case ll.WorldTrigger():
                self._apply_world(event, ts_ms)
            case ll.TeamNotice():
                if self.phase is _Phase.LIVE and self.draft is not None:
                    self.draft.notice = event
                    self.draft.notice_ms = ts_ms
            case ll.TeamPlaying():
                self.game.announced[event.side] = event.name
            case ll.FreezeStart():
                self.phase = _Phase.FREEZE
                self.draft = _RoundDraft()
            case ll.JsonBegin():
                self.block = []
                self.block_line_no = line_no
            case ll.GameOver():
                self._close_game(event, ts_ms)
            case ll.LoadingMap():
                self.map_name = event.map_name
            case ll.LogStarted():
                self.log_path = self.log_path or event.path

    def _apply_world(self, event: ll.WorldTrigger, ts_ms: int) -> None:
        name = event.name
        if name == "Round_Start":
            # Without a freeze line before it, the round's presence starts here.
            draft = self.draft if self.phase is _Phase.FREEZE and self.draft else _RoundDraft()
            draft.start_ms = ts_ms
            draft.match_start_ms = self.game.match_start_ms
            draft.map_name = self.map_name
            draft.announced = dict(self.game.announced)
            self.draft = draft
            self.phase = _Phase.LIVE
        elif name == "Round_End":
            self._end_round(ts_ms)
        elif name == "Match_Start":
            self.game.match_start_ms = ts_ms
            if event.map_name:
                self.map_name = event.map_name
            # Match_Start is printed during the freeze of the first round: keep that freeze.
            if self.phase is not _Phase.FREEZE:
                self._go_idle()
        elif name in _RESET_TRIGGERS or name.startswith("Restart_Round"):
            self._go_idle()

    def _end_round(self, ts_ms: int) -> None:
        draft = self.draft
        if self.phase is not _Phase.LIVE or draft is None:
            return
        notice = draft.notice
        winner = _winner_side(notice)
        if notice is None or winner is None:
            # A round cut short (restart, backup load) or drawn is not kept: a draw leaves the
            # score, and so the next round's number, unchanged.
            self._go_idle()
            return
        draft.end_ms = ts_ms
        draft.winner_side = winner
        if notice.notice == _DEFUSED_NOTICE and draft.defuse is None and draft.defuse_started_by:
            # CS2 logs no `Defused_The_Bomb`: the defuse that ended the round is the last one
            # begun, and it completed when the round-end notice was printed.
            draft.defuse = Defuse(
                t_ms=max(0, draft.notice_ms - draft.start_ms), defuser_id=draft.defuse_started_by
            )
        # The notice's score counts the rounds played so far, this one included. A restart
        # or a backup restore rewinds the score, so the replayed round takes its number back
        # and every round at or after it is void.
        number = notice.score_ct + notice.score_t - 1
        if number >= 0:
            rounds = self.game.rounds
            for stale in [n for n in rounds if n >= number]:
                del rounds[stale]
            rounds[number] = draft
        self.phase = _Phase.POST

    def _go_idle(self) -> None:
        self.phase = _Phase.IDLE
        self.draft = None

    def _close_game(self, event: ll.GameOver, ts_ms: int) -> None:
        self.game.game_over = event
        self.game.game_over_ms = ts_ms
        self.games.append(self.game)
        # Team names stay set on the server between games.
        self.game = _GameDraft(announced=dict(self.game.announced))
        self._go_idle()

    def _see(self, actor: ll.Actor) -> None:
        if actor.player_id is not None:
            self.game.names[actor.player_id] = actor.name

    def _mark_present(self, draft: _RoundDraft, actor: ll.Actor) -> None:
        if actor.player_id is not None and actor.side in (ll.CT, ll.TERRORIST):
            draft.sides[actor.player_id] = actor.side

    def _apply_presence(self, event: ll.MoneyChange | ll.Presence | ll.Disconnect) -> None:
        self._see(event.actor)
        draft = self.draft
        if draft is None or self.phase not in (_Phase.FREEZE, _Phase.LIVE):
            return
        pid = event.actor.player_id
        if pid is None:
            return
        if isinstance(event, ll.Disconnect):
            # Gone before the round started: not in it. Gone later: the round still counts.
            if self.phase is _Phase.FREEZE:
                draft.sides.pop(pid, None)
            return
        self._mark_present(draft, event.actor)
        if isinstance(event, ll.MoneyChange):
            draft.money_tracked = True
            if event.purchase or event.sellback:
                # A purchase shows a negative delta, a sellback a positive one.
                draft.spent[pid] = draft.spent.get(pid, 0) - event.delta
                draft.remaining[pid] = event.balance

    def _apply_combat(
        self, event: ll.Attack | ll.Death | ll.Assist | ll.PlayerTrigger, ts_ms: int
    ) -> None:
        for actor in _actors_of(event):
            self._see(actor)
        draft = self.draft
        if draft is None or self.phase not in (_Phase.LIVE, _Phase.POST):
            return
        after_end = self.phase is _Phase.POST
        if not after_end:
            for actor in _actors_of(event):
                self._mark_present(draft, actor)
        t_ms = max(0, ts_ms - draft.start_ms)
        match event:
            case ll.Attack():
                _record_attack(draft, event, t_ms)
            case ll.Death():
                _record_death(draft, event, t_ms, after_end)
            case ll.Assist():
                _record_assist(draft, event)
            case ll.PlayerTrigger():
                _record_bomb(draft, event, t_ms)

    # -- round_stats blocks ---------------------------------------------------------------

    def _feed_block(self, body: str, line_no: int) -> None:
        assert self.block is not None
        stripped = body.strip()
        if stripped.endswith("JSON_END"):
            lines, self.block = self.block, None
            block = _parse_stats_block(lines, self.source)
            if block is not None:
                self.game.last_block = block
                if self.phase is _Phase.FREEZE and self.draft is not None:
                    self.draft.start_money = {pid: row.money for pid, row in block.rows.items()}
            return
        if stripped in ("}", "},"):
            return
        self.block.append((line_no, stripped))


def _winner_side(notice: ll.TeamNotice | None) -> str | None:
    if notice is None:
        return None
    side = _WINNER_BY_NOTICE.get(notice.notice, notice.side)
    return side if side in (ll.CT, ll.TERRORIST) else None


def _actors_of(event: ll.Attack | ll.Death | ll.Assist | ll.PlayerTrigger) -> tuple[ll.Actor, ...]:
    match event:
        case ll.Attack():
            return (event.attacker, event.victim)
        case ll.Death():
            return (event.victim,) if event.killer is None else (event.killer, event.victim)
        case ll.Assist():
            return (event.assistant, event.victim)
        case ll.PlayerTrigger():
            return (event.actor,)


def _record_attack(draft: _RoundDraft, event: ll.Attack, t_ms: int) -> None:
    attacker = _pid(event.attacker)
    victim = _pid(event.victim)
    # The raw `damage` is not capped at the health left (a 129 headshot on 9 hp): the health
    # actually removed is what the publisher counts (STAT_DEFINITIONS §20).
    before = draft.health.get(victim, FULL_HEALTH)
    amount = max(0, before - event.health_after)
    draft.health[victim] = event.health_after
    hitgroup = event.hitgroup
    head = hitgroup in _HEAD_HITGROUPS
    leg = hitgroup in _LEG_HITGROUPS
    draft.damage.append(
        Damage(
            attacker_id=attacker,
            receiver_id=victim,
            amount=amount,
            headshots=int(head),
            bodyshots=int(not head and not leg),
            legshots=int(leg),
            weapon=event.weapon or None,
            t_ms=t_ms,
        )
    )


def _record_death(draft: _RoundDraft, event: ll.Death, t_ms: int, after_end: bool) -> None:
    victim = _pid(event.victim)
    killer: str | None
    damage_type = DamageType.WEAPON
    weapon = event.weapon or None
    if event.kind == "bomb":
        killer, damage_type = None, DamageType.BOMB
    elif event.kind == "suicide":
        # `with "world"` is a death the world dealt (fall, trigger, disconnect): no killer.
        if weapon == "world":
            killer, damage_type = None, DamageType.UNKNOWN
        else:
            killer = victim
    else:
        killer = _pid(event.killer) if event.killer is not None else None
        if weapon is not None and weapon.startswith(("knife", "bayonet")):
            damage_type = DamageType.MELEE
    draft.health[victim] = 0
    draft.last_kill_of[victim] = len(draft.kills)
    draft.kills.append(
        Kill(
            t_ms=t_ms,
            killer_id=killer,
            victim_id=victim,
            weapon=weapon,
            damage_type=damage_type,
            headshot="headshot" in event.flags if event.kind == "kill" else None,
            after_round_end=after_end,
            killer_position=event.killer_position,
            victim_position=event.victim_position,
        )
    )


def _record_assist(draft: _RoundDraft, event: ll.Assist) -> None:
    # Damage and flash assists both credit the assistant (§20), on enemies only: the line
    # carries both sides, so a teammate of the victim is never listed.
    if event.assistant.side == event.victim.side:
        return
    index = draft.last_kill_of.get(_pid(event.victim))
    if index is None:
        return
    kill = draft.kills[index]
    assistant = _pid(event.assistant)
    if assistant == kill.killer_id or assistant in kill.assistant_ids:
        return
    draft.kills[index] = replace(kill, assistant_ids=(*kill.assistant_ids, assistant))


def _record_bomb(draft: _RoundDraft, event: ll.PlayerTrigger, t_ms: int) -> None:
    pid = _pid(event.actor)
    if event.action == "Planted_The_Bomb" and draft.plant is None:
        draft.plant = Plant(t_ms=t_ms, planter_id=pid, site=event.site)
    elif event.action == "Defused_The_Bomb" and draft.defuse is None:
        draft.defuse = Defuse(t_ms=t_ms, defuser_id=pid)
    elif event.action.startswith("Begin_Bomb_Defuse"):
        draft.defuse_started_by = pid


def _pid(actor: ll.Actor) -> str:
    # The grammar rejects combat lines whose players have no id, so this always holds.
    assert actor.player_id is not None
    return actor.player_id


def _parse_stats_block(lines: list[tuple[int, str]], source: str) -> _StatsBlock | None:
    values: dict[str, str] = {}
    players: list[tuple[int, str]] = []
    for line_no, text in lines:
        m = _STATS_LINE_RE.fullmatch(text)
        if m is None:
            raise MalformedInputError(
                source, f"line {line_no}: round_stats", f"not a key/value line: {text[:40]!r}"
            )
        key, value = m[1], m[2]
        if value is None:
            continue  # `"players" : {`
        if key.startswith("player_"):
            players.append((line_no, value))
        else:
            values[key] = value
    if values.get("name") != "round_stats":
        return None
    first_line = lines[0][0] if lines else 0
    fields = [f.strip() for f in values.get("fields", "").split(",")]
    try:
        round_number = int(values["round_number"])
    except (KeyError, ValueError) as exc:
        raise MalformedInputError(
            source, f"line {first_line}: round_stats", "round_number missing or not a number"
        ) from exc
    rows: dict[str, _StatsRow] = {}
    for line_no, value in players:
        row = dict(zip(fields, (v.strip() for v in value.split(",")), strict=False))
        try:
            account = int(row["accountid"])
            stats = _StatsRow(
                kills=int(row["kills"]),
                deaths=int(row["deaths"]),
                assists=int(row["assists"]),
                damage=round(float(row["dmg"])),
                adr=float(row["adr"]),
                hs_pct=float(row["hsp"]),
                money=int(row["money"]),
            )
        except (KeyError, ValueError) as exc:
            raise MalformedInputError(
                source, f"line {line_no}: round_stats", f"bad player row: {exc}"
            ) from exc
        if account > 0:  # account 0 is the empty slot the server always prints
            rows[str(ll.STEAM64_BASE + account)] = stats
    return _StatsBlock(round_number=round_number, rows=rows)


# -- canonical match ----------------------------------------------------------------------


def _build_match(game: _GameDraft, match_id: str) -> Match:
    numbers = sorted(game.rounds)
    drafts = [game.rounds[n] for n in numbers]
    team_of, swapped = _assign_teams(drafts)
    first = drafts[0]
    ct_id, t_id, ct_name, t_name = _team_labels(first.announced)
    team_id = {TEAM_CT_START: ct_id, TEAM_T_START: t_id}

    def side_team(side: str, is_swapped: bool) -> str:
        on_ct = (side == ll.CT) != is_swapped
        return ct_id if on_ct else t_id

    rounds = tuple(
        _build_round(number, draft, side_team(ll.CT, flip), side_team(ll.TERRORIST, flip))
        for number, draft, flip in zip(numbers, drafts, swapped, strict=True)
    )
    last = drafts[-1]
    won: dict[str, int] = {}
    if last.notice is not None:
        won[side_team(ll.CT, swapped[-1])] = last.notice.score_ct
        won[side_team(ll.TERRORIST, swapped[-1])] = last.notice.score_t
    over = game.game_over is not None
    teams = tuple(
        Team(
            team_id=tid,
            name=name,
            rounds_won=won.get(tid),
            won=(won.get(tid, 0) > won.get(other, 0)) if over else None,
        )
        for tid, name, other in ((ct_id, ct_name, t_id), (t_id, t_name, ct_id))
    )
    players = tuple(
        Player(player_id=pid, name=game.names.get(pid, pid), team_id=team_id[key])
        for pid, key in team_of.items()
    )
    started_ms = first.match_start_ms if first.match_start_ms is not None else first.start_ms
    ended_ms = game.game_over_ms if game.game_over_ms is not None else last.end_ms
    map_name = first.map_name or (game.game_over.map_name if game.game_over else "")
    return Match(
        match_id=match_id,
        game=Game.CS2,
        source_format=FORMAT_NAME,
        map_name=map_name,
        mode=game.game_over.mode if game.game_over else "",
        # Log times are the server's local time with no zone; they are read as UTC.
        started_at=datetime.fromtimestamp(started_ms / 1000, tz=UTC),
        players=players,
        teams=teams,
        rounds=rounds,
        duration_ms=ended_ms - started_ms if ended_ms is not None else None,
        published=_published(game, rounds, set(team_of)),
    )


def _assign_teams(drafts: list[_RoundDraft]) -> tuple[dict[str, str], list[bool]]:
    """Team of each player (by the side they started on) and, per round, whether sides swapped.

    The first round defines the teams. In each later round the players already known vote:
    most on the side opposite to their start side means the teams swapped (halftime,
    overtime). New players join the team holding their side that round.
    """
    team_of: dict[str, str] = {}
    swapped: list[bool] = []
    flip = False
    for draft in drafts:
        same = opposite = 0
        for pid, side in draft.sides.items():
            key = team_of.get(pid)
            if key is None:
                continue
            if (key == TEAM_CT_START) == (side == ll.CT):
                same += 1
            else:
                opposite += 1
        if same != opposite:
            flip = opposite > same
        swapped.append(flip)
        for pid, side in draft.sides.items():
            if pid not in team_of:
                team_of[pid] = TEAM_CT_START if (side == ll.CT) != flip else TEAM_T_START
    return team_of, swapped


def _team_labels(announced: dict[str, str]) -> tuple[str, str, str, str]:
    """Ids and names of the teams that started CT and T: the announced names when distinct."""
    ct_name = announced.get(ll.CT, "")
    t_name = announced.get(ll.TERRORIST, "")
    if ct_name and t_name and ct_name != t_name:
        return ct_name, t_name, ct_name, t_name
    return TEAM_CT_START, TEAM_T_START, ct_name or "CT start", t_name or "T start"


def _build_round(number: int, draft: _RoundDraft, ct_team: str, t_team: str) -> Round:
    notice = draft.notice
    assert notice is not None  # only rounds with a winner notice are kept
    players = tuple(
        PlayerRound(
            player_id=pid,
            spent=draft.spent.get(pid, 0) if draft.money_tracked else None,
            remaining=(
                draft.remaining.get(pid, draft.start_money.get(pid))
                if draft.money_tracked
                else None
            ),
        )
        for pid in draft.sides
    )
    kills = sorted(draft.kills, key=lambda kill: kill.t_ms)  # stable: ties keep log order
    return Round(
        number=number,
        winning_team_id=ct_team if draft.winner_side == ll.CT else t_team,
        result_code=_RESULT_BY_NOTICE.get(notice.notice, ResultCode.UNKNOWN),
        players=players,
        kills=tuple(kills),
        damage=tuple(draft.damage),
        plant=draft.plant,
        defuse=draft.defuse,
        attacking_team_id=t_team,
        duration_ms=draft.end_ms - draft.start_ms if draft.end_ms is not None else None,
    )


def _published(
    game: _GameDraft, rounds: tuple[Round, ...], known: set[str]
) -> tuple[PublishedTotals, ...]:
    """Totals of the game's last round_stats block, with the rounds it covers per player.

    A block opens round N (1-based) with totals after N-1 rounds: it covers rounds 0..N-2.
    CS2 prints no block after the final round, so the final round is never covered.
    """
    block = game.last_block
    if block is None:
        return ()
    covered = [r for r in rounds if r.number < block.round_number - 1]
    if not covered:
        return ()
    played: dict[str, int] = {}
    for r in covered:
        for pr in r.players:
            played[pr.player_id] = played.get(pr.player_id, 0) + 1
    return tuple(
        PublishedTotals(
            player_id=pid,
            kills=row.kills,
            deaths=row.deaths,
            assists=row.assists,
            rounds_played=played.get(pid, 0),
            damage=row.damage,
            adr=row.adr,
            hs_pct=row.hs_pct,
        )
        for pid, row in block.rows.items()
        if pid in known
    )


def _match_id_base(log_path: str | None, text: str) -> str:
    """The game id the log file's folder carries (`logs/<uuid>/...`), else a content hash."""
    if log_path:
        m = _UUID_RE.search(log_path)
        if m is not None:
            return m[0].lower()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
