"""Intermediate frames that several indicators of one engine run read, computed once per run.

``evaluate`` hands the indicator functions a :class:`RunTables` (a dict of the processed tables,
as every indicator function takes) that also holds a memo. A helper shared by several indicators
(the compulsory-stage pupils per school, the class groups, the judged schools …) asks
:func:`once` for its frame: computed on the first request of the run, the same frame (a new
object, so that a caller's column assignment never reaches the memo) on later ones. Called with
a plain dict — an indicator function on its own, ``analysis.whatif`` — every helper computes as
before. Nothing here is a second implementation: the memo only stores what the helper returned.

The memo is valid while the tables do not change, i.e. for one ``evaluate`` call (the engine
never writes to its input tables).
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Mapping

import pandas as pd


class RunTables(dict):
    """The processed tables of one engine run, with the memo of :func:`once`."""

    def __init__(self, tables: Mapping[str, pd.DataFrame]):
        super().__init__(tables)
        self.memo: dict[Hashable, Any] = {}


def run_tables(tables: Mapping[str, pd.DataFrame]) -> RunTables:
    """``tables`` as a :class:`RunTables` with an empty memo (a shallow copy of the dict: the frames
    are the caller's, never written)."""
    return RunTables(tables)


def once(tables: Mapping[str, pd.DataFrame], key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, remembered under ``key`` for the run when ``tables`` is a :class:`RunTables`.

    A remembered DataFrame or Series is returned as a shallow copy (copy-on-write: the caller may
    add or overwrite columns without changing what the next indicator gets)."""
    memo = getattr(tables, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value = memo[key]
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    return value
