"""The sections of the report notebooks (报告各节), built from a period's persisted results.

Each function takes the pipeline's results of a period (``analysis.pipeline.results``: attributes
``units``, ``cv``, ``verdict``, ``details``, ``tables``, ``trajectory``, ``plan`` …, and ``ctx``
with the standards, the county and the target year) and returns Markdown or escaped HTML for a
notebook to display, so a notebook only reads and shows. Sentences that state a rule (至少几项、
85%、差异系数上限、拆分权重) are generated from the standards file, never typed.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import __version__
from analysis.config.reporting import max_units_per_chart
from analysis.config.standards import override_codes, override_note, overrides_by_code
from analysis.reporting import texts
from analysis.reporting.form import FormBook, FormTable, form_book, form_html, missing_frame, split_columns
from analysis.reporting.narrative import section_html
from analysis.reporting.formats import (
    PLAN_SHOWN_COLUMNS,
    PROFILE_HEADERS,
    PROFILE_KINDS,
    PROJECTION_HEADERS,
    PROJECTION_KINDS,
    TASK_SHOWN_COLUMNS,
    fmt_cv,
    fmt_int,
    fmt_number,
    fmt_pct,
    fmt_value,
)
from analysis.reporting.html import (
    detail_table,
    esc,
    html_list,
    html_paragraph,
    html_table,
)
from analysis.reporting.school_pages import school_links
from analysis.reporting.texts import PLAN_STATUS, cost_by_responsible, plan_status_lines, sensitivity_summary

QUALITY_COLUMNS = ["severity", "file", "sheet", "row", "column", "value", "problem", "action"]
QUARANTINE_COLUMNS = ["file", "sheet", "row", "reason", "record"]
VERDICT_SHORT_HEADERS = {"no": "序号", "code": "代码", "area": "方面", "name": "指标", "value": "县域实际值",
                         "standard": "标准", "status": "结果", "failing": "未达标的学校或事项及差距",
                         "evidence": "依据与佐证", "responsible": "责任单位"}


def _money(x: float) -> str:
    return f"{x / 1e4:,.1f} 万元"


def _included(units: pd.DataFrame) -> pd.DataFrame:
    return units[units["included"].fillna(False).astype(bool)]


# ---------------------------------------------------------------- rules, from the standards
def unit_rule_text(standards: dict) -> str:
    """“7 项中至少 6 项达到标准、其余每项不低于标准的 85%”, from ``resources``."""
    res = standards["resources"]
    n = len(res["indicators"])
    return f"{n} 项中至少 {res['min_met']} 项达到标准、其余每项不低于标准的 {res['floor_ratio']:.0%}"


def cv_limits_text(standards: dict) -> str:
    return "、".join(f"{s} ≤ {v:.2f}" for s, v in standards["resources"]["cv_limit"].items())


def unit_rules_text(standards: dict) -> str:
    u = standards["units"]
    weights = "；".join(f"{t}按“" + " : ".join(w) + " = " + " : ".join(f"{v:g}" for v in w.values()) + "”"
                        for t, w in u["stage_weights"].items())
    return (f"本次采用的拆分权重：{weights}；附设幼儿班的小学按“{u['kindergarten_reading']}”。"
            f"不纳入资源配置评估：{'、'.join(u['excluded_types'])}，在校生不足 {u['teaching_point_min_students']} 人"
            "的教学点" + ("" if u.get("include_private", True) else "，民办学校") + "。"
            f"每校达标：{unit_rule_text(standards)}。差异系数上限：{cv_limits_text(standards)}。")


def cv_method_text(standards: dict) -> str:
    dec = standards["resources"]["cv_decimals"]
    return ("差异系数按学生数加权计算：X̄ = Σ PᵢXᵢ / P，S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²)，CV = S / X̄（不作 n−1 修正）。"
            f"表中“差异系数（{dec}位小数）”按四舍五入保留 {dec} 位小数，并据此与上限（{cv_limits_text(standards)}）"
            "比较；全精度数值同列。综合差异系数（各项平均）仅供参考，不作为评估标准。")


def resource_verdict_rule_text(standards: dict) -> str:
    return (f"资源配置 {len(standards['resources']['indicators'])} 项指标的县域结论：该指标各学段的差异系数均不超过"
            f"上限（{cv_limits_text(standards)}），且没有参评单位因该项低于标准而未达到每校标准"
            f"（{unit_rule_text(standards)}）。其余各项的计算见自评报告。")


# ---------------------------------------------------------------- 01 clean
def clean_summary_text(r: Any) -> str:
    s, dq = r.clean_summary, r.data_quality
    return (f"本期（{r.ctx.period}年）共读入 **{int(s['rows_in'].sum())}** 条记录，写出 **{int(s['rows_out'].sum())}** 条，"
            f"隔离 **{int(s['quarantined'].sum())}** 条，并入所属学校 **{int(s['merged'].sum())}** 条；"
            f"数据质量问题清单共 **{len(dq)}** 条。")


def clean_summary_table(r: Any) -> str:
    return html_table(
        r.clean_summary,
        headers={"table": "数据表", "file": "工作簿", "sheet": "工作表", "total_rows_dropped": "合计行",
                 "rows_in": "读入", "quarantined": "隔离", "merged": "并入所属学校", "rows_out": "写出"},
        kinds={c: "int" for c in ("total_rows_dropped", "rows_in", "quarantined", "merged", "rows_out")},
        caption="各数据表行数")


def quality_counts_text(r: Any) -> str:
    counts = r.data_quality["severity"].value_counts()
    return ("需更正 **{}** 条，请核对 **{}** 条，已自动处理 **{}** 条。Excel 清单：`数据质量问题清单.xlsx`"
            "（与本报告在同一文件夹）。").format(*(int(counts.get(k, 0)) for k in ("需更正", "请核对", "已自动处理")))


# ---------------------------------------------------------------- 02 indicators
def units_count_text(r: Any) -> str:
    units = r.units
    inc = units["included"].fillna(False).astype(bool)
    by_stage = units[inc].groupby("stage", sort=False)["students"].agg(["size", "sum"])
    return (f"本期（{r.ctx.period}年）共 **{len(units)}** 个评估单位，其中纳入资源配置评估 **{int(inc.sum())}** 个"
            + "".join(f"（{s} {int(row['size'])} 个、学生 {fmt_int(row['sum'])} 人）" for s, row in by_stage.iterrows())
            + f"，不纳入 **{int((~inc).sum())}** 个。")


def units_table(r: Any) -> str:
    return html_table(r.units, table="units", caption="评估单位", kinds={"resource_share": "pct"},
                      columns=["school_code", "school_name", "stage", "school_type", "urban_rural", "students",
                               "resource_share", "included", "exclusion_reason"])


def standards_table(standards: dict) -> str:
    changed = overrides_by_code(standards)
    rows = [{"指标": f"{k} {spec['name']}", "单位": spec["unit"],
             **{f"{s}标准": spec["standard"][s] for s in spec["standard"]},
             **({"本县调整": "".join(override_note(o) for o in changed.get(k, [])) or "—"} if changed else {})}
            for k, spec in standards["resources"]["indicators"].items()]
    return html_table(pd.DataFrame(rows), caption="资源配置指标标准（取自标准文件）")


def overrides_text(standards: dict) -> str:
    """Which standards this report uses, and every override with its source (Markdown)."""
    items = standards.get("overrides") or []
    if not items:
        return ("本报告采用国家标准（教督〔2017〕6号，见评估标准文件），本县未作调整。 / The national standards, "
                "unchanged.")
    lines = [f"本报告在国家标准（教督〔2017〕6号）基础上作了 **{len(items)}** 项调整，各项指标的“标准”一栏中"
             "也已注明： / The national standards with these overrides:", ""]
    for o in items:
        codes = "、".join(override_codes(str(o["path"]), standards)) or "—"
        lines.append(f"- 指标 {codes}：`{o['path']}` 国家标准 {o.get('national')} → **{o['value']}**；"
                     f"依据：{o['source']}（{o.get('origin', 'county.yaml')}）")
    return "\n".join(lines)


def unit_values_note(standards: dict) -> str:
    """How the per-school values are shown (the decimals come from the standards file)."""
    return (f"数值按全精度计算，显示 {standards['resources']['value_decimals']} 位小数；红色为未达到标准的数值，"
            "“—”为无数据。“每校达标”的规则见上。")


def unit_pass_text(r: Any) -> str:
    judged = _included(r.units)
    passed = int(judged["unit_pass"].fillna(False).astype(bool).sum())
    undecided = int(judged["unit_pass"].isna().sum())
    return (f"纳入评估的 {len(judged)} 个单位中，**{passed}** 个达到每校标准，**{len(judged) - passed - undecided}** 个"
            f"未达到，**{undecided}** 个因缺少输入数据无法判定。")


def _large(n_units: int) -> bool:
    return n_units > max_units_per_chart()


def unit_values_table(r: Any) -> str:
    codes = list(r.ctx.standards["resources"]["indicators"])
    inc = _included(r.units)
    caption = "每校资源配置指标"
    if _large(len(inc)):  # a large county: the units to act on first
        inc = inc.assign(_p=inc["unit_pass"].astype("boolean").fillna(False).astype(int)).sort_values(
            ["_p", "n_met", "stage", "school_code"], kind="stable")
        caption += "（未达到每校标准的单位在前）"
    return html_table(inc, table="units", caption=caption,
                      columns=["school_name", "stage", "students", *codes, "n_met", "unit_pass", "missing_inputs"],
                      status_of={k: f"{k}_met" for k in codes}, row_status="unit_pass")


#: where the full per-unit detail of a large county is (the figures show a selection)
FULL_DETAIL = "完整的每校数值见本报告的表格，以及 application_tables.xlsx 的“Ⅱ-2 评估单位”工作表（可排序、筛选）"


def per_unit_chart_note(r: Any, kind: str) -> str:
    """What a per-unit figure of a large county shows instead of every unit (``kind``:
    "indicator", "heatmap" or "trajectory"); "" for a county of at most ``max_units`` units
    (``config/reporting.yaml``), whose figures show every unit."""
    n = len(_included(r.units))
    limit = max_units_per_chart()
    if not _large(n):
        return ""
    head = f"本期纳入评估的单位有 {n} 个，多于 {limit} 个，逐校图改为："
    what = {
        "indicator": f"每项指标左图为全部单位数值的分布（红色为低于标准的部分），右图为低于标准的单位（至多 {limit} 个，"
                     "数值最低的在上）",
        "heatmap": f"只画有指标未达标或无数据的单位（达标项最少的在前，至多 {limit} 个）",
        "trajectory": "只画指标状态有变化或到目标年仍未达标的单位，其余单位各年均达标",
    }[kind]
    return f"{head}{what}。{FULL_DETAIL}。"


def composite_cv_text(r: Any) -> str:
    return "综合差异系数（仅供参考）：" + "；".join(
        f"{row.stage} {fmt_cv(row.composite_cv)}" for row in r.composite_cv.itertuples()) + "。"


# ---------------------------------------------------------------- 03 projection
def projection_intro(r: Any) -> str:
    m = r.projection
    lines = [f"历史数据：{'、'.join(m['history'])} 年（共 {len(m['history'])} 期）；本期 {m['period']} 年；"
             + (f"**已到目标年**（目标年 {m['target_year']} 年）：不作预测，以下各节是本期 {m['period']} 年的实际情况，"
                "整改任务和最低成本方案按本期数据计算。" if m["at_target"] else f"预测到 {m['target_year']} 年。")
             + "情景：" + "；".join(f"**{sc['name']}**（{sc['description']}）" for sc in m["scenarios"].values()) + "。"]
    for name, msg in m["rejected"].items():
        lines.append(f"**情景文件 {name}.yaml 未采用（已跳过，以下各节不含该情景）**：{msg}\n\n"
                     "随附的 `county_plan.yaml` 是示例县的方案，用的是示例县的学校标识码；换成本县数据时，"
                     "请按本县的学校标识码编写情景文件，放入一个文件夹，并用参数 `scenario_dir` 指定。")
    notes = sorted({n for sc in m["scenarios"].values() for n in sc["notes"]})
    if notes:
        lines.append("说明：" + "；".join(notes))
    return "\n\n".join(lines)


def _horizon_text(m: dict) -> str:
    return f"{m['horizon']} 年（本期，已到目标年）" if m["at_target"] else f"{m['horizon']} 年"


def target_year_blocks(r: Any) -> str:
    m, first = r.projection, r.first_met
    names = r.verdict.set_index("code")[["name", "responsible"]]
    out = []
    for sc in m["scenarios"].values():
        f = first[first["scenario"] == sc["name"]]
        f32, f = f[f["level"] == "县指标"], f[f["level"] != "县指标"]
        bad = f[~f["met_in_target"].astype(bool)]
        n_units = int(((bad["level"] == "学校") & (bad["indicator"] == "每校达标")).sum())
        out.append(html_paragraph(f"{sc['name']}：到 {_horizon_text(m)}，不能“每校达标”的评估单位 {n_units} 个，"
                                  f"超过上限的差异系数 {int((bad['level'] == '县').sum())} 项。"))
        out.append(html_table(bad, headers=PROJECTION_HEADERS, columns=["school_name", "stage", "indicator", "first_met_year"],
                              empty_text=f"全部达标（{m['horizon']}年）", max_rows=60))
        bad32 = f32[~f32["met_in_target"].astype(bool)].join(names, on="indicator")
        out.append(html_paragraph(f"32 项指标中到 {_horizon_text(m)}仍未达标或无数据的 {len(bad32)} 项："))
        out.append(html_table(bad32, headers={**PROJECTION_HEADERS, "name": "指标名称", "responsible": "责任单位"},
                              columns=["indicator", "name", "first_met_year", "responsible"], empty_text="全部达标"))
    return "".join(out)


def trajectory_text(standards: dict) -> str:
    floor = standards["resources"]["floor_ratio"]
    return (f"每个小图是一项资源配置指标，纵轴是“指标值 ÷ 标准”（1.0 为达标，{floor:.2f} 为“其余每项不低于标准的"
            f" {floor:.0%}”的底线）；红线是到目标年份仍低于标准的评估单位。")


def cv_trajectory_text(standards: dict) -> str:
    return (f"各学段各项指标的校际差异系数（按 {standards['resources']['cv_decimals']} 位小数显示）与上限"
            f"（{cv_limits_text(standards)}）：")


def tasks_text(r: Any) -> str:
    t = r.tasks
    one_off = t.loc[t["cost_kind"] == "一次性", "cost_yuan"].sum()
    yearly = t.loc[t["cost_kind"] == "每年", "cost_yuan"].sum()
    return f"共 **{len(t)}** 项任务；估算一次性投入 **{_money(one_off)}**，每年人员经费 **{_money(yearly)}**。"


#: the plan column's value of the minimum-cost plan (planning.plans.MIN_COST)
MIN_COST = "最低成本方案"


def min_cost_actions(r: Any) -> pd.DataFrame:
    return r.plan[r.plan["plan"] == MIN_COST]


def plan_text(r: Any) -> str:
    p, std, m = r.plan_info, r.ctx.standards, r.projection
    lines = [f"约束：目标年每个参评单位{unit_rule_text(std)}（每校达标）；各学段差异系数不超过上限（{cv_limits_text(std)}）。"
             + (f"已到目标年：方案按本期（{m['year']} 年）数据计算，措施记在本期，招聘和骨干认定按一年计费。"
                if m["at_target"] else ""),
             f"求解用时 {p['solve_seconds']:.2f} 秒（含 {p['iterations']} 轮割平面与引擎复核"
             + (f"，其中求解器 {p['mip_seconds']:.2f} 秒" if p.get("mip_seconds") is not None else "") + "）。", "",
             f"**求解状态**：{PLAN_STATUS.get(p['status'], p['status'])}。", ""]
    lines += [f"- {line}" for line in plan_status_lines(p)]
    if p["status"] in ("failed", "infeasible"):
        lines.append(f"- 说明：{p['message']}")
    lines.append("")
    if p["status"] in ("optimal", "verified"):
        name = "最低成本方案" if p["status"] == "optimal" else "经复核的方案（未证明成本最低）"
        lines += [f"- {name}：**{_money(p['cost_total'])}**",
                  f"- 简单方案（每个单位每项指标都补足到 100% 标准）：**{_money(p['naive_cost'])}**；实施后每校达标 "
                  f"{p['naive_units_pass']} / {p['naive_units']} 个单位，差异系数达标 {p['naive_cv_pass']} / {p['naive_cv']} 项",
                  f"- 节约：**{_money(p['naive_cost'] - p['cost_total'])}**"]
    else:
        lines += [f"- 下表的方案**未经引擎确认全部达标**，不能作为最低成本方案使用；估算费用 {_money(p['cost_total'])}",
                  f"- 简单方案（每个单位每项指标都补足到 100% 标准）：{_money(p['naive_cost'])}"]
    return "\n".join(lines)


def plan_check_text(r: Any) -> str:
    s = r.plan_summary.set_index("key")["value"]
    if "units_pass_after" not in s:
        return "方案未能由引擎复核（见上）。"
    return (f"引擎复核（把方案施加到目标年数据上，重新计算全部指标）：每校达标 **{fmt_int(s['units_pass_after'])} / "
            f"{fmt_int(s['units_total'])}** 个单位；差异系数达标 **{fmt_int(s['cv_pass_after'])} / {len(r.plan_cv_after)}** 项。")


def budget_text(r: Any) -> str:
    b = r.plan_info.get("budget_example")
    if not b:
        return "**预算约束示例**：没有经引擎复核、有费用的方案，不作预算示例。"
    head = (f"**预算约束示例**：若 {b['year']} 年只能安排最低成本的一半（{_money(b['budget'])}）。在同一模型上只改变"
            f"该年预算、以上面的方案为初始解再求解（用时 {b['solve_seconds']:.2f} 秒）：")
    missing = {str(y): float(v) for y, v in (b.get("missing") or {}).items()}
    lines = [head, ""]
    if b["status"] == "infeasible" and missing:
        lines.append("- **预算不足**：" + "；".join(f"{y} 年缺 **{_money(v)}**" for y, v in missing.items())
                     + "。下面两句说的是补足缺口后所需的方案。")
    elif b["status"] in ("optimal", "verified"):
        lines.append(f"- 预算足够：所需 {_money(b['cost_total'])}。")
    else:
        lines.append(f"- {PLAN_STATUS.get(b['status'], b['status'])}：{b['message']}")
    engine, *proof = plan_status_lines(b)
    lines.append(f"- {engine}")
    if b["status"] == "infeasible" and missing:
        if b.get("proven"):
            lines.append("- **最优性**：已证明，缺口是满足全部规则所需的最少追加资金。")
        elif b.get("gap") is not None:
            lines.append(f"- **最优性**：未证明。求解在时间上限内停止，所列缺口是已找到的方案所需，可能偏大"
                         f"（与最优下界的相对差距 {b['gap']:.2%}）；这是计算时间不足，不是方案有误。")
        else:
            lines.append("- **最优性**：未证明。求解在时间上限内停止，尚无最优下界，所列缺口可能偏大。")
    else:
        lines += [f"- {line}" for line in proof]
    return "\n".join(lines)


def cost_series(r: Any) -> dict[str, pd.Series]:
    """Spending per year of each plan (for the cost figure)."""
    return {name: g.set_index("year")["cost_yuan"] for name, g in r.plan_cost.groupby("plan", sort=False)}


def plan_cost_by_responsible(r: Any) -> pd.DataFrame:
    return cost_by_responsible(min_cost_actions(r).assign(cost_kind="合计"))


def task_cost_by_responsible(r: Any) -> pd.DataFrame:
    by = cost_by_responsible(r.tasks)
    return by[by["cost_kind"] == "一次性"]


def sensitivity_text(r: Any) -> str:
    m = r.projection
    if m["at_target"]:
        return f"已到目标年：本期 {m['period']} 年的在校生是实际数，不是预测，不作在校生增减 10% 的敏感性分析。"
    return "在校生比预测多 10% 或少 10% 时，各情景目标年的每校达标、差异系数和资源配置总体结论："


def sensitivity_table(r: Any) -> str:
    if r.projection["at_target"] or r.sensitivity.empty:
        return ""
    summ = sensitivity_summary(r.sensitivity)
    shown = summ.assign(enrolment_scale=summ["enrolment_scale"].map(lambda s: f"{s:.0%}"),
                        units_pass=summ["units_pass"].astype(str) + " / " + summ["units"].astype(str),
                        cv_pass=summ["cv_pass"].astype(str) + " / " + summ["cv"].astype(str),
                        all_pass=summ["all_pass"].map({True: "达标", False: "未达标"}))
    return html_table(shown, columns=["scenario", "enrolment_scale", "units_pass", "cv_pass", "all_pass"],
                      headers={"scenario": "情景", "enrolment_scale": "在校生（相对预测）", "units_pass": "每校达标单位",
                               "cv_pass": "差异系数达标", "all_pass": "资源配置总体"})


def monte_carlo_text(r: Any) -> str:
    m = r.projection
    mc = m["monte_carlo"]
    if m["at_target"]:
        return "已到目标年：本期在校生是实际数，没有预测误差可模拟，不作蒙特卡洛模拟。"
    return (f"**蒙特卡洛模拟**：各校目标年在校生在预测值上下随机波动（每校独立，正态分布，标准差 "
            f"{mc['sd_per_year']:.0%} × √预测年数，为假设），共模拟 {mc['draws']} 次（用时 {mc['seconds']:.1f} 秒），每次都由"
            "指标引擎重新计算，统计各评估单位“每校达标”、各差异系数达标和全部达标的概率。下表只列出达标概率低于 100% "
            "的项目；“模拟次数”少于总次数的单位只在部分模拟中纳入评估（如学生数在纳入评估门槛上下的教学点）。")


def monte_carlo_table(r: Any) -> str:
    if r.projection["at_target"]:
        return ""
    mc = r.pass_probability
    risky = mc[mc["pass_probability"] < 1].sort_values(["scenario", "pass_probability"])
    return html_table(risky, headers={**PROJECTION_HEADERS, "pass_probability": "达标概率", "draws": "模拟次数"},
                      columns=["scenario", "school_name", "stage", "indicator", "pass_probability", "draws"],
                      kinds={"pass_probability": "pct", "draws": "int"},
                      empty_text="全部项目在每次模拟中都达标", max_rows=60)


def result_files_text(r: Any) -> str:
    names = ["trajectory", "first_met", "tasks", "plan", "plan_summary", "plan_cost", "sensitivity", "pass_probability"]
    return "已写出：" + "、".join(f"`{n}`" for n in names if (r.folder / f"{n}.parquet").is_file())


# ---------------------------------------------------------------- every report's header
#: the reports' names in their titles (义务教育优质均衡发展 + name)
REPORT_KINDS = {"self_assessment": "自评报告", "rectification": "整改报告"}


def report_title(r: Any, kind: str) -> str:
    """"抚顺县2021年度义务教育优质均衡发展自评报告": the county and period in the title."""
    county = r.ctx.county or "本县"
    return f"{county}{r.ctx.period}年度义务教育优质均衡发展{REPORT_KINDS.get(kind, kind)}"


def _relative(target: Path, start: Path) -> str:
    try:
        return Path(os.path.relpath(target, start)).as_posix()
    except ValueError:  # another drive (Windows): an absolute link
        return target.resolve().as_uri()


def report_header(r: Any, kind: str) -> str:
    """The report's title and the lines a filed report carries: 编制单位, the generation date, the
    data folder, the toolkit's version and a link back to the reports' index."""
    org = r.ctx.meta.get("organization")
    index = _relative(r.ctx.out_dir.parent / "index.html", r.ctx.out_dir)
    lines = [("编制单位", org or "（county.yaml 未填写“编制单位”）"),
             ("生成日期", f"{date.today():%Y年%m月%d日}"),
             ("数据文件夹", str(r.ctx.data_dir)),
             ("分析工具版本", f"analysis {__version__}")]
    items = "".join(f"<li><span>{esc(k)}：</span>{esc(v, tidy=k != '数据文件夹')}</li>" for k, v in lines)
    return (f'<header class="report-header"><h1>{esc(report_title(r, kind))}</h1>'
            f'<ul class="report-meta">{items}'
            f'<li class="report-index-link"><a href="{esc(index)}">← 返回报告索引（各期报告）</a></li></ul></header>')


# ---------------------------------------------------------------- the form's tables
def form_of(r: Any) -> FormBook:
    """The filled national form of the period (built once per results object)."""
    book = getattr(r, "_form_book", None)
    if book is None:
        book = form_book(r, r.ctx.standards, r.ctx.meta, r.ctx.period)
        r._form_book = book
    return book


def form_table(r: Any, key: str) -> FormTable:
    return next(t for t in form_of(r).tables if t.key == key)


def form_section(r: Any, key: str) -> str:
    """One table of the national form in the form's layout (表Ⅰ in two halves to fit an A4 page)."""
    t = form_table(r, key)
    if key == "Ⅰ":
        left, right = split_columns(t, 13)
        return form_html(left) + form_html(right, caption=False)
    return form_html(t, links=school_links(r) if key == "Ⅱ-2" else None)


