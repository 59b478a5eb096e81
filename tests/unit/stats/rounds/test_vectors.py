"""The worked examples of STAT_DEFINITIONS, run through the whole engine."""

from __future__ import annotations

from typing import Any

import pytest

from scoreline.domain.rounds import Damage, ResultCode
from scoreline.stats.rounds import compute_match_stats
from scoreline.stats.rounds.multikills import find_kill_chains
from scoreline.stats.rounds.ratings import (
    compute_impact_approx,
    compute_rating2_approx,
    compute_rating_v1,
)
from scoreline.stats.rounds.results import MatchPlayerStats, MatchStats
from scoreline.stats.rounds.rules import (
    COMMUNITY,
    SEED,
    MultikillMode,
    StatRules,
    SurvivalMode,
    TradeCredit,
    TradeMode,
)
from shared_data import load_vectors
from vector_matches import make_match, make_round

VECTORS = load_vectors()


def player(stats: MatchStats, player_id: str) -> MatchPlayerStats:
    return next(p for p in stats.players if p.player_id == player_id)


def one_round(kills: list[dict[str, Any]], rules: StatRules, **round_args: Any) -> MatchStats:
    return compute_match_stats(make_match([make_round(0, kills, **round_args)]), rules)


def trade_summary(stats: MatchStats) -> tuple[dict[str, int], list[str]]:
    trade_kills = {p.player_id: p.trade_kills for p in stats.players if p.trade_kills}
    traded = sorted(p.player_id for p in stats.players if p.traded_deaths)
    return trade_kills, traded


def test_mk1_ace_is_one_5k_round() -> None:
    stats = one_round(VECTORS["MK-1"]["kills"], COMMUNITY)
    assert player(stats, "a1").multikills == (0, 0, 0, 1, 0)


@pytest.mark.parametrize(
    ("inclusive", "chains", "histogram"),
    [
        (False, [2, 2, 1], (2, 0, 0, 0, 0)),
        (True, [2, 3], (1, 1, 0, 0, 0)),
    ],
)
def test_mk1_windowed_chains_depend_on_the_boundary(
    inclusive: bool, chains: list[int], histogram: tuple[int, ...]
) -> None:
    kills = VECTORS["MK-1"]["kills"]
    assert (
        find_kill_chains([(i, k["t_ms"]) for i, k in enumerate(kills)], [], 5000, inclusive, True)
        == chains
    )
    rules = COMMUNITY.with_changes(multikill_window_inclusive=inclusive)
    assert player(one_round(kills, rules), "a1").kill_chains == histogram


def test_mk1_expected_values_match_the_vector_file() -> None:
    expected = VECTORS["MK-1"]["expected"]
    assert expected["windowed_5000_strict_chains"] == [2, 2, 1]
    assert expected["windowed_5000_inclusive_hist"] == {"2": 1, "3": 1}


@pytest.mark.parametrize(
    ("window", "inclusive", "mode", "key"),
    [
        (3000, False, TradeMode.STRICT, "strict_3000"),
        (5000, False, TradeMode.STRICT, "strict_5000"),
        (3000, True, TradeMode.LOOSE, "loose_3000"),
        (5000, True, TradeMode.LOOSE, "loose_5000"),
    ],
)
def test_tr1_trades_by_window_and_mode(
    window: int, inclusive: bool, mode: TradeMode, key: str
) -> None:
    rules = COMMUNITY.with_changes(
        trade_window_ms=window, trade_window_inclusive=inclusive, trade_mode=mode
    )
    trade_kills, traded = trade_summary(one_round(VECTORS["TR-1"]["kills"], rules))
    expected = VECTORS["TR-1"]["expected"][key]
    assert traded == sorted(expected["traded_deaths"])
    if "trade_kills" in expected:
        assert trade_kills == expected["trade_kills"]


