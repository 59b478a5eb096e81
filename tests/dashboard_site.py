"""The store the dashboard's page and browser tests read: generated and real matches."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta

import orjson
from fastapi import FastAPI
from starlette.exceptions import StarletteDeprecationWarning

from scoreline.bootstrap import Runtime
from scoreline.reports.matches import load_match_head
from scoreline.stats.rounds import PRESETS
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import IngestStatus, ingest_source
from shared_data import DATA_DIR

with warnings.catch_warnings():
    # Starlette asks for the httpx2 fork; the installed httpx works the same for tests.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

__all__ = ["FilledStore", "TestClient", "fill_store"]

GENERATED_SEED = 23
GENERATED_MATCHES = 3
REAL_FILE = DATA_DIR / "valorant" / "riot_v1_galeforce_2_haven_unrated_9a640756.json"
PENDING_INDEX = GENERATED_MATCHES  # the generated match ingested without computing it
# Generated matches start in the 60 days before this.
WINDOW_END = datetime.fromisoformat("2026-11-01T00:00:00+00:00")
# The site's clock is pinned this long after the newest generated match, so that "this
# week" holds at least that match.
CLOCK_AFTER_NEWEST = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class FilledStore:
    computed_match_pks: tuple[int, ...]  # generated first, the real file last
    real_match_pk: int
    pending_match_pk: int
    now: datetime  # what the site's clock should say

    def pin_clock(self, app: FastAPI) -> None:
        now = self.now
        app.state.clock = lambda: now


def generated_file(index: int) -> bytes:
    window_end_ms = int(WINDOW_END.timestamp() * 1000)
    return orjson.dumps(generate_match(GENERATED_SEED, index, window_end_ms=window_end_ms))


def fill_store(runtime: Runtime) -> FilledStore:
    """Ingest the generated matches and REAL_FILE with their stats computed in the ingest
    transaction (`scoreline ingest --sync`), and one more match queued for a worker."""
    rules = PRESETS[runtime.settings.stat_preset]
    sources = [(generated_file(i), f"generated-{i}.json") for i in range(GENERATED_MATCHES)]
    sources.append((REAL_FILE.read_bytes(), str(REAL_FILE)))
    computed: list[int] = []
    for data, source in sources:
        outcome = ingest_source(runtime.engine, runtime.ledger, data, source, compute_now=rules)
        assert outcome.status is IngestStatus.INGESTED, outcome
        computed.extend(outcome.match_pks)
    pending = ingest_source(
        runtime.engine, runtime.ledger, generated_file(PENDING_INDEX), "generated-pending.json"
    )
    assert pending.status is IngestStatus.INGESTED, pending
    with runtime.engine.connect() as conn:
        starts = [load_match_head(conn, pk) for pk in computed[:-1]]
    newest = max(head.started_at for head in starts if head is not None)
    return FilledStore(
        tuple(computed), computed[-1], pending.match_pks[0], newest + CLOCK_AFTER_NEWEST
    )
