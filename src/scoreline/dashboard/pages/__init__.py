"""The dashboard's pages, one module per page (or family of pages)."""

from __future__ import annotations

from fastapi import APIRouter

from scoreline.dashboard.pages import home, leaderboards, matches, players, teams

# Page routes, matched after the API's: /matches/{id} here is not /api/v1/matches/{id}.
PAGE_ROUTERS: tuple[APIRouter, ...] = (
    home.router,
    matches.router,
    players.router,
    leaderboards.router,
    teams.router,
)
