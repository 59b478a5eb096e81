"""Every setting a user can set is in the README's settings table."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoreline.bootstrap.settings import Settings

README = Path(__file__).resolve().parents[3] / "README.md"


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_in_the_readme(name: str) -> None:
    assert f"`SCORELINE_{name.upper()}`" in README.read_text(), name
