"""Shared pytest fixtures. Others may append fixtures below; keep each one small and documented."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
FIXTURES_DIR = TESTS_DIR / "fixtures"
FIXTURE_NOTEBOOKS = FIXTURES_DIR / "notebooks"
PYTHON = sys.executable


@pytest.fixture
def fixture_notebooks() -> Path:
    """Folder of fixture notebook sets: ``ok/`` (params + figure), ``failing/`` (2nd of 3 fails)."""
    return FIXTURE_NOTEBOOKS


@pytest.fixture
def county_dir(tmp_path: Path) -> Path:
    """A raw-data folder for a demo county with periods 2020 and 2021 (empty period folders)."""
    root = tmp_path / "county"
    for period in ("2020", "2021"):
        (root / period).mkdir(parents=True)
    (root / "notes").mkdir()  # not a period: not 4 digits
    (root / "county.yaml").write_text("county: 测试县\ndemo: true\n", encoding="utf-8")
    return root