@pytest.mark.parametrize(
    ("credit", "key"),
    [
        (TradeCredit.ALL_IN_WINDOW, "traded_deaths_all_in_window"),
        (TradeCredit.LAST_ONLY, "traded_deaths_last_only"),
    ],
)
def test_tr2_one_avenger_for_two_deaths(credit: TradeCredit, key: str) -> None:
    vector = VECTORS["TR-2"]
    rules = COMMUNITY.with_changes(trade_window_ms=vector["window_ms"], trade_credit=credit)
    trade_kills, traded = trade_summary(one_round(vector["kills"], rules))
    assert trade_kills == vector["expected"]["trade_kills"]
    assert traded == sorted(vector["expected"][key])


@pytest.mark.parametrize(
    ("window", "inclusive", "key"),
    [
        (3000, True, "w3000_inclusive_trade"),
        (3000, False, "w3000_strict_trade"),
        (5000, True, "w5000_trade"),
        (5000, False, "w5000_trade"),
    ],
)
def test_tr3_trade_window_boundary(window: int, inclusive: bool, key: str) -> None:
    rules = COMMUNITY.with_changes(trade_window_ms=window, trade_window_inclusive=inclusive)
    stats = one_round(VECTORS["TR-3"]["kills"], rules)
    assert (player(stats, "a1").traded_deaths == 1) is VECTORS["TR-3"]["expected"][key]


def test_tr4_mutual_kill_is_not_a_trade() -> None:
    trade_kills, traded = trade_summary(one_round(VECTORS["TR-4"]["mutual"], COMMUNITY))
    assert trade_kills == {}
    assert traded == []
    assert VECTORS["TR-4"]["expected"]["mutual_trades"] == 0


def test_tr4_teammate_kill_at_the_same_ms_is_a_trade() -> None:
    trade_kills, traded = trade_summary(one_round(VECTORS["TR-4"]["teammate_same_ms"], COMMUNITY))
    assert trade_kills == VECTORS["TR-4"]["expected"]["teammate_same_ms_trade_kills"]
    assert traded == ["a1"]


def kast_match_for_a2() -> list[Any]:
    vector = VECTORS["KAST-1"]
    return [
        make_round(
            index,
            r["kills"],
            winner=r["winner"],
            result=ResultCode.DETONATE if index == 6 else ResultCode.ELIMINATION,
            alive_at_end={"a2": r["a2_alive_at_end"]},
        )
        for index, r in enumerate(vector["rounds"])
    ]


@pytest.mark.parametrize(
    ("window", "survival", "no_save_credit", "key"),
    [
        (3000, SurvivalMode.ALIVE_AT_END, False, "w3000_alive_at_end"),
        (5000, SurvivalMode.ALIVE_AT_END, False, "w5000_alive_at_end"),
        (3000, SurvivalMode.NEVER_DIED, False, "w3000_never_died"),
        (5000, SurvivalMode.NEVER_DIED, False, "w5000_never_died"),
        (5000, SurvivalMode.ALIVE_AT_END, True, "w5000_no_S_in_lost_rounds"),
    ],
)
def test_kast1_by_window_and_survival_mode(
    window: int, survival: SurvivalMode, no_save_credit: bool, key: str
) -> None:
    rules = COMMUNITY.with_changes(
        trade_window_ms=window,
        kast_survival_mode=survival,
        kast_no_survival_credit_in_lost_rounds=no_save_credit,
    )
    stats = compute_match_stats(make_match(kast_match_for_a2()), rules)
    a2 = player(stats, "a2")
    assert a2.rounds_played == 8
    assert a2.kast == pytest.approx(VECTORS["KAST-1"]["expected"][key])


def clutch_round(vector: dict[str, Any]) -> Any:
    return make_round(
        0,
        vector["kills"],
        winner=vector["winner"],
        result=ResultCode(vector["result_code"]),
        plant=vector.get("plant"),
        defuse=vector.get("defuse"),
        duration_ms=vector["round_end_ms"],
    )


def clutch_facts(stats: MatchStats) -> list[dict[str, Any]]:
    return [
        {
            "player": c.player_id,
            "vs": c.opponents,
            "start": c.start_ms,
            "end": c.end_ms,
            "won": c.won,
            "survived": c.survived,
            "kills": c.kills,
        }
        for c in stats.clutches
    ]


