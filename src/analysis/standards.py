"""The standards file (评估标准): thresholds, ratios, responsible units and deadlines.

Every rule reads its numbers from here; nothing in the code repeats them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .paths import STANDARDS_FILE


@lru_cache(maxsize=8)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_standards(path: str | Path | None = None) -> dict[str, Any]:
    """Read the standards file (default: the package's ``standards.yaml``).

    Returns a fresh nested dict; callers may modify it for a scenario without side effects.
    """
    import copy

    return copy.deepcopy(_load(str(Path(path or STANDARDS_FILE).resolve())))
