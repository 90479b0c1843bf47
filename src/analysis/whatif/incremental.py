"""The engine, rerun only where a change reaches (增量重算): the what-if's speed, the engine's rules.

:class:`Reevaluator` evaluates one county's tables (the baseline) and then variants of them in
which some tables were replaced. It runs exactly the engine's functions — ``resource_tables``
(units and CVs), ``resource_result`` for L1–L7 and ``verdict.INDICATOR_FUNCTIONS`` for G1–S1 —
and assembles the 32 rows with ``verdict.build_results``, so every rule, text and status is the
engine's own. What it saves is work whose inputs it has seen before (memoisation):

- every function is run with a mapping of the tables that records which ones it reads; its
  result is kept under the content of exactly those tables (a table is identified by a digest of
  its values, columns and dtypes; the baseline's own frames need no digest). A function whose
  tables are unchanged since a result was kept is not run again. Sound because the functions are
  deterministic: with the same content of the tables it read, a function reads the same tables
  and returns the same result (the key covers every table it has ever been seen to read);
- each Lk's county result is kept under what it reads: the Lk CVs and the included
  units not at the Lk standard (a unit at the standard appears nowhere in Lk's result).

So a change reruns what it reaches; undoing it or trying it again costs almost nothing. The
tests compare it with a full ``engine.evaluate`` of the same tables, change by change.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any, Callable, Hashable, Iterator, Mapping

import pandas as pd

from analysis.config.standards import resource_codes
from analysis.engine.guarantee import IndicatorResult
from analysis.engine.verdict import (
    INDICATOR_FUNCTIONS,
    Results,
    build_results,
    resource_result,
    resource_tables,
)

#: the per-unit columns every Lk's county result reads besides its own Lk columns
_UNIT_COLUMNS = ("school_code", "school_name", "stage", "students", "included", "unit_pass", "missing_inputs")
#: "every table": a function that iterated over the tables
_ALL = "*"
#: results kept per cache (the oldest go first)
CACHE_SIZE = 256


class _ReadTracker(dict):
    """The tables, recording which ones a function reads (any iteration counts as reading all)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        super().__init__(tables)
        self.read: set[str] = set()

    def __getitem__(self, key):
        self.read.add(key)
        return super().__getitem__(key)

    def get(self, key, default=None):
        self.read.add(key)
        return super().get(key, default)

    def __contains__(self, key) -> bool:
        self.read.add(key)
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.read.add(_ALL)
        return super().__iter__()

    def keys(self):
        self.read.add(_ALL)
        return super().keys()

    def items(self):
        self.read.add(_ALL)
        return super().items()

    def values(self):
        self.read.add(_ALL)
        return super().values()

    def copy(self):
        self.read.add(_ALL)
        return dict(super().items())


def digest(df: pd.DataFrame | None) -> str:
    """A digest of a frame's values, columns and dtypes (equal frames, equal digests)."""
    if df is None:
        return "none"
    h = hashlib.sha1(pd.util.hash_pandas_object(df, index=False).to_numpy().tobytes())
    h.update(repr([(str(c), str(t)) for c, t in df.dtypes.items()]).encode("utf-8"))
    return h.hexdigest()


def copy_result(res: IndicatorResult) -> IndicatorResult:
    """A copy that ``build_results`` may finish in place without touching the original."""
    return dataclasses.replace(res, detail=None if res.detail is None else res.detail.copy(),
                               extra=dict(res.extra))


def _frame_key(df: pd.DataFrame) -> Hashable:
    """A small frame as a hashable value (columns, dtypes, rows): equal frames, equal keys."""
    return (tuple(map(str, df.columns)), tuple(map(str, df.dtypes)), tuple(map(tuple, df.to_numpy(dtype=object))))


