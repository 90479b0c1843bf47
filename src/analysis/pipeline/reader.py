"""The pipeline's persisted results of one period, read on demand (:class:`PeriodResults`).

The reader only: it reads ``data/processed/<period>/`` and computes nothing, so the steps (the
per-school pages read the period's results) and the notebooks (through
:func:`analysis.pipeline.results.results`) both use it without importing each other.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from analysis.pipeline.context import Period
from analysis.reporting.narrative import NARRATIVE_FILE, read_narrative


class _Tables(dict):
    """The processed tables of the period, each read on first access (``r.tables["schools"]``)."""

    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> pd.DataFrame:
        path = self.folder / f"{name}.parquet"
        if not path.is_file():
            raise KeyError(name)
        df = self[name] = pd.read_parquet(path)
        return df


class PeriodResults:
    """The persisted results of one period (attributes read the files on first use)."""

    def __init__(self, ctx: Period):
        self.ctx = ctx
        self.folder = ctx.folder

    def _read(self, name: str) -> pd.DataFrame:
        return pd.read_parquet(self.folder / f"{name}.parquet")

    def _json(self, name: str) -> dict:
        return json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))

    # ---- clean
    @cached_property
    def tables(self) -> dict[str, pd.DataFrame]:
        return _Tables(self.folder)

    @cached_property
    def clean_summary(self) -> pd.DataFrame:
        return self._read("clean_summary")

    @cached_property
    def data_quality(self) -> pd.DataFrame:
        return self._read("data_quality")

    @cached_property
    def quarantine(self) -> pd.DataFrame:
        return self._read("quarantine")

    # ---- evaluate
    @cached_property
    def units(self) -> pd.DataFrame:
        return self._read("units")

    @cached_property
    def cv(self) -> pd.DataFrame:
        return self._read("cv")

    @cached_property
    def composite_cv(self) -> pd.DataFrame:
        return self._read("composite_cv")

    @cached_property
    def verdict(self) -> pd.DataFrame:
        return self._read("verdict").sort_values("no").reset_index(drop=True)

    @cached_property
    def details(self) -> dict[str, pd.DataFrame]:
        return {p.stem: pd.read_parquet(p) for p in sorted((self.folder / "details").glob("*.parquet"))}

    # ---- narrative
    @cached_property
    def narrative(self) -> dict[str, str | None]:
        """The county's own sections (基本情况 …) with this period's figures filled in; None for a
        section the county has not written."""
        return read_narrative(self.folder / NARRATIVE_FILE)

    # ---- project, plan, tasks
    @cached_property
    def projection(self) -> dict:
        return self._json("projection")

    @cached_property
    def plan_info(self) -> dict:
        return self._json("plan")

    # ---- compare
    @cached_property
    def comparison(self) -> dict:
        """comparison.json: the previous period (None when there is none) and the key counts."""
        return self._json("comparison")

    def __getattr__(self, name: str) -> pd.DataFrame:
        # trajectory, first_met, sensitivity, pass_probability, plan, plan_cost, plan_summary,
        # plan_cv_after, tasks, history_units, comparison_status, comparison_units, comparison_cv,
        # cv_contributions, comparison_quality
        if name.startswith("_") or name in ("ctx", "folder"):
            raise AttributeError(name)
        path = self.folder / f"{name}.parquet"
        if not path.is_file():
            raise AttributeError(f"{self.folder} has no result {name!r}")
        df = pd.read_parquet(path)
        setattr(self, name, df)
        return df


__all__ = ["PeriodResults"]
