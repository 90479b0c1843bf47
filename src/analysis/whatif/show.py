"""A what-if's outcome as escaped HTML (for the notebook and the widgets): the summary, the
changes, the 32 statuses, the CVs, the per-unit verdicts and L1–L7 of the picked schools, each
beside the baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.reporting.formats import fmt_cv
from analysis.reporting.html import html_list, html_paragraph, html_table
from analysis.whatif.session import Outcome, WhatIf

_RANK = {"达标": 2, "未提供": 1, "无数据": 1, "未达标": 0}


def _direction(before: pd.Series, after: pd.Series) -> pd.Series:
    """“↑ 变好” / “↓ 变差” / “变化” / "" for two status columns."""
    b, a = before.map(_RANK), after.map(_RANK)
    return pd.Series(np.where(before.eq(after), "", np.where(a > b, "↑ 变好", np.where(a < b, "↓ 变差", "变化"))),
                     index=before.index)


def statuses_html(out: Outcome, only_changed: bool = False) -> str:
    st = out.statuses()
    st = st.assign(change=_direction(st["status_base"], st["status"]))
    if only_changed:
        st = st[st["changed"]]
    return html_table(st, columns=["no", "name", "status_base", "status", "change", "value"],
                      headers={"no": "序号", "name": "指标", "status_base": "基准", "status": "假设",
                               "change": "变化", "value": "假设的县域实际值"},
                      kinds={"no": "int"}, empty_text="32 项指标的结果都没有变化。",
                      caption="32 项指标（基准 → 假设）" if not only_changed else "结果有变化的指标")


def cvs_html(out: Outcome) -> str:
    cv = out.cvs()
    cv = cv.assign(base=cv["cv_shown_base"].map(fmt_cv), now=cv["cv_shown"].map(fmt_cv),
                   delta=cv["cv_change"].map(lambda x: "—" if pd.isna(x) else f"{float(x):+.4f}"))
    return html_table(cv, columns=["stage", "indicator_name", "base", "now", "delta", "limit", "passed_base", "passed"],
                      headers={"stage": "学段", "indicator_name": "指标", "base": "基准差异系数", "now": "假设差异系数",
                               "delta": "变化（全精度）", "limit": "上限", "passed_base": "基准", "passed": "假设"},
                      kinds={"limit": "value"}, caption="校际差异系数（基准 → 假设）")


def units_html(out: Outcome) -> str:
    verdicts = out.unit_verdicts(only_changed=True)
    picked = out.units()
    return (html_table(verdicts, columns=["school_name", "stage", "n_met_base", "n_met", "unit_pass_base", "unit_pass"],
                       headers={"school_name": "学校", "stage": "学段", "n_met_base": "基准达标项数", "n_met": "假设达标项数",
                                "unit_pass_base": "基准每校达标", "unit_pass": "假设每校达标"},
                       kinds={"n_met_base": "int", "n_met": "int"}, empty_text="没有评估单位的每校达标结果变化。",
                       caption="每校达标有变化的评估单位")
            + html_table(picked, columns=["school_name", "stage", "indicator", "standard", "value_base", "value", "change",
                                          "ratio", "met"],
                         headers={"school_name": "学校", "stage": "学段", "indicator": "指标", "standard": "标准",
                                  "value_base": "基准", "value": "假设", "change": "变化", "ratio": "假设值与标准之比",
                                  "met": "假设达标"},
                         kinds={"standard": "value", "value_base": "value", "value": "value", "change": "value",
                                "ratio": "pct"},
                         status_of={"value": "met"}, empty_text="（尚未改动任何学校）",
                         caption="改动涉及的学校及每校达标有变化的学校：资源配置 7 项指标", max_rows=140))


def outcome_html(w: WhatIf, out: Outcome | None = None) -> str:
    """Everything the notebook shows for the current changes."""
    out = out or w.outcome()
    base = "目标年（{}年）基准情景预测".format(w.year) if w.year > w.period_year else f"本期（{w.year}年）现状"
    changes = [c.text(w.school_names) for c in out.changes]
    return (html_paragraph(f"基准：{base}。{out.summary_text()}")
            + (html_list(changes) if changes else html_paragraph("尚无改动：下表为基准。"))
            + statuses_html(out, only_changed=True) + units_html(out) + cvs_html(out) + statuses_html(out))
