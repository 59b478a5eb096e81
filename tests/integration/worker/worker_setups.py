"""Worker processes started the way an operator starts them, on a migrated database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import Engine

from scoreline.jobs import SqlLedger
from scoreline.store import build_engine, upgrade_database

from .worker_test_handlers import HANDLERS_MODULE, create_effects_table

# Run as a script, its directory comes first on sys.path, so every worker process it starts
# (spawned children inherit sys.path) imports the test handlers by HANDLERS_MODULE.
WORKER_CLI = Path(__file__).with_name("worker_cli.py")
# Generous: a loaded CI machine spawns Python processes slowly.
PROCESS_TIMEOUT_S = 120


@dataclass
class WorkerProcess:
    """A running ``worker_cli.py`` command; its log lines go to ``log_path``."""

    process: subprocess.Popen[bytes]
    log_path: Path
    _log_file: IO[bytes]

    def wait(self, timeout: float = PROCESS_TIMEOUT_S) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log_file.close()

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@dataclass
class WorkerSetup:
    """A migrated database with the test effects table, and a way to run commands on it."""

    url: str
    engine: Engine
    ledger: SqlLedger
    env: dict[str, str]
    tmp_path: Path

    def start(self, *arguments: str, **settings: str) -> WorkerProcess:
        """Start ``worker_cli.py ARGUMENTS`` with SCORELINE_<NAME> settings added."""
        env = dict(self.env)
        env.update({f"SCORELINE_{name.upper()}": value for name, value in settings.items()})
        log_path = self.tmp_path / f"worker-{time.monotonic_ns()}.log"
        log_file = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, str(WORKER_CLI), *arguments],
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        return WorkerProcess(process, log_path, log_file)

    def start_worker(self, *arguments: str, **settings: str) -> WorkerProcess:
        return self.start("worker", "--handlers-module", HANDLERS_MODULE, *arguments, **settings)

    def run(self, *arguments: str, **settings: str) -> tuple[int, str]:
        """Run a command to its end: (exit code, its output)."""
        worker = self.start(*arguments, **settings)
        code = worker.wait()
        return code, worker.log


def wait_for(
    condition: Callable[[], Any],
    timeout: float = 60,
    what: str = "",
    worker: WorkerProcess | None = None,
) -> Any:
    """Poll ``condition`` until it returns something true; fail after ``timeout`` seconds,
    or as soon as ``worker`` exits, showing its log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if worker is not None and worker.process.poll() is not None:
            pytest.fail(f"the worker exited while waiting for {what}:\n{worker.log}")
        time.sleep(0.05)
    log = f":\n{worker.log}" if worker is not None else ""
    pytest.fail(f"timed out after {timeout} s waiting for {what or condition}{log}")


@contextmanager
def open_worker_setup(url: str, tmp_path: Path) -> Iterator[WorkerSetup]:
    engine = build_engine(url)
    upgrade_database(engine)
    create_effects_table(engine)
    env = {name: value for name, value in os.environ.items() if not name.startswith("SCORELINE_")}
    env.update(
        {
            "SCORELINE_DATABASE_URL": url,
            "SCORELINE_LOG_FORMAT": "json",
            "SCORELINE_JOB_BACKOFF_BASE_SECONDS": "0.05",
            "SCORELINE_JOB_BACKOFF_CAP_SECONDS": "0.2",
            "SCORELINE_WORKER_POLL_SECONDS": "0.05",
        }
    )
    try:
        with SqlLedger(engine) as ledger:
            yield WorkerSetup(url, engine, ledger, env, tmp_path)
    finally:
        engine.dispose()
