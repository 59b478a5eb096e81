"""Deterministic synthetic Valorant competitive matches in Riot's VAL-MATCH-V1 shape."""

from __future__ import annotations

import hashlib
import random
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from scoreline.domain.valorant import SAGE, VALORANT_AGENTS

__all__ = ["generate_match", "generate_matches"]

Json = dict[str, object]
_T = TypeVar("_T")

# --- time ---------------------------------------------------------------------------------
EPOCH_MS = 1_793_491_200_000  # 2026-11-01T00:00:00Z; matches start in the window before it
START_SPREAD_MS = 60 * 86_400_000
ROUND_TIME_MS = 100_000  # round timer before a plant
SPIKE_TIMER_MS = 45_000  # plant to detonation
DEFUSE_TIME_MS = 7_000
FIRST_BUY_PHASE_MS = 45_000
HALFTIME_BUY_PHASE_MS = 45_000
BUY_PHASE_MS = 30_000
ROUND_END_PHASE_MS = 7_000
PRE_PLANT_KILLS_LIMIT_MS = 85_000
LAST_KILL_LIMIT_MS = 98_000
POST_PLANT_KILLS_LIMIT_MS = 43_000  # after the plant; detonation comes at 45 s
RETAKE_KILLS_LIMIT_MS = 38_000  # after the plant, leaving time for the 7 s defuse

# --- competitive rules ----------------------------------------------------------------------
TEAM_SIZE = 5
PLAYER_COUNT = 10
TEAM_IDS = ("Red", "Blue")
ROUNDS_TO_WIN = 13
HALF_ROUNDS = 12
REGULATION_ROUNDS = 24
SURRENDER_EARLIEST_ROUND = 6
SURRENDER_MIN_DEFICIT = 5

# --- economy (credits) ----------------------------------------------------------------------
PISTOL_CREDITS = 800
OVERTIME_CREDITS = 5000
MAX_CREDITS = 9000
WIN_CREDITS = 3000
LOSS_CREDITS = (1900, 2400, 2900)  # first, second, third and later loss in a row
SURVIVED_LOSS_CREDITS = 1000
KILL_CREDITS = 200
PLANT_CREDITS = 300
FULL_BUY_CREDITS = 3900  # rifle and heavy shields
FORCE_BUY_CREDITS = 2300
THRIFTY_MAX_TEAM_VALUE = 10_000

# --- combat score (STAT_DEFINITIONS §5.1) ---------------------------------------------------
KILL_SCORE_BASE = 50
KILL_SCORE_PER_ENEMY_ALIVE = 20
MULTI_KILL_SCORE = 50
NON_DAMAGING_ASSIST_SCORE = 25

# --- how often things happen ----------------------------------------------------------------
ATTACK_BASE_WIN_CHANCE = 0.47
STRENGTH_WEIGHT = 1.1
P_TEAM_KILL = 0.004
P_FALL = 0.002
P_OWN_UTILITY = 0.002
P_MUTUAL_KILL = 0.05  # of deaths that could be the refrag of the previous kill
P_TRADE = 0.55
P_MULTI_KILL = 0.35
P_REVIVE = 0.012  # per eligible death, with a Sage alive and her ultimate unused
P_ABILITY_KILL = 0.06
P_MELEE_KILL = 0.008
P_SIDEARM_KILL = 0.05
P_SECONDARY_FIRE = 0.04
P_DAMAGING_ASSIST = 0.7
LEG_HIT_RATE = 0.12
P_PLANT_AFTER_FIRST_KILL = 0.9
P_CHIP_DAMAGE = 0.35
P_FRIENDLY_CHIP = 0.01
P_SPIKE_DEATH_DEFENDER = 0.22
P_SPIKE_DEATH_ATTACKER = 0.04
P_SELF_DEATH_ENEMY_ASSIST = 0.35
P_SELF_DEATH_TEAMMATE_ASSIST = 0.05  # listed by Riot, not credited (§20)
P_MAY_SURRENDER = 0.045
P_SURRENDER_VOTE_PASSES = 0.35

# Every agent, in the fixed order draws index into.
AGENTS = tuple(sorted(VALORANT_AGENTS, key=VALORANT_AGENTS.__getitem__))
# Map codenames as Riot's `mapId` carries them, with their spike sites.
MAPS = (
    ("/Game/Maps/Ascent/Ascent", "AB"),
    ("/Game/Maps/Triad/Triad", "ABC"),  # Haven
    ("/Game/Maps/Duality/Duality", "AB"),  # Bind
    ("/Game/Maps/Bonsai/Bonsai", "AB"),  # Split
    ("/Game/Maps/Port/Port", "AB"),  # Icebox
    ("/Game/Maps/Foxtrot/Foxtrot", "AB"),  # Breeze
    ("/Game/Maps/Canyon/Canyon", "AB"),  # Fracture
    ("/Game/Maps/Pitt/Pitt", "AB"),  # Pearl
    ("/Game/Maps/Jam/Jam", "ABC"),  # Lotus
    ("/Game/Maps/Juliett/Juliett", "AB"),  # Sunset
)
SEASON_ID = "2a27e5d2-4d30-c9e2-b15a-93b8909a442c"  # the act in the real sample files
QUEUE_ID = "competitive"
GAME_MODE = "/Game/GameModes/Bomb/BombGameMode.BombGameMode_C"
PLAYER_POOL_SIZE = 5000  # players recur across a seed's matches, as on a real ladder

ARMOR_IDS = ("", "4DEC83D5-4902-9AB3-BED6-A7A390761157", "822BCAB2-40A2-324E-C137-E09195AD7692")
ARMOR_COSTS = (0, 400, 1000)  # none, light shields, heavy shields
ARMOR_HP = (0, 25, 50)
ARMOR_POWER = (0.85, 0.93, 1.0)
NO_ARMOR, LIGHT_ARMOR, HEAVY_ARMOR = 0, 1, 2

_GAP_FIRST, _GAP_FIGHT, _GAP_CLUSTER, _GAP_TRADE, _GAP_MUTUAL, _GAP_SPIKE = range(6)
_PISTOL, _ECO, _FORCE, _FULL = range(4)


# --- draws ----------------------------------------------------------------------------------
# Only rng.random() and rng.getrandbits() are used: their output for a given seed is fixed
# across platforms and Python versions, unlike the algorithms behind choice() and shuffle().
# Floats only meet +, -, * and /, which IEEE 754 makes exact everywhere (no log or exp).


def _index(rng: random.Random, n: int) -> int:
    return int(rng.random() * n)


def _between(rng: random.Random, low: int, high: int) -> int:
    """An int in [low, high)."""
    return low + int(rng.random() * (high - low))


def _pick(rng: random.Random, items: Sequence[_T]) -> _T:
    return items[int(rng.random() * len(items))]


