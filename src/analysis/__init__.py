"""县域义务教育优质均衡发展督导评估分析 — the analysts' toolkit.

Import what notebooks need from here, e.g. ``from analysis import weighted_cv, stage_shares``.
The engine functions are imported lazily (on first use), so ``import analysis`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: the public API: name → module (imported on first use). Scripts outside the package, the tests
#: and the benchmarks use these names; docs/architecture.md documents them.
_LAZY = {
    # ingest: raw workbooks → processed tables
    "clean_period": "analysis.ingest.cleaning",
    "load_period": "analysis.ingest.tables",
    "write_demo": "analysis.demo",
    # configuration
    "load_standards": "analysis.config.standards",
    "is_demo_data": "analysis.config.county",
    # the engine
    "evaluate": "analysis.engine.verdict",
    "build_units": "analysis.engine.units",
    "evaluate_resources": "analysis.engine.resources",
    "stage_shares": "analysis.engine.shares",
    "weighted_cv": "analysis.engine.cv",
    "weighted_cv_stats": "analysis.engine.cv",
    "cv_table": "analysis.engine.cv",
    "resource_tables": "analysis.engine.verdict",
    # planning
    "project": "analysis.planning.projection",
    "load_scenario": "analysis.planning.projection",
    "load_scenarios": "analysis.planning.projection",
    "monte_carlo": "analysis.planning.projection",
    "optimise": "analysis.planning.optimise",
    # the pipeline and the commands
    "check_period": "analysis.ingest.checks",
    "results": "analysis.pipeline.results",
    "run": "analysis.pipeline.runner",
    "list_notebooks": "analysis.pipeline.runner",
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
