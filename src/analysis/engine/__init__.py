"""The indicator engine (指标计算引擎): assessment units, resource indicators, CVs, verdict.

``evaluate(tables, standards=None) -> Results`` runs all 32 indicators for one county and period.
"""

from .verdict import Results, evaluate

__all__ = ["Results", "evaluate"]
