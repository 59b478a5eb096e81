from __future__ import annotations

import subprocess
import sys

from scoreline.store.locks import compute_lock_id


def test_lock_id_is_a_signed_64_bit_integer() -> None:
    for key in ["", "match-1", "ü" * 1000]:
        assert -(2**63) <= compute_lock_id(key) < 2**63


def test_lock_id_differs_between_keys() -> None:
    ids = {compute_lock_id(f"match-{number}") for number in range(10_000)}
    assert len(ids) == 10_000


def test_lock_id_is_the_same_in_another_process() -> None:
    # str hashes are salted per process; advisory locks need every process to agree.
    keys = ["match-1", "scoreline.store.migrations"]
    script = (
        "import sys; from scoreline.store.locks import compute_lock_id; "
        "print(*(compute_lock_id(key) for key in sys.argv[1:]))"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, *keys], capture_output=True, text=True, check=True
    )
    assert [int(value) for value in other.stdout.split()] == [compute_lock_id(k) for k in keys]
