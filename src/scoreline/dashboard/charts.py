"""Plotly figures (plain data and layout dicts) built from the read services' rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

Figure = dict[str, Any]

# Team colours of the round strip and charts, in team order.
TEAM_COLOURS = ("#2f6fbf", "#c2410c")
HEATMAP_SCALE = [[0.0, "#f5f7fa"], [1.0, "#b42318"]]


def build_duel_heatmap(
    duels: Sequence[Mapping[str, Any]],
    rows: Sequence[str],
    columns: Sequence[str],
    names: Mapping[str, str],
) -> Figure:
    """Kills of each row player on each column player; the hover adds the deaths back."""
    pairs = {(duel["player_id"], duel["opponent_id"]): duel for duel in duels}
    kills: list[list[int]] = []
    hover: list[list[str]] = []
    for player in rows:
        kills_row, hover_row = [], []
        for opponent in columns:
            duel = pairs.get((player, opponent))
            won = int(duel["kills"]) if duel else 0
            lost = int(duel["deaths"]) if duel else 0
            kills_row.append(won)
            hover_row.append(
                f"{names.get(player, player)} killed {names.get(opponent, opponent)} {won}x, "
                f"died to them {lost}x"
            )
        kills.append(kills_row)
        hover.append(hover_row)
    return {
        "data": [
            {
                "type": "heatmap",
                "z": kills,
                "x": [names.get(player, player) for player in columns],
                "y": [names.get(player, player) for player in rows],
                "text": hover,
                "hoverinfo": "text",
                "texttemplate": "%{z}",
                "colorscale": HEATMAP_SCALE,
                "colorbar": {"title": {"text": "kills"}},
            }
        ],
        "layout": {
            "title": {"text": "Kills by row player on column player"},
            "yaxis": {"autorange": "reversed", "automargin": True},
            "xaxis": {"automargin": True, "side": "bottom"},
            "margin": {"l": 120, "b": 100},
        },
    }


def build_radar(values: Mapping[str, float | None], *, name: str) -> Figure:
    """Percentiles (0-100) on a closed polar line; a missing value sits at the centre."""
    labels = list(values)
    radii = [values[label] or 0.0 for label in labels]
    return {
        "data": [
            {
                "type": "scatterpolar",
                "r": [*radii, radii[0]] if radii else [],
                "theta": [*labels, labels[0]] if labels else [],
                "fill": "toself",
                "name": name,
                "hovertemplate": "%{theta}: %{r:.0f}th percentile<extra></extra>",
                "line": {"color": TEAM_COLOURS[0]},
            }
        ],
        "layout": {
            "polar": {"radialaxis": {"range": [0, 100], "ticksuffix": ""}},
            "showlegend": False,
            "margin": {"l": 64, "r": 64, "t": 40, "b": 40},
        },
    }


def build_trend_lines(points: Sequence[Mapping[str, Any]], *, series: Mapping[str, str]) -> Figure:
    """One line per ``series`` entry (key in the points -> legend label) over the buckets'
    starts; empty buckets (None) leave gaps. The time axis shows one bucket either side,
    so a lone point sits in a readable range instead of a millisecond-wide one."""
    x = [point["start"].isoformat() for point in points]
    width = points[0]["end"] - points[0]["start"] if points else None
    time_axis: dict[str, Any] = {"type": "date"}
    if width is not None:
        time_axis["range"] = [
            (points[0]["start"] - width).isoformat(),
            (points[-1]["start"] + width).isoformat(),
        ]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": label,
                "x": x,
                "y": [point.get(key) for point in points],
                "connectgaps": False,
            }
            for key, label in series.items()
        ],
        "layout": {"legend": {"orientation": "h"}, "hovermode": "x unified", "xaxis": time_axis},
    }


def build_activity_bars(items: Sequence[Mapping[str, Any]]) -> Figure:
    """Matches per bucket as bars, rounds on a second axis as a line."""
    x = [item["start"].isoformat() for item in items]
    return {
        "data": [
            {"type": "bar", "name": "matches", "x": x, "y": [item["matches"] for item in items]},
            {
                "type": "scatter",
                "mode": "lines",
                "name": "rounds",
                "x": x,
                "y": [item["rounds"] for item in items],
                "yaxis": "y2",
            },
        ],
        "layout": {
            "legend": {"orientation": "h"},
            "xaxis": {"type": "date"},
            "yaxis": {"title": {"text": "matches"}, "rangemode": "tozero"},
            "yaxis2": {
                "title": {"text": "rounds"},
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
            },
        },
    }
