"""A ledger client in a process of its own, driven by the contract tests over stdin/stdout.

python ledger_process.py drain URL WORKER_ID   claim and complete jobs one at a time until
                                               none is left; print the claimed ids as JSON
python ledger_process.py hold URL WORKER_ID LEASE_SECONDS
                                               claim one job, print its id, then hang until
                                               killed
"""

from __future__ import annotations

import json
import sys
import time

from scoreline.jobs import SqlLedger
from scoreline.store import build_engine


def drain(url: str, worker_id: str) -> None:
    engine = build_engine(url)
    ledger = SqlLedger(engine)
    # Start together: the parent says "go" once every process has imported and connected.
    engine.connect().close()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    sys.stdin.readline()
    claimed: list[int] = []
    while jobs := ledger.claim(worker_id, lease_seconds=60):
        for job in jobs:
            with engine.begin() as conn:
                ledger.complete(job, conn)
            claimed.append(job.id)
    sys.stdout.write(json.dumps(claimed) + "\n")
    sys.stdout.flush()
    engine.dispose()


def hold(url: str, worker_id: str, lease_seconds: float) -> None:
    engine = build_engine(url)
    ledger = SqlLedger(engine)
    jobs = ledger.claim(worker_id, lease_seconds=lease_seconds)
    sys.stdout.write(json.dumps([job.id for job in jobs]) + "\n")
    sys.stdout.flush()
    time.sleep(600)


def main(arguments: list[str]) -> None:
    mode, url, worker_id, *rest = arguments
    if mode == "drain":
        drain(url, worker_id)
    elif mode == "hold":
        hold(url, worker_id, float(rest[0]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
