"""Unit costs (单位成本, ``config/costs.yaml``): planning assumptions, not budget figures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from analysis.paths import COSTS_FILE


def load_costs(path: str | Path | None = None) -> dict[str, Any]:
    """Unit costs (``costs.yaml``; planning assumptions)."""
    p = Path(path) if path else COSTS_FILE
    with open(p, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def cost_of(costs: dict[str, Any], item: str) -> float:
    """A unit cost by dotted key, e.g. ``teachers.hire_per_year``."""
    node: Any = costs
    for part in item.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"成本文件缺少 “{item}”。 / costs.yaml has no '{item}'.")
        node = node[part]
    return float(node)
