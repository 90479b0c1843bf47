"""The period comparison page (与上一期比较, ``reports/<period>/comparison.html``).

Shows what the compare step persisted (:mod:`analysis.engine.compare`): the indicators whose
status changed, the units that began or stopped passing, each CV's change split into the schools'
contributions, and the data-quality problems that are new or resolved. Built like the index page
(the shared layout, autoescaped Jinja2 ``templates/pages/comparison.html.j2``, offline, demo
banner); every school named links to its page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from markupsafe import Markup

from analysis.config.standards import resource_codes
from analysis.reporting.formats import fmt_cv
from analysis.reporting.html import html_table
from analysis.reporting.school_pages import INDEX_PAGE, SCHOOLS_DIR, school_links
from analysis.schemas import STAGES

#: decimals of a contribution to a CV's change (one more than the CV's own: a school's share is small)
CONTRIBUTION_DECIMALS = 4


def _signed(x: Any, decimals: int = CONTRIBUTION_DECIMALS) -> str:
    return "—" if pd.isna(x) else f"{float(x):+.{decimals}f}"


def counts(verdict: pd.DataFrame, units: pd.DataFrame, cv: pd.DataFrame) -> dict[str, int]:
    inc = units[units["included"].fillna(False).astype(bool)]
    return {"passed": int(verdict["status"].eq("达标").sum()), "indicators": len(verdict),
            "units_pass": int(inc["unit_pass"].fillna(False).astype(bool).sum()), "units": len(inc),
            "cv_pass": int(cv["passed"].fillna(False).astype(bool).sum()), "cvs": len(cv)}


def method_text(standards: dict) -> str:
    dec = standards["resources"]["cv_decimals"]
    return ("分解方法：同一学段同一指标，第 i 个评估单位的学生数权重 wᵢ = Pᵢ/ΣP，县域均值 M = Σ wᵢXᵢ，"
            "加权标准差 S = √Σ wᵢ(Xᵢ − M)²，差异系数 CV = S/M。记该校的加权离差平方 Dᵢ = wᵢ(Xᵢ − M)²、对均值的贡献"
            "Mᵢ = wᵢXᵢ，则两期差异系数之差恰好等于各校贡献之和：贡献 = 离差部分 + 均值部分，其中离差部分 = "
            "(Dᵢ₁ − Dᵢ₀)/(S₀ + S₁) × (1/M₀ + 1/M₁)/2，均值部分 = −(Mᵢ₁ − Mᵢ₀)/(M₀M₁) × (S₀ + S₁)/2。"
            "正数表示该校使差异系数变大（差距拉大），负数表示使其变小。某校只在一期参评时，另一期按 0 计。"
            f"“差异系数变化”按全精度计算；按 {dec} 位小数显示的差异系数之差可能与之相差舍入误差。")


def _contribution_tables(con: pd.DataFrame, summary: pd.DataFrame, standards: dict, links: dict[str, str]) -> list[Markup]:
    """Per stage: schools × indicators, each cell the school's contribution; last row the total."""
    codes = resource_codes(standards)
    out = []
    for stage in [s for s in STAGES if s in set(con["stage"].astype(str))]:
        sub = con[con["stage"].astype(str) == stage]
        wide = sub.pivot_table(index=["school_code", "school_name"], columns="indicator", values="contribution",
                               aggfunc="sum").reset_index()
        shown = [c for c in codes if c in wide.columns]
        total = summary[summary["stage"].astype(str) == stage].set_index("indicator")["cv_change"]
        order = wide[shown].abs().max(axis=1).sort_values(ascending=False).index
        wide = wide.loc[order]
        for c in shown:
            wide[c] = wide[c].map(_signed)
        total_row = {"school_code": "", "school_name": "合计（= 差异系数变化）",
                     **{c: _signed(total.get(c)) for c in shown}}
        wide = pd.concat([wide, pd.DataFrame([total_row])], ignore_index=True)
        names = {c: f"指标{c[1:]}" for c in shown}
        out.append(Markup(html_table(
            wide, columns=["school_name", *shown], headers={"school_name": "学校", **names},
            caption=f"{stage}：各校对差异系数变化的贡献（按影响最大者排序）", links=links,
            css_class="report-table contribution-table")))
    return out