def _resource_keys(codes: list[str], units: pd.DataFrame, cv: pd.DataFrame) -> dict[str, Hashable]:
    """Per code, a key of what ``verdict.resource_result(code, …)`` reads: the code's CV rows, and
    the included units that are not at the Lk standard (below it or without data) — a unit at
    the standard appears nowhere in Lk's status, failing text or detail — with the columns it
    reads of them."""
    inc = units["included"].fillna(False).to_numpy(dtype=bool)
    base_cols = [c for c in _UNIT_COLUMNS if c in units.columns]
    cv_by_code = {str(k): g for k, g in cv.groupby("indicator", sort=False, observed=True)}
    keys = {}
    for code in codes:
        not_met = ~units[f"{code}_met"].astype("boolean").fillna(False).to_numpy(dtype=bool)  # False or NA
        cols = base_cols + [c for c in (code, f"{code}_ratio", f"{code}_met") if c in units.columns]
        c = cv_by_code.get(code, cv.iloc[0:0])
        keys[code] = (code, _frame_key(units.loc[inc & not_met, cols]), _frame_key(c))
    return keys


class _Memo:
    """Results of one function kept under the content of the tables it read."""

    def __init__(self, fn: Callable[[Mapping[str, pd.DataFrame]], Any]):
        self.fn = fn
        self.reads: set[str] = set()
        self.cache: dict[Hashable, Any] = {}

    def key(self, token: Callable[[str], str], names: list[str]) -> Hashable:
        wanted = names if _ALL in self.reads else sorted(self.reads)
        return tuple((n, token(n)) for n in wanted)

    def __call__(self, tables: Mapping[str, pd.DataFrame], token: Callable[[str], str],
                 names: list[str]) -> tuple[Any, bool]:
        """(result, ran): the kept result when its tables are unchanged, else the function's."""
        if self.reads:
            hit = self.cache.get(self.key(token, names))
            if hit is not None:
                return hit, False
        tracked = _ReadTracker(tables)
        result = self.fn(tracked)
        self.reads |= tracked.read
        if len(self.cache) >= CACHE_SIZE:
            self.cache.pop(next(iter(self.cache)))
        self.cache[self.key(token, names)] = result
        return result, True


class Reevaluator:
    """The engine's 32 indicators for a baseline and its variants, rerunning only what changed."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], standards: dict):
        self.standards = standards
        self.tables = dict(tables)
        self.codes = resource_codes(standards)
        self._resources = _Memo(lambda t: resource_tables(t, standards))
        self._indicators = [_Memo(lambda t, fn=fn: fn(t, standards)) for fn in INDICATOR_FUNCTIONS]
        self._lk: dict[Hashable, IndicatorResult] = {}
        self.last_rerun: list[str] = []
        self.baseline = self.evaluate(self.tables)
        self.last_rerun = []

    def reads(self) -> dict[str, set[str]]:
        """Which tables each non-resource indicator has read (code → table names)."""
        out = {}
        for memo in self._indicators:
            res = next(iter(memo.cache.values()))
            out[res.code] = set(memo.reads)
        return out

    def evaluate(self, tables: Mapping[str, pd.DataFrame]) -> Results:
        """``engine.evaluate(tables, standards)``, with every result whose inputs were seen before
        taken from the cache (``last_rerun`` lists the indicators computed afresh)."""
        tables = dict(tables)
        names = sorted(set(tables) | set(self.tables))
        tokens: dict[str, str] = {}

        def token(name: str) -> str:
            if name not in tokens:
                df = tables.get(name)
                tokens[name] = "base" if df is self.tables.get(name) else digest(df)
            return tokens[name]

        rerun: list[str] = []
        (units, cv), _ = self._resources(tables, token, names)
        computed: dict[str, IndicatorResult] = {}
        for code, key in _resource_keys(self.codes, units, cv).items():
            raw = self._lk.get(key)
            if raw is None:
                raw = resource_result(code, units, cv, self.standards)
                if len(self._lk) >= CACHE_SIZE:
                    self._lk.pop(next(iter(self._lk)))
                self._lk[key] = raw
                rerun.append(code)
            computed[code] = copy_result(raw)
        for memo in self._indicators:
            raw, ran = memo(tables, token, names)
            computed[raw.code] = copy_result(raw)
            if ran:
                rerun.append(raw.code)
        self.last_rerun = rerun
        return build_results(units.copy(), cv.copy(), tables, self.standards, computed=computed)
