"""Where the tests find ../shared (real match files and the stat definitions' vectors)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SHARED_DIR = Path(__file__).resolve().parents[1].parent / "shared"
DATA_DIR = SHARED_DIR / "data"
VECTORS_PATH = SHARED_DIR / "docs" / "stat_test_vectors.json"


def load_vectors() -> dict[str, Any]:
    vectors: dict[str, Any] = json.loads(VECTORS_PATH.read_text())
    return vectors