def form_missing_section(r: Any) -> str:
    """The form's blanks (a missing input) with the reason; nothing when the form is complete."""
    m = missing_frame(form_of(r))
    if m.empty:
        return html_paragraph("申报表各表所需的数均已具备。")
    return (html_paragraph(f"申报表中有 {len(m)} 处因缺少输入而留空（Excel 中为空格或“＿＿”，不按 0 计）：")
            + html_table(m, caption="申报表中留空的格", max_rows=80))


def narrative_section(r: Any, name: str) -> str:
    """The county's own section ``name`` (基本情况 …), or the marked placeholder when not written."""
    return section_html(r.narrative.get(name))


# ---------------------------------------------------------------- 04 self-assessment
def county_profile_section(r: Any) -> str:
    profile = texts.county_profile(r.tables)
    total = profile[profile["school_type"].eq("合计")].iloc[0]
    text = (f"{r.ctx.county}本期（{r.ctx.period} 年度）纳入统计的学校共 {fmt_int(total['schools'])} 所，"
            f"义务教育阶段在校生 {fmt_int(total['pupils'])} 人，专任教师 {fmt_int(total['teachers'])} 人，"
            f"义务教育教学班 {fmt_int(total['classes'])} 个。各类学校情况如下表。")
    return html_paragraph(text) + html_table(profile, headers=PROFILE_HEADERS, kinds=PROFILE_KINDS,
                                             caption="表1 县域义务教育学校基本情况")