def comparison_context(r: Any, links: dict[str, str] | None = None) -> dict[str, Any]:
    """What comparison.html shows (the template's context); ``links``: school code → page address
    (default: the school pages present, :func:`school_links`)."""
    meta = r.comparison
    prev = meta.get("previous")
    title = f"{r.ctx.county}{r.ctx.period}年度与上一期比较"
    ctx: dict[str, Any] = {"title": title, "period": r.ctx.period, "previous": prev,
                           "schools_href": f"{SCHOOLS_DIR}/{INDEX_PAGE}"}
    if not prev:
        return ctx
    links = school_links(r) if links is None else links
    now, before = meta["counts"], meta["counts_previous"]
    ctx["summary"] = (f"32 项指标达标 {before['passed']} → {now['passed']} 项；每校达标 {before['units_pass']}/"
                      f"{before['units']} → {now['units_pass']}/{now['units']} 个评估单位；差异系数达标 "
                      f"{before['cv_pass']}/{before['cvs']} → {now['cv_pass']}/{now['cvs']} 项。")
    st = r.comparison_status
    ctx["status_table"] = Markup(html_table(
        st, columns=["no", "name", "status_prev", "status", "change", "value_prev", "value"],
        headers={"no": "序号", "name": "指标", "status_prev": f"{prev} 年结果", "status": f"{r.ctx.period} 年结果",
                 "change": "变化", "value_prev": f"{prev} 年县域实际值", "value": f"{r.ctx.period} 年县域实际值"},
        kinds={"no": "int"}, empty_text="32 项指标的结果均无变化。", caption="结果有变化的指标"))
    un = r.comparison_units
    ctx["units_table"] = Markup(html_table(
        un, columns=["school_name", "stage", "change", "n_met_prev", "n_met", "unit_pass_prev", "unit_pass"],
        headers={"school_name": "学校", "stage": "学段", "change": "变化", "n_met_prev": f"{prev} 年达标项数",
                 "n_met": f"{r.ctx.period} 年达标项数", "unit_pass_prev": f"{prev} 年每校达标",
                 "unit_pass": f"{r.ctx.period} 年每校达标"},
        kinds={"n_met_prev": "int", "n_met": "int"}, links=links,
        empty_text="没有评估单位开始或不再达到每校标准。", caption="每校达标有变化的评估单位"))
    summary = r.comparison_cv
    shown = summary.assign(cv_change_text=summary["cv_change"].map(_signed),
                           sum_text=summary["contributions_sum"].map(_signed),
                           cv_shown_prev_text=summary["cv_shown_prev"].map(fmt_cv),
                           cv_shown_text=summary["cv_shown"].map(fmt_cv))
    ctx["cv_table"] = Markup(html_table(
        shown, columns=["stage", "indicator_name", "cv_shown_prev_text", "cv_shown_text", "cv_change_text", "sum_text",
                        "passed", "top_units"],
        headers={"stage": "学段", "indicator_name": "指标", "cv_shown_prev_text": f"{prev} 年差异系数",
                 "cv_shown_text": f"{r.ctx.period} 年差异系数", "cv_change_text": "变化（全精度）",
                 "sum_text": "各校贡献之和", "passed": f"{r.ctx.period} 年达标", "top_units": "影响最大的学校（贡献）"},
        caption="差异系数的变化"))
    ctx["method"] = method_text(r.ctx.standards)
    ctx["contribution_tables"] = _contribution_tables(r.cv_contributions, summary, r.ctx.standards, links)
    q = r.comparison_quality
    names = dict(zip(r.tables["schools"]["school_code"].astype(str), r.tables["schools"]["school_name"].astype(str)))
    q = q.assign(school_name=q["school_code"].astype("string").map(names).astype("string"))
    ctx["quality_table"] = Markup(html_table(
        q, columns=["change", "school_name", "severity", "file", "sheet", "row", "column", "problem"],
        headers={"change": "变化", "school_name": "学校", "severity": "严重程度", "file": "文件", "sheet": "工作表",
                 "row": "行", "column": "列", "problem": "问题"},
        kinds={"row": "int"}, links=links, empty_text="数据质量问题与上一期相同。",
        caption="新出现和已解决的数据质量问题（已解决的列出上一期的行号）"))
    return ctx


def comparison_item(r: Any, path: str | Path, links: dict[str, str] | None = None) -> tuple[Path, str, dict[str, Any]]:
    """comparison.html as ``(path, template, context)`` for ``pages.write_pages``."""
    return Path(path), "pages/comparison.html.j2", comparison_context(r, links)
