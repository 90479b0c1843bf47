"""The pipeline: steps computed once per period (:mod:`~analysis.pipeline.steps`), the notebook
runner (:mod:`~analysis.pipeline.runner`) and the results the notebooks read
(:func:`~analysis.pipeline.results.results`)."""

from analysis.pipeline.reader import PeriodResults
from analysis.pipeline.results import results

__all__ = ["PeriodResults", "results"]
