"""Render a match's stats as rich tables: one scoreboard per team, sorted by ACS."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table

from scoreline.domain.rounds import Game
from scoreline.domain.valorant import VALORANT_AGENTS
from scoreline.stats.rounds.results import MatchPlayerStats, MatchStats, TeamMatchStats


def agent_name(agent: str | None) -> str:
    if agent is None:
        return ""
    return VALORANT_AGENTS.get(agent.lower(), agent[:8])


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _team_table(team: TeamMatchStats, players: list[MatchPlayerStats], game: Game) -> Table:
    # Combat score is Valorant's; CS2 scoreboards lead with HLTV Rating 1.0 instead.
    valorant = game is Game.VALORANT
    result = "won" if team.won else "lost"
    table = Table(
        title=f"{team.name}: {team.rounds_won} rounds ({result})",
        title_justify="left",
        expand=False,
    )
    for header in (
        "Player",
        "Agent" if valorant else "Side",
        "ACS" if valorant else "Rating",
        "K",
        "D",
        "A",
        "+/-",
        "KAST%",
        "ADR",
        "HS%",
        "FK",
        "FD",
        "Trades",
        "2K-5K",
        "Clutch",
    ):
        table.add_column(header, justify="left" if header in ("Player", "Agent") else "right")

    def lead(p: MatchPlayerStats) -> float:
        return (p.acs if valorant else p.rating_v1) or 0.0

    for p in sorted(players, key=lambda p: (-lead(p), p.player_id)):
        hs = p.hs_pct_kills if p.hs_pct_kills is not None else p.hs_pct_hits
        table.add_row(
            p.name,
            agent_name(p.agent) if valorant else f"{p.attack_rounds}T/{p.defense_rounds}CT",
            _number(p.acs, 0) if valorant else _number(p.rating_v1, 2),
            str(p.kills),
            str(p.deaths),
            str(p.assists),
            f"{p.plus_minus:+d}",
            _number(p.kast),
            _number(p.adr),
            _number(hs),
            str(p.first_kills),
            str(p.first_deaths),
            str(p.trade_kills),
            "/".join(str(n) for n in p.multikills[:4]),
            f"{p.clutches_won}/{p.clutches_attempted}",
        )
    return table


def render_match(console: Console, stats: MatchStats) -> None:
    match = stats.match
    title = (
        f"{match.map_name} · {match.mode or match.game.value} · "
        f"{match.started_at:%Y-%m-%d %H:%M} UTC · {len(match.rounds)} rounds"
    )
    tables = [
        _team_table(team, [p for p in stats.players if p.team_id == team.team_id], match.game)
        for team in sorted(stats.teams, key=lambda t: (not t.won, t.team_id))
    ]
    footer = f"[dim]{match.match_id} · {match.source_format} · preset {stats.preset}[/dim]"
    console.print(Panel(Group(*tables, footer), title=title, title_align="left"))
