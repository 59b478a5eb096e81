"""The plotly figures: built from the read services' rows, with every number in place."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from scoreline.dashboard.charts import build_duel_heatmap, build_radar, build_trend_lines


def test_duel_heatmap_puts_row_kills_on_column_players() -> None:
    duels = [
        {"player_id": "a", "opponent_id": "x", "kills": 3, "deaths": 1},
        {"player_id": "a", "opponent_id": "y", "kills": 0, "deaths": 2},
        {"player_id": "b", "opponent_id": "x", "kills": 1, "deaths": 4},
    ]
    figure = build_duel_heatmap(duels, ["a", "b"], ["x", "y"], {"a": "Ann", "x": "Xi"})
    (trace,) = figure["data"]
    assert trace["z"] == [[3, 0], [1, 0]]
    assert trace["y"] == ["Ann", "b"]
    assert trace["x"] == ["Xi", "y"]
    assert trace["text"][0][1] == "Ann killed y 0x, died to them 2x"


def test_radar_closes_its_line_and_puts_missing_values_at_the_centre() -> None:
    (trace,) = build_radar({"ACS": 80.0, "KAST": None, "ADR": 40.0}, name="p")["data"]
    assert trace["r"] == [80.0, 0.0, 40.0, 80.0]
    assert trace["theta"] == ["ACS", "KAST", "ADR", "ACS"]


def test_trend_lines_show_gaps_and_a_bucket_either_side() -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    day = timedelta(days=1)
    points: list[dict[str, Any]] = [
        {"start": start, "end": start + day, "acs": 200.0},
        {"start": start + day, "end": start + 2 * day, "acs": None},
    ]
    figure = build_trend_lines(points, series={"acs": "ACS"})
    (trace,) = figure["data"]
    assert trace["y"] == [200.0, None]
    assert figure["layout"]["xaxis"]["range"] == [
        (start - day).isoformat(),
        (start + 2 * day).isoformat(),
    ]