@pytest.mark.parametrize(("name", "key"), [("CL-1", "expected"), ("CL-2", "expected")])
@pytest.mark.parametrize("rules", [COMMUNITY, SEED], ids=["community", "seed"])
def test_cl1_cl2_clutch_won_by_the_team(name: str, key: str, rules: StatRules) -> None:
    vector = VECTORS[name]
    stats = compute_match_stats(make_match([clutch_round(vector)]), rules)
    assert clutch_facts(stats) == vector[key]


def test_cl1_requires_survival_makes_it_a_lost_attempt() -> None:
    rules = COMMUNITY.with_changes(clutch_requires_survival=True)
    stats = compute_match_stats(make_match([clutch_round(VECTORS["CL-1"])]), rules)
    (clutch,) = stats.clutches
    assert (clutch.opponents, clutch.won, clutch.survived) == (4, False, False)
    assert player(stats, "a1").clutch_attempts == (0, 0, 0, 1, 0)
    assert player(stats, "a1").clutch_wins == (0, 0, 0, 0, 0)


def test_cl3_mirrored_1v1_and_the_seed_confirmation() -> None:
    vector = VECTORS["CL-3"]
    match = make_match([clutch_round(vector)])
    assert clutch_facts(compute_match_stats(match, COMMUNITY)) == vector["expected_default"]
    seeded = compute_match_stats(match, SEED)
    assert [c.player_id for c in seeded.clutches] == vector["expected_confirm_3000_players"]


def cs1_rounds() -> list[Any]:
    vector = VECTORS["CS-1"]
    damage = [Damage("a1", receiver, amount) for receiver, amount in vector["damage_by_a1"].items()]
    first = make_round(0, vector["kills"], damage=damage)
    empty = make_round(1, [])
    last_enemy = make_round(
        2,
        [{"t_ms": 5000 + i, "killer": "a2", "victim": f"b{i}"} for i in range(1, 5)]
        + [{"t_ms": 20000, "killer": "a1", "victim": "b5"}],
        damage=[Damage("a1", "b5", 125)],
    )
    return [first, empty, last_enemy]


def test_cs1_combat_score_formula_and_acs() -> None:
    stats = compute_match_stats(make_match(cs1_rounds()), COMMUNITY)
    a1_rounds = [r.score for r in stats.round_players if r.player_id == "a1"]
    assert a1_rounds == [VECTORS["CS-1"]["expected"]["combat_score_a1"], 0, 195]
    assert player(stats, "a1").acs == pytest.approx(
        VECTORS["CS-1"]["expected"]["acs_over_rounds_[705,0,195]"]
    )


def test_official_per_round_score_wins_over_the_formula() -> None:
    rounds = cs1_rounds()
    scored = make_round(0, VECTORS["CS-1"]["kills"], scores={"a1": 999})
    stats = compute_match_stats(make_match([scored, *rounds[1:]]), COMMUNITY)
    first = next(r for r in stats.round_players if r.player_id == "a1")
    # no damage entries: 150 + 130 kill bonus, +50 multi-kill, two non-damaging assists
    assert (first.score, first.score_formula) == (999, 380)


def test_rating1_vector() -> None:
    vector = VECTORS["RATING-1"]
    kill_rounds = [0] * 7
    for kills, count in vector["multikill_rounds"].items():
        kill_rounds[int(kills)] = count
    rating = compute_rating_v1(vector["K"], vector["D"], vector["rounds"], kill_rounds)
    assert rating == pytest.approx(vector["expected"]["hltv1"], abs=5e-5)
    kpr = vector["K"] / vector["rounds"]
    apr = vector["A"] / vector["rounds"]
    dpr = vector["D"] / vector["rounds"]
    assert compute_impact_approx(kpr, apr) == pytest.approx(
        vector["expected"]["impact_approx"], abs=5e-5
    )
    assert compute_rating2_approx(vector["KAST"], kpr, dpr, apr, vector["ADR"]) == pytest.approx(
        vector["expected"]["hltv2_approx"], abs=5e-4
    )


def test_seed_preset_makes_windowed_multikills_primary() -> None:
    assert SEED.multikill_primary is MultikillMode.WINDOWED
    assert (SEED.trade_window_ms, SEED.clutch_confirm_ms) == (3000, 3000)