def resource_summary(r: Any) -> str:
    std, units, cv = r.ctx.standards, r.units, r.cv
    inc = _included(units)
    n_pass = int(inc["unit_pass"].fillna(False).astype(bool).sum())
    n_nodata = int(inc["unit_pass"].isna().sum())
    excluded = units[~units["included"].fillna(False).astype(bool)]
    intro = (f"资源配置 {len(std['resources']['indicators'])} 项指标按学段逐校（评估单位）计算。每个评估单位"
             f"{unit_rule_text(std)}即为“每校达标”；各项指标的校际差异系数按学生数加权计算，不高于上限"
             f"（{cv_limits_text(std)}）。一贯制学校、完全中学按学段拆分为多个评估单位。")
    text = (f"参加资源配置评估的单位共 {fmt_int(len(inc))} 个，其中每校达标 {fmt_int(n_pass)} 个，"
            f"未达标 {fmt_int(len(inc) - n_pass - n_nodata)} 个")
    text += f"，因缺少数据无法判定 {fmt_int(n_nodata)} 个。" if n_nodata else "。"
    if len(excluded):
        text += f"另有 {fmt_int(len(excluded))} 个单位按规定不纳入资源配置评估（见表2“不纳入原因”）。"
    cv_fail = cv[cv["passed"].eq(False)]
    if len(cv_fail):
        text += "校际差异系数未达标的有：" + "、".join(
            f"{row.stage}{row.indicator_name}（{fmt_cv(row.cv_shown)}，上限 {fmt_value(row.limit)}）"
            for row in cv_fail.itertuples()) + "。"
    else:
        text += "各学段各项指标的校际差异系数均不高于上限。"
    return html_paragraph(intro) + html_paragraph(text)


