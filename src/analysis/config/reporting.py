"""Report layout settings (报告版式设置): ``reporting.yaml``, not assessment standards.

``max_units_per_chart()`` is the number of included units above which per-unit charts give way
to a distribution plus the units below standard (see the file's comments).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from analysis.paths import REPORTING_FILE


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def report_settings(path: str | Path | None = None) -> dict[str, Any]:
    """The report layout settings (default: the package's ``reporting.yaml``)."""
    return dict(_load(str(Path(path or REPORTING_FILE).resolve())))


def max_units_per_chart(path: str | Path | None = None) -> int:
    """``per_unit_charts.max_units``: above this many units a chart shows a distribution and the
    units below standard instead of every unit. A value that is not a positive integer is a
    ``ValueError`` naming the file and the key."""
    value = report_settings(path).get("per_unit_charts", {}).get("max_units")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{path or REPORTING_FILE}: per_unit_charts.max_units 须为正整数 / must be a positive "
                         f"integer, got {value!r}")
    return value
