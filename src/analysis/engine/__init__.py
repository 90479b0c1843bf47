"""The indicator engine (指标计算引擎): assessment units, resource indicators, CVs, verdict.

``evaluate(tables, standards=None) -> Results`` runs all 32 indicators for one county and period.
"""

from analysis.engine.verdict import Results, evaluate, resource_tables

__all__ = ["Results", "evaluate", "resource_tables"]