def unit_tables_by_stage(r: Any) -> str:
    std = r.ctx.standards
    codes = list(std["resources"]["indicators"])
    legend = pd.DataFrame([{"no": f"指标{k[1:]}", "name": spec["name"], "unit": spec["unit"],
                            **{st: spec["standard"][st] for st in std["stages"]}}
                           for k, spec in std["resources"]["indicators"].items()])
    out = [html_table(legend, headers={"no": "代码", "name": "指标名称", "unit": "单位",
                                       **{st: f"{st}标准（≥）" for st in std["stages"]}},
                      kinds={st: "value" for st in std["stages"]}, caption="资源配置指标及标准")]
    links = school_links(r)
    for stage in std["stages"]:
        sub = r.units[r.units["stage"].eq(stage)].sort_values(["included", "school_code"], ascending=[False, True])
        out.append(html_table(
            sub, table="units", columns=["school_name", "school_type", "urban_rural", "students", *codes, "n_met",
                                         "unit_pass", "exclusion_reason"],
            headers={**{k: f"指标{k[1:]}" for k in codes}, "students": "学生数", "n_met": "达标项数", "unit_pass": "每校达标",
                     "exclusion_reason": "不纳入原因", "school_type": "办学类型", "urban_rural": "城乡"},
            status_of={k: f"{k}_met" for k in codes}, row_status="unit_pass",
            caption=f"表2 {stage}评估单位资源配置指标", css_class="report-table units-table", links=links))
    return "".join(out)


