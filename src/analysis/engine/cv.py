"""Student-weighted coefficient of variation (校际差异系数), the official formula.

    P = Σ P_i,   X̄ = Σ P_i·X_i / P,   S = sqrt( Σ (P_i / P)·(X_i − X̄)² )   (no n−1),   CV = S / X̄

The CV is judged as shown on the national form: rounded half-up to ``resources.cv_decimals``
(3) decimals, compared with ``resources.cv_limit`` of the stage. The full value is kept.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, NamedTuple

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards, resource_codes
from analysis.numbers import half_up_array
from analysis.schemas import STAGES


class CVStats(NamedTuple):
    mean: float
    sd: float
    cv: float


def weighted_cv_stats(values, students) -> CVStats:
    """Student-weighted mean, standard deviation (no n−1) and CV of ``values``.

    Any missing value gives NaN for all three (a missing input is never a zero). Students must
    be positive; a mean of 0 gives CV NaN.
    """
    x = np.asarray(pd.Series(values).to_numpy(dtype=float, na_value=np.nan), dtype=float)
    p = np.asarray(pd.Series(students).to_numpy(dtype=float, na_value=np.nan), dtype=float)
    if x.shape != p.shape or x.ndim != 1 or len(x) == 0:
        raise ValueError(
            f"数值与学生数的个数必须相同且不为空（{x.shape} 与 {p.shape}）。 / "
            f"values and students must be non-empty and of equal length ({x.shape} vs {p.shape})."
        )
    if not (p > 0).all():
        raise ValueError(
            "每个单位的学生数必须大于 0（不得缺失）。 / Every unit's students must be > 0 (not missing)."
        )
    if np.isnan(x).any():
        return CVStats(np.nan, np.nan, np.nan)
    total = p.sum()
    mean = float((p * x).sum() / total)
    sd = float(np.sqrt((p / total * (x - mean) ** 2).sum()))
    cv = sd / mean if mean != 0 else np.nan
    return CVStats(mean, sd, float(cv))


def weighted_cv(values, students) -> float:
    """The student-weighted CV (official formula, no n−1). ``weighted_cv([…], […])`` → float."""
    return weighted_cv_stats(values, students).cv


#: kept for callers of the old name: the one half-up rounding is :func:`analysis.numbers.half_up_array`
round_half_up = half_up_array


def cv_table(
    units: pd.DataFrame,
    standards: Mapping[str, Any] | None = None,
    by: Iterable[str] | None = None,
) -> pd.DataFrame:
    """The CV table (申报表Ⅲ): one row per (``by`` keys,) stage and indicator, included units only.

    ``units`` is ``evaluate_resources``' output. ``by`` adds grouping keys in front (default:
    ``["county"]`` when the units have a ``county`` column, else none). If any included unit of a
    group has no value for an indicator, mean/sd/cv are NA and ``passed`` is NA (no data).
    Vectorised over all groups at once (one groupby), so thousands of counties cost one pass.
    """
    standards = standards if standards is not None else load_standards()
    res = standards["resources"]
    by = list(by) if by is not None else (["county"] if "county" in units.columns else [])
    # the indicators in the order of their codes as texts: the groups' order
    codes = sorted(resource_codes(standards))
    # the included units, only the columns read here (one row selection of a few columns)
    inc = units.loc[units["included"].fillna(False).astype(bool).to_numpy(), list(dict.fromkeys(by + ["stage", "students", *codes]))]
    k = len(codes)
    x = inc[codes].astype("Float64").to_numpy(dtype=float, na_value=np.nan)  # unit × indicator
    p = inc["students"].to_numpy(dtype=float, na_value=np.nan)

    # each unit's group (its keys and stage) as a number whose order is that of the keys' sorted
    # values, key by key (a NA key is no group): integer arithmetic instead of grouping texts
    keys = [_as_inferred(inc[c]) for c in by]
    stage_codes, stage_names = pd.factorize(inc["stage"].to_numpy(), sort=True)
    group = np.zeros(len(inc), dtype=np.int64)
    valid = np.ones(len(inc), dtype=bool)
    for key_codes, n_values in [_sorted_codes(key) for key in keys] + [(stage_codes, len(stage_names))]:
        valid &= key_codes >= 0
        group = group * max(n_values, 1) + np.maximum(key_codes, 0)
        _, group = np.unique(group, return_inverse=True)  # dense again: the number stays small
    rows = np.flatnonzero(valid)
    first, gid = np.unique(group[rows], return_index=True, return_inverse=True)[1:]
    first = rows[first]  # each group's first unit
    n_groups = len(first)
    x, p = x[rows], p[rows]

    # the sums of each group and indicator, as pandas sums them (compensated summation, units in
    # their order; the weighted mean's and the deviations' sums alike)
    def group_sums(columns: np.ndarray) -> np.ndarray:
        return pd.DataFrame(columns).groupby(gid, sort=True).sum().to_numpy()

    px = p[:, None] * x
    sums = group_sums(np.column_stack([p, px]))
    total_p, sum_px = sums[:, 0], sums[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_row = sum_px[gid] / total_p[gid][:, None]
        dev2 = (p / total_p[gid])[:, None] * (x - mean_row) ** 2
    var = group_sums(dev2)
    n_nan = np.stack([np.bincount(gid, weights=np.isnan(x[:, j]), minlength=n_groups) for j in range(k)],
                     axis=1) if n_groups else np.zeros((0, k))
    size = np.bincount(gid, minlength=n_groups)

    # one row per group and indicator (indicator fastest)
    agg_keys = {c: key.array.take(np.repeat(first, k)) for c, key in zip(by, keys)}
    stage_of = np.repeat(stage_codes[first], k)
    agg = pd.DataFrame({
        **agg_keys,
        "n_units": np.repeat(size, k), "students": np.repeat(total_p, k), "px": sum_px.ravel(),
        "var": var.ravel(), "n_nan": n_nan.ravel(),
    })
    stage_text = np.asarray(stage_names, dtype=object)[stage_of]
    indicator_text = np.tile(np.array(codes, dtype=object), n_groups)
    no_data = agg["n_nan"].to_numpy() > 0
    mean = np.where(no_data, np.nan, agg["px"].to_numpy() / agg["students"].to_numpy())
    sd = np.where(no_data, np.nan, np.sqrt(agg["var"].to_numpy()))
    with np.errstate(divide="ignore", invalid="ignore"):
        cv = np.where(mean != 0, sd / mean, np.nan)
    cv_shown = half_up_array(cv, int(res["cv_decimals"]))
    limit = pd.Series(stage_text, dtype=object).map(res["cv_limit"]).to_numpy(dtype=float)
    names = {code: spec["name"] for code, spec in res["indicators"].items()}
    out = agg[by].copy()
    out["stage"] = pd.array(stage_text, dtype="string")
    out["indicator"] = pd.array(indicator_text, dtype="string")
    out["indicator_name"] = pd.array(pd.Series(indicator_text, dtype=object).map(names), dtype="string")
    out["n_units"] = pd.array(agg["n_units"].to_numpy(), dtype="Int64")
    st = agg["students"].to_numpy(dtype=float)  # NaN when a unit's students are unknown
    out["students"] = pd.array(np.where(np.isnan(st), 0, np.round(st)).astype(np.int64), dtype="Int64")
    out.loc[np.isnan(st), "students"] = pd.NA
    out["mean"] = pd.array(mean, dtype="Float64")
    out["sd"] = pd.array(sd, dtype="Float64")
    out["cv"] = pd.array(cv, dtype="Float64")
    out["cv_shown"] = pd.array(cv_shown, dtype="Float64")
    out["limit"] = pd.array(limit, dtype="Float64")
    passed = pd.array(cv_shown <= limit, dtype="boolean")
    passed[np.isnan(cv_shown)] = pd.NA
    out["passed"] = passed
    order = out["stage"].map({s: i for i, s in enumerate(STAGES)}).fillna(len(STAGES)).astype(int)
    out = out.assign(_o=order).sort_values(by + ["_o", "indicator"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)


def _as_inferred(column: pd.Series) -> pd.Series:
    """``pd.Series(column.to_numpy())``: the key with the dtype a frame infers from its values (a text
    column the frame's text dtype), without the round trip through objects when it has it already."""
    if column.dtype == pd.StringDtype(na_value=np.nan) and column.notna().any():
        return column.reset_index(drop=True)
    return pd.Series(column.to_numpy())


def _sorted_codes(key: pd.Series) -> tuple[np.ndarray, int]:
    """Each value's position among the key's sorted distinct values (−1: NA), and their number."""
    key_codes, uniques = pd.factorize(key, sort=True)
    return key_codes, len(uniques)


def composite_cv(cv: pd.DataFrame) -> pd.DataFrame:
    """综合差异系数 (for information, no criterion): mean of the seven CVs per stage (and keys).

    If any of the seven CVs is missing the composite is NA (not the mean of the others).
    """
    keys = [c for c in cv.columns if c not in {
        "indicator", "indicator_name", "n_units", "students", "mean", "sd", "cv", "cv_shown",
        "limit", "passed"}]
    x = cv[keys].assign(_cv=cv["cv"].astype("Float64").to_numpy(dtype=float, na_value=np.nan))
    g = x.groupby(keys, sort=True, observed=True)["_cv"]
    n_codes = cv["indicator"].nunique()  # every indicator of the standards file has a row
    out = g.mean().where(g.count() == n_codes)
    return out.rename("composite_cv").reset_index()


def cv_margin(standards: dict) -> float:
    """How far below a CV limit the cutting planes aim: one unit of the last decimal the CV is
    judged on (``resources.cv_decimals``; 3 → 0.001), so that the CV as shown passes."""
    return 10.0 ** -int(standards["resources"]["cv_decimals"])


def cv_floor(values: np.ndarray, weights: np.ndarray, limit: float, tol: float = 1e-6) -> float:
    """Smallest f with weighted_cv(max(values, f)) ≤ limit (bisection on the engine's CV)."""
    v = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    if weighted_cv(v, w) <= limit:
        return float(np.nanmin(v))
    lo, hi = float(np.nanmin(v)), float(np.nanmax(v))
    for _ in range(100):
        mid = (lo + hi) / 2
        if weighted_cv(np.maximum(v, mid), w) <= limit:
            hi = mid
        else:
            lo = mid
        if hi - lo <= tol * max(1.0, hi):
            break
    return hi
