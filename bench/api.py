"""Benchmark the API's reads under load, next to a bare Starlette app serving the same bytes.

    python bench/api.py [--matches 10000] [--backend sqlite|postgresql|both] [--workers 2]
                        [--connections 64] [--seconds 10] [--sqlite-url U] [--postgres-url U]

Each backend gets a store of ``--matches`` generated matches (ingested, then computed by
`scoreline worker --burst`, as a user would), or the store given by URL, filled up to that
count. `scoreline serve --workers N` then runs in a subprocess, and wrk (Debian's `wrk`,
`apt-get install wrk`) loads it from another process with 64 connections: warm-up first,
then the measured run, for a match detail, a leaderboard and a player page with filters.
The reference, measured in the same run right after each target: a bare Starlette app under
the same uvicorn settings answering pre-serialised bytes of the target's body size.
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import httpx
import orjson
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from scoreline.jobs.ledger import SqlLedger
from scoreline.store.engines import build_engine
from scoreline.store.migrate import upgrade_database
from scoreline.store.schema import match_players, matches
from scoreline.synthetic.valorant import generate_match
from scoreline.worker.intake import IngestStatus, ingest_source
from store import throwaway_postgres

SEED = 20261205
BENCH_DIR = Path(__file__).resolve().parent
# The reference app's body sizes, passed to its server processes through the environment.
REFERENCE_SIZES_ENV = "SCORELINE_BENCH_REFERENCE_SIZES"
READY_TIMEOUT_S = 120
WARM_UP_SECONDS = 3
WRK_THREADS = 2
LEADERBOARD_MIN_MATCHES = 5
_UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def log(message: str) -> None:
    sys.stderr.write(f"[bench/api] {message}\n")
    sys.stderr.flush()


# --- the reference: bare Starlette, pre-serialised bytes --------------------------------------


def build_reference_app() -> Starlette:
    """One route per size in SCORELINE_BENCH_REFERENCE_SIZES: ``GET /<size>`` answers that
    many bytes of JSON built once at start, with nothing else in the way."""
    routes = []
    for size in (int(text) for text in os.environ[REFERENCE_SIZES_ENV].split(",")):
        body = padded_json(size)

        async def answer(_request: Request, body: bytes = body) -> Response:
            return Response(body, media_type="application/json")

        routes.append(Route(f"/{size}", answer))
    return Starlette(routes=routes)


def padded_json(size: int) -> bytes:
    """A JSON document of exactly ``size`` bytes (at least 12)."""
    frame = b'{"pad":""}'
    return frame[:-2] + b"x" * max(0, size - len(frame)) + frame[-2:]


# --- the store ---------------------------------------------------------------------------------


def count_matches(url: str) -> int:
    engine = build_engine(url)
    try:
        upgrade_database(engine)
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(matches)).scalar_one())
    finally:
        engine.dispose()


def fill_store(url: str, wanted: int) -> float:
    """Ingest generated matches until ``wanted`` are stored, then compute them all with the
    worker; returns the seconds it took (0 when the store was full already)."""
    present = count_matches(url)
    if present >= wanted:
        return 0.0
    start = time.perf_counter()
    engine = build_engine(url)
    try:
        ledger = SqlLedger(engine)
        for index in range(present, wanted):
            data = orjson.dumps(generate_match(SEED, index))
            outcome = ingest_source(engine, ledger, data, f"bench {index}")
            assert outcome.status is not IngestStatus.REJECTED, outcome
            if (index + 1) % 500 == 0:
                log(f"ingested {index + 1}/{wanted}")
    finally:
        engine.dispose()
    log("computing with `scoreline worker --burst --concurrency 2`")
    run_scoreline(url, "worker", "--burst", "--concurrency", "2")
    return time.perf_counter() - start


def run_scoreline(url: str, *args: str) -> None:
    env = {**os.environ, "SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    result = subprocess.run(
        [sys.executable, "-m", "scoreline", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"scoreline {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def choose_targets(url: str) -> dict[str, str]:
    """The URLs measured: a match in the middle of the store, the ACS leaderboard, and the
    page of the player with the most matches, filtered by their most played map."""
    engine = build_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(matches)).scalar_one()
            match_pk = conn.execute(
                select(matches.c.match_pk).order_by(matches.c.match_pk).offset(count // 2).limit(1)
            ).scalar_one()
            player_id = conn.execute(
                select(match_players.c.player_id)
                .group_by(match_players.c.player_id)
                .order_by(func.count().desc(), match_players.c.player_id)
                .limit(1)
            ).scalar_one()
            map_name = conn.execute(
                select(matches.c.map_name)
                .join(match_players, match_players.c.match_pk == matches.c.match_pk)
                .where(match_players.c.player_id == player_id)
                .group_by(matches.c.map_name)
                .order_by(func.count().desc(), matches.c.map_name)
                .limit(1)
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "match_detail": f"/api/v1/matches/{match_pk}",
        "leaderboard": f"/api/v1/leaderboards/acs?min_matches={LEADERBOARD_MIN_MATCHES}",
        "player_filtered": f"/api/v1/players/{player_id}?map={map_name}&side=attack",
    }


# --- servers and load ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running(command: list[str], env: dict[str, str], ready_url: str) -> Iterator[None]:
    """Run ``command`` until the block ends; first wait for ``ready_url`` to answer 200."""
    with tempfile.TemporaryFile() as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(process, log_file, ready_url)
            yield
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_ready(process: subprocess.Popen[bytes], log_file: IO[bytes], url: str) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if process.poll() is not None:
            log_file.seek(0)
            raise SystemExit(f"{process.args!r} exited:\n{log_file.read().decode()[-2000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} not ready within {READY_TIMEOUT_S} s")
        time.sleep(0.25)


@contextmanager
def scoreline_server(url: str, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "SCORELINE_DATABASE_URL": url, "SCORELINE_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    command = [sys.executable, "-m", "scoreline", "serve", "--port", str(port)]
    command += ["--workers", str(workers)]
    base = f"http://127.0.0.1:{port}"
    with running(command, env, f"{base}/ready"):
        yield base


@contextmanager
def reference_server(sizes: list[int], workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, REFERENCE_SIZES_ENV: ",".join(map(str, sizes))}
    # The settings `scoreline serve` gives uvicorn (scoreline.cli.serve_command).
    command = [
        sys.executable, "-m", "uvicorn", "api:build_reference_app", "--factory",
        "--app-dir", str(BENCH_DIR), "--port", str(port), "--workers", str(workers),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with running(command, env, f"{base}/{sizes[0]}"):
        yield base


def parse_duration_seconds(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def parse_wrk(output: str) -> dict[str, Any]:
    """Requests per second, p50/p90/p99 in ms, and the failures from wrk's --latency output."""
    figures: dict[str, Any] = {}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rps is None:
        raise ValueError(f"no Requests/sec in wrk output:\n{output}")
    figures["rps"] = round(float(rps.group(1)), 1)
    for percentile in ("50", "90", "99"):
        found = re.search(rf"^\s+{percentile}%\s+(\S+)$", output, re.MULTILINE)
        if found is not None:
            seconds = parse_duration_seconds(found.group(1))
            figures[f"p{percentile}_ms"] = round(seconds * 1000, 2)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    figures["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = re.search(r"Socket errors: (.*)", output)
    if errors is not None:
        figures["socket_errors"] = errors.group(1).strip()
    return figures


def load(url: str, connections: int, seconds: int) -> dict[str, Any]:
    """Warm ``url`` up, then measure it with wrk."""
    base = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}"]
    subprocess.run([*base, f"-d{WARM_UP_SECONDS}s", url], capture_output=True, check=True)
    measured = subprocess.run(
        [*base, f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    )
    return parse_wrk(measured.stdout)


def measure_backend(url: str, args: argparse.Namespace) -> dict[str, Any]:
    figures: dict[str, Any] = {"fill_seconds": round(fill_store(url, args.matches), 1)}
    figures["matches"] = count_matches(url)
    targets = choose_targets(url)
    bodies: dict[str, int] = {}
    with scoreline_server(url, args.workers) as base:
        for name, path in targets.items():
            response = httpx.get(base + path, timeout=60)
            if response.status_code != 200:
                figures[name] = {"path": path, "status": response.status_code}
                log(f"{name}: {path} answered {response.status_code}; not measured")
                continue
            bodies[name] = len(response.content)
            log(f"{name}: {path} ({bodies[name]} bytes)")
            figures[name] = {"path": path, "bytes": bodies[name]}
            figures[name].update(load(base + path, args.connections, args.seconds))
    if not bodies:
        return figures
    # After the API's server stopped: the reference gets the machine the API had.
    with reference_server(sorted(set(bodies.values())), args.workers) as reference:
        for name, size in bodies.items():
            bare = load(f"{reference}/{size}", args.connections, args.seconds)
            figures[name]["reference"] = bare
            figures[name]["ratio_to_reference"] = round(figures[name]["rps"] / bare["rps"], 3)
    return figures


@contextmanager
def database(backend: str, given: str | None) -> Iterator[str]:
    if given is not None:
        yield given
    elif backend == "postgresql":
        with throwaway_postgres() as url:
            yield url
    else:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sqlite-url", help="Reuse (and fill up) this SQLite store.")
    parser.add_argument("--postgres-url", help="Reuse (and fill up) this PostgreSQL store.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    report: dict[str, Any] = {
        "bench": "api",
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "cpus": os.cpu_count(),
    }
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        given = args.sqlite_url if backend == "sqlite" else args.postgres_url
        with database(backend, given) as url:
            report[backend] = measure_backend(url, args)
    sys.stdout.write(orjson.dumps(report).decode() + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