def cv_section(r: Any) -> str:
    table = html_table(r.cv, table="cv", columns=["stage", "indicator_name", "n_units", "students", "mean", "cv_shown",
                                                  "limit", "passed"],
                       headers={"cv_shown": "差异系数", "indicator_name": "指标"}, caption="表3 资源配置指标校际差异系数")
    comp = r.composite_cv.set_index("stage")["composite_cv"]
    return table + html_paragraph("综合差异系数（各项差异系数的平均值，仅供参考，不作为评估标准）：" + "；".join(
        f"{st} {fmt_cv(comp.get(st))}" for st in r.ctx.standards["stages"] if st in comp.index) + "。")


def area_section(r: Any, area: str) -> str:
    """The indicators of one area, item by item, with their evidence and the failing detail."""
    v = r.verdict[r.verdict["area"].eq(area)]
    out = [html_table(v, table="verdict", columns=["no", "name", "value", "standard", "status", "failing", "evidence"],
                      headers=VERDICT_SHORT_HEADERS, css_class="report-table verdict-area")]
    links = school_links(r)
    for row in v[v["status"].ne("达标")].itertuples():
        detail = detail_table(r, row.code, links=links)
        if detail:
            out.append(f"<h4>{esc(row.no)}. {esc(row.name)}：明细</h4>" + detail)
    return "".join(out)


