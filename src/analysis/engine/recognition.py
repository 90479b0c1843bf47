"""Social recognition (社会认可度): satisfied ÷ valid responses, per group and pooled.

- satisfied = the ``satisfied_levels`` (满意 + 比较满意); valid = the sum of all five levels.
- Pooled rate: with ``group_weights: null`` the pooled rate is Σ satisfied ÷ Σ valid (weights
  equal to response counts). With weights {group: w}, it is Σ w_g·rate_g ÷ Σ w_g over the groups
  that have valid responses (a weighted group with no responses is reported, not counted as 0).
- 问卷调查 is judged against ``min_rate``; 实地走访 is computed the same way and reported
  separately (it does not decide the status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .guarantee import FAIL, NO_DATA, PASS, IndicatorResult, at_least, fmt_pct, join_text, responsible, table

AREA_RECOGNITION = "社会认可度"
JUDGED_KIND = "问卷调查"
POOLED = "合计"


def satisfaction_rates(satisfaction: pd.DataFrame, standards: dict) -> pd.DataFrame:
    """Rates per survey kind and group, plus one pooled row (group = "合计") per survey kind.

    Columns: survey_kind, group, satisfied, valid, rate, weight.
    """
    spec = standards["recognition"]
    levels, sat_levels = spec["levels"], spec["satisfied_levels"]
    weights = spec.get("group_weights")
    s = satisfaction.copy()
    s["satisfied"] = s[sat_levels].astype("int64").sum(axis=1)
    s["valid"] = s[levels].astype("int64").sum(axis=1)
    s["rate"] = s["satisfied"] / s["valid"].where(s["valid"] > 0)
    if weights:
        s["weight"] = s["group"].map(weights).astype(float).fillna(0.0)
    else:
        s["weight"] = s["valid"].astype(float)
    s["weight"] = s["weight"].where(s["valid"] > 0, 0.0)
    per_group = s[["survey_kind", "group", "satisfied", "valid", "rate", "weight"]]
    s["w_rate"] = s["weight"] * s["rate"].fillna(0.0)
    pooled = s.groupby("survey_kind").agg(satisfied=("satisfied", "sum"), valid=("valid", "sum"),
                                          w_rate=("w_rate", "sum"), weight=("weight", "sum")).reset_index()
    pooled["rate"] = pooled["w_rate"] / pooled["weight"].where(pooled["weight"] > 0)
    pooled["group"] = POOLED
    out = pd.concat([per_group, pooled[per_group.columns]], ignore_index=True)
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
    if judged.empty or pd.isna(judged["rate"].iloc[0]):
        res.failing = "无有效问卷调查数据 (no valid questionnaire responses)"
    else:
        rate = float(judged["rate"].iloc[0])
        res.value, res.value_text = rate, fmt_pct(rate)
        res.status = PASS if at_least(rate, minimum) else FAIL
    low = rates[(rates["survey_kind"] == JUDGED_KIND) & (rates["group"] != POOLED) & (rates["status"] == FAIL)]
    failing = []
    if res.status == FAIL:
        failing.append(f"问卷调查合计 {res.value_text} < {fmt_pct(minimum, 0)}")
    failing += (low["group"] + " " + low["rate"].map(fmt_pct).astype("string") + "（低于"
                + fmt_pct(minimum, 0) + "）").tolist()
    res.failing = join_text(failing)
    q = rates[rates["survey_kind"] == JUDGED_KIND]
    ev = ["问卷调查：" + "、".join((q["group"] + " " + q["rate"].map(fmt_pct).fillna("—").astype("string")).tolist())]
    if not visits.empty:
        ev.append("实地走访（单独报告，不参与判定）：合计 " + (fmt_pct(visits["rate"].iloc[0]) or "—"))
    res.evidence = "；".join(ev)
    res.detail = rates
    return res


def evaluate_recognition(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    return {"S1": s1(tables, standards)}
