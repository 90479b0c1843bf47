"""县域义务教育优质均衡发展督导评估分析 — the analysts' toolkit.

Import what notebooks need from here, e.g. ``from analysis import weighted_cv, stage_shares``.
The engine functions are imported lazily (on first use), so ``import analysis`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "weighted_cv": "analysis.engine.cv",
    "weighted_cv_stats": "analysis.engine.cv",
    "cv_table": "analysis.engine.cv",
    "stage_shares": "analysis.engine.resources",
    "evaluate_resources": "analysis.engine.resources",
    "build_units": "analysis.engine.units",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