def recognition_section(r: Any) -> str:
    rec = r.ctx.standards["recognition"]
    intro = html_paragraph(f"社会认可度调查对象包括{'、'.join(rec['groups'])}，“{'”和“'.join(rec['satisfied_levels'])}”"
                           f"计为认可，认可度须达到 {fmt_pct(rec['min_rate'])} 以上。")
    sat = r.tables["satisfaction"]
    table = ""
    if not sat.empty:
        levels, ok = rec["levels"], rec["satisfied_levels"]
        sat = sat.assign(有效样本=sat[levels].sum(axis=1, min_count=len(levels)))
        sat = sat.assign(认可率=(sat[ok].sum(axis=1) / sat["有效样本"].where(sat["有效样本"] > 0)).astype(float))
        table = html_table(sat, table="satisfaction", columns=["survey_kind", "group", *levels, "有效样本", "认可率"],
                           kinds={**{lv: "int" for lv in levels}, "有效样本": "int", "认可率": "pct"},
                           caption="表4 各类调查对象认可情况")
    return intro + area_section(r, "社会认可度") + table


def _with_school_names(df: pd.DataFrame, r: Any) -> pd.DataFrame:
    names = dict(zip(r.tables["schools"]["school_code"].astype(str), r.tables["schools"]["school_name"].astype(str)))
    return df.assign(school_name=df["school_code"].astype("string").map(names).astype("string"))


