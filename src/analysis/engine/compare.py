"""A period against the previous one (与上一期比较): what changed in the engine's results.

- :func:`status_changes`: the indicators whose status changed;
- :func:`unit_changes`: the assessment units that began or stopped passing (每校达标), or came in
  or went out of the assessment;
- :func:`cv_contributions`: each CV's change split into the contributions of the units (schools);
- :func:`quality_changes`: the data-quality problems that are new, and those resolved.

Decomposition of a CV's change (校际差异系数变化的分解)
-----------------------------------------------------
Within one stage and indicator, a period's included units i have pupils Pᵢ and values Xᵢ; with
wᵢ = Pᵢ / ΣP the engine's CV is (engine/cv.py)

    M = Σ wᵢXᵢ,   V = Σ wᵢ(Xᵢ − M)²,   S = √V,   CV = S / M.

Write Dᵢ = wᵢ(Xᵢ − M)² (the unit's weighted squared deviation, so V = Σ Dᵢ) and Mᵢ = wᵢXᵢ (its
share of the mean, so M = Σ Mᵢ). From period 0 to period 1, with a = S and b = 1/M, CV = a·b and

    CV₁ − CV₀ = (a₁ − a₀)·(b₀ + b₁)/2 + (b₁ − b₀)·(a₀ + a₁)/2                        (1)

(expand the right side: a₁b₀ + a₁b₁ − a₀b₀ − a₀b₁ + a₀b₁ − a₀b₀ + a₁b₁ − a₁b₀, halved = a₁b₁ − a₀b₀).
Since a₁ − a₀ = (V₁ − V₀)/(S₀ + S₁) = Σ (Dᵢ₁ − Dᵢ₀)/(S₀ + S₁) and
b₁ − b₀ = −(M₁ − M₀)/(M₀M₁) = −Σ (Mᵢ₁ − Mᵢ₀)/(M₀M₁), (1) is a sum over units:

    contributionᵢ = deviationᵢ + meanᵢ,
    deviationᵢ = (Dᵢ₁ − Dᵢ₀) / (S₀ + S₁) · (1/M₀ + 1/M₁) / 2
    meanᵢ      = −(Mᵢ₁ − Mᵢ₀) / (M₀·M₁) · (S₀ + S₁) / 2

and Σᵢ contributionᵢ = CV₁ − CV₀ exactly (up to float rounding). A unit in only one of the periods
has Dᵢ = Mᵢ = 0 in the other. ``deviation`` is the part through the spread (a school moving away
from the county mean adds to it), ``mean`` the part through the mean (a school raising the county
mean lowers every CV). The weights wᵢ change with pupils, so a school can move a CV without its
own value moving. When S₀ + S₁ = 0 (no spread in either period) every deviation part is 0. A CV
with a missing value in either period (无数据) is not decomposed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.config.standards import resource_codes
from analysis.schemas import STAGES

#: per unit: how the verdict changed (每校达标)
BEGAN, STOPPED, NEW_UNIT, GONE_UNIT, NOW_NO_DATA, NOW_DATA = (
    "新达标", "不再达标", "新纳入评估", "不再纳入评估", "变为无法判定", "可以判定")
#: data-quality problems
NEW, RESOLVED = "新出现", "已解决"
#: what identifies a data-quality problem across periods (row numbers and values move)
QUALITY_KEY = ["file", "sheet", "column", "problem", "school_code"]


def _judged(s: pd.Series) -> pd.Series:
    return s.astype("boolean")


def status_changes(prev: pd.DataFrame, cur: pd.DataFrame) -> pd.DataFrame:
    """The indicators of the verdict table whose status differs: no, code, area, name, value and
    status of both periods (``*_prev``), and ``change`` (变好 / 变差 / 变化)."""
    p = prev.set_index("code")[["value", "status"]].add_suffix("_prev")
    out = cur[["no", "code", "area", "name", "value", "status"]].join(p, on="code")
    out = out[out["status"].ne(out["status_prev"]).fillna(True)]
    better = out["status"].eq("达标") | out["status_prev"].eq("未达标")
    worse = out["status_prev"].eq("达标") | out["status"].eq("未达标")
    out = out.assign(change=np.where(better & ~worse, "变好", np.where(worse & ~better, "变差", "变化")))
    return out.sort_values("no").reset_index(drop=True)


def unit_changes(prev: pd.DataFrame, cur: pd.DataFrame) -> pd.DataFrame:
    """Units whose per-unit verdict changed between the periods (units tables of the engine).

    Columns: school_code, school_name, stage, included_prev/included, unit_pass_prev/unit_pass,
    n_met_prev/n_met, change (新达标, 不再达标, 新纳入评估, 不再纳入评估, 变为无法判定, 可以判定).
    """
    keys = ["school_code", "stage"]
    cols = ["school_name", "included", "unit_pass", "n_met"]
    p = prev.set_index(keys)[cols]
    c = cur.set_index(keys)[cols]
    idx = c.index.union(p.index)
    p, c = p.reindex(idx), c.reindex(idx)
    inc_p = p["included"].fillna(False).astype(bool)
    inc_c = c["included"].fillna(False).astype(bool)
    up, uc = _judged(p["unit_pass"]), _judged(c["unit_pass"])
    change = pd.Series(pd.NA, index=idx, dtype="string")
    both = inc_p & inc_c
    change[both & (up == False).fillna(False) & (uc == True).fillna(False)] = BEGAN  # noqa: E712
    change[both & (up == True).fillna(False) & (uc == False).fillna(False)] = STOPPED  # noqa: E712
    change[both & up.notna() & uc.isna()] = NOW_NO_DATA
    change[both & up.isna() & uc.notna()] = NOW_DATA
    change[~inc_p & inc_c] = NEW_UNIT
    change[inc_p & ~inc_c] = GONE_UNIT
    out = pd.DataFrame({
        "school_name": c["school_name"].fillna(p["school_name"]),
        "included_prev": inc_p, "included": inc_c, "unit_pass_prev": up, "unit_pass": uc,
        "n_met_prev": p["n_met"], "n_met": c["n_met"], "change": change,
    }).reset_index()
    out = out[out["change"].notna()]
    order = {s: i for i, s in enumerate(STAGES)}
    return out.sort_values(["stage", "school_code"], key=lambda s: s.map(order) if s.name == "stage" else s) \
        .reset_index(drop=True)


def _unit_terms(units: pd.DataFrame, code: str) -> pd.DataFrame:
    """Per included unit of each stage: w, X, the stage's M and S, and D, Mᵢ of the decomposition."""
    inc = units[units["included"].fillna(False).astype(bool)]
    x = inc[code].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    p = inc["students"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    t = pd.DataFrame({"school_code": inc["school_code"].astype(str).to_numpy(),
                      "school_name": inc["school_name"].astype(str).to_numpy(),
                      "stage": inc["stage"].astype(str).to_numpy(), "students": p, "value": x})
    g = t.groupby("stage")
    t["w"] = t["students"] / g["students"].transform("sum")
    t["M"] = (t["w"] * t["value"]).groupby(t["stage"]).transform("sum")
    t["D"] = t["w"] * (t["value"] - t["M"]) ** 2
    t["S"] = np.sqrt(t["D"].groupby(t["stage"]).transform("sum"))
    t["Mi"] = t["w"] * t["value"]
    t["no_data"] = (t["value"].isna() | t["students"].isna()).groupby(t["stage"]).transform("any")
    return t


def cv_contributions(prev_units: pd.DataFrame, units: pd.DataFrame, standards: dict) -> pd.DataFrame:
    """Each CV's change from the previous period split into the units' contributions (see the
    module docstring for the formula; they sum to ``cv − cv_prev``).

    One row per stage, indicator and unit included in either period: school_code, school_name,
    stage, indicator, value_prev/value, students_prev/students, w_prev/w (pupil weights), D_prev/D
    (weighted squared deviation), deviation, mean, contribution, and the stage's cv_prev, cv,
    cv_change. A stage×indicator whose CV has no data in either period is left out.
    """
    frames = []
    for code in resource_codes(standards):
        t0, t1 = _unit_terms(prev_units, code), _unit_terms(units, code)
        m = t1.merge(t0, on=["stage", "school_code"], how="outer", suffixes=("", "_prev"))
        m["school_name"] = m["school_name"].fillna(m["school_name_prev"])
        for stage, sub in m.groupby("stage", sort=False):
            s0 = t0[t0["stage"] == stage]
            s1 = t1[t1["stage"] == stage]
            if s0.empty or s1.empty or bool(s0["no_data"].iloc[0]) or bool(s1["no_data"].iloc[0]):
                continue
            M0, S0 = float(s0["M"].iloc[0]), float(s0["S"].iloc[0])
            M1, S1 = float(s1["M"].iloc[0]), float(s1["S"].iloc[0])
            if M0 == 0 or M1 == 0:
                continue
            sub = sub.copy()
            for col in ("D", "Mi", "w"):
                sub[col] = sub[col].fillna(0.0)
                sub[f"{col}_prev"] = sub[f"{col}_prev"].fillna(0.0)
            spread = S0 + S1
            sub["deviation"] = (0.0 if spread == 0 else
                                (sub["D"] - sub["D_prev"]) / spread * (1 / M0 + 1 / M1) / 2)
            sub["mean"] = -(sub["Mi"] - sub["Mi_prev"]) / (M0 * M1) * spread / 2
            sub["contribution"] = sub["deviation"] + sub["mean"]
            sub["indicator"] = code
            sub["cv_prev"], sub["cv"] = S0 / M0, S1 / M1
            sub["cv_change"] = S1 / M1 - S0 / M0
            frames.append(sub)
    cols = ["stage", "indicator", "school_code", "school_name", "value_prev", "value", "students_prev", "students",
            "w_prev", "w", "D_prev", "D", "deviation", "mean", "contribution", "cv_prev", "cv", "cv_change"]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c not in cols[:4] else "string") for c in cols})
    out = pd.concat(frames, ignore_index=True)[cols]
    order = {s: i for i, s in enumerate(STAGES)}
    return out.sort_values(["stage", "indicator", "school_code"],
                           key=lambda s: s.map(order) if s.name == "stage" else s).reset_index(drop=True)


