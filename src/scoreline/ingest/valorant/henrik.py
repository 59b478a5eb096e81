"""HenrikDev unofficial Valorant API match responses (v2/v3 and v4) to canonical matches."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
    Position,
    PublishedTotals,
    ResultCode,
    Round,
    Team,
)

__all__ = [
    "FORMAT_NAME_V2",
    "FORMAT_NAME_V4",
    "parse_v2",
    "parse_v4",
    "recognizes_v2",
    "recognizes_v4",
]

FORMAT_NAME_V2 = "henrik-v2"  # also the v3 endpoints, which return the same match shape
FORMAT_NAME_V4 = "henrik-v4"

# v2 passes Riot's `roundResult` wording through (the sample has "Eliminated", "Bomb defused",
# "Round timer expired"); v4's `result` vocabulary is undocumented, so Riot's
# `roundResultCode` wording ("Detonate") is accepted as well. Anything else is UNKNOWN.
_RESULT_CODES: dict[str, ResultCode] = {
    "eliminated": ResultCode.ELIMINATION,
    "elimination": ResultCode.ELIMINATION,
    "bomb detonated": ResultCode.DETONATE,
    "detonate": ResultCode.DETONATE,
    "bomb defused": ResultCode.DEFUSE,
    "defuse": ResultCode.DEFUSE,
    "round timer expired": ResultCode.TIMER,
    "timer": ResultCode.TIMER,
    "surrendered": ResultCode.SURRENDERED,
}

# Riot's `damageItem` names the ability slot for ability kills; HenrikDev copies it into the
# weapon id (the v2 sample has two "Ultimate" kills).
_ABILITY_SLOTS = frozenset({"ability1", "ability2", "grenadeability", "ultimate"})

# v2 has only the agent's display name; its asset URLs carry the agent uuid that Riot formats
# give as `characterId`, so agents key the same way whatever the source.
_AGENT_UUID_IN_URL = re.compile(r"/agents/([0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12})/")

# v2 `game_length` is milliseconds in some responses and seconds in others. No match lasts
# 100 000 s (28 h) and none ends within 100 000 ms, so the magnitude tells the unit.
_GAME_LENGTH_SECONDS_BELOW = 100_000


# ---------------------------------------------------------------- public surface


def recognizes_v2(doc: Any) -> bool:
    """True for a v2/v3 response or match: `metadata.matchid` or `players.all_players`."""
    match = _first_match(doc)
    if match is None:
        return False
    metadata, players = match.get("metadata"), match.get("players")
    return (isinstance(metadata, dict) and "matchid" in metadata) or (
        isinstance(players, dict) and "all_players" in players
    )


def recognizes_v4(doc: Any) -> bool:
    """True for a v4 response or match: `metadata.match_id` and no v2 players block."""
    match = _first_match(doc)
    if match is None:
        return False
    metadata = match.get("metadata")
    return (
        isinstance(metadata, dict)
        and "match_id" in metadata
        and not isinstance(match.get("players"), dict)
    )


def parse_v2(doc: Any, source: str) -> tuple[Match, ...]:
    """Parse a v2/v3 match, match response or match-history response into canonical matches."""
    return _parse_all(doc, source, _parse_v2_match)


def parse_v4(doc: Any, source: str) -> tuple[Match, ...]:
    """Parse a v4 match, match response or match-history response into canonical matches."""
    return _parse_all(doc, source, _parse_v4_match)


# ---------------------------------------------------------------- envelope


class _FieldError(Exception):
    """A bad field, named by its path inside the document; becomes a MalformedInputError."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason


def _first_match(doc: Any) -> dict[str, Any] | None:
    data = doc.get("data") if isinstance(doc, dict) and "metadata" not in doc else doc
    if isinstance(data, dict):
        return data
    if isinstance(data, list):
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("metadata"), dict):
                return item
    return None


def _parse_all(
    doc: Any, source: str, parse_match: Callable[[dict[str, Any], str], Match]
) -> tuple[Match, ...]:
    try:
        return tuple(parse_match(match, path) for match, path in _match_objects(doc))
    except _FieldError as exc:
        raise MalformedInputError(source, exc.field, exc.reason) from None


