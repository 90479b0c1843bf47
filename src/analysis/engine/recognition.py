"""Social recognition (社会认可度): satisfied ÷ valid responses, per group and pooled.

- satisfied = the ``satisfied_levels`` (满意 + 比较满意); valid = the sum of all five levels.
- Pooled rate: with ``group_weights: null`` the pooled rate is Σ satisfied ÷ Σ valid (weights
  equal to response counts). With weights {group: w}, it is Σ w_g·rate_g ÷ Σ w_g over the groups
  that have valid responses (a weighted group with no responses is reported, not counted as 0).
- 问卷调查 is judged against ``min_rate``; 实地走访 is computed the same way and reported
  separately (it does not decide the status).
- A NA count makes its group's rate and the pooled rate unknown (never read as 0): S1 is 无数据,
  unless the pooled rate fails even at its best — possible only when the missing counts are all
  of unsatisfied levels, which can only lower the rate.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.engine.guarantee import (
    FAIL,
    NO_DATA,
    PASS,
    IndicatorResult,
    at_least,
    fmt_pct,
    fmt_vs,
    join_text,
    responsible,
    table,
)

AREA_RECOGNITION = "社会认可度"
JUDGED_KIND = "问卷调查"
POOLED = "合计"


def satisfaction_rates(satisfaction: pd.DataFrame, standards: dict) -> pd.DataFrame:
    """Rates per survey kind and group, plus one pooled row (group = "合计") per survey kind.

    Columns: survey_kind, group, satisfied, valid, rate, weight, missing_levels, issued. A group
    with a NA count has NA satisfied/valid/rate (``missing_levels`` names the levels); a survey kind
    with such a group has a NA pooled row. ``issued`` (questionnaires issued, the form's 问卷总数)
    is NA where not given; the pooled row's is the sum, NA when any group's is missing.
    """
    spec = standards["recognition"]
    levels, sat_levels = spec["levels"], spec["satisfied_levels"]
    weights = spec.get("group_weights")
    s = satisfaction.copy()
    counts = s[levels].astype("Float64").astype(float)
    s["satisfied"] = counts[sat_levels].sum(axis=1, skipna=False)
    s["valid"] = counts[levels].sum(axis=1, skipna=False)
    s["rate"] = s["satisfied"] / s["valid"].where(s["valid"] > 0)
    missing = counts.isna()
    s["missing_levels"] = pd.Series(
        ["、".join(f"“{lv}”" for lv, na in zip(levels, row) if na) for row in missing.to_numpy()],
        index=s.index, dtype="string").replace("", pd.NA)
    if weights:
        s["weight"] = s["group"].map(weights).astype(float).fillna(0.0)
    else:
        s["weight"] = s["valid"].astype(float)
    s["weight"] = s["weight"].where(s["valid"] > 0, 0.0).where(s["valid"].notna())
    s["w_rate"] = s["weight"] * s["rate"].fillna(0.0)
    s["_na"] = s["missing_levels"].notna()
    s["issued"] = (s["issued"] if "issued" in s.columns else pd.Series(pd.NA, index=s.index)).astype("Float64")
    s["_issued_na"] = s["issued"].isna()
    per_group = s[["survey_kind", "group", "satisfied", "valid", "rate", "weight", "missing_levels", "issued"]]
    by_kind = s.groupby("survey_kind")
    pooled = pd.concat([by_kind[["satisfied", "valid", "w_rate", "weight", "issued"]].sum(),
                        by_kind[["_na", "_issued_na"]].any()], axis=1).reset_index()
    pooled["issued"] = pooled["issued"].where(~pooled["_issued_na"])
    pooled["rate"] = pooled["w_rate"] / pooled["weight"].where(pooled["weight"] > 0)
    for col in ("satisfied", "valid", "rate", "weight"):
        pooled[col] = pooled[col].where(~pooled["_na"])
    pooled["missing_levels"] = pd.Series(pd.NA, index=pooled.index, dtype="string")
    pooled["group"] = POOLED
    out = pd.concat([per_group, pooled[per_group.columns]], ignore_index=True)
    out[["satisfied", "valid"]] = out[["satisfied", "valid"]].astype("Int64")
    out["issued"] = out["issued"].astype("Float64").round().astype("Int64")
    order = {g: i for i, g in enumerate([*spec["groups"], POOLED])}
    out["_o"] = out["group"].map(order)
    return out.sort_values(["survey_kind", "_o"]).drop(columns="_o").reset_index(drop=True)


def s1(tables, standards) -> IndicatorResult:
    """Social recognition, judged on the pooled 问卷调查 rate."""
    spec = standards["recognition"]
    minimum = spec["min_rate"]
    pooling = "按有效问卷数合并，每份等权" if not spec.get("group_weights") else "按各类对象权重加权"
    std = f"问卷调查满意度（{'+'.join(spec['satisfied_levels'])}）≥ {fmt_pct(minimum, 0)}（{pooling}）"
    res = IndicatorResult("S1", spec["name"], AREA_RECOGNITION, std, NO_DATA, responsible=responsible(spec))
    sat = table(tables, "satisfaction")
    if sat is None or sat.empty:
        res.failing = "缺少社会认可度调查数据 (satisfaction missing)"
        return res
    rates = satisfaction_rates(sat, standards)
    rates["status"] = np.where(rates["rate"].isna(), NO_DATA, np.where(at_least(rates["rate"], minimum), PASS, FAIL))
    judged = rates[(rates["survey_kind"] == JUDGED_KIND) & (rates["group"] == POOLED)]
    visits = rates[(rates["survey_kind"] != JUDGED_KIND) & (rates["group"] == POOLED)]
    q = rates[rates["survey_kind"] == JUDGED_KIND]
    na_groups = q[q["missing_levels"].notna()]
    failing = []
    if len(na_groups):
        # best case: a missing unsatisfied count is 0; a missing satisfied count has no bound
        unsat = [lv for lv in spec["levels"] if lv not in spec["satisfied_levels"]]
        qs = sat[sat["survey_kind"] == JUDGED_KIND]
        if not qs[spec["satisfied_levels"]].isna().any().any():
            best = satisfaction_rates(qs.assign(**{lv: qs[lv].fillna(0) for lv in unsat}), standards)
            best_rate = best.loc[best["group"] == POOLED, "rate"]
            if len(best_rate) and pd.notna(best_rate.iloc[0]) and not at_least(float(best_rate.iloc[0]), minimum):
                res.status = FAIL
                failing.append(f"问卷调查合计即使缺失的不满意人数都按 0 计，最多 {fmt_vs(best_rate.iloc[0], minimum, pct=True)}"
                               f" < {fmt_pct(minimum, 0)}")
        failing += (na_groups["group"] + " " + na_groups["missing_levels"] + "人数缺失（satisfaction）").tolist()
    elif judged.empty or pd.isna(judged["rate"].iloc[0]):
        res.failing = "无有效问卷调查数据 (no valid questionnaire responses)"
    else:
        rate = float(judged["rate"].iloc[0])
        res.value, res.value_text = rate, fmt_vs(rate, minimum, pct=True)
        res.status = PASS if at_least(rate, minimum) else FAIL
    low = q[(q["group"] != POOLED) & (q["status"] == FAIL)]
    if res.status == FAIL and res.value_text:
        failing.insert(0, f"问卷调查合计 {res.value_text} < {fmt_pct(minimum, 0)}")
    failing += [f"{g} {fmt_vs(r, minimum, pct=True)}（低于{fmt_pct(minimum, 0)}）" for g, r in zip(low["group"], low["rate"])]
    res.failing = join_text(failing) or res.failing
    ev = ["问卷调查：" + "、".join(f"{g} {fmt_vs(r, minimum, pct=True) or '—'}" for g, r in zip(q["group"], q["rate"]))]
    if not visits.empty:
        ev.append("实地走访（单独报告，不参与判定）：合计 " + (fmt_vs(visits["rate"].iloc[0], minimum, pct=True) or "—"))
    res.evidence = "；".join(ev)
    res.detail = rates
    return res


def evaluate_recognition(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    return {"S1": s1(tables, standards)}
