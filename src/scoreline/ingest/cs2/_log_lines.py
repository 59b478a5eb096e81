"""Grammar of CS2 dedicated-server (HL) log lines: one line in, one typed event out."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from scoreline.domain.errors import MalformedInputError

# SteamID64 of account id 0 in the public universe; `[U:1:N]` is this plus N.
STEAM64_BASE = 76561197960265728

CT = "CT"
TERRORIST = "TERRORIST"

# `L 01/19/2026 - 18:55:38: body` is the file logger. The HTTP logger (logaddress_add_http)
# posts `01/19/2026 - 18:55:38.123 - body` instead. Shippers such as `docker logs --timestamps`
# put an RFC 3339 stamp in front of either; it is skipped.
_SHIPPER_STAMP = r"(?:\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)\s+)?"
_FILE_HEADER_RE = re.compile(
    _SHIPPER_STAMP + r"L (\d\d)/(\d\d)/(\d{4}) - (\d\d):(\d\d):(\d\d): (.*)", re.DOTALL
)
_HTTP_HEADER_RE = re.compile(
    _SHIPPER_STAMP + r"(\d\d)/(\d\d)/(\d{4}) - (\d\d):(\d\d):(\d\d)\.(\d{3}) - (.*)", re.DOTALL
)
# What a header looks like at all: a line that starts like one but fails the strict form
# above is a damaged line, not an unknown one.
_HEADER_LIKE_RE = re.compile(_SHIPPER_STAMP + r"(?:L \d|\d\d/\d\d/\d{4} - )")

_TOKEN = r'"(.*?)<(-?\d+)><([^<>]*)><([^<>]*)>"'
_POS = r"\[(-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)\]"
_ACTOR_RE = re.compile(_TOKEN + r"(?: " + _POS + r")? (.*)", re.DOTALL)
_ATTACK_RE = re.compile(
    r"attacked "
    + _TOKEN
    + " "
    + _POS
    + r' with "([^"]*)" \(damage "(\d+)"\) \(damage_armor "(\d+)"\) \(health "(\d+)"\)'
    r' \(armor "(\d+)"\) \(hitgroup "([^"]*)"\)'
)
_KILL_RE = re.compile(r"killed " + _TOKEN + " " + _POS + r' with "([^"]*)"(?: \(([a-z ]+)\))?$')
_ASSIST_RE = re.compile(r"(flash-)?assisted killing " + _TOKEN + "$")
_SUICIDE_RE = re.compile(r'committed suicide with "([^"]*)"$')
_TRIGGER_RE = re.compile(r'triggered "([^"]+)"(?: at bombsite (\S+))?')
_MONEY_RE = re.compile(
    r"money change (\d+)([+-]\d+) = \$(\d+) \(tracked\)(?: \((purchase|acquire): ([^)]*)\))?"
)
_WORLD_RE = re.compile(r'World triggered "([^"]+)"(?: on "([^"]*)")?')
_TEAM_NOTICE_RE = re.compile(r'Team "([^"]*)" triggered "([^"]+)" \(CT "(\d+)"\) \(T "(\d+)"\)')
_TEAM_PLAYING_RE = re.compile(r'(?:MatchStatus: )?Team playing "(CT|TERRORIST)": (.*)')
_GAME_OVER_RE = re.compile(r"Game Over: (\S*) (\S*) (\S+) score (\d+):(\d+)")
_LOADING_MAP_RE = re.compile(r'Loading map "([^"]+)"')
_LOG_STARTED_RE = re.compile(r'Log file started \(file "([^"]*)"\)')
_BOMB_DEATH = "was killed by the bomb"


@dataclass(frozen=True, slots=True)
class Actor:
    """A player token `"name<userid><steamid><side>"`; `player_id` is None when unkeyable."""

    name: str
    player_id: str | None
    side: str  # "CT", "TERRORIST", "Unassigned", "Spectator" or ""


@dataclass(frozen=True, slots=True)
class Attack:
    attacker: Actor
    victim: Actor
    weapon: str
    damage: int
    health_after: int
    hitgroup: str


@dataclass(frozen=True, slots=True)
class Death:
    """A `killed`, `committed suicide` or `was killed by the bomb` line."""

    kind: str  # "kill", "suicide" or "bomb"
    killer: Actor | None
    victim: Actor
    weapon: str | None
    flags: frozenset[str]
    killer_position: tuple[float, float] | None
    victim_position: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class Assist:
    assistant: Actor
    victim: Actor
    flash: bool


@dataclass(frozen=True, slots=True)
class PlayerTrigger:
    actor: Actor
    action: str
    site: str | None


@dataclass(frozen=True, slots=True)
class MoneyChange:
    actor: Actor
    delta: int
    balance: int
    purchase: bool
    sellback: bool


@dataclass(frozen=True, slots=True)
class Presence:
    """Any other line a player on a side acts in (pickups, buys, throws): proof of presence."""

    actor: Actor


@dataclass(frozen=True, slots=True)
class Disconnect:
    actor: Actor


@dataclass(frozen=True, slots=True)
class WorldTrigger:
    name: str
    map_name: str | None


@dataclass(frozen=True, slots=True)
class TeamNotice:
    """The round-end notice; `side` is the team the server credits (a side, or none on a draw)."""

    side: str
    notice: str
    score_ct: int
    score_t: int


@dataclass(frozen=True, slots=True)
class TeamPlaying:
    side: str
    name: str


@dataclass(frozen=True, slots=True)
class GameOver:
    mode: str
    map_name: str
    score_ct: int
    score_t: int


@dataclass(frozen=True, slots=True)
class LoadingMap:
    map_name: str


@dataclass(frozen=True, slots=True)
class LogStarted:
    path: str


@dataclass(frozen=True, slots=True)
class FreezeStart:
    pass


@dataclass(frozen=True, slots=True)
class JsonBegin:
    pass


Event = (
    Attack
    | Death
    | Assist
    | PlayerTrigger
    | MoneyChange
    | Presence
    | Disconnect
    | WorldTrigger
    | TeamNotice
    | TeamPlaying
    | GameOver
    | LoadingMap
    | LogStarted
    | FreezeStart
    | JsonBegin
)


def looks_like_log(text: str) -> bool:
    """True when the first non-blank lines carry the HL log header."""
    seen = 0
    for line in text[:4096].splitlines():
        if not line.strip():
            continue
        if _FILE_HEADER_RE.match(line) or _HTTP_HEADER_RE.match(line):
            return True
        seen += 1
        if seen >= 5:
            return False
    return False


def split_header(line: str, source: str, line_no: int) -> tuple[int, str] | None:
    """Split a line into (epoch ms, body); None for a line that is no log line at all.

    The server writes its local time without a zone; it is read as UTC.
    """
    if line[23:25] == ": " and line.startswith("L "):
        # The file logger's header is fixed-width: slicing it and validating each distinct
        # stamp once saves about a third of the parse time the header regex costs otherwise.
        seconds = _file_stamp_seconds(line[:25])
        if seconds is not None:
            return seconds * 1000, line[25:]
    m = _FILE_HEADER_RE.match(line)
    if m is not None:
        month, day, year, hour, minute, second, body = m.groups()
        millis = "0"
    else:
        m = _HTTP_HEADER_RE.match(line)
        if m is None:
            if _HEADER_LIKE_RE.match(line):
                raise _malformed(source, line_no, "timestamp", "unreadable log line header")
            return None
        month, day, year, hour, minute, second, millis, body = m.groups()
    seconds = _epoch_seconds(year, month, day, hour, minute, second)
    if seconds is None:
        raise _malformed(source, line_no, "timestamp", "impossible date or time")
    return seconds * 1000 + int(millis), body


@lru_cache(maxsize=256)
def _file_stamp_seconds(header: str) -> int | None:
    m = _FILE_HEADER_RE.fullmatch(header + " ")
    return _epoch_seconds(*m.groups()[:6]) if m is not None else None


@lru_cache(maxsize=256)
def _epoch_seconds(
    year: str, month: str, day: str, hour: str, minute: str, second: str
) -> int | None:
    # Many lines share each second: each distinct stamp is converted once.
    try:
        stamp = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
    except ValueError:
        return None
    return int(stamp.timestamp())


def parse_event(body: str, source: str, line_no: int) -> Event | None:
    """Read one line body; None for line types the adapter does not use."""
    if body.startswith('"'):
        return _parse_player_line(body, source, line_no)
    head = body[:12]
    if head.startswith("World trigge"):
        return _parse_world(body, source, line_no)
    if head.startswith("Team "):
        return _parse_team(body, source, line_no)
    if head.startswith(("Team playing", "MatchStatus")):
        return _parse_team_playing(body)
    if body.startswith("Starting Freeze period"):
        return FreezeStart()
    if body.startswith("JSON_BEGIN"):
        return JsonBegin()
    if body.startswith("Game Over:"):
        m = _GAME_OVER_RE.match(body)
        if m is None:
            reason = "expected '<mode> <group> <map> score A:B'"
            raise _malformed(source, line_no, "Game Over", reason)
        return GameOver(m[1], m[3], int(m[4]), int(m[5]))
    if body.startswith("Loading map"):
        m = _LOADING_MAP_RE.match(body)
        if m is None:
            raise _malformed(source, line_no, "Loading map", "expected a quoted map name")
        return LoadingMap(m[1])
    if body.startswith("Log file started"):
        m = _LOG_STARTED_RE.match(body)
        return LogStarted(m[1]) if m is not None else None
    return None


def parse_actor(name: str, steam: str, side: str) -> Actor:
    return Actor(name=name, player_id=player_id_of(name, steam), side=side)


@lru_cache(maxsize=1024)
def player_id_of(name: str, steam: str) -> str | None:
    """SteamID64 as a string for humans, `BOT:<name>` for bots, None for anything else."""
    if steam.startswith("[U:1:") and steam.endswith("]"):
        digits = steam[5:-1]
        return str(STEAM64_BASE + int(digits)) if digits.isdigit() else None
    if steam == "BOT":
        return f"BOT:{name}"
    if steam.startswith("STEAM_"):
        # Legacy STEAM_X:Y:Z: account id = 2Z + Y.
        parts = steam[6:].split(":")
        if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
            return str(STEAM64_BASE + 2 * int(parts[2]) + int(parts[1]))
    return None


def _parse_player_line(body: str, source: str, line_no: int) -> Event | None:
    m = _ACTOR_RE.match(body)
    if m is None:
        # Three-part tokens (`switched from team`) and other shapes the adapter does not use.
        return None
    actor = parse_actor(m[1], m[3], m[4])
    position = _xy(m[5], m[6])
    rest = m[8]
    if rest.startswith(("say ", "say_team ")):
        # Chat text is player-controlled: never read events out of it.
        return None
    verb = _verb_of(rest)
    if verb is None:
        if actor.side in (CT, TERRORIST) and actor.player_id is not None:
            return Presence(actor)
        return None
    return _VERB_PARSERS[verb](actor, position, rest, source, line_no)


def _verb_of(rest: str) -> str | None:
    for verb in _VERB_PARSERS:
        if rest.startswith(verb):
            return verb
    return None


def _parse_attack(
    actor: Actor, _position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event:
    m = _ATTACK_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "attacked", "expected victim, position, weapon, damage")
    victim = parse_actor(m[1], m[3], m[4])
    _require_ids(source, line_no, "attacked", actor, victim)
    return Attack(
        attacker=actor,
        victim=victim,
        weapon=m[8],
        damage=int(m[9]),
        health_after=int(m[11]),
        hitgroup=m[13].lower(),
    )


def _parse_kill(
    actor: Actor, position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event | None:
    if rest.startswith("killed other "):
        return None  # chickens and props
    m = _KILL_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "killed", "expected victim, position and weapon")
    victim = parse_actor(m[1], m[3], m[4])
    _require_ids(source, line_no, "killed", actor, victim)
    flags = frozenset(m[9].split()) if m[9] else frozenset()
    return Death("kill", actor, victim, m[8], flags, position, _xy(m[5], m[6]))


def _parse_assist(
    actor: Actor, _position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event:
    m = _ASSIST_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "assisted killing", "expected a quoted victim")
    victim = parse_actor(m[2], m[4], m[5])
    _require_ids(source, line_no, "assisted killing", actor, victim)
    return Assist(actor, victim, flash=m[1] is not None)


def _parse_suicide(
    actor: Actor, position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event:
    m = _SUICIDE_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "committed suicide", "expected a quoted weapon")
    _require_ids(source, line_no, "committed suicide", actor)
    return Death("suicide", None, actor, m[1], frozenset(), None, position)


def _parse_bomb_death(
    actor: Actor, position: tuple[float, float] | None, _rest: str, source: str, line_no: int
) -> Event:
    _require_ids(source, line_no, "killed by the bomb", actor)
    return Death("bomb", None, actor, None, frozenset(), None, position)


def _parse_trigger(
    actor: Actor, _position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event | None:
    m = _TRIGGER_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "triggered", "expected a quoted action")
    if actor.player_id is None:
        return None
    return PlayerTrigger(actor, m[1], m[2])


def _parse_money(
    actor: Actor, _position: tuple[float, float] | None, rest: str, source: str, line_no: int
) -> Event | None:
    m = _MONEY_RE.match(rest)
    if m is None:
        raise _malformed(source, line_no, "money change", "expected 'A+B = $C (tracked)'")
    if actor.player_id is None:
        return None
    return MoneyChange(
        actor,
        delta=int(m[2]),
        balance=int(m[3]),
        purchase=m[4] == "purchase",
        sellback=m[4] == "acquire" and m[5] == "sellback",
    )


def _parse_disconnect(
    actor: Actor, _position: tuple[float, float] | None, _rest: str, _source: str, _line_no: int
) -> Event | None:
    return Disconnect(actor) if actor.player_id is not None else None


def _parse_world(body: str, source: str, line_no: int) -> Event:
    m = _WORLD_RE.match(body)
    if m is None:
        raise _malformed(source, line_no, "World triggered", "expected a quoted event name")
    return WorldTrigger(m[1], m[2])


def _parse_team(body: str, source: str, line_no: int) -> Event | None:
    if body.startswith("Team playing"):
        return _parse_team_playing(body)
    if " triggered " not in body:
        return None  # `Team "CT" scored ...`
    m = _TEAM_NOTICE_RE.match(body)
    if m is None:
        reason = 'expected side, notice, (CT "a") (T "b")'
        raise _malformed(source, line_no, "Team triggered", reason)
    return TeamNotice(m[1], m[2], int(m[3]), int(m[4]))


def _parse_team_playing(body: str) -> Event | None:
    m = _TEAM_PLAYING_RE.match(body)
    return TeamPlaying(m[1], m[2].strip()) if m is not None else None


def _xy(x: str | None, y: str | None) -> tuple[float, float] | None:
    if x is None or y is None:
        return None
    return float(x), float(y)


def _require_ids(source: str, line_no: int, event: str, *actors: Actor) -> None:
    for actor in actors:
        if actor.player_id is None:
            raise _malformed(source, line_no, event, f"player {actor.name!r} has no usable id")


def _malformed(source: str, line_no: int, event: str, reason: str) -> MalformedInputError:
    return MalformedInputError(source, f"line {line_no}: {event}", reason)


_VerbParser = Callable[[Actor, tuple[float, float] | None, str, str, int], Event | None]
_VERB_PARSERS: dict[str, _VerbParser] = {
    "attacked ": _parse_attack,
    "killed ": _parse_kill,
    "assisted killing ": _parse_assist,
    "flash-assisted killing ": _parse_assist,
    "committed suicide": _parse_suicide,
    _BOMB_DEATH: _parse_bomb_death,
    "triggered ": _parse_trigger,
    "money change ": _parse_money,
    "disconnected": _parse_disconnect,
}
