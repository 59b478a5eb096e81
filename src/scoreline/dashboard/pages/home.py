"""The home page: recent matches, this week's top players, and the pipeline's state."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Connection

from scoreline.api.deps import get_now, get_runtime
from scoreline.api.read_requests import ReadConnection
from scoreline.dashboard.charts import build_activity_bars
from scoreline.dashboard.forms import query_of
from scoreline.dashboard.pages.leaderboards import build_leaderboard_table
from scoreline.dashboard.pages.matches import build_match_list
from scoreline.dashboard.rendering import deployment_zone, render_page
from scoreline.dashboard.tables import Cell, Table, build_table, format_cell, match_path, time_cell
from scoreline.jobs.model import Job, JobState
from scoreline.reports.activity import load_activity
from scoreline.reports.leaderboards import load_leaderboard
from scoreline.reports.matches import MatchFilters, list_matches
from scoreline.rollups.periods import Granularity, local_day, resolve_period
from scoreline.worker.aggregate import AGGREGATE_JOB_KIND

router = APIRouter()

RECENT_MATCHES = 10
TOP_PLAYERS = 5
TOP_METRIC = "acs"
# A week is short: one match is enough to be on this week's board (the leaderboards page
# applies the usual minimum of five).
TOP_MIN_MATCHES = 1
ACTIVITY_BY = Granularity.WEEK
ACTIVITY_DAYS = 12 * 7
DEAD_JOBS_SHOWN = 10
_MATCH_KEY_PREFIX = "match:"  # scoreline.worker.aggregate.aggregate_job_key


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, conn: ReadConnection) -> HTMLResponse:
    ledger = get_runtime(request).ledger
    zone = deployment_zone(request)
    now = get_now(request)
    recent = list_matches(conn, MatchFilters(), limit=RECENT_MATCHES)
    top_title, top = _top_players(conn, zone, now)
    activity_title, activity = _activity(conn, zone, now)
    stats = ledger.stats()
    dead = ledger.list(state=JobState.DEAD, limit=DEAD_JOBS_SHOWN)
    queue = build_table(
        [{"state": state.value, "jobs": stats.counts[state]} for state in JobState],
        ("state", "jobs"),
        labels={"jobs": "Jobs"},
    )
    return render_page(
        request,
        "home.html",
        {
            "recent_matches": build_match_list(request, recent.items),
            "top_title": top_title,
            "top_players": build_leaderboard_table(top["items"]),
            "top_query": query_of({"metric": TOP_METRIC, "min_matches": str(TOP_MIN_MATCHES)}),
            "activity": build_activity_bars(activity["items"]) if activity["matches"] else None,
            "activity_title": activity_title,
            "activity_totals": activity,
            "activity_table": build_table(
                [item for item in activity["items"] if item["matches"]],
                ("start", "matches", "rounds"),
                renderers={"start": time_cell(zone)},
                labels={"start": "Week from"},
            ),
            "queue": queue,
            "queue_lag": stats.oldest_queued_lag_seconds,
            "dead_count": stats.counts[JobState.DEAD],
            "dead_jobs": build_dead_jobs(request, dead),
        },
    )


def _top_players(conn: Connection, zone: ZoneInfo, now: datetime) -> tuple[str, dict[str, Any]]:
    """This week's best by ACS; all time's, saying so, in a week without a match yet."""
    week = resolve_period("week", zone=zone, now=now)
    board = load_leaderboard(
        conn, TOP_METRIC, period=week, zone=zone, min_matches=TOP_MIN_MATCHES, limit=TOP_PLAYERS
    )
    if board["total"]:
        return "Top players this week", board
    every_day = resolve_period(None, zone=zone, now=now)
    board = load_leaderboard(
        conn,
        TOP_METRIC,
        period=every_day,
        zone=zone,
        min_matches=TOP_MIN_MATCHES,
        limit=TOP_PLAYERS,
    )
    return "Top players of all time (no match this week yet)", board


def _activity(conn: Connection, zone: ZoneInfo, now: datetime) -> tuple[str, dict[str, Any]]:
    """Matches per week of the last ACTIVITY_DAYS days; all time when none was played then."""
    today = local_day(now, zone)
    recent = resolve_period(
        None, from_day=today - timedelta(days=ACTIVITY_DAYS - 1), to_day=today, zone=zone, now=now
    )
    activity = load_activity(conn, period=recent, zone=zone, granularity=ACTIVITY_BY)
    if activity["matches"]:
        return f"Activity of the last {ACTIVITY_DAYS // 7} weeks", activity
    every_day = resolve_period(None, zone=zone, now=now)
    activity = load_activity(conn, period=every_day, zone=zone, granularity=ACTIVITY_BY)
    return "Activity of all time (no match in the last weeks)", activity


def build_dead_jobs(request: Request, dead: list[Job]) -> Table:
    """Dead jobs, newest first: what they were for and the first line of their last error."""
    rows = [
        {
            "id": job.id,
            "kind": job.kind,
            "key": job,
            "attempts": job.attempts,
            "updated_at": job.updated_at,
            "last_error": (job.last_error or "").strip().splitlines()[0]
            if job.last_error
            else None,
        }
        for job in dead
    ]
    return build_table(
        rows,
        ("id", "kind", "key", "attempts", "updated_at", "last_error"),
        renderers={"key": _job_subject_cell, "updated_at": time_cell(deployment_zone(request))},
        labels={"id": "Job", "updated_at": "Died", "key": "For"},
    )


def _job_subject_cell(job: Any) -> Cell:
    # An aggregate job's key names its match: link to the page that shows why it is pending.
    if job.kind == AGGREGATE_JOB_KIND and job.key.startswith(_MATCH_KEY_PREFIX):
        return Cell(job.key, job.key, href=match_path(job.key.removeprefix(_MATCH_KEY_PREFIX)))
    return format_cell(job.key)
