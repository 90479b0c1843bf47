"""What the notebooks show: the pipeline's persisted results of one period, read on demand.

``results(period, data_dir, processed_dir, out_dir)`` makes sure the period's steps are up to
date (under ``analysis run`` they are, and this only compares fingerprints) and returns a
:class:`PeriodResults` whose attributes read ``data/processed/<period>/`` lazily: the notebooks
read and display, they never compute a step.
"""

from __future__ import annotations

from pathlib import Path

from analysis import paths
from analysis.config.county import standards_for
from analysis.pipeline.context import Period, all_up_to_date
from analysis.pipeline.reader import PeriodResults
from analysis.settings import configure_pandas


def results(period: str, data_dir: str | Path = "", processed_dir: str | Path = "", out_dir: str | Path = "",
            until: str = "tasks", target_year: str | int = "", scenario_dir: str | Path = "",
            standards_file: str | Path = "") -> PeriodResults:
    """The period's results, its steps brought up to date first (cheap when they are).

    Takes the notebooks' parameters as they are ("" = the default: the bundled demo data,
    data/processed, reports/<period>, the county's target year, the bundled scenarios and
    standards).
    """
    configure_pandas()  # the kernel's tables as `analysis run` reads them (analysis.settings)
    data_dir, processed_dir, out_dir = paths.notebook_dirs(period, data_dir, processed_dir, out_dir)
    ctx = Period(str(period), data_dir, processed_dir, out_dir,
                 standards=standards_for(data_dir, standards_file or None),
                 scenario_dir=Path(scenario_dir).resolve() if scenario_dir else None,
                 target_year=int(target_year) if str(target_year).strip() else None)
    if not all_up_to_date(ctx, until):
        # lazy: computing needs the engine, the solver and the workbook reader, which a notebook
        # reading up-to-date results (under `analysis run`, always) never loads
        from analysis.pipeline.steps import StepFailed, run_period

        try:
            run_period(ctx, until=until)
        except StepFailed as exc:
            raise exc.error from None  # in a notebook, the step's own error (named by the runner)
    return PeriodResults(ctx)
