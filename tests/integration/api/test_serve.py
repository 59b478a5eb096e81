"""`scoreline serve --workers 2`: two server processes, one address, their metrics merged."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .api_setups import API_TOKEN
from .test_health import sample

STARTUP_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(base_url: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}")
        try:
            if httpx.get(f"{base_url}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered at {base_url} within {STARTUP_TIMEOUT_S} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {
        **os.environ,
        "SCORELINE_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SCORELINE_API_TOKENS": API_TOKEN,
        "SCORELINE_LOG_FORMAT": "json",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "scoreline", "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url, process)
        yield base_url, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_serve_answers_with_merged_metrics_and_stops_on_ctrl_c(
    served: tuple[str, subprocess.Popen[str]],
) -> None:
    base_url, process = served
    assert httpx.get(f"{base_url}/ready").json()["status"] == "ready"
    # A connection each, so that both processes get some of them.
    statuses = [
        httpx.get(f"{base_url}/api/v1/jobs/{job_id}").status_code for job_id in range(1, 21)
    ]
    metrics = httpx.get(f"{base_url}/metrics").text

    assert statuses == [404] * 20
    route = {"method": "GET", "route": "/api/v1/jobs/{job_id}", "status": "404"}
    # Whichever process answered the scrape, it counts the requests of both.
    assert sample(metrics, "scoreline_http_requests_total", **route) == 20
    assert sample(metrics, "scoreline_http_request_duration_seconds_count", **route) == 20

    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output
    assert output.splitlines()[0] == f"dashboard and API at {base_url}"