def _shuffle(rng: random.Random, items: list[_T]) -> None:
    for i in range(len(items) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        items[i], items[j] = items[j], items[i]


def _uuid4(rng: random.Random) -> str:
    return _uuid4_text(rng.getrandbits(128).to_bytes(16, "big"))


def _uuid4_text(raw: bytes) -> str:
    """`raw` (16 bytes) as a version-4 UUID string, like str(uuid.UUID(bytes=raw, version=4))."""
    octets = bytearray(raw)
    octets[6] = octets[6] & 0x0F | 0x40
    octets[8] = octets[8] & 0x3F | 0x80
    h = octets.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Weighted(Generic[_T]):
    """A fixed weighted choice."""

    __slots__ = ("_cumulative", "_items", "_total")

    def __init__(self, pairs: Sequence[tuple[_T, float]]) -> None:
        self._items = tuple(item for item, _ in pairs)
        cumulative: list[float] = []
        total = 0.0
        for _, weight in pairs:
            total += weight
            cumulative.append(total)
        # A draw rounded up to the total still lands on the last item.
        cumulative[-1] = float("inf")
        self._cumulative = tuple(cumulative)
        self._total = total

    def pick(self, rng: random.Random) -> _T:
        return self._items[bisect_right(self._cumulative, rng.random() * self._total)]


# --- equipment --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Weapon:
    name: str
    item_id: str  # Riot's upper-case id, as in `economy.weapon` and `damageItem`
    cost: int
    body: int  # damage per hit at close range
    head: int
    leg: int
    head_rate: float  # share of hits on the head
    power: float  # relative duel strength
    sidearm: bool = False


CLASSIC = _Weapon("Classic", "29A0CFAB-485B-F5D5-779A-B59F85E204A8", 0, 26, 78, 22, 0.2, 0.55, True)
SHORTY = _Weapon(
    "Shorty", "42DA8CCC-40D5-AFFC-BEEC-15AA47B42EDA", 150, 12, 36, 10, 0.08, 0.58, True
)
FRENZY = _Weapon(
    "Frenzy", "44D4E95C-4157-0037-81B2-17841BF2E8E3", 450, 26, 78, 22, 0.15, 0.62, True
)
GHOST = _Weapon("Ghost", "1BAA85B4-4C70-1284-64BB-6481DFC3BB4E", 500, 30, 105, 25, 0.22, 0.66, True)
SHERIFF = _Weapon(
    "Sheriff", "E336C6B8-418D-9340-D77F-7A9E4CFE0702", 800, 55, 159, 46, 0.25, 0.72, True
)
STINGER = _Weapon("Stinger", "F7E1B454-4AD4-1063-EC0A-159E56B58941", 950, 27, 67, 22, 0.14, 0.76)
BUCKY = _Weapon("Bucky", "910BE174-449B-C412-AB22-D0873436B21B", 850, 20, 40, 17, 0.06, 0.74)
MARSHAL = _Weapon("Marshal", "C4883E50-4494-202C-3EC3-6B8A9284F00B", 950, 101, 202, 85, 0.3, 0.78)
SPECTRE = _Weapon("Spectre", "462080D1-4035-2937-7C09-27AA2A5C27A7", 1600, 26, 78, 22, 0.16, 0.82)
ARES = _Weapon("Ares", "55D8A0F4-4274-CA67-FE2C-06AB45EFDF58", 1600, 30, 72, 25, 0.12, 0.8)
JUDGE = _Weapon("Judge", "EC845BF4-4F79-DDDA-A3DA-0DB3774B2794", 1850, 17, 34, 14, 0.06, 0.8)
BULLDOG = _Weapon("Bulldog", "AE3DE142-4D85-2547-DD26-4E90BED35CF7", 2050, 35, 115, 29, 0.2, 0.86)
GUARDIAN = _Weapon(
    "Guardian", "4ADE7FAA-4CF1-8376-95EF-39884480959B", 2250, 65, 195, 48, 0.26, 0.88
)
OUTLAW = _Weapon("Outlaw", "5F0AAF7A-4289-3998-D5FF-EB9A5CF7EF5C", 2400, 140, 238, 119, 0.3, 0.9)
PHANTOM = _Weapon("Phantom", "EE8E8D15-496B-07AC-E5F6-8FAE5D4C7B1A", 2900, 39, 156, 33, 0.24, 1.0)
VANDAL = _Weapon("Vandal", "9C82E19D-4575-0200-1A81-3EACF00CF872", 2900, 40, 160, 34, 0.24, 1.0)
ODIN = _Weapon("Odin", "63E6C2B6-4A8E-869C-3D4C-E38355226584", 3200, 38, 95, 32, 0.12, 0.9)
OPERATOR = _Weapon(
    "Operator", "A03B24D3-4319-996D-0F8C-94BBFBA1DFC7", 4700, 150, 255, 127, 0.2, 1.05
)

# Cheaper fallbacks when the wanted gun is not affordable, best first.
_FALLBACK_WEAPONS = (VANDAL, BULLDOG, SPECTRE, MARSHAL, SHERIFF, GHOST, CLASSIC)
# (weapon, armor, ability credits), each 800 credits or less
_PISTOL_BUYS: _Weighted[tuple[_Weapon, int, int]] = _Weighted(
    [
        ((CLASSIC, LIGHT_ARMOR, 400), 30),
        ((GHOST, NO_ARMOR, 300), 22),
        ((SHERIFF, NO_ARMOR, 0), 10),
        ((CLASSIC, NO_ARMOR, 600), 14),
        ((FRENZY, NO_ARMOR, 350), 8),
        ((SHORTY, LIGHT_ARMOR, 250), 4),
        ((GHOST, NO_ARMOR, 200), 12),
    ]
)
_ECO_WEAPONS = _Weighted([(SHERIFF, 35), (GHOST, 30), (SHORTY, 15), (FRENZY, 12), (BUCKY, 8)])
_FORCE_WEAPONS = _Weighted(
    [
        (SPECTRE, 35),
        (BULLDOG, 15),
        (MARSHAL, 12),
        (STINGER, 10),
        (JUDGE, 8),
        (GUARDIAN, 8),
        (ARES, 5),
        (SHERIFF, 7),
    ]
)
_FULL_WEAPONS = _Weighted(
    [
        (VANDAL, 44),
        (PHANTOM, 38),
        (OPERATOR, 7),
        (GUARDIAN, 3),
        (OUTLAW, 3),
        (BULLDOG, 2),
        (ODIN, 2),
        (JUDGE, 1),
    ]
)
_ABILITY_SLOTS = _Weighted(
    [("Ultimate", 40), ("GrenadeAbility", 30), ("Ability1", 15), ("Ability2", 15)]
)
_ASSISTANT_COUNTS = _Weighted([(0, 45), (1, 35), (2, 15), (3, 5)])
_PARTY_SHAPES = _Weighted(
    [((1, 1, 1, 1, 1), 35), ((2, 1, 1, 1), 30), ((2, 2, 1), 12), ((3, 1, 1), 12), ((5,), 11)]
)
_WINNER_DEATHS = _Weighted([(0, 12), (1, 25), (2, 28), (3, 22), (4, 13)])
_SURVIVING_LOSER_DEATHS = _Weighted([(0, 8), (1, 17), (2, 27), (3, 28), (4, 20)])
_NAME_SYLLABLES = (
    "ka", "ri", "zen", "mo", "lu", "vex", "ta", "shi", "ro", "nyx", "el", "qua", "dra", "fi",
    "sol", "ar", "ion", "vy", "ze", "kor", "mi", "pha", "tor", "sa", "ne", "ok", "ul", "ji",
)  # fmt: skip


# --- outcomes -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Outcome:
    code: str  # roundResultCode
    text: str  # roundResult
    attack_wins: bool
    planted: bool
    loser_wiped: bool
    defused: bool = False


ATTACK_ELIMINATION = _Outcome("Elimination", "Eliminated", True, False, True)
POST_PLANT_ELIMINATION = _Outcome("Elimination", "Eliminated", True, True, True)
DETONATION = _Outcome("Detonate", "Bomb detonated", True, True, False)
DEFENSE_ELIMINATION = _Outcome("Elimination", "Eliminated", False, False, True)
RETAKE_DEFUSE = _Outcome("Defuse", "Bomb defused", False, True, True, defused=True)
NINJA_DEFUSE = _Outcome("Defuse", "Bomb defused", False, True, False, defused=True)
TIMER_EXPIRED = _Outcome("", "Round timer expired", False, False, False)
SURRENDERED = "Surrendered"

_ATTACK_WINS = _Weighted([(ATTACK_ELIMINATION, 30), (POST_PLANT_ELIMINATION, 33), (DETONATION, 37)])
_DEFENSE_WINS = _Weighted(
    [(DEFENSE_ELIMINATION, 62), (RETAKE_DEFUSE, 28), (NINJA_DEFUSE, 4), (TIMER_EXPIRED, 6)]
)


# --- players --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Identity:
    puuid: str
    game_name: str
    tag_line: str
    skill: float
    card: str
    title: str


@lru_cache(maxsize=1 << 16)
def _identity(seed: int, number: int) -> _Identity:
    """Pool player `number` of `seed`: the same person in every match of that seed.

    Drawn from a hash of (seed, number), which is much cheaper than seeding a generator.
    """
    drawn = hashlib.sha512(f"scoreline:{seed}:player:{number}".encode()).digest()
    syllables = len(_NAME_SYLLABLES)
    name = "".join(_NAME_SYLLABLES[b % syllables] for b in drawn[48 : 50 + drawn[50] % 2])
    if drawn[51] < 77:  # about 30% of names end in digits
        name += str(1 + drawn[52] % 99)
    number_tag = 1000 + int.from_bytes(drawn[53:56], "big") % 99_000
    tag = str(number_tag) if drawn[56] < 205 else name[:3].upper()
    skill = 0.7 + 0.6 * (drawn[57] + drawn[58]) / 510
    return _Identity(
        puuid=_uuid4_text(drawn[:16]),
        game_name=name.capitalize(),
        tag_line=tag,
        skill=skill,
        card=_uuid4_text(drawn[16:32]),
        title=_uuid4_text(drawn[32:48]),
    )


@dataclass(frozen=True, slots=True)
class _Roster:
    identities: tuple[_Identity, ...]  # slots 0-4 are Red, 5-9 Blue
    puuids: tuple[str, ...]
    agents: tuple[str, ...]
    parties: tuple[str, ...]
    tiers: tuple[int, ...]
    sages: tuple[int, int]  # slot of each team's Sage, -1 without one


def _draw_roster(rng: random.Random, seed: int) -> _Roster:
    numbers: list[int] = []
    while len(numbers) < PLAYER_COUNT:
        number = _index(rng, PLAYER_POOL_SIZE)
        if number not in numbers:
            numbers.append(number)
    agents: list[str] = []
    parties: list[str] = []
    for _ in TEAM_IDS:
        pool = list(AGENTS)
        _shuffle(rng, pool)
        agents.extend(pool[:TEAM_SIZE])
        for size in _PARTY_SHAPES.pick(rng):
            parties.extend([_uuid4(rng)] * size)
    base_tier = _between(rng, 3, 28)
    tiers = tuple(min(27, max(3, base_tier + _between(rng, -2, 3))) for _ in range(PLAYER_COUNT))
    sages = tuple(
        agents.index(SAGE, t * TEAM_SIZE, (t + 1) * TEAM_SIZE)
        if SAGE in agents[t * TEAM_SIZE : (t + 1) * TEAM_SIZE]
        else -1
        for t in range(2)
    )
    identities = tuple(_identity(seed, n) for n in numbers)
    return _Roster(
        identities=identities,
        puuids=tuple(i.puuid for i in identities),
        agents=tuple(agents),
        parties=tuple(parties),
        tiers=tiers,
        sages=(sages[0], sages[1]),
    )


# --- economy --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Loadout:
    weapon: _Weapon
    armor: int
    spent: int
    remaining: int
    value: int


def _buy_mode(round_num: int, team_credits: Sequence[int]) -> int:
    if round_num in (0, HALF_ROUNDS):
        return _PISTOL
    if round_num >= REGULATION_ROUNDS:
        return _FULL
    average = sum(team_credits) / TEAM_SIZE
    if average >= FULL_BUY_CREDITS:
        return _FULL
    if average >= FORCE_BUY_CREDITS or round_num in (HALF_ROUNDS - 1, REGULATION_ROUNDS - 1):
        return _FORCE
    return _ECO


def _buy(rng: random.Random, mode: int, credits: int, kept: _Weapon | None) -> _Loadout:
    if mode == _PISTOL:
        weapon, armor, abilities = _PISTOL_BUYS.pick(rng)
        return _purchase(credits, None, weapon, armor, abilities)
    abilities = _pick(rng, (0, 100, 150, 200, 250, 300, 400, 500, 600))
    if mode == _FULL:
        return _purchase(credits, kept, _FULL_WEAPONS.pick(rng), HEAVY_ARMOR, abilities)
    if mode == _FORCE:
        armor = HEAVY_ARMOR if credits >= 3600 else LIGHT_ARMOR
        return _purchase(credits, kept, _FORCE_WEAPONS.pick(rng), armor, abilities // 2)
    wanted = _ECO_WEAPONS.pick(rng) if rng.random() < 0.45 else CLASSIC
    armor = LIGHT_ARMOR if credits >= 2500 and rng.random() < 0.3 else NO_ARMOR
    return _purchase(credits, kept, wanted, armor, abilities // 3)


def _purchase(
    credits: int, kept: _Weapon | None, wanted: _Weapon, armor: int, abilities: int
) -> _Loadout:
    """Buy the wanted gun (or the best affordable one), then shields, then abilities."""
    weapon = kept or CLASSIC
    spent = 0
    if wanted.power > weapon.power:
        if wanted.cost > credits:
            wanted = next(w for w in _FALLBACK_WEAPONS if w.cost <= credits)
        if wanted.power > weapon.power:
            weapon = wanted
            spent = wanted.cost
    while ARMOR_COSTS[armor] > credits - spent:
        armor -= 1
    spent += ARMOR_COSTS[armor]
    ability_spend = min(abilities, (credits - spent) // 50 * 50)
    spent += ability_spend
    value = weapon.cost + ARMOR_COSTS[armor] + ability_spend
    return _Loadout(weapon, armor, spent, credits - spent, value)


@dataclass(slots=True)
class _Economy:
    credits: list[int]
    kept: list[_Weapon | None]
    loss_streak: list[int]

    @classmethod
    def fresh(cls) -> _Economy:
        return cls([PISTOL_CREDITS] * PLAYER_COUNT, [None] * PLAYER_COUNT, [0, 0])

    def start_round(self, round_num: int) -> None:
        if round_num in (0, HALF_ROUNDS):
            self.credits = [PISTOL_CREDITS] * PLAYER_COUNT
            self.kept = [None] * PLAYER_COUNT
            self.loss_streak = [0, 0]
        elif round_num >= REGULATION_ROUNDS:
            self.credits = [OVERTIME_CREDITS] * PLAYER_COUNT

    def buy(self, rng: random.Random, round_num: int) -> list[_Loadout]:
        loadouts: list[_Loadout] = []
        for team in range(2):
            slots = range(team * TEAM_SIZE, (team + 1) * TEAM_SIZE)
            mode = _buy_mode(round_num, [self.credits[p] for p in slots])
            loadouts += [_buy(rng, mode, self.credits[p], self.kept[p]) for p in slots]
        return loadouts

    def settle(self, loadouts: Sequence[_Loadout], sim: _RoundSim) -> None:
        """Pay the round's rewards (win, loss bonus, kills, plant) and keep survivors' guns."""
        winner = sim.winner
        for team in range(2):
            self.loss_streak[team] = 0 if team == winner else self.loss_streak[team] + 1
        for p in range(PLAYER_COUNT):
            team = p // TEAM_SIZE
            if team == winner:
                reward = WIN_CREDITS
            elif sim.alive[p]:
                reward = SURVIVED_LOSS_CREDITS
            else:
                reward = LOSS_CREDITS[min(self.loss_streak[team], len(LOSS_CREDITS)) - 1]
            reward += KILL_CREDITS * sim.enemy_kills[p]
            if sim.plant_ms is not None and team == sim.attack_team:
                reward += PLANT_CREDITS
            self.credits[p] = min(MAX_CREDITS, loadouts[p].remaining + reward)
            self.kept[p] = loadouts[p].weapon if sim.alive[p] else None


# --- one round ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Kill:
    t_ms: int
    killer: int
    victim: int
    assistants: tuple[int, ...]
    damage_type: str
    item: str
    weapon: _Weapon | None  # the gun of the finishing hits, for their damage
    secondary: bool
    gap: int  # how it follows the previous kill in time
    witnesses: Sequence[int]  # players alive at the kill, the victim excluded
    enemy: bool = False  # an enemy killed the victim: not a team kill, self-death or spike


class _RoundSim:
    """Builds one round's events for a decided outcome: deaths, times, plant, defuse, damage."""

    __slots__ = (
        "alive",
        "alive_after",
        "alive_by_team",
        "attack_team",
        "damage",
        "defuse_ms",
        "defuser",
        "end_ms",
        "enemy_kills",
        "kills",
        "loadouts",
        "outcome",
        "pending_revive",
        "plant_ms",
        "plant_witnesses",
        "planter",
        "revive_used",
        "revived",
        "rng",
        "roster",
        "skills",
        "winner",
    )

    def __init__(
        self,
        rng: random.Random,
        roster: _Roster,
        loadouts: Sequence[_Loadout],
        attack_team: int,
        outcome: _Outcome,
    ) -> None:
        self.rng = rng
        self.roster = roster
        self.loadouts = loadouts
        self.skills = [i.skill * loadouts[p].weapon.power for p, i in enumerate(roster.identities)]
        self.attack_team = attack_team
        self.outcome = outcome
        self.winner = attack_team if outcome.attack_wins else 1 - attack_team
        self.alive = [True] * PLAYER_COUNT
        self.alive_by_team = [list(range(TEAM_SIZE)), list(range(TEAM_SIZE, PLAYER_COUNT))]
        self.alive_after: list[list[int]] = []
        self.kills: list[_Kill] = []
        self.pending_revive = -1
        self.revive_used = [False, False]
        self.revived = [False] * PLAYER_COUNT
        self.plant_ms: int | None = None
        self.planter = -1
        self.plant_witnesses: Sequence[int] = ()
        self.defuse_ms: int | None = None
        self.defuser = -1
        self.end_ms = 0
        self.damage: dict[int, list[int]] = {}  # attacker * 10 + receiver -> dmg, leg, body, head
        self.enemy_kills = [0] * PLAYER_COUNT

    def play(self) -> None:
        self._assign_deaths(self._death_order())
        gaps = [self._gap_ms(kill.gap) for kill in self.kills]
        if self.outcome.planted:
            self._lay_out_with_plant(gaps)
        else:
            limit = LAST_KILL_LIMIT_MS - (2000 if self.outcome is TIMER_EXPIRED else 0)
            self._set_times(0, _lay_out(gaps, 0, limit))
            self.end_ms = self.kills[-1].t_ms if self.outcome.loser_wiped else ROUND_TIME_MS
        if self.outcome is DETONATION:
            self._spike_deaths()
        self._deal_damage()

    # deaths ----------------------------------------------------------------------------------

    def _death_order(self) -> list[int]:
        """The team of each death, in order; a wiped loser's last death ends the round."""
        loser = 1 - self.winner
        if self.outcome.loser_wiped:
            loser_deaths = TEAM_SIZE
        else:
            loser_deaths = _SURVIVING_LOSER_DEATHS.pick(self.rng)
        order = [loser] * loser_deaths + [self.winner] * _WINNER_DEATHS.pick(self.rng)
        _shuffle(self.rng, order)
        if self.outcome.loser_wiped and order[-1] != loser:
            last = len(order) - 1 - order[::-1].index(loser)
            order[last], order[-1] = order[-1], order[last]
        return order

    def _assign_deaths(self, order: list[int]) -> None:
        i = 0
        while i < len(order):
            kill = self._next_kill(order[i])
            self.kills.append(kill)
            self._die(kill.victim)
            has_sage = self.roster.sages[kill.victim // TEAM_SIZE] >= 0
            if has_sage and i + 1 < len(order) and self._revive(kill.victim):
                team = kill.victim // TEAM_SIZE
                if self.outcome.loser_wiped and team != self.winner:
                    order.insert(_between(self.rng, i + 1, len(order) + 1), team)
            if self.outcome.planted:  # only the plant needs to know who was alive when
                alive = self.alive
                self.alive_after.append([p for p in range(PLAYER_COUNT) if alive[p]])
            i += 1

    def _die(self, p: int) -> None:
        self.alive[p] = False
        self.alive_by_team[p // TEAM_SIZE].remove(p)

    def _revive(self, victim: int) -> bool:
        """A Sage ultimate brings `victim` back; he then takes part in the very next kill,
        which is when a reader infers the revive (STAT_DEFINITIONS §0.2)."""
        team = victim // TEAM_SIZE
        sage = self.roster.sages[team]
        if sage == victim or not self.alive[sage] or self.revive_used[team]:
            return False
        if self.rng.random() >= P_REVIVE:
            return False
        self.revive_used[team] = True
        self.revived[victim] = True
        self.alive[victim] = True
        self.alive_by_team[team].append(victim)
        self.pending_revive = victim
        return True

    def _next_kill(self, team: int) -> _Kill:
        other = 1 - team
        if self.pending_revive >= 0:
            revived, self.pending_revive = self.pending_revive, -1
            if revived // TEAM_SIZE == team:
                return self._enemy_kill(self._pick_killer(other), revived, _GAP_FIGHT)
            # He shoots: a reader infers a revive from a dead killer's weapon kill only.
            return self._enemy_kill(revived, self._pick_victim(team), _GAP_CLUSTER, gun_only=True)
        if self.rng.random() < P_TEAM_KILL + P_FALL + P_OWN_UTILITY:
            return self._odd_death(team)
        prev = self.kills[-1] if self.kills else None
        if prev is None:
            return self._enemy_kill(self._pick_killer(other), self._pick_victim(team), _GAP_FIRST)
        if prev.enemy and self.alive[prev.killer] and prev.killer // TEAM_SIZE == team:
            # The previous killer's team loses a player: often the refrag of a trade.
            roll = self.rng.random()
            if roll < P_MUTUAL_KILL:
                return self._enemy_kill(prev.victim, prev.killer, _GAP_MUTUAL)
            if roll < P_TRADE:
                return self._enemy_kill(self._pick_killer(other), prev.killer, _GAP_TRADE)
        elif prev.enemy and self.alive[prev.killer] and self.rng.random() < P_MULTI_KILL:
            return self._enemy_kill(prev.killer, self._pick_victim(team), _GAP_CLUSTER)
        return self._enemy_kill(self._pick_killer(other), self._pick_victim(team), _GAP_FIGHT)

    def _pick_killer(self, team: int) -> int:
        candidates = self.alive_by_team[team]
        skills = self.skills
        x = self.rng.random() * sum([skills[p] for p in candidates])
        for p in candidates:
            x -= skills[p]
            if x < 0:
                return p
        return candidates[-1]

    def _pick_victim(self, team: int) -> int:
        return _pick(self.rng, self.alive_by_team[team])

    def _witnesses(self, victim: int) -> list[int]:
        alive = self.alive
        return [p for p in range(PLAYER_COUNT) if alive[p] and p != victim]

    def _assistants(self, killer: int) -> tuple[int, ...]:
        count = _ASSISTANT_COUNTS.pick(self.rng)
        if not count:
            return ()
        teammates = [p for p in self.alive_by_team[killer // TEAM_SIZE] if p != killer]
        _shuffle(self.rng, teammates)
        return tuple(teammates[:count])

    def _enemy_kill(self, killer: int, victim: int, gap: int, gun_only: bool = False) -> _Kill:
        rng = self.rng
        weapon: _Weapon | None = self.loadouts[killer].weapon
        roll = 1.0 if gun_only else rng.random()
        if roll < P_ABILITY_KILL:
            damage_type, item, weapon = "Ability", _ABILITY_SLOTS.pick(rng), None
        elif roll < P_ABILITY_KILL + P_MELEE_KILL:
            damage_type, item, weapon = "Melee", "", None
        else:
            if weapon is not None and not weapon.sidearm and rng.random() < P_SIDEARM_KILL:
                weapon = CLASSIC
            damage_type, item = "Weapon", weapon.item_id if weapon else ""
        assistants = self._assistants(killer)
        secondary = weapon is not None and rng.random() < P_SECONDARY_FIRE
        witnesses = self._witnesses(victim)
        return _Kill(
            0, killer, victim, assistants, damage_type, item, weapon, secondary, gap, witnesses,
            enemy=True,
        )  # fmt: skip

    def _odd_death(self, team: int) -> _Kill:
        """A team kill, a fall or a death to one's own utility."""
        rng = self.rng
        victim = self._pick_victim(team)
        gap = _GAP_FIGHT if self.kills else _GAP_FIRST
        witnesses = self._witnesses(victim)
        teammates = [p for p in self.alive_by_team[team] if p != victim]
        roll = rng.random() * (P_TEAM_KILL + P_FALL + P_OWN_UTILITY)
        if roll < P_TEAM_KILL and teammates:
            killer = _pick(rng, teammates)
            weapon = self.loadouts[killer].weapon
            assistants = tuple(p for p in teammates if p != killer)[: _index(rng, 2)]
            if rng.random() < 0.6:
                damage_type, item, gun = "Weapon", weapon.item_id, weapon
            else:
                damage_type, item, gun = "Ability", "Ultimate", None
            return _Kill(
                0, killer, victim, assistants, damage_type, item, gun, False, gap, witnesses
            )
        if roll < P_TEAM_KILL + P_FALL:
            assistants = self._self_death_assistants(victim)
            return _Kill(0, victim, victim, assistants, "Fall", "", None, False, gap, witnesses)
        slot = "GrenadeAbility" if rng.random() < 0.6 else "Ultimate"
        assistants = tuple(teammates[:1]) if rng.random() < P_SELF_DEATH_TEAMMATE_ASSIST else ()
        return _Kill(0, victim, victim, assistants, "Ability", slot, None, False, gap, witnesses)

    def _self_death_assistants(self, victim: int) -> tuple[int, ...]:
        """Riot lists enemies who hurt the player before a self-death, and now and then a
        teammate; §20 credits the enemies only."""
        rng = self.rng
        team = victim // TEAM_SIZE
        assistants: list[int] = []
        if rng.random() < P_SELF_DEATH_ENEMY_ASSIST:
            assistants.append((1 - team) * TEAM_SIZE + _index(rng, TEAM_SIZE))
        if rng.random() < P_SELF_DEATH_TEAMMATE_ASSIST:
            mate = team * TEAM_SIZE + _index(rng, TEAM_SIZE)
            if mate != victim:
                assistants.append(mate)
        return tuple(assistants)

    # time ------------------------------------------------------------------------------------

    def _gap_ms(self, kind: int) -> float:
        r = self.rng.random()
        if kind == _GAP_FIRST:
            return 8000 + 16_000 * (r + self.rng.random())
        if kind == _GAP_FIGHT:
            return 3000 + 7500 * (r + self.rng.random())
        if kind == _GAP_CLUSTER:
            return 250 + 2750 * r
        if kind == _GAP_TRADE:
            return 300 + 4200 * r
        return 0.0

    def _set_times(self, start: int, times: Sequence[int], offset: int = 0) -> None:
        for kill, t_ms in zip(self.kills[start:], times, strict=False):
            kill.t_ms = t_ms + offset

    def _plant_index(self) -> int:
        """How many kills come before the plant: at a fight's start, an attacker alive."""
        n = len(self.kills)
        last = n - 1 if self.outcome.loser_wiped else n
        candidates = [
            k
            for k in range(last + 1)
            if (k == 0 or k == n or self.kills[k].gap == _GAP_FIGHT)
            and (k == 0 or any(p // TEAM_SIZE == self.attack_team for p in self.alive_after[k - 1]))
        ]
        if len(candidates) > 1 and self.rng.random() < P_PLANT_AFTER_FIRST_KILL:
            return _pick(self.rng, candidates[1:])
        return candidates[0]

    def _lay_out_with_plant(self, gaps: list[float]) -> None:
        rng = self.rng
        k = self._plant_index()
        if k:
            before = _lay_out(gaps[:k], 0, PRE_PLANT_KILLS_LIMIT_MS)
            self._set_times(0, before)
            plant_ms = max(before[-1] + _between(rng, 1500, 10_000), _between(rng, 30_000, 45_000))
            present = self.alive_after[k - 1]
        else:
            plant_ms = _between(rng, 30_000, 70_000)
            present = list(range(PLAYER_COUNT))
        self.plant_ms = plant_ms
        self.plant_witnesses = present
        self.planter = _pick(rng, [p for p in present if p // TEAM_SIZE == self.attack_team])
        limit = RETAKE_KILLS_LIMIT_MS if self.outcome.defused else POST_PLANT_KILLS_LIMIT_MS
        after = _lay_out(gaps[k:], 0, limit)
        self._set_times(k, after, plant_ms)
        last_kill_ms = self.kills[-1].t_ms if self.kills else 0
        if self.outcome.defused:
            earliest = max(last_kill_ms + _between(rng, 800, 6000), plant_ms + DEFUSE_TIME_MS)
            self.defuse_ms = min(earliest + _between(rng, 0, 3000), plant_ms + 44_500)
            defenders = [
                p
                for p in range(PLAYER_COUNT)
                if self.alive[p] and p // TEAM_SIZE != self.attack_team
            ]
            self.defuser = _pick(rng, defenders)
            self.end_ms = self.defuse_ms
        elif self.outcome.loser_wiped:
            self.end_ms = last_kill_ms
        else:
            self.end_ms = plant_ms + SPIKE_TIMER_MS

    def _spike_deaths(self) -> None:
        """Players caught in the detonation die to the spike: Riot's killer is the victim."""
        rng = self.rng
        t_ms = self.end_ms
        for p in range(PLAYER_COUNT):
            if not self.alive[p]:
                continue
            defender = p // TEAM_SIZE != self.attack_team
            chance = P_SPIKE_DEATH_DEFENDER if defender else P_SPIKE_DEATH_ATTACKER
            if rng.random() >= chance:
                continue
            t_ms += _between(rng, 1, 400)
            witnesses = self._witnesses(p)
            assistants = self._self_death_assistants(p)
            self.kills.append(
                _Kill(t_ms, p, p, assistants, "Bomb", "", None, False, _GAP_SPIKE, witnesses)
            )
            self._die(p)
        self.end_ms = t_ms

    # damage ----------------------------------------------------------------------------------

    def _hit(self, attacker: int, receiver: int, weapon: _Weapon, budget: int, finish: bool) -> int:
        """Hits with `weapon` until `budget` is reached (finish) or just short of it."""
        rng = self.rng
        dealt = legs = bodies = heads = 0
        shots = 0 if finish else _between(rng, 1, 4)
        while True:
            r = rng.random()
            if r < weapon.head_rate:
                amount, part = weapon.head, 2
            elif r < weapon.head_rate + LEG_HIT_RATE:
                amount, part = weapon.leg, 0
            else:
                amount, part = weapon.body, 1
            if not finish and (dealt + amount >= budget or shots == 0):
                break
            dealt += amount
            legs += part == 0
            bodies += part == 1
            heads += part == 2
            shots -= 1
            if finish and dealt >= budget:
                break
        if dealt:
            self._record(attacker, receiver, dealt, legs, bodies, heads)
        return dealt

    def _record(
        self, attacker: int, receiver: int, amount: int, legs: int, bodies: int, heads: int
    ) -> None:
        entry = self.damage.get(attacker * PLAYER_COUNT + receiver)
        if entry is None:
            self.damage[attacker * PLAYER_COUNT + receiver] = [amount, legs, bodies, heads]
        else:
            entry[0] += amount
            entry[1] += legs
            entry[2] += bodies
            entry[3] += heads

    def _deal_damage(self) -> None:
        rng = self.rng
        for kill in self.kills:
            victim = kill.victim
            budget = 100 + (0 if self.revived[victim] else ARMOR_HP[self.loadouts[victim].armor])
            if kill.killer == victim:
                for p in kill.assistants:
                    if p // TEAM_SIZE != victim // TEAM_SIZE:
                        self._hit(p, victim, self.loadouts[p].weapon, budget - 1, finish=False)
                continue
            if kill.enemy:
                self.enemy_kills[kill.killer] += 1
                for p in kill.assistants:
                    if rng.random() < P_DAMAGING_ASSIST:
                        budget -= self._hit(
                            p, victim, self.loadouts[p].weapon, budget, finish=False
                        )
            if kill.weapon is not None:
                self._hit(kill.killer, victim, kill.weapon, budget, finish=True)
            else:
                self._record(kill.killer, victim, budget + _index(rng, 30), 0, 0, 0)
        self._chip_damage()

    def _chip_damage(self) -> None:
        """Survivors carry some damage; now and then a teammate's utility hurts someone."""
        rng = self.rng
        for p in range(PLAYER_COUNT):
            if self.alive[p] and rng.random() < P_CHIP_DAMAGE:
                enemy = (1 - p // TEAM_SIZE) * TEAM_SIZE + _index(rng, TEAM_SIZE)
                budget = 100 + ARMOR_HP[self.loadouts[p].armor] - 1
                self._hit(enemy, p, self.loadouts[enemy].weapon, budget, finish=False)
        if rng.random() < P_FRIENDLY_CHIP:
            attacker = _index(rng, PLAYER_COUNT)
            receiver = attacker // TEAM_SIZE * TEAM_SIZE + (attacker + 1) % TEAM_SIZE
            self._record(attacker, receiver, _between(rng, 5, 60), 0, 0, 0)


def _lay_out(gaps: Sequence[float], start: int, limit: int) -> list[int]:
    """Cumulative times from `start`, squeezed to end by `limit`; a zero gap stays simultaneous,
    any other gap stays at least 1 ms."""
    total = sum(gaps)
    scale = 1.0 if total <= 0 or start + total <= limit else (limit - start) / total
    times: list[int] = []
    t = float(start)
    prev = start
    for gap in gaps:
        t += gap * scale
        ms = prev if gap == 0 and times else max(int(t), prev + 1)
        times.append(ms)
        prev = ms
    return times


def _round_scores(sim: _RoundSim) -> list[int]:
    """Combat score per player, exactly as STAT_DEFINITIONS §5.1 defines it.

    Kills are replayed in order; a dead player who appears again later in the round is
    alive again from that kill (§0.2), but not when he dies at that very millisecond.
    """
    scores = [0] * PLAYER_COUNT
    for key, entry in sim.damage.items():
        attacker, receiver = divmod(key, PLAYER_COUNT)
        if attacker // TEAM_SIZE != receiver // TEAM_SIZE:
            scores[attacker] += entry[0]
    alive = [TEAM_SIZE, TEAM_SIZE]
    died_at = [-1] * PLAYER_COUNT
    for kill in sim.kills:
        for p in (kill.killer, kill.victim):
            if died_at[p] >= 0 and kill.t_ms > died_at[p]:
                died_at[p] = -1
                alive[p // TEAM_SIZE] += 1
        if kill.enemy:
            scores[kill.killer] += (
                KILL_SCORE_BASE + KILL_SCORE_PER_ENEMY_ALIVE * alive[kill.victim // TEAM_SIZE]
            )
            for p in kill.assistants:
                if kill.victim + p * PLAYER_COUNT not in sim.damage:
                    scores[p] += NON_DAMAGING_ASSIST_SCORE
        if died_at[kill.victim] < 0:
            died_at[kill.victim] = kill.t_ms
            alive[kill.victim // TEAM_SIZE] -= 1
    for p, count in enumerate(sim.enemy_kills):
        scores[p] += MULTI_KILL_SCORE * max(0, count - 1)
    return scores


def _ceremony(sim: _RoundSim) -> str:
    """The game's round banner, judged from the round's events."""
    if not sim.kills:
        return "CeremonyDefault"
    winner = sim.winner
    loser = 1 - winner
    winners = range(winner * TEAM_SIZE, (winner + 1) * TEAM_SIZE)
    if sim.outcome.loser_wiped:
        if any(sim.enemy_kills[p] >= TEAM_SIZE for p in winners):
            return "CeremonyAce"
        if not any(k.victim // TEAM_SIZE == winner for k in sim.kills):
            return "CeremonyFlawless"
        if all(sim.enemy_kills[p] for p in winners):
            return "CeremonyTeamAce"
    alive = [TEAM_SIZE, TEAM_SIZE]
    for kill in sim.kills:
        alive[kill.victim // TEAM_SIZE] -= 1
        if alive[winner] == 1 and alive[loser] >= 2:
            return "CeremonyClutch"
    value = [
        sum(sim.loadouts[p].value for p in range(t * TEAM_SIZE, (t + 1) * TEAM_SIZE))
        for t in range(2)
    ]
    # Thrifty: won on a much cheaper buy than the opponent's.
    if value[winner] < THRIFTY_MAX_TEAM_VALUE and value[winner] * 2 < value[loser]:
        return "CeremonyThrifty"
    return "CeremonyDefault"


# --- documents ------------------------------------------------------------------------------


# Positions are in map units; random offsets come from getrandbits, whose output is fixed
# across platforms, in spans that are powers of two.
SPOT_BITS = 14  # each player's spot for the round is within 8192 units of the map centre
JITTER_BITS = 10  # a player moves within 1024 units of his spot during a round
JITTER_MASK = (1 << JITTER_BITS) - 1
JITTER_SPAN = 1 << JITTER_BITS
KILL_OFFSET_BITS = 12  # a victim falls within 4096 units of his killer, per axis
KILL_OFFSET_MASK = (1 << KILL_OFFSET_BITS) - 1
KILL_OFFSET_HALF = 1 << (KILL_OFFSET_BITS - 1)
VIEW_RADIANS_PER_STEP = 6.283185307179586 / (1 << 20)


class _LocationWriter:
    """Map positions for one round: each player keeps near a spot of his own.

    Positions are the hottest path of the generator (every kill lists everyone alive), so one
    getrandbits() draw gives both jitters and the view angle.
    """

    __slots__ = ("_bits", "_xs", "_ys")

    def __init__(self, rng: random.Random) -> None:
        self._bits = rng.getrandbits
        half = JITTER_SPAN // 2
        spread = 1 << (SPOT_BITS - 1)
        self._xs = [self._bits(SPOT_BITS) - spread - half for _ in range(PLAYER_COUNT)]
        self._ys = [self._bits(SPOT_BITS) - spread - half for _ in range(PLAYER_COUNT)]

    def at(self, p: int) -> Json:
        drawn = self._bits(2 * JITTER_BITS)
        return {"x": self._xs[p] + (drawn & JITTER_MASK), "y": self._ys[p] + (drawn >> JITTER_BITS)}

    def near(self, p: int) -> Json:
        """Where a victim of `p` falls: within a few thousand units of him."""
        drawn = self._bits(2 * KILL_OFFSET_BITS)
        return {
            "x": self._xs[p] - KILL_OFFSET_HALF + (drawn & KILL_OFFSET_MASK),
            "y": self._ys[p] - KILL_OFFSET_HALF + (drawn >> KILL_OFFSET_BITS),
        }

    def players(self, present: Sequence[int], puuids: Sequence[str]) -> list[Json]:
        bits, xs, ys = self._bits, self._xs, self._ys
        return [
            {
                "puuid": puuids[p],
                "viewRadians": ((drawn := bits(40)) >> 20) * VIEW_RADIANS_PER_STEP,
                "location": {
                    "x": xs[p] + (drawn & JITTER_MASK),
                    "y": ys[p] + ((drawn >> JITTER_BITS) & JITTER_MASK),
                },
            }
            for p in present
        ]


def _kill_documents(
    where: _LocationWriter, puuids: Sequence[str], kills: Sequence[_Kill], round_start_ms: int
) -> list[list[Json]]:
    """Each player's kills, as Riot files them under the killer's `playerStats`."""
    by_killer: list[list[Json]] = [[] for _ in range(PLAYER_COUNT)]
    near, players = where.near, where.players
    for kill in kills:
        by_killer[kill.killer].append(
            {
                "timeSinceGameStartMillis": round_start_ms + kill.t_ms,
                "timeSinceRoundStartMillis": kill.t_ms,
                "killer": puuids[kill.killer],
                "victim": puuids[kill.victim],
                "victimLocation": near(kill.killer),
                "assistants": [puuids[p] for p in kill.assistants],
                "playerLocations": players(kill.witnesses, puuids),
                "finishingDamage": {
                    "damageType": kill.damage_type,
                    "damageItem": kill.item,
                    "isSecondaryFireMode": kill.secondary,
                },
            }
        )
    return by_killer


_NO_LOCATION: Json = {"x": 0, "y": 0}


def _round_document(
    rng: random.Random,
    roster: _Roster,
    round_num: int,
    sim: _RoundSim,
    scores: Sequence[int],
    site: str,
    round_start_ms: int,
) -> Json:
    puuids = roster.puuids
    where = _LocationWriter(rng)
    kills_by_owner = _kill_documents(where, puuids, sim.kills, round_start_ms)
    damage_by_owner: list[list[Json]] = [[] for _ in range(PLAYER_COUNT)]
    for key, (amount, legs, bodies, heads) in sim.damage.items():
        attacker, receiver = divmod(key, PLAYER_COUNT)
        damage_by_owner[attacker].append(
            {
                "receiver": puuids[receiver],
                "damage": amount,
                "legshots": legs,
                "bodyshots": bodies,
                "headshots": heads,
            }
        )
    player_stats: list[Json] = []
    for p in range(PLAYER_COUNT):
        loadout = sim.loadouts[p]
        player_stats.append(
            {
                "puuid": puuids[p],
                "kills": kills_by_owner[p],
                "damage": damage_by_owner[p],
                "score": scores[p],
                "economy": {
                    "loadoutValue": loadout.value,
                    "weapon": loadout.weapon.item_id,
                    "armor": ARMOR_IDS[loadout.armor],
                    "remaining": loadout.remaining,
                    "spent": loadout.spent,
                },
                "ability": {
                    "grenadeEffects": None,
                    "ability1Effects": None,
                    "ability2Effects": None,
                    "ultimateEffects": None,
                },
            }
        )
    planted = sim.plant_ms is not None
    plant_at = where.at(sim.planter) if planted else dict(_NO_LOCATION)
    defused = sim.defuse_ms is not None
    return {
        "roundNum": round_num,
        "roundResult": sim.outcome.text,
        "roundCeremony": _ceremony(sim),
        "winningTeam": TEAM_IDS[sim.winner],
        "bombPlanter": puuids[sim.planter] if planted else None,
        "bombDefuser": puuids[sim.defuser] if defused else None,
        "plantRoundTime": sim.plant_ms or 0,
        "plantPlayerLocations": where.players(sim.plant_witnesses, puuids) if planted else None,
        "plantLocation": plant_at,
        "plantSite": site if planted else "",
        "defuseRoundTime": sim.defuse_ms or 0,
        "defusePlayerLocations": (
            where.players([p for p in range(PLAYER_COUNT) if sim.alive[p]], puuids)
            if defused
            else None
        ),
        "defuseLocation": dict(plant_at) if defused else dict(_NO_LOCATION),
        "playerStats": player_stats,
        "roundResultCode": sim.outcome.code,
    }


# --- one match ------------------------------------------------------------------------------

SURRENDER = _Outcome(SURRENDERED, SURRENDERED, False, False, False)


def _attacking_team(first_attack: int, round_num: int) -> int:
    """Sides swap at halftime; in overtime they alternate every round (STAT_DEFINITIONS §13.1),
    the team that attacked first attacking again in even overtime rounds (24, 26, ...)."""
    if round_num < HALF_ROUNDS:
        return first_attack
    if round_num < REGULATION_ROUNDS:
        return 1 - first_attack
    return first_attack if (round_num - REGULATION_ROUNDS) % 2 == 0 else 1 - first_attack


def _is_over(wins: Sequence[int]) -> bool:
    """First to 13; from 12-12 on, win by two."""
    return max(wins) >= ROUNDS_TO_WIN and abs(wins[0] - wins[1]) >= 2


def _decide_outcome(
    rng: random.Random, roster: _Roster, loadouts: Sequence[_Loadout], attack_team: int
) -> _Outcome:
    strength = [0.0, 0.0]
    for p, identity in enumerate(roster.identities):
        loadout = loadouts[p]
        strength[p // TEAM_SIZE] += (
            identity.skill * loadout.weapon.power * ARMOR_POWER[loadout.armor]
        )
    attack, defense = strength[attack_team], strength[1 - attack_team]
    chance = ATTACK_BASE_WIN_CHANCE + STRENGTH_WEIGHT * (attack - defense) / (attack + defense)
    chance = min(0.94, max(0.06, chance))
    return (_ATTACK_WINS if rng.random() < chance else _DEFENSE_WINS).pick(rng)


def _surrenders(rng: random.Random, round_num: int, wins: Sequence[int]) -> bool:
    return (
        round_num >= SURRENDER_EARLIEST_ROUND
        and abs(wins[0] - wins[1]) >= SURRENDER_MIN_DEFICIT
        and rng.random() < P_SURRENDER_VOTE_PASSES
    )


@dataclass(slots=True)
class _Totals:
    """`players[].stats` as Riot counts them from the events (STAT_DEFINITIONS §20)."""

    kills: list[int]
    deaths: list[int]
    assists: list[int]
    score: list[int]
    slot_kills: dict[tuple[int, str], int]

    @classmethod
    def empty(cls) -> _Totals:
        zeros = [0] * PLAYER_COUNT
        return cls(list(zeros), list(zeros), list(zeros), list(zeros), {})

    def add(self, sim: _RoundSim, scores: Sequence[int]) -> None:
        for p in range(PLAYER_COUNT):
            self.score[p] += scores[p]
        for kill in sim.kills:
            self_death = kill.killer == kill.victim
            if kill.damage_type == "Bomb":
                pass  # a spike death is neither a kill nor a death
            elif self_death:
                self.deaths[kill.victim] += 1
            else:
                self.kills[kill.killer] += 1  # team kills included
                self.deaths[kill.victim] += 1
            for p in kill.assistants:
                if not (self_death and p // TEAM_SIZE == kill.victim // TEAM_SIZE):
                    self.assists[p] += 1
            if kill.damage_type == "Ability":
                key = (kill.killer, kill.item)
                self.slot_kills[key] = self.slot_kills.get(key, 0) + 1


def _ability_casts(rng: random.Random, totals: _Totals, player: int, rounds: int) -> Json:
    def casts(slot: str, low: float, high: float) -> int:
        drawn = int(rounds * (low + (high - low) * rng.random()))
        return max(drawn, totals.slot_kills.get((player, slot), 0))

    return {
        "grenadeCasts": casts("GrenadeAbility", 0.3, 1.0),
        "ability1Casts": casts("Ability1", 0.4, 1.3),
        "ability2Casts": casts("Ability2", 0.3, 1.2),
        "ultimateCasts": casts("Ultimate", 0.03, 0.15),
    }


def _player_document(
    rng: random.Random, roster: _Roster, totals: _Totals, p: int, rounds: int, length_ms: int
) -> Json:
    identity = roster.identities[p]
    return {
        "puuid": identity.puuid,
        "gameName": identity.game_name,
        "tagLine": identity.tag_line,
        "teamId": TEAM_IDS[p // TEAM_SIZE],
        "partyId": roster.parties[p],
        "characterId": roster.agents[p],
        "stats": {
            "score": totals.score[p],
            "roundsPlayed": rounds,
            "kills": totals.kills[p],
            "deaths": totals.deaths[p],
            "assists": totals.assists[p],
            "playtimeMillis": length_ms,
            "abilityCasts": _ability_casts(rng, totals, p, rounds),
        },
        "competitiveTier": roster.tiers[p],
        "playerCard": identity.card,
        "playerTitle": identity.title,
    }


def _play_round(
    rng: random.Random,
    roster: _Roster,
    loadouts: Sequence[_Loadout],
    attack_team: int,
    surrender_by: int,
) -> _RoundSim:
    if surrender_by >= 0:
        sim = _RoundSim(rng, roster, loadouts, attack_team, SURRENDER)
        sim.winner = 1 - surrender_by
        sim.end_ms = _between(rng, 3000, 20_000)
        return sim
    sim = _RoundSim(
        rng, roster, loadouts, attack_team, _decide_outcome(rng, roster, loadouts, attack_team)
    )
    sim.play()
    return sim


def generate_match(seed: int, index: int, *, window_end_ms: int = EPOCH_MS) -> Json:
    """Match `index` of the synthetic set `seed`: a competitive match as VAL-MATCH-V1 JSON.

    It starts in the 60 days before `window_end_ms` (Unix ms). The result depends on
    (seed, index, window_end_ms) only, identically on every platform and run.
    """
    rng = random.Random(f"{seed}:{index}")
    match_id = _uuid4(rng)
    game_start_ms = window_end_ms - 1 - _index(rng, START_SPREAD_MS)
    roster = _draw_roster(rng, seed)
    map_id, sites = _pick(rng, MAPS)
    first_attack = _index(rng, 2)
    may_surrender = rng.random() < P_MAY_SURRENDER
    economy = _Economy.fresh()
    totals = _Totals.empty()
    wins = [0, 0]
    rounds: list[Json] = []
    round_start_ms = FIRST_BUY_PHASE_MS + _between(rng, 0, 15_000)
    round_num = 0
    while True:
        attack_team = _attacking_team(first_attack, round_num)
        economy.start_round(round_num)
        loadouts = economy.buy(rng, round_num)
        surrender_by = -1
        if may_surrender and _surrenders(rng, round_num, wins):
            surrender_by = 0 if wins[0] < wins[1] else 1
        sim = _play_round(rng, roster, loadouts, attack_team, surrender_by)
        scores = _round_scores(sim)
        site = _pick(rng, sites)
        rounds.append(_round_document(rng, roster, round_num, sim, scores, site, round_start_ms))
        totals.add(sim, scores)
        wins[sim.winner] += 1
        economy.settle(loadouts, sim)
        if surrender_by >= 0 or _is_over(wins):
            break
        round_num += 1
        buy_ms = HALFTIME_BUY_PHASE_MS if round_num == HALF_ROUNDS else BUY_PHASE_MS
        round_start_ms += sim.end_ms + ROUND_END_PHASE_MS + buy_ms
    length_ms = round_start_ms + sim.end_ms + ROUND_END_PHASE_MS
    played = len(rounds)
    winner = 0 if wins[0] > wins[1] else 1
    return {
        "matchInfo": {
            "matchId": match_id,
            "mapId": map_id,
            "gameLengthMillis": length_ms,
            "gameStartMillis": game_start_ms,
            "provisioningFlowId": "Matchmaking",
            "isCompleted": True,
            "customGameName": "",
            "queueId": QUEUE_ID,
            "gameMode": GAME_MODE,
            "isRanked": True,
            "seasonId": SEASON_ID,
        },
        "players": [
            _player_document(rng, roster, totals, p, played, length_ms) for p in range(PLAYER_COUNT)
        ],
        "coaches": [],
        "teams": [
            {
                "teamId": TEAM_IDS[t],
                "won": t == winner,
                "roundsPlayed": played,
                "roundsWon": wins[t],
                "numPoints": wins[t],
            }
            for t in range(2)
        ],
        "roundResults": rounds,
    }


def generate_matches(count: int, seed: int, *, window_end_ms: int = EPOCH_MS) -> Iterator[Json]:
    """Matches 0 .. count-1 of the synthetic set `seed`, one at a time."""
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    for index in range(count):
        yield generate_match(seed, index, window_end_ms=window_end_ms)