def data_quality_section(r: Any) -> str:
    dq, qa = _with_school_names(r.data_quality, r), _with_school_names(r.quarantine, r)
    links = school_links(r)
    return (html_paragraph(f"发现数据问题 {fmt_int(len(dq))} 条，隔离原始记录 {fmt_int(len(qa))} 行。")
            + html_table(dq, table="data_quality", caption="表5 数据质量问题清单", max_rows=60,
                         columns=[*QUALITY_COLUMNS[:1], "school_name", *QUALITY_COLUMNS[1:]],
                         headers={"school_name": "学校"}, links=links, empty_text="未发现数据质量问题。")
            + html_table(qa, table="quarantine", columns=["school_name", "file", "sheet", "row", "reason"],
                         headers={"school_name": "学校"}, links=links,
                         caption="表6 隔离的原始记录", max_rows=60, empty_text="没有被隔离的记录。"))


def conclusion_section(r: Any) -> str:
    v = r.verdict
    return (texts.conclusion_html(v, county=r.ctx.county)
            + html_table(texts.verdict_summary(v), kinds={"指标数": "int", "达标": "int", "未达标": "int",
                                                          "无数据或未提供": "int"}, caption="表7 四个方面指标达标情况")
            + html_table(v, table="verdict", columns=["no", "code", "area", "name", "value", "standard", "status",
                                                      "responsible"],
                         headers=VERDICT_SHORT_HEADERS, caption="表8 32项指标评估结果", table_id="verdict-summary",
                         row_status="status")
            + html_paragraph("申报表各表已另存为 Excel 文件 application_tables.xlsx，可直接复制到正式申报表中。"))


def gaps_summary(r: Any) -> str:
    """The indicators not yet met, by the computation (after the county's own text on 存在问题)."""
    v = r.verdict
    gaps = v[v["status"].ne("达标")]
    if gaps.empty:
        return html_paragraph(f"按本期数据计算，{len(v)} 项指标全部达标。")
    return (html_paragraph(f"按本期数据计算，{len(v)} 项指标中以下 {len(gaps)} 项尚未达标或缺少数据"
                           "（差距见上文各节，整改任务见整改报告）：")
            + html_list(f"{row.no}. {row.name}：{row.status}" for row in gaps.itertuples()))


# ---------------------------------------------------------------- 05 rectification
def gaps_by_indicator(r: Any) -> str:
    v = r.verdict
    gaps = v[v["status"].ne("达标")]
    text = (f"{len(v)} 项指标中未达标 {int(v['status'].eq('未达标').sum())} 项，"
            f"无数据或未提供 {int(v['status'].isin(['无数据', '未提供']).sum())} 项。"
            if len(gaps) else f"{len(v)} 项指标全部达标，无短板指标。")
    return html_paragraph(text) + html_table(
        gaps, table="verdict", columns=["no", "area", "name", "value", "standard", "status", "failing", "responsible"],
        headers=VERDICT_SHORT_HEADERS, caption="表1 未达标的指标", empty_text="无。")


def gaps_by_school(r: Any) -> str:
    by_school = texts.unit_shortfalls(r.units, r.ctx.standards)
    others = texts.school_shortfalls(r)
    links = school_links(r)
    return (html_table(by_school, headers=PROJECTION_HEADERS,
                       columns=["school_name", "stage", "students", "indicator", "value", "standard", "ratio", "gap"],
                       kinds={"students": "int", "value": "value", "standard": "value", "ratio": "pct", "gap": "value"},
                       caption="表2 未达标评估单位及其短板指标", empty_text="所有参评单位均每校达标。", max_rows=150,
                       links=links)
            + html_table(others, headers={**PROJECTION_HEADERS, "indicator": "指标", "status": "结果", "items": "未达标事项数"},
                         columns=["school_name", "indicator", "status", "items"], kinds={"items": "int"},
                         caption="表3 政府保障程度、教育质量指标中未达标的学校", empty_text="无。", max_rows=150,
                         links=links))