def cv_change_summary(contributions: pd.DataFrame, prev_cv: pd.DataFrame, cv: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """Per stage and indicator: CV (full and shown) of both periods, the change, its sum of
    contributions and the ``top`` units that moved it most (by |contribution|), as text."""
    keys = ["stage", "indicator"]
    p = prev_cv.set_index(keys)[["cv", "cv_shown", "passed"]].add_suffix("_prev")
    out = cv.set_index(keys)[["indicator_name", "cv", "cv_shown", "limit", "passed"]].join(p).reset_index()
    out["cv_change"] = out["cv"].astype("Float64") - out["cv_prev"].astype("Float64")
    if contributions.empty:
        out["contributions_sum"] = pd.array([pd.NA] * len(out), dtype="Float64")
        out["top_units"] = pd.array([pd.NA] * len(out), dtype="string")
        return out
    sums = contributions.groupby(keys)["contribution"].sum().rename("contributions_sum")
    out = out.join(sums, on=keys)

    def movers(g: pd.DataFrame) -> str:
        g = g.reindex(g["contribution"].abs().sort_values(ascending=False).index).head(top)
        return "；".join(f"{r.school_name} {r.contribution:+.4f}" for r in g.itertuples())

    tops = contributions.groupby(keys).apply(movers, include_groups=False).rename("top_units")
    return out.join(tops, on=keys)


def quality_changes(prev: pd.DataFrame, cur: pd.DataFrame) -> pd.DataFrame:
    """Data-quality problems new in this period and those of the previous period now gone.

    A problem is identified by file, sheet, column, problem text and school (row numbers and
    values move between periods); problems with the same identity are paired in order, so two
    of a kind against one is one new. Columns: the data-quality table's, plus ``change``
    (新出现 / 已解决); a resolved problem shows the previous period's row and value.
    """
    def keyed(df: pd.DataFrame) -> pd.DataFrame:
        d = df.copy()
        k = d[QUALITY_KEY].astype("string").fillna("\x00")
        d["_key"] = k.agg("\x1f".join, axis=1) if len(d) else pd.Series(dtype="string")
        d["_n"] = d.groupby("_key").cumcount()
        return d

    p, c = keyed(prev), keyed(cur)
    pk = set(zip(p["_key"], p["_n"]))
    ck = set(zip(c["_key"], c["_n"]))
    new = c[[(k, n) not in pk for k, n in zip(c["_key"], c["_n"])]].assign(change=NEW)
    gone = p[[(k, n) not in ck for k, n in zip(p["_key"], p["_n"])]].assign(change=RESOLVED)
    out = pd.concat([new, gone], ignore_index=True).drop(columns=["_key", "_n"])
    return out.reset_index(drop=True)