def _match_objects(doc: Any) -> list[tuple[dict[str, Any], str]]:
    data, path = doc, ""
    if isinstance(doc, dict) and "metadata" not in doc and "data" in doc:
        data, path = doc["data"], "data"
    if isinstance(data, dict):
        return [(data, path)]
    if not isinstance(data, list):
        raise _FieldError(path, "expected a match object or a list of matches")
    matches: list[tuple[dict[str, Any], str]] = []
    for i, item in enumerate(data):
        item_path = f"{path}[{i}]"
        match = _as_dict(item, item_path)
        # v3 match history lists withheld matches as `is_available: false` with no data.
        if match.get("is_available") is False:
            continue
        matches.append((match, item_path))
    if not matches:
        raise _FieldError(path, "no match with data in the list")
    return matches


# ---------------------------------------------------------------- typed field reads


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _as_dict(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _FieldError(path, f"expected an object, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def _req(obj: dict[str, Any], key: str, path: str) -> Any:
    value = obj.get(key)
    if value is None:
        raise _FieldError(_at(path, key), "missing")
    return value


def _req_dict(obj: dict[str, Any], key: str, path: str) -> dict[str, Any]:
    return _as_dict(_req(obj, key, path), _at(path, key))


def _opt_dict(obj: dict[str, Any], key: str, path: str) -> dict[str, Any] | None:
    value = obj.get(key)
    return None if value is None else _as_dict(value, _at(path, key))


def _req_list(obj: dict[str, Any], key: str, path: str) -> list[Any]:
    value = _req(obj, key, path)
    if not isinstance(value, list):
        raise _FieldError(_at(path, key), f"expected a list, got {_kind(value)}")
    return value


def _opt_list(obj: dict[str, Any], key: str, path: str) -> list[Any]:
    return [] if obj.get(key) is None else _req_list(obj, key, path)


def _req_str(obj: dict[str, Any], key: str, path: str) -> str:
    value = _req(obj, key, path)
    if not isinstance(value, str):
        raise _FieldError(_at(path, key), f"expected a string, got {_kind(value)}")
    return value


def _opt_str(obj: dict[str, Any], key: str, path: str) -> str | None:
    """A string, with null and "" both read as absent (HenrikDev writes either)."""
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise _FieldError(_at(path, key), f"expected a string, got {_kind(value)}")
    return value


def _as_int(value: Any, path: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _FieldError(path, f"expected an integer, got {_kind(value)}")


def _req_int(obj: dict[str, Any], key: str, path: str) -> int:
    return _as_int(_req(obj, key, path), _at(path, key))


def _opt_int(obj: dict[str, Any], key: str, path: str) -> int | None:
    value = obj.get(key)
    return None if value is None else _as_int(value, _at(path, key))


def _opt_bool(obj: dict[str, Any], key: str, path: str) -> bool | None:
    value = obj.get(key)
    if value is None or isinstance(value, bool):
        return value
    raise _FieldError(_at(path, key), f"expected true or false, got {_kind(value)}")


def _position(value: Any) -> Position | None:
    # Positions only decorate kills (heat maps): a malformed one is dropped, not fatal.
    if not isinstance(value, dict):
        return None
    x, y = value.get("x"), value.get("y")
    if isinstance(x, int | float) and isinstance(y, int | float):
        return (float(x), float(y))
    return None


# ---------------------------------------------------------------- shared assembly


def _parse_result_code(text: str | None) -> ResultCode:
    return _RESULT_CODES.get(text.casefold(), ResultCode.UNKNOWN) if text else ResultCode.UNKNOWN


def _classify_damage(
    killer_id: str | None, victim_id: str, weapon: str | None, result_code: ResultCode
) -> DamageType:
    """HenrikDev drops Riot's damage type; rebuild what the data still shows (§20)."""
    if weapon is None:
        # A spike death: a self-kill with no weapon in a round the spike ended.
        if killer_id == victim_id and result_code is ResultCode.DETONATE:
            return DamageType.BOMB
        return DamageType.UNKNOWN
    if weapon.casefold() in _ABILITY_SLOTS:
        return DamageType.ABILITY
    return DamageType.WEAPON


def _queue_id(text: str | None) -> str:
    # Riot's own `queueId` is empty for custom games, where HenrikDev writes "custom": follow
    # Riot so that a match keys the same whichever API it came from.
    return "" if text is None or text.casefold() == "custom" else text


def _is_ranked(queue_id: str, mode: str) -> bool:
    return queue_id.casefold() == "competitive" or mode.casefold() == "competitive"


def _started_at_from_seconds(seconds: int, path: str) -> datetime:
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise _FieldError(path, f"not a Unix time in seconds: {seconds}") from None


def _started_at_from_iso(text: str, path: str) -> datetime:
    try:
        started = datetime.fromisoformat(text)
    except ValueError:
        raise _FieldError(path, f"not an ISO 8601 time: {text!r}") from None
    # HenrikDev writes UTC with a `Z`; a time without an offset is read as UTC as well.
    return started if started.tzinfo is not None else started.replace(tzinfo=UTC)


class _Players:
    """The match's players by puuid: every other puuid in the match must name one of them."""

    def __init__(self) -> None:
        self.team_of: dict[str, str] = {}

    def add(self, puuid: str, team: str, path: str) -> None:
        if puuid in self.team_of:
            raise _FieldError(path, f"duplicate player {puuid}")
        self.team_of[puuid] = team

    def known(self, obj: dict[str, Any], key: str, path: str) -> str:
        puuid = _req_str(obj, key, path)
        if puuid not in self.team_of:
            raise _FieldError(_at(path, key), f"unknown player {puuid}")
        return puuid

    def killer(self, obj: dict[str, Any], key: str, path: str) -> str | None:
        # An empty killer is a world death; anything else must be a player of the match.
        return None if obj.get(key) in (None, "") else self.known(obj, key, path)


@dataclass(slots=True)
class _RoundDraft:
    """A round being filled from several parts of the document before it is frozen."""

    number: int
    winning_team_id: str | None
    result_code: ResultCode
    plant: Plant | None = None
    defuse: Defuse | None = None
    ceremony: str | None = None
    players: list[PlayerRound] = field(default_factory=list)
    damage: list[Damage] = field(default_factory=list)
    kills: list[Kill] = field(default_factory=list)

    def freeze(self) -> Round:
        # §0.2: by time since round start, ties in source order (the sort is stable).
        return Round(
            number=self.number,
            winning_team_id=self.winning_team_id,
            result_code=self.result_code,
            players=tuple(self.players),
            kills=tuple(sorted(self.kills, key=_kill_time)),
            damage=tuple(self.damage),
            plant=self.plant,
            defuse=self.defuse,
            ceremony=self.ceremony,
        )


def _kill_time(kill: Kill) -> int:
    return kill.t_ms


def _round_of(kill: dict[str, Any], path: str, drafts: list[_RoundDraft]) -> _RoundDraft:
    number = _req_int(kill, "round", path)
    if not 0 <= number < len(drafts):
        raise _FieldError(_at(path, "round"), f"no round {number} in a {len(drafts)}-round match")
    return drafts[number]


def _published(
    raw_stats: list[tuple[str, dict[str, Any], str]],
    rounds_played: dict[str, int | None],
    read_damage: Callable[[dict[str, Any], str], int | None],
) -> tuple[PublishedTotals, ...]:
    totals: list[PublishedTotals] = []
    for puuid, stats, path in raw_stats:
        totals.append(
            PublishedTotals(
                player_id=puuid,
                kills=_req_int(stats, "kills", path),
                deaths=_req_int(stats, "deaths", path),
                assists=_opt_int(stats, "assists", path),  # absent from some v2 files
                score=_opt_int(stats, "score", path),
                rounds_played=rounds_played.get(puuid),
                damage=read_damage(stats, path),
            )
        )
    return tuple(totals)


# ---------------------------------------------------------------- v2 / v3


def _parse_v2_match(match: dict[str, Any], path: str) -> Match:
    meta_path = _at(path, "metadata")
    meta = _req_dict(match, "metadata", path)
    players = _Players()
    player_list, raw_stats = _parse_v2_players(match, path, players)
    teams, team_rounds = _parse_v2_teams(match, path, players)
    drafts = _parse_v2_rounds(match, path, players)
    _attach_v2_kills(match, path, drafts, players)
    mode = _opt_str(meta, "mode", meta_path) or ""
    queue = _queue_id(_opt_str(meta, "mode_id", meta_path))
    game_length = _opt_int(meta, "game_length", meta_path)
    if game_length is not None and game_length < _GAME_LENGTH_SECONDS_BELOW:
        game_length *= 1000
    match_rounds = _opt_int(meta, "rounds_played", meta_path)
    rounds_played = {
        puuid: match_rounds if match_rounds is not None else team_rounds.get(team)
        for puuid, team in players.team_of.items()
    }
    return Match(
        match_id=_req_str(meta, "matchid", meta_path),
        game=Game.VALORANT,
        source_format=FORMAT_NAME_V2,
        map_name=_opt_str(meta, "map", meta_path) or "",
        mode=mode,
        started_at=_started_at_from_seconds(
            _req_int(meta, "game_start", meta_path), _at(meta_path, "game_start")
        ),
        players=player_list,
        teams=teams,
        rounds=tuple(draft.freeze() for draft in drafts),
        queue=queue,
        ranked=_is_ranked(queue, mode),
        duration_ms=game_length,
        # §20: v2 `damage_made` disagrees with the per-round damage events in 2022 files, so
        # it is not offered as a total to check against.
        published=_published(raw_stats, rounds_played, lambda _stats, _path: None),
    )


def _parse_v2_players(
    match: dict[str, Any], path: str, players: _Players
) -> tuple[tuple[Player, ...], list[tuple[str, dict[str, Any], str]]]:
    block_path = _at(path, "players")
    list_path = _at(block_path, "all_players")
    raw_players = _req_list(_req_dict(match, "players", path), "all_players", block_path)
    if not raw_players:
        raise _FieldError(list_path, "no players")
    player_list: list[Player] = []
    raw_stats: list[tuple[str, dict[str, Any], str]] = []
    for i, item in enumerate(raw_players):
        p_path = f"{list_path}[{i}]"
        raw = _as_dict(item, p_path)
        puuid = _req_str(raw, "puuid", p_path)
        team = _req_str(raw, "team", p_path)
        players.add(puuid, team, _at(p_path, "puuid"))
        player_list.append(
            Player(
                player_id=puuid,
                name=f"{_req_str(raw, 'name', p_path)}#{_req_str(raw, 'tag', p_path)}",
                team_id=team,
                agent=_v2_agent(raw, p_path),
                party_id=_opt_str(raw, "party_id", p_path),
            )
        )
        raw_stats.append((puuid, _req_dict(raw, "stats", p_path), _at(p_path, "stats")))
    return tuple(player_list), raw_stats


def _v2_agent(raw: dict[str, Any], path: str) -> str | None:
    assets = raw.get("assets")
    agent_assets = assets.get("agent") if isinstance(assets, dict) else None
    if isinstance(agent_assets, dict):
        for url in agent_assets.values():
            found = _AGENT_UUID_IN_URL.search(url) if isinstance(url, str) else None
            if found:
                return found.group(1).lower()
    return _opt_str(raw, "character", path)


def _parse_v2_teams(
    match: dict[str, Any], path: str, players: _Players
) -> tuple[tuple[Team, ...], dict[str, int]]:
    teams_path = _at(path, "teams")
    raw_teams = _opt_dict(match, "teams", path)
    if raw_teams is None:
        return (), {}
    # The block is keyed "red"/"blue" while players say "Red"/"Blue": keep the players' ids.
    spelled = {team.casefold(): team for team in players.team_of.values()}
    teams: list[Team] = []
    team_rounds: dict[str, int] = {}
    for key, value in raw_teams.items():
        if value is None:
            continue  # deathmatch responses name team slots without data
        t_path = _at(teams_path, key)
        raw = _as_dict(value, t_path)
        team_id = spelled.get(key.casefold(), key.capitalize())
        won = _opt_int(raw, "rounds_won", t_path)
        lost = _opt_int(raw, "rounds_lost", t_path)
        if won is not None and lost is not None:
            team_rounds[team_id] = won + lost
        teams.append(Team(team_id, team_id, rounds_won=won, won=_opt_bool(raw, "has_won", t_path)))
    return tuple(teams), team_rounds


def _round_items(match: dict[str, Any], path: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Each round of a response with its number and field path; no rounds is an error."""
    rounds_path = _at(path, "rounds")
    raw_rounds = _req_list(match, "rounds", path)
    if not raw_rounds:
        raise _FieldError(rounds_path, "no rounds")
    for number, item in enumerate(raw_rounds):
        r_path = f"{rounds_path}[{number}]"
        yield number, r_path, _as_dict(item, r_path)


def _parse_v2_rounds(match: dict[str, Any], path: str, players: _Players) -> list[_RoundDraft]:
    drafts: list[_RoundDraft] = []
    for number, r_path, raw in _round_items(match, path):
        draft = _RoundDraft(
            number=number,
            winning_team_id=_opt_str(raw, "winning_team", r_path),
            result_code=_parse_result_code(_opt_str(raw, "end_type", r_path)),
            plant=_v2_plant(raw, r_path, players),
            defuse=_v2_defuse(raw, r_path, players),
        )
        stats_path = _at(r_path, "player_stats")
        for j, stats in enumerate(_req_list(raw, "player_stats", r_path)):
            _add_v2_player_round(draft, stats, f"{stats_path}[{j}]", players)
        drafts.append(draft)
    return drafts


def _v2_plant(raw: dict[str, Any], path: str, players: _Players) -> Plant | None:
    e_path = _at(path, "plant_events")
    events = _opt_dict(raw, "plant_events", path)
    planter = None if events is None else _opt_dict(events, "planted_by", e_path)
    if events is None or planter is None:
        return None
    return Plant(
        t_ms=_req_int(events, "plant_time_in_round", e_path),
        planter_id=players.known(planter, "puuid", _at(e_path, "planted_by")),
        site=_opt_str(events, "plant_site", e_path),
    )


def _v2_defuse(raw: dict[str, Any], path: str, players: _Players) -> Defuse | None:
    e_path = _at(path, "defuse_events")
    events = _opt_dict(raw, "defuse_events", path)
    defuser = None if events is None else _opt_dict(events, "defused_by", e_path)
    if events is None or defuser is None:
        return None
    return Defuse(
        t_ms=_req_int(events, "defuse_time_in_round", e_path),
        defuser_id=players.known(defuser, "puuid", _at(e_path, "defused_by")),
    )


def _add_v2_player_round(draft: _RoundDraft, item: Any, path: str, players: _Players) -> None:
    raw = _as_dict(item, path)
    puuid = players.known(raw, "player_puuid", path)
    draft.players.append(_player_round(puuid, _opt_int(raw, "score", path), raw, path))
    events_path = _at(path, "damage_events")
    for k, item_event in enumerate(_opt_list(raw, "damage_events", path)):
        e_path = f"{events_path}[{k}]"
        event = _as_dict(item_event, e_path)
        receiver = players.known(event, "receiver_puuid", e_path)
        draft.damage.append(_damage(puuid, receiver, event, e_path))


def _attach_v2_kills(
    match: dict[str, Any], path: str, drafts: list[_RoundDraft], players: _Players
) -> None:
    # §0.2: the top-level list is complete and carries the round; the per-player
    # `kill_events` copies are the fallback for responses without it.
    if match.get("kills") is not None:
        kills_path = _at(path, "kills")
        for i, item in enumerate(_req_list(match, "kills", path)):
            k_path = f"{kills_path}[{i}]"
            raw = _as_dict(item, k_path)
            draft = _round_of(raw, k_path, drafts)
            draft.kills.append(_v2_kill(raw, k_path, draft.result_code, players))
        return
    rounds_path = _at(path, "rounds")
    for draft, raw_round in zip(drafts, match["rounds"], strict=True):
        stats_path = f"{rounds_path}[{draft.number}].player_stats"
        for j, stats in enumerate(raw_round["player_stats"]):
            events_path = f"{stats_path}[{j}].kill_events"
            for k, item in enumerate(_opt_list(stats, "kill_events", f"{stats_path}[{j}]")):
                k_path = f"{events_path}[{k}]"
                raw = _as_dict(item, k_path)
                draft.kills.append(_v2_kill(raw, k_path, draft.result_code, players))


def _v2_kill(raw: dict[str, Any], path: str, result_code: ResultCode, players: _Players) -> Kill:
    killer = players.killer(raw, "killer_puuid", path)
    victim = players.known(raw, "victim_puuid", path)
    assistants_path = _at(path, "assistants")
    assistants = tuple(
        players.known(
            _as_dict(item, f"{assistants_path}[{a}]"), "assistant_puuid", f"{assistants_path}[{a}]"
        )
        for a, item in enumerate(_opt_list(raw, "assistants", path))
    )
    weapon = _opt_str(raw, "damage_weapon_id", path)
    killer_position = None
    locations = raw.get("player_locations_on_kill")
    if killer is not None and isinstance(locations, list):
        for entry in locations:
            if isinstance(entry, dict) and entry.get("player_puuid") == killer:
                killer_position = _position(entry.get("location"))
                break
    return Kill(
        t_ms=_req_int(raw, "kill_time_in_round", path),
        killer_id=killer,
        victim_id=victim,
        assistant_ids=assistants,
        weapon=weapon,
        damage_type=_classify_damage(killer, victim, weapon, result_code),
        secondary_fire=_opt_bool(raw, "secondary_fire_mode", path) is True,
        killer_position=killer_position,
        victim_position=_position(raw.get("victim_death_location")),
    )


def _player_round(puuid: str, score: int | None, raw: dict[str, Any], path: str) -> PlayerRound:
    economy_path = _at(path, "economy")
    economy = _opt_dict(raw, "economy", path) or {}
    weapon = _opt_dict(economy, "weapon", economy_path)
    armor = _opt_dict(economy, "armor", economy_path)
    return PlayerRound(
        player_id=puuid,
        score=score,
        loadout_value=_opt_int(economy, "loadout_value", economy_path),
        spent=_opt_int(economy, "spent", economy_path),
        remaining=_opt_int(economy, "remaining", economy_path),
        weapon=None if weapon is None else _opt_str(weapon, "id", _at(economy_path, "weapon")),
        armor=None if armor is None else _opt_str(armor, "id", _at(economy_path, "armor")),
        was_afk=_opt_bool(raw, "was_afk", path) is True,
    )


def _damage(attacker: str, receiver: str, raw: dict[str, Any], path: str) -> Damage:
    return Damage(
        attacker_id=attacker,
        receiver_id=receiver,
        amount=_req_int(raw, "damage", path),
        headshots=_opt_int(raw, "headshots", path) or 0,
        bodyshots=_opt_int(raw, "bodyshots", path) or 0,
        legshots=_opt_int(raw, "legshots", path) or 0,
    )


# ---------------------------------------------------------------- v4


def _parse_v4_match(match: dict[str, Any], path: str) -> Match:
    meta_path = _at(path, "metadata")
    meta = _req_dict(match, "metadata", path)
    players = _Players()
    player_list, raw_stats = _parse_v4_players(match, path, players)
    teams, team_rounds = _parse_v4_teams(match, path)
    drafts = _parse_v4_rounds(match, path, players)
    kills_path = _at(path, "kills")
    for i, item in enumerate(_req_list(match, "kills", path)):
        k_path = f"{kills_path}[{i}]"
        raw = _as_dict(item, k_path)
        draft = _round_of(raw, k_path, drafts)
        draft.kills.append(_v4_kill(raw, k_path, draft.result_code, players))
    map_block = _opt_dict(meta, "map", meta_path) or {}
    queue_path = _at(meta_path, "queue")
    queue_block = _opt_dict(meta, "queue", meta_path) or {}
    queue_text = _opt_str(queue_block, "id", queue_path)
    queue = _queue_id(queue_text)
    mode = _opt_str(queue_block, "name", queue_path) or queue_text or ""
    return Match(
        match_id=_req_str(meta, "match_id", meta_path),
        game=Game.VALORANT,
        source_format=FORMAT_NAME_V4,
        map_name=_opt_str(map_block, "name", _at(meta_path, "map")) or "",
        mode=mode,
        started_at=_started_at_from_iso(
            _req_str(meta, "started_at", meta_path), _at(meta_path, "started_at")
        ),
        players=player_list,
        teams=teams,
        rounds=tuple(draft.freeze() for draft in drafts),
        queue=queue,
        ranked=_is_ranked(queue, mode),
        duration_ms=_opt_int(meta, "game_length_in_ms", meta_path),
        published=_published(
            raw_stats,
            {puuid: team_rounds.get(team) for puuid, team in players.team_of.items()},
            _v4_damage_dealt,
        ),
    )


def _parse_v4_players(
    match: dict[str, Any], path: str, players: _Players
) -> tuple[tuple[Player, ...], list[tuple[str, dict[str, Any], str]]]:
    list_path = _at(path, "players")
    raw_players = _req_list(match, "players", path)
    if not raw_players:
        raise _FieldError(list_path, "no players")
    player_list: list[Player] = []
    raw_stats: list[tuple[str, dict[str, Any], str]] = []
    for i, item in enumerate(raw_players):
        p_path = f"{list_path}[{i}]"
        raw = _as_dict(item, p_path)
        puuid = _req_str(raw, "puuid", p_path)
        team = _req_str(raw, "team_id", p_path)
        players.add(puuid, team, _at(p_path, "puuid"))
        agent_path = _at(p_path, "agent")
        agent = _opt_dict(raw, "agent", p_path) or {}
        player_list.append(
            Player(
                player_id=puuid,
                name=f"{_req_str(raw, 'name', p_path)}#{_req_str(raw, 'tag', p_path)}",
                team_id=team,
                agent=_opt_str(agent, "id", agent_path) or _opt_str(agent, "name", agent_path),
                party_id=_opt_str(raw, "party_id", p_path),
            )
        )
        raw_stats.append((puuid, _req_dict(raw, "stats", p_path), _at(p_path, "stats")))
    return tuple(player_list), raw_stats


def _v4_damage_dealt(stats: dict[str, Any], path: str) -> int | None:
    damage = _opt_dict(stats, "damage", path)
    return None if damage is None else _opt_int(damage, "dealt", _at(path, "damage"))


def _parse_v4_teams(match: dict[str, Any], path: str) -> tuple[tuple[Team, ...], dict[str, int]]:
    teams_path = _at(path, "teams")
    teams: list[Team] = []
    team_rounds: dict[str, int] = {}
    for i, item in enumerate(_opt_list(match, "teams", path)):
        t_path = f"{teams_path}[{i}]"
        raw = _as_dict(item, t_path)
        team_id = _req_str(raw, "team_id", t_path)
        rounds = _opt_dict(raw, "rounds", t_path) or {}
        won = _opt_int(rounds, "won", _at(t_path, "rounds"))
        lost = _opt_int(rounds, "lost", _at(t_path, "rounds"))
        if won is not None and lost is not None:
            team_rounds[team_id] = won + lost
        teams.append(Team(team_id, team_id, rounds_won=won, won=_opt_bool(raw, "won", t_path)))
    return tuple(teams), team_rounds


def _parse_v4_rounds(match: dict[str, Any], path: str, players: _Players) -> list[_RoundDraft]:
    drafts: list[_RoundDraft] = []
    for number, r_path, raw in _round_items(match, path):
        # Kills name their round by this 0-based id: it must match the position to be usable.
        round_id = _opt_int(raw, "id", r_path)
        if round_id is not None and round_id != number:
            raise _FieldError(_at(r_path, "id"), f"round id {round_id} at position {number}")
        draft = _RoundDraft(
            number=number,
            winning_team_id=_opt_str(raw, "winning_team", r_path),
            result_code=_parse_result_code(_opt_str(raw, "result", r_path)),
            plant=_v4_plant(raw, r_path, players),
            defuse=_v4_defuse(raw, r_path, players),
            ceremony=_opt_str(raw, "ceremony", r_path),
        )
        stats_path = _at(r_path, "stats")
        for j, stats in enumerate(_req_list(raw, "stats", r_path)):
            _add_v4_player_round(draft, stats, f"{stats_path}[{j}]", players)
        drafts.append(draft)
    return drafts


def _v4_plant(raw: dict[str, Any], path: str, players: _Players) -> Plant | None:
    plant_path = _at(path, "plant")
    plant = _opt_dict(raw, "plant", path)
    if plant is None:
        return None
    return Plant(
        t_ms=_req_int(plant, "round_time_in_ms", plant_path),
        planter_id=players.known(
            _req_dict(plant, "player", plant_path), "puuid", _at(plant_path, "player")
        ),
        site=_opt_str(plant, "site", plant_path),
    )


def _v4_defuse(raw: dict[str, Any], path: str, players: _Players) -> Defuse | None:
    defuse_path = _at(path, "defuse")
    defuse = _opt_dict(raw, "defuse", path)
    if defuse is None:
        return None
    return Defuse(
        t_ms=_req_int(defuse, "round_time_in_ms", defuse_path),
        defuser_id=players.known(
            _req_dict(defuse, "player", defuse_path), "puuid", _at(defuse_path, "player")
        ),
    )


def _add_v4_player_round(draft: _RoundDraft, item: Any, path: str, players: _Players) -> None:
    raw = _as_dict(item, path)
    puuid = players.known(_req_dict(raw, "player", path), "puuid", _at(path, "player"))
    stats = _opt_dict(raw, "stats", path) or {}
    score = _opt_int(stats, "score", _at(path, "stats"))
    draft.players.append(_player_round(puuid, score, raw, path))
    events_path = _at(path, "damage_events")
    for k, item_event in enumerate(_opt_list(raw, "damage_events", path)):
        e_path = f"{events_path}[{k}]"
        event = _as_dict(item_event, e_path)
        receiver = players.known(_req_dict(event, "player", e_path), "puuid", _at(e_path, "player"))
        draft.damage.append(_damage(puuid, receiver, event, e_path))


def _v4_kill(raw: dict[str, Any], path: str, result_code: ResultCode, players: _Players) -> Kill:
    killer_path = _at(path, "killer")
    killer_block = _opt_dict(raw, "killer", path)
    killer = None if killer_block is None else players.killer(killer_block, "puuid", killer_path)
    victim = players.known(_req_dict(raw, "victim", path), "puuid", _at(path, "victim"))
    assistants_path = _at(path, "assistants")
    assistants = tuple(
        players.known(_as_dict(item, f"{assistants_path}[{a}]"), "puuid", f"{assistants_path}[{a}]")
        for a, item in enumerate(_opt_list(raw, "assistants", path))
    )
    weapon_block = _opt_dict(raw, "weapon", path)
    weapon = None if weapon_block is None else _opt_str(weapon_block, "id", _at(path, "weapon"))
    killer_position = None
    locations = raw.get("player_locations")
    if killer is not None and isinstance(locations, list):
        for entry in locations:
            who = entry.get("player") if isinstance(entry, dict) else None
            if isinstance(who, dict) and who.get("puuid") == killer:
                killer_position = _position(entry.get("location"))
                break
    return Kill(
        t_ms=_req_int(raw, "time_in_round_in_ms", path),
        killer_id=killer,
        victim_id=victim,
        assistant_ids=assistants,
        weapon=weapon,
        damage_type=_classify_damage(killer, victim, weapon, result_code),
        secondary_fire=_opt_bool(raw, "secondary_fire_mode", path) is True,
        killer_position=killer_position,
        victim_position=_position(raw.get("location")),
    )
