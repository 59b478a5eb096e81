"""Read Riot's two Valorant match-details shapes (official API, game client) into a Match."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from operator import attrgetter
from typing import Any, NoReturn

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
    Side,
    Team,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Riot names maps by codename in `mapId` ("/Game/Maps/Triad/Triad"); the last path segment is
# the key. Unlisted codenames are kept as they are, so a new map still gets a stable name.
_MAP_NAMES: dict[str, str] = {
    "Ascent": "Ascent",
    "Bonsai": "Split",
    "Canyon": "Fracture",
    "Duality": "Bind",
    "Foxtrot": "Breeze",
    "Infinity": "Abyss",
    "Jam": "Lotus",
    "Juliett": "Sunset",
    "Pitt": "Pearl",
    "Plummet": "Summit",
    "Port": "Icebox",
    "Rook": "Corrode",
    "Triad": "Haven",
    "Range": "The Range",
    "RangeV2": "The Range",
    "HURM_Alley": "District",
    "HURM_Bowl": "Kasbah",
    "HURM_Helix": "Drift",
    "HURM_HighTide": "Glitch",
    "HURM_Yard": "Piazza",
}

# The mode as players name it comes from the queue (as HenrikDev's `metadata.mode` does);
# custom games have no queue, and unknown queues fall back to the `gameMode` class path,
# whose folder names the rules: "/Game/GameModes/QuickBomb/QuickBombGameMode.QuickBombGameMode_C".
_QUEUE_MODE_NAMES: dict[str, str] = {
    "competitive": "Competitive",
    "unrated": "Unrated",
    "premier": "Premier",
    "spikerush": "Spike Rush",
    "swiftplay": "Swiftplay",
    "deathmatch": "Deathmatch",
    "hurm": "Team Deathmatch",
    "ggteam": "Escalation",
    "onefa": "Replication",
    "snowball": "Snowball Fight",
    "newmap": "New Map",
}
_CUSTOM_GAME_FLOW = "CustomGame"
_CUSTOM_GAME_MODE = "Custom Game"
_GAME_MODE_NAMES: dict[str, str] = {
    "Bomb": "Standard",
    "QuickBomb": "Spike Rush",
    "Swiftplay_EndOfRoundCredits": "Swiftplay",
    "Deathmatch": "Deathmatch",
    "HURM": "Team Deathmatch",
    "GunGame": "Escalation",
    "OneForAll": "Replication",
    "SnowballFight": "Snowball Fight",
    "ShootingRange": "The Range",
}

_RESULT_CODES: dict[str, ResultCode] = {
    code.value: code for code in ResultCode if code is not ResultCode.UNKNOWN
}
_DAMAGE_TYPES: dict[str, DamageType] = {kind.value: kind for kind in DamageType}

_JSON_TYPE_NAMES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class RiotShape(StrEnum):
    OFFICIAL = "official"  # VAL-MATCH-V1 from the Riot developer API
    CLIENT = "client"  # match-details from the game client's PD service


@dataclass(frozen=True, slots=True)
class RiotDialect:
    """The field names by which the two shapes differ; everything else is shared."""

    format_name: str
    player_id_key: str
    round_time_key: str
    queue_key: str
    provisioning_flow_key: str
    has_match_kills: bool  # a top-level `kills[]` carrying `round`, preferred when non-empty


def find_riot_shape(doc: object) -> RiotShape | None:
    """Tell which Riot shape `doc` is, in constant time, or None for anything else."""
    if not isinstance(doc, dict):
        return None
    # Two of the three Riot keys: a document missing one is still ours (and gets a precise
    # error), while HenrikDev's `{status, data}` and unwrapped `{metadata, players, rounds}`
    # are never claimed.
    present = ("matchInfo" in doc) + ("players" in doc) + ("roundResults" in doc)
    if present < 2 or ("matchInfo" not in doc and "roundResults" not in doc):
        return None
    if "kills" in doc or "bots" in doc:
        return RiotShape.CLIENT
    # The top-level keys of a client document without `kills`/`bots` equal the official ones,
    # so look at how the first player is keyed, then at how matchInfo spells the queue.
    players = doc.get("players")
    if isinstance(players, list) and players and isinstance(players[0], dict):
        if "subject" in players[0]:
            return RiotShape.CLIENT
        if "puuid" in players[0]:
            return RiotShape.OFFICIAL
    info = doc.get("matchInfo")
    if isinstance(info, dict) and "queueID" in info:
        return RiotShape.CLIENT
    return RiotShape.OFFICIAL


def parse_riot_match(doc: object, source: str, dialect: RiotDialect) -> Match:
    """Turn one Riot match-details document into a canonical Match."""
    return _MatchReader(source, dialect).read_match(doc)


def _parse_map_name(map_id: str) -> str:
    codename = map_id.rstrip("/").rsplit("/", 1)[-1]
    return _MAP_NAMES.get(codename, codename)


def _parse_mode_name(queue_id: str, provisioning_flow: str | None, game_mode: str | None) -> str:
    if queue_id in _QUEUE_MODE_NAMES:
        return _QUEUE_MODE_NAMES[queue_id]
    if provisioning_flow == _CUSTOM_GAME_FLOW:
        return _CUSTOM_GAME_MODE
    if not game_mode:
        return queue_id
    parts = game_mode.split("/")
    codename = parts[-2] if len(parts) >= 2 else game_mode
    return _GAME_MODE_NAMES.get(codename, codename)


def _parse_result_code(code: str | None, result: str | None) -> ResultCode:
    if code:
        return _RESULT_CODES.get(code, ResultCode.UNKNOWN)
    # Riot leaves the code empty when the timer ran out and says so in `roundResult`
    # ("Round timer expired"); an empty code with any other text is not a timer win.
    if result and "timer" in result.lower():
        return ResultCode.TIMER
    return ResultCode.UNKNOWN


def _parse_side(role: str | None) -> Side | None:
    # Public consumers have seen "Attacker", "Attack", "attack", "Defender", "Defense"
    # (STAT_DEFINITIONS §13.2), so compare a lower-cased prefix.
    if not role:
        return None
    lowered = role.strip().lower()
    if lowered.startswith("att"):
        return Side.ATTACK
    if lowered.startswith("def"):
        return Side.DEFENSE
    return None


def _find_attacking_team(
    role: str | None, winning_team_id: str | None, team_ids: tuple[str, ...]
) -> str | None:
    side = _parse_side(role)
    if side is None or winning_team_id is None:
        return None
    if side is Side.ATTACK:
        return winning_team_id
    others = [team_id for team_id in team_ids if team_id != winning_team_id]
    return others[0] if len(others) == 1 else None


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _type_name(value: object) -> str:
    return _JSON_TYPE_NAMES.get(type(value), type(value).__name__)


class _MatchReader:
    """Validates while it converts; every failure names the source and the field path."""

    def __init__(self, source: str, dialect: RiotDialect) -> None:
        self._source = source
        self._dialect = dialect
        self._player_ids: set[str] = set()

    def read_match(self, doc: object) -> Match:
        root = self._object(doc, "")
        info = self._object(self._field(root, "matchInfo", ""), "matchInfo")
        match_id = self._text(info, "matchId", "matchInfo")
        map_id = self._text(info, "mapId", "matchInfo")
        start_ms = self._int(info, "gameStartMillis", "matchInfo")
        queue = self._optional_str(info, self._dialect.queue_key, "matchInfo") or ""
        mode = _parse_mode_name(
            queue,
            self._optional_str(info, self._dialect.provisioning_flow_key, "matchInfo"),
            self._optional_str(info, "gameMode", "matchInfo"),
        )
        players, published = self._read_players(root)
        teams = self._read_teams(root, players)
        return Match(
            match_id=match_id,
            game=Game.VALORANT,
            source_format=self._dialect.format_name,
            map_name=_parse_map_name(map_id),
            mode=mode,
            started_at=_EPOCH + timedelta(milliseconds=start_ms),
            players=players,
            teams=teams,
            rounds=self._read_rounds(root, tuple(team.team_id for team in teams)),
            queue=queue,
            ranked=self._optional_bool(info, "isRanked", "matchInfo") or False,
            duration_ms=self._optional_int(info, "gameLengthMillis", "matchInfo"),
            published=published,
        )

    # --- players and teams -------------------------------------------------------------

    def _read_players(
        self, root: dict[str, Any]
    ) -> tuple[tuple[Player, ...], tuple[PublishedTotals, ...]]:
        id_key = self._dialect.player_id_key
        raw_players = self._list(root, "players", "")
        if not raw_players:
            self._fail("players", "the list is empty")
        players: list[Player] = []
        published: list[PublishedTotals] = []
        for index, raw in enumerate(raw_players):
            path = f"players[{index}]"
            entry = self._object(raw, path)
            player_id = self._text(entry, id_key, path)
            if player_id in self._player_ids:
                self._fail(_join(path, id_key), f"player {player_id!r} is listed twice")
            self._player_ids.add(player_id)
            game_name = self._optional_str(entry, "gameName", path)
            tag_line = self._optional_str(entry, "tagLine", path)
            players.append(
                Player(
                    player_id=player_id,
                    name=f"{game_name}#{tag_line}" if tag_line else game_name or player_id,
                    team_id=self._text(entry, "teamId", path),
                    agent=self._optional_str(entry, "characterId", path),
                    party_id=self._optional_str(entry, "partyId", path),
                )
            )
            totals = self._read_published(entry, player_id, path)
            if totals is not None:
                published.append(totals)
        return tuple(players), tuple(published)

    def _read_published(
        self, entry: dict[str, Any], player_id: str, path: str
    ) -> PublishedTotals | None:
        raw_stats = entry.get("stats")
        if raw_stats is None:  # the client API sends null stats for observers
            return None
        path = _join(path, "stats")
        stats = self._object(raw_stats, path)
        return PublishedTotals(
            player_id=player_id,
            kills=self._int(stats, "kills", path),
            deaths=self._int(stats, "deaths", path),
            assists=self._int(stats, "assists", path),
            score=self._optional_int(stats, "score", path),
            rounds_played=self._optional_int(stats, "roundsPlayed", path),
        )

    def _read_teams(self, root: dict[str, Any], players: tuple[Player, ...]) -> tuple[Team, ...]:
        raw_teams = root.get("teams")
        if raw_teams is None:
            # The client API may send `teams: null`; the players still say who played with whom.
            team_ids = dict.fromkeys(player.team_id for player in players)
            return tuple(Team(team_id=team_id, name=team_id) for team_id in team_ids)
        teams: list[Team] = []
        for index, raw in enumerate(self._list(root, "teams", "")):
            path = f"teams[{index}]"
            entry = self._object(raw, path)
            team_id = self._text(entry, "teamId", path)
            teams.append(
                Team(
                    team_id=team_id,
                    name=team_id,
                    rounds_won=self._optional_int(entry, "roundsWon", path),
                    won=self._optional_bool(entry, "won", path),
                )
            )
        return tuple(teams)

    # --- rounds ------------------------------------------------------------------------

    def _read_rounds(self, root: dict[str, Any], team_ids: tuple[str, ...]) -> tuple[Round, ...]:
        raw_rounds = self._list(root, "roundResults", "")
        if not raw_rounds:
            self._fail("roundResults", "no rounds: the list is empty")
        match_kills = self._match_kills(root)
        rounds: list[Round] = []
        numbers: set[int] = set()
        for index, raw in enumerate(raw_rounds):
            path = f"roundResults[{index}]"
            round_ = self._read_round(raw, path, team_ids, with_kills=match_kills is None)
            if round_.number in numbers:
                self._fail(_join(path, "roundNum"), f"round {round_.number} appears twice")
            numbers.add(round_.number)
            rounds.append(round_)
        if match_kills is None:
            return tuple(rounds)
        kills_by_round = self._read_match_kills(match_kills, numbers)
        return tuple(
            replace(round_, kills=_in_processing_order(kills_by_round.get(round_.number, [])))
            for round_ in rounds
        )

    def _match_kills(self, root: dict[str, Any]) -> list[Any] | None:
        if not self._dialect.has_match_kills or root.get("kills") is None:
            return None
        raw_kills = self._list(root, "kills", "")
        # An empty top-level list says nothing; the per-round lists are then the only record.
        return raw_kills or None

    def _read_round(
        self, raw: object, path: str, team_ids: tuple[str, ...], *, with_kills: bool
    ) -> Round:
        entry = self._object(raw, path)
        winning_team_id = self._optional_str(entry, "winningTeam", path)
        players, kills, damage = self._read_player_stats(entry, path, with_kills=with_kills)
        return Round(
            number=self._int(entry, "roundNum", path),
            winning_team_id=winning_team_id,
            result_code=_parse_result_code(
                self._optional_str(entry, "roundResultCode", path),
                self._optional_str(entry, "roundResult", path),
            ),
            players=players,
            kills=_in_processing_order(kills),
            damage=tuple(damage),
            plant=self._read_plant(entry, path),
            defuse=self._read_defuse(entry, path),
            attacking_team_id=_find_attacking_team(
                self._optional_str(entry, "winningTeamRole", path), winning_team_id, team_ids
            ),
            ceremony=self._optional_str(entry, "roundCeremony", path),
        )

    def _read_plant(self, entry: dict[str, Any], path: str) -> Plant | None:
        planter_id = self._optional_player(entry, "bombPlanter", path)
        t_ms = self._optional_int(entry, "plantRoundTime", path)
        if planter_id is None:
            return None
        if t_ms is None:
            self._fail(_join(path, "plantRoundTime"), "missing while bombPlanter is set")
        return Plant(
            t_ms=t_ms,
            planter_id=planter_id,
            site=self._optional_str(entry, "plantSite", path),
        )

    def _read_defuse(self, entry: dict[str, Any], path: str) -> Defuse | None:
        defuser_id = self._optional_player(entry, "bombDefuser", path)
        t_ms = self._optional_int(entry, "defuseRoundTime", path)
        if defuser_id is None:
            return None
        if t_ms is None:
            self._fail(_join(path, "defuseRoundTime"), "missing while bombDefuser is set")
        return Defuse(t_ms=t_ms, defuser_id=defuser_id)

    def _read_player_stats(
        self, entry: dict[str, Any], path: str, *, with_kills: bool
    ) -> tuple[tuple[PlayerRound, ...], list[Kill], list[Damage]]:
        id_key = self._dialect.player_id_key
        players: list[PlayerRound] = []
        kills: list[Kill] = []
        damage: list[Damage] = []
        seen: set[str] = set()
        for index, raw in enumerate(self._list(entry, "playerStats", path)):
            stats_path = f"{path}.playerStats[{index}]"
            stats = self._object(raw, stats_path)
            player_id = self._player(stats, id_key, stats_path)
            if player_id in seen:
                self._fail(_join(stats_path, id_key), f"player {player_id!r} appears twice")
            seen.add(player_id)
            players.append(self._read_player_round(stats, player_id, stats_path))
            if with_kills:
                # Riot files each kill under its killer; source order is playerStats order,
                # then list order, and the caller sorts by time keeping it for ties (§0.2).
                for k, raw_kill in enumerate(self._list(stats, "kills", stats_path)):
                    kills.append(self._read_kill(raw_kill, f"{stats_path}.kills[{k}]"))
            for d, raw_damage in enumerate(self._list(stats, "damage", stats_path)):
                damage.append(self._read_damage(raw_damage, player_id, f"{stats_path}.damage[{d}]"))
        return tuple(players), kills, damage

    def _read_player_round(self, stats: dict[str, Any], player_id: str, path: str) -> PlayerRound:
        score = self._optional_int(stats, "score", path)
        was_afk = self._optional_bool(stats, "wasAfk", path) or False
        raw_economy = stats.get("economy")
        if raw_economy is None:
            return PlayerRound(player_id=player_id, score=score, was_afk=was_afk)
        economy_path = _join(path, "economy")
        economy = self._object(raw_economy, economy_path)
        return PlayerRound(
            player_id=player_id,
            score=score,
            loadout_value=self._optional_int(economy, "loadoutValue", economy_path),
            spent=self._optional_int(economy, "spent", economy_path),
            remaining=self._optional_int(economy, "remaining", economy_path),
            weapon=self._optional_str(economy, "weapon", economy_path),
            armor=self._optional_str(economy, "armor", economy_path),
            was_afk=was_afk,
        )

    def _read_damage(self, raw: object, attacker_id: str, path: str) -> Damage:
        entry = self._object(raw, path)
        return Damage(
            attacker_id=attacker_id,
            receiver_id=self._player(entry, "receiver", path),
            amount=self._int(entry, "damage", path),
            headshots=self._optional_int(entry, "headshots", path) or 0,
            bodyshots=self._optional_int(entry, "bodyshots", path) or 0,
            legshots=self._optional_int(entry, "legshots", path) or 0,
        )

    # --- kills -------------------------------------------------------------------------

    def _read_match_kills(self, raw_kills: list[Any], numbers: set[int]) -> dict[int, list[Kill]]:
        by_round: dict[int, list[Kill]] = {}
        for index, raw in enumerate(raw_kills):
            path = f"kills[{index}]"
            entry = self._object(raw, path)
            number = self._int(entry, "round", path)
            if number not in numbers:
                self._fail(_join(path, "round"), f"round {number} is not in roundResults")
            by_round.setdefault(number, []).append(self._read_kill(entry, path))
        return by_round

    def _read_kill(self, raw: object, path: str) -> Kill:
        entry = self._object(raw, path)
        killer_id = self._optional_player(entry, "killer", path)
        assistant_ids = tuple(
            self._known_player(assistant, f"{path}.assistants[{n}]")
            for n, assistant in enumerate(self._optional_list(entry, "assistants", path))
        )
        damage_type = DamageType.UNKNOWN
        weapon: str | None = None
        secondary_fire = False
        raw_finishing = entry.get("finishingDamage")
        if raw_finishing is not None:
            finishing_path = _join(path, "finishingDamage")
            finishing = self._object(raw_finishing, finishing_path)
            kind = self._optional_str(finishing, "damageType", finishing_path)
            # An unknown damage type is new game data, not a broken file: keep it as UNKNOWN.
            damage_type = _DAMAGE_TYPES.get(kind or "", DamageType.UNKNOWN)
            weapon = self._optional_str(finishing, "damageItem", finishing_path)
            secondary_fire = (
                self._optional_bool(finishing, "isSecondaryFireMode", finishing_path) or False
            )
        return Kill(
            t_ms=self._int(entry, self._dialect.round_time_key, path),
            killer_id=killer_id,
            victim_id=self._player(entry, "victim", path),
            assistant_ids=assistant_ids,
            weapon=weapon,
            damage_type=damage_type,
            secondary_fire=secondary_fire,
            killer_position=self._killer_position(entry, killer_id, path),
            victim_position=self._position(
                entry.get("victimLocation"), _join(path, "victimLocation")
            ),
        )

    def _killer_position(
        self, entry: dict[str, Any], killer_id: str | None, path: str
    ) -> Position | None:
        if killer_id is None:
            return None
        id_key = self._dialect.player_id_key
        for index, raw in enumerate(self._optional_list(entry, "playerLocations", path)):
            location_path = f"{path}.playerLocations[{index}]"
            location = self._object(raw, location_path)
            if location.get(id_key) == killer_id:
                return self._position(location.get("location"), _join(location_path, "location"))
        return None

    def _position(self, raw: object, path: str) -> Position | None:
        if raw is None:
            return None
        location = self._object(raw, path)
        return (self._number(location, "x", path), self._number(location, "y", path))

    # --- typed field access --------------------------------------------------------------

    def _fail(self, path: str, reason: str) -> NoReturn:
        raise MalformedInputError(self._source, path, reason)

    def _field(self, entry: dict[str, Any], key: str, path: str) -> Any:
        try:
            return entry[key]
        except KeyError:
            self._fail(_join(path, key), "missing")

    def _object(self, value: object, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self._fail(path, f"expected an object, got {_type_name(value)}")
        return value

    def _list(self, entry: dict[str, Any], key: str, path: str) -> list[Any]:
        value = self._field(entry, key, path)
        if not isinstance(value, list):
            self._fail(_join(path, key), f"expected an array, got {_type_name(value)}")
        return value

    def _optional_list(self, entry: dict[str, Any], key: str, path: str) -> list[Any]:
        value = entry.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self._fail(_join(path, key), f"expected an array, got {_type_name(value)}")
        return value

    def _int(self, entry: dict[str, Any], key: str, path: str) -> int:
        return self._count(self._field(entry, key, path), _join(path, key))

    def _optional_int(self, entry: dict[str, Any], key: str, path: str) -> int | None:
        value = entry.get(key)
        return None if value is None else self._count(value, _join(path, key))

    def _count(self, value: object, path: str) -> int:
        # Every Riot integer read here is a time, a count or money: none is below zero.
        # bool is an int subclass in Python, but `true` is not a count in JSON.
        if type(value) is not int:
            self._fail(path, f"expected an integer, got {_type_name(value)}")
        if value < 0:
            self._fail(path, f"must not be negative, got {value}")
        return value

    def _number(self, entry: dict[str, Any], key: str, path: str) -> float:
        value = self._field(entry, key, path)
        if type(value) is not int and type(value) is not float:
            self._fail(_join(path, key), f"expected a number, got {_type_name(value)}")
        return float(value)

    def _optional_bool(self, entry: dict[str, Any], key: str, path: str) -> bool | None:
        value = entry.get(key)
        if value is not None and type(value) is not bool:
            self._fail(_join(path, key), f"expected a boolean, got {_type_name(value)}")
        return value

    def _text(self, entry: dict[str, Any], key: str, path: str) -> str:
        value = self._field(entry, key, path)
        if not isinstance(value, str):
            self._fail(_join(path, key), f"expected a string, got {_type_name(value)}")
        if not value:
            self._fail(_join(path, key), "must not be empty")
        return value

    def _optional_str(self, entry: dict[str, Any], key: str, path: str) -> str | None:
        """A string, with Riot's empty string and null both read as 'not given'."""
        value = entry.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self._fail(_join(path, key), f"expected a string, got {_type_name(value)}")
        return value

    def _player(self, entry: dict[str, Any], key: str, path: str) -> str:
        return self._known_player(self._field(entry, key, path), _join(path, key))

    def _optional_player(self, entry: dict[str, Any], key: str, path: str) -> str | None:
        value = self._optional_str(entry, key, path)
        return None if value is None else self._known_player(value, _join(path, key))

    def _known_player(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            self._fail(path, f"expected a player id string, got {_type_name(value)}")
        if value not in self._player_ids:
            self._fail(path, f"unknown player {value!r}: not among players")
        return value


def _in_processing_order(kills: list[Kill]) -> tuple[Kill, ...]:
    # sorted() is stable, so kills at the same ms stay in source order (STAT_DEFINITIONS §0.2).
    return tuple(sorted(kills, key=attrgetter("t_ms")))