def tasks_section(r: Any) -> str:
    t = r.tasks
    by_resp = (t.assign(responsible=t["responsible"].astype("string").str.split("、")).explode("responsible")
               .groupby("responsible", as_index=False).agg(tasks=("indicator", "size"), cost_yuan=("cost_yuan", "sum")))
    return (html_paragraph(f"整改任务共 {fmt_int(len(t))} 项，估算费用合计 {fmt_number(t['cost_yuan'].sum(min_count=1), 'money')} 元。")
            + html_table(t, headers=PROJECTION_HEADERS, kinds=PROJECTION_KINDS, caption="表4 整改任务清单",
                         columns=TASK_SHOWN_COLUMNS, max_rows=200, links=school_links(r))
            + html_table(by_resp, headers={**PROJECTION_HEADERS, "tasks": "牵头或参与的任务数"},
                         kinds={"tasks": "int", "cost_yuan": "money"}, caption="表5 各责任单位任务数"))


def outlook_tables(r: Any) -> str:
    m, traj = r.projection, r.trajectory
    out = []
    if m["at_target"]:
        out.append(html_paragraph(f"本期 {m['period']} 年已到目标年（{m['target_year']} 年），不作预测；以下为本期的实际情况。"))
    up = traj[traj["indicator"].eq("每校达标") & traj["included"].fillna(False).astype(bool)]
    counts = (up.assign(ok=up["met"].fillna(False).astype(bool)).groupby(["scenario", "stage", "year"], as_index=False)
              .agg(n_units=("ok", "size"), n_pass=("ok", "sum")))
    wide = counts.assign(text=counts["n_pass"].astype(int).astype(str) + "/" + counts["n_units"].astype(int).astype(str))
    wide = wide.pivot_table(index=["scenario", "stage"], columns="year", values="text", aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    out.append(html_table(wide, headers=PROJECTION_HEADERS, caption="表6 各情景逐年每校达标单位数（达标/参评）"))
    county_cv = traj[traj["level"].eq("县")]
    last = county_cv[county_cv["year"].eq(county_cv["year"].max())]
    out.append(html_table(last.assign(indicator=last["indicator"].str.replace("CV_", "", regex=False)),
                          headers={**PROJECTION_HEADERS, "value": "差异系数", "standard": "上限"},
                          columns=["scenario", "stage", "indicator", "value", "standard", "met"],
                          kinds={"value": "cv", "standard": "value"},
                          caption=f"表7 {m['horizon']} 年各情景差异系数预测"))
    return "".join(out)


def plan_section(r: Any) -> str:
    p = r.plan_info
    plan = min_cost_actions(r)
    gap = p.get("gap")
    summary = pd.DataFrame([
        ("求解状态", PLAN_STATUS.get(p["status"], p["status"])),
        ("引擎复核全部达标", "是" if p["verified"] else "否"),
        ("已证明最优", "是" if p.get("proven") else "否"),
        ("与最优下界的相对差距", "—" if p.get("proven") else ("尚无下界" if gap is None else fmt_pct(gap, 2))),
        ("最低成本方案总成本（元）", fmt_number(p["cost_total"], "money")),
        ("简单方案（每校每项补足到100%标准）成本（元）", fmt_number(p["naive_cost"], "money")),
        ("说明", p["message"]),
    ], columns=["项目", "结果"])
    wide = r.plan_cost.pivot_table(index="plan", columns="year", values="cost_yuan", aggfunc="sum", sort=False)
    wide = wide.assign(合计=wide.sum(axis=1, min_count=1)).reset_index()
    wide.columns = [str(c) for c in wide.columns]
    return (html_table(summary, caption="表8 最低成本方案概要")
            + html_paragraph(f"最低成本方案共 {fmt_int(len(plan))} 项措施，估算总投入 "
                             f"{fmt_number(plan['cost_yuan'].sum(min_count=1), 'money')} 元。")
            + html_table(plan, headers=PROJECTION_HEADERS, kinds=PROJECTION_KINDS, caption="表9 最低成本整改方案（措施清单）",
                         columns=PLAN_SHOWN_COLUMNS, max_rows=200, empty_text="无需新增措施。", links=school_links(r))
            + html_table(wide, headers={"plan": "方案"}, kinds={c: "money" for c in wide.columns if c != "plan"},
                         caption="表10 逐年投入（元）：最低成本方案与其他方案比较"))


def risks_section(r: Any) -> str:
    m = r.projection
    proj = {"first_met": r.first_met, "trajectory": r.trajectory, "pass_probability": r.pass_probability,
            "sensitivity": r.sensitivity}
    risks = texts.remaining_risks(r.verdict, proj, m["horizon"])
    out = [html_list(risks) if risks else html_paragraph("未发现到目标年份仍无法达标的风险。")]
    mc = r.pass_probability
    if not mc.empty:
        risky = mc[mc["pass_probability"].astype(float) < 1].sort_values(["scenario", "pass_probability"])
        risky = risky.assign(indicator=risky["indicator"].astype("string").str.replace("CV_", "差异系数 ", regex=False))
        out.append(html_table(risky, headers={**PROJECTION_HEADERS, "pass_probability": "达标概率", "draws": "模拟次数"},
                              columns=["scenario", "school_name", "stage", "indicator", "pass_probability", "draws"],
                              kinds={"pass_probability": "pct", "draws": "int"},
                              caption=f"表11 {m['horizon']} 年达标概率低于 100% 的单位和指标（在校生预测误差模拟）",
                              empty_text="全部单位和指标在每次模拟中都达标。", max_rows=60, links=school_links(r)))
    return "".join(out)
