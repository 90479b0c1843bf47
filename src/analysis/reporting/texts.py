"""The report's computed texts and summary tables (结论、概况、短板、风险), generated from the engine's results."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from analysis.reporting.formats import AREAS, fmt_pct, is_missing
from analysis.reporting.html import detail_frame, esc, result_table
from analysis.schemas import SCHOOL_TYPES, STAGES


def verdict_summary(verdict: pd.DataFrame) -> pd.DataFrame:
    """Per area (方面): indicators, passed, failed, without data — from the engine's verdict table."""
    v = verdict.assign(
        _pass=verdict["status"].eq("达标"),
        _fail=verdict["status"].eq("未达标"),
        _nodata=verdict["status"].isin(["无数据", "未提供"]),
    )
    out = (
        v.groupby("area", sort=False)
        .agg(指标数=("no", "size"), 达标=("_pass", "sum"), 未达标=("_fail", "sum"), 无数据或未提供=("_nodata", "sum"))
        .reindex([a for a in AREAS if a in set(v["area"])])
        .reset_index()
        .rename(columns={"area": "方面"})
    )
    return out


def headline_html(verdict: pd.DataFrame, county: str = "", period: str = "") -> str:
    """A short summary box for the first page: indicators passed per area (from the verdict)."""
    summ = verdict_summary(verdict)
    n, n_pass = len(verdict), int(verdict["status"].eq("达标").sum())
    who = esc(county) if county else "本县"
    when = f"{esc(period)} 年度" if period else "本期"
    items = "".join(
        f"<li>{esc(r.方面)}：{esc(r.指标数)} 项中达标 {esc(r.达标)} 项"
        f"{'，未达标 ' + esc(r.未达标) + ' 项' if r.未达标 else ''}"
        f"{'，无数据或未提供 ' + esc(r.无数据或未提供) + ' 项' if r.无数据或未提供 else ''}</li>"
        for r in summ.itertuples()
    )
    state = "pass" if n_pass == n else "fail"
    verdict_text = ("全部达标" if n_pass == n else f"中 {n_pass} 项达标，尚未全部达标")
    return (f'<div class="headline {state}"><p><strong>自评结果摘要：</strong>{who} {when}，{n} 项指标{verdict_text}。'
            f"</p><ul>{items}</ul></div>")


def conclusion_html(verdict: pd.DataFrame, county: str = "") -> str:
    """The report's conclusion, generated from the verdict table (no hand-written verdict).

    States how many of the indicators pass, lists the failing ones (with the engine's gap text) and
    those without data, and whether the county meets the standard as a whole.
    """
    v = verdict.sort_values("no")
    n = len(v)
    passed = v[v["status"].eq("达标")]
    failed = v[v["status"].eq("未达标")]
    nodata = v[v["status"].isin(["无数据", "未提供"])]
    who = f"{county}" if county else "本县"
    parts = []
    if len(passed) == n:
        parts.append(
            f'<p class="conclusion pass">{esc(who)}{n} 项指标全部达标，达到县域义务教育优质均衡发展评估标准。</p>'
        )
    else:
        parts.append(
            f'<p class="conclusion fail">{esc(who)}{n} 项指标中，{len(passed)} 项达标，'
            f"{len(failed)} 项未达标，{len(nodata)} 项无数据或未提供，"
            "尚未达到县域义务教育优质均衡发展评估标准。</p>"
        )
    if len(passed):
        parts.append(
            "<p><strong>达标指标：</strong>"
            + esc("、".join(f"{r.no}. {r.name}" for r in passed.itertuples()))
            + "</p>"
        )
    if len(failed):
        items = "".join(
            f"<li><strong>{esc(r.no)}. {esc(r.name)}</strong>（{esc(r.area)}）：实际为{esc(r.value)}；"
            f"标准为{esc(r.standard)}。{esc(r.failing) if not is_missing(r.failing) else ''}"
            f"（责任单位：{esc(r.responsible)}）</li>"
            for r in failed.itertuples()
        )
        parts.append(f"<p><strong>未达标指标：</strong></p><ul>{items}</ul>")
    if len(nodata):
        items = "".join(
            f"<li>{esc(r.no)}. {esc(r.name)}：{esc(r.status)}"
            f"{('（' + esc(r.failing) + '）') if not is_missing(r.failing) else ''}</li>"
            for r in nodata.itertuples()
        )
        parts.append(f"<p><strong>无数据或未提供的指标：</strong></p><ul>{items}</ul>")
    return "".join(parts)


def county_profile(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Schools, pupils, full-time teachers and classes by school type (县域基本情况).

    Pupils are the compulsory stages (小学、初中) only; teachers are full-time (专任) teachers.
    A type with no school does not appear; a total row comes last.
    """
    schools = tables["schools"][["school_code", "school_type"]]
    enrol = tables["enrolment"]
    comp = enrol[enrol["stage"].isin(STAGES)]
    # an unknown grade count makes the school's pupils unknown (never the smaller sum)
    pupils = comp.groupby("school_code")["students"].sum().mask(
        comp["students"].isna().groupby(comp["school_code"]).any())
    teachers = tables["teachers"]
    ft = teachers[teachers["full_time"].fillna(False).astype(bool)].groupby("school_code").size()
    classes = tables["classes"]
    ncls = classes[classes["stage"].isin(STAGES)].groupby("school_code").size()
    s = schools.set_index("school_code")
    known = s.index.isin(enrol["school_code"])  # a school without 在校生 rows: unknown, not 0
    s = s.assign(
        pupils=pupils.reindex(s.index).astype("Int64").where(known, pd.NA),
        teachers=ft.reindex(s.index).fillna(0).astype("int64"),
        classes=ncls.reindex(s.index).fillna(0).astype("int64"),
    )
    g = s.groupby("school_type", observed=True).agg(
        schools=("pupils", "size"), pupils=("pupils", lambda v: v.sum() if v.notna().all() else pd.NA),
        teachers=("teachers", "sum"), classes=("classes", "sum")
    )
    g = g.reindex([t for t in SCHOOL_TYPES if t in g.index])
    total = pd.DataFrame([{"schools": g["schools"].sum(), "teachers": g["teachers"].sum(),
                           "classes": g["classes"].sum(),
                           "pupils": g["pupils"].sum() if g["pupils"].notna().all() else pd.NA}], index=["合计"])
    out = pd.concat([g, total]).rename_axis("school_type").reset_index()
    return out.astype({"schools": "int64", "pupils": "Int64", "teachers": "int64", "classes": "int64"})


def read_processed(folder: Path, name: str) -> pd.DataFrame | None:
    for ext, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        f = folder / f"{name}{ext}"
        if f.is_file():
            return reader(f)
    return None


#: processed tables the projection notebook (03) writes, by the name the rectification report uses;
#: each name lists the file stems accepted (first found wins)
PROJECTION_TABLES: dict[str, tuple[str, ...]] = {
    "trajectory": ("trajectory",),
    "first_met": ("first_met", "first_met_year"),
    "tasks": ("tasks", "rectification_tasks"),
    "plan": ("plan", "plan_actions", "min_cost_plan"),
    "plan_cost": ("plan_cost", "plan_cost_by_year", "plan_by_year"),
    "plan_summary": ("plan_summary",),
    "pass_probability": ("pass_probability",),
    "sensitivity": ("sensitivity",),
}


def read_projection_outputs(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The projection outputs found in ``folder`` (data/processed/<period>/), by report name."""
    folder = Path(folder)
    out: dict[str, pd.DataFrame] = {}
    for name, stems in PROJECTION_TABLES.items():
        for stem in stems:
            df = read_processed(folder, stem)
            if df is not None:
                out[name] = df
                break
    return out


def unit_shortfalls(units: pd.DataFrame, standards: Mapping[str, Any]) -> pd.DataFrame:
    """Included units that do not pass the per-unit rule, one row per indicator below standard.

    Columns: school_code, school_name, stage, students, indicator (Chinese name), value, standard,
    ratio, gap (standard − value, in the indicator's unit). An indicator without data is listed with
    a missing value (never 0).
    """
    res = standards["resources"]["indicators"]
    inc = units[units["included"].fillna(False).astype(bool) & ~units["unit_pass"].fillna(False).astype(bool)]
    ids = ["school_code", "school_name", "stage", "students"]
    codes = list(res)
    if inc.empty:
        return pd.DataFrame(columns=ids + ["indicator", "value", "standard", "ratio", "gap"])
    vals = inc.melt(id_vars=ids, value_vars=codes, var_name="code", value_name="value")
    met = inc.melt(id_vars=["school_code", "stage"], value_vars=[f"{c}_met" for c in codes], var_name="code",
                   value_name="met").assign(code=lambda d: d["code"].str.replace("_met", "", regex=False))
    ratio = inc.melt(id_vars=["school_code", "stage"], value_vars=[f"{c}_ratio" for c in codes], var_name="code",
                     value_name="ratio").assign(code=lambda d: d["code"].str.replace("_ratio", "", regex=False))
    std = pd.DataFrame([(k, s, float(v)) for k, d in res.items() for s, v in d["standard"].items()],
                       columns=["code", "stage", "standard"])
    long = (vals.merge(met, on=["school_code", "stage", "code"]).merge(ratio, on=["school_code", "stage", "code"])
            .merge(std, on=["code", "stage"], how="left"))
    long = long[~long["met"].fillna(False).astype(bool)]
    long = long.assign(
        indicator=long["code"].map({k: f"{k[1:]}. {d['name']}（{d['unit']}）" for k, d in res.items()}),
        gap=(long["standard"] - long["value"].astype("Float64")).astype("Float64"),
    )
    return long.sort_values(["stage", "school_code", "code"])[ids + ["indicator", "value", "standard", "ratio", "gap"]] \
        .reset_index(drop=True)


def remaining_risks(verdict: pd.DataFrame, proj: Mapping[str, pd.DataFrame], target_year: int,
                    examples: int = 8) -> list[str]:
    """Plain-language risks that remain at the target year (texts; escape when shown)."""
    risks: list[str] = []
    fm = proj.get("first_met")
    traj = proj.get("trajectory")
    if fm is not None and not fm.empty and "met_in_target" in fm:
        bad = fm[~fm["met_in_target"].fillna(False).astype(bool)]
        for scen, sub in bad.groupby("scenario", sort=False):
            schools = sub[sub["level"].eq("学校") & sub["indicator"].eq("每校达标")]
            county = sub[sub["level"].eq("县")]
            if len(schools):
                names = "、".join(f"{r.school_name}（{r.stage}）" for r in schools.head(examples).itertuples())
                more = f"等 {len(schools)} 个单位" if len(schools) > examples else ""
                risks.append(f"情景“{scen}”：到 {target_year} 年仍有评估单位不能每校达标：{names}{more}。")
            if len(county):
                items = "、".join(f"{r.stage}{str(r.indicator).replace('CV_', '')}" for r in county.itertuples())
                risks.append(f"情景“{scen}”：到 {target_year} 年差异系数仍超过上限：{items}。")
    elif traj is not None and not traj.empty:
        last = traj[traj["year"].eq(traj["year"].max()) & traj["included"].fillna(False).astype(bool)]
        bad = last[~last["met"].fillna(False).astype(bool) & (last["indicator"].eq("每校达标") | last["level"].eq("县"))]
        for scen, sub in bad.groupby("scenario", sort=False):
            risks.append(f"情景“{scen}”：到 {int(traj['year'].max())} 年仍有 {len(sub)} 项（单位或差异系数）不达标。")
    mc = proj.get("pass_probability")
    if mc is not None and not mc.empty and {"indicator", "pass_probability"} <= set(mc.columns):
        overall = mc[mc["indicator"].eq("全部达标")]
        for r in overall.itertuples():
            p = float(r.pass_probability)
            if p < 1:
                risks.append(f"情景“{r.scenario}”：考虑在校生预测误差（模拟 {int(r.draws)} 次），到 {target_year} 年资源配置"
                             f"全部达标的概率约为 {fmt_pct(p)}。")
    sens = proj.get("sensitivity")
    if sens is not None and not sens.empty and {"indicator", "enrolment_scale", "met"} <= set(sens.columns):
        bad = sens[sens["indicator"].eq("全部达标") & ~sens["met"].fillna(False).astype(bool)]
        for r in bad.itertuples():
            risks.append(f"情景“{r.scenario}”：若在校生为预测的 {fmt_pct(float(r.enrolment_scale))}，"
                         f"到 {target_year} 年资源配置不能全部达标。")
    other = verdict[verdict["status"].eq("未达标") & ~verdict["area"].eq("资源配置")]
    if len(other):
        risks.append("以下指标不在资源配置预测范围内，须由责任单位专项整改：" + "；".join(
            f"{r.no}. {r.name}（{r.responsible}）" for r in other.itertuples()) + "。")
    nodata = verdict[verdict["status"].isin(["无数据", "未提供"])]
    if len(nodata):
        risks.append("以下指标缺少数据或认定材料，评估时不能认定达标，须尽快补齐：" + "；".join(
            f"{r.no}. {r.name}（{r.status}）" for r in nodata.itertuples()) + "。")
    return risks


def school_shortfalls(results: Any) -> pd.DataFrame:
    """Schools named in the detail tables of the failing guarantee / quality indicators (G3, G5, …).

    One row per school and indicator: school_code, school_name, indicator ("10. 每12个班级…"),
    items (how many detail rows: rooms, classes, grades…). Resource indicators are left out (see
    ``unit_shortfalls``).
    """
    verdict = result_table(results, "verdict")
    failing = verdict[verdict["status"].ne("达标") & verdict["area"].ne("资源配置")]
    frames = []
    for r in failing.itertuples():
        d = detail_frame(results, r.code)
        if d is None or "school_name" not in d.columns:
            continue
        key = [c for c in ["school_code", "school_name"] if c in d.columns]
        g = d.groupby(key, dropna=False, sort=False).size().rename("items").reset_index()
        frames.append(g.assign(no=r.no, indicator=f"{r.no}. {r.name}", status=r.status))
    cols = ["school_code", "school_name", "indicator", "status", "items"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["school_name", "no"])[[c for c in cols if c in out.columns]].reset_index(drop=True)


def sensitivity_summary(sens: pd.DataFrame) -> pd.DataFrame:
    """Per scenario and scale: units passing, CVs within limit, overall verdict (wide, for display)."""
    u = sens[sens["indicator"] == "每校达标"].groupby(["scenario", "enrolment_scale"])["met"].agg(
        units_pass=lambda m: int(m.fillna(False).astype(bool).sum()), units=lambda m: int(len(m)))
    c = sens[sens["indicator"].str.startswith("CV_")].groupby(["scenario", "enrolment_scale"])["met"].agg(
        cv_pass=lambda m: int(m.fillna(False).astype(bool).sum()), cv=lambda m: int(len(m)))
    a = sens[sens["indicator"] == "全部达标"].set_index(["scenario", "enrolment_scale"])["met"].rename("all_pass")
    return u.join(c).join(a).reset_index()


def cost_by_responsible(tasks: pd.DataFrame) -> pd.DataFrame:
    """Cost per responsible unit: every unit named on a task is counted with the task's full
    cost (a task shared by several bureaus appears under each; the sum is not the total).
    Columns: responsible_unit, cost_kind, tasks, cost_yuan."""
    t = tasks[tasks["cost_yuan"].notna()].copy()
    if "cost_kind" not in t:
        t["cost_kind"] = "合计"
    t["responsible_unit"] = t["responsible"].astype(str).str.split("、")
    t = t.explode("responsible_unit")
    return t.groupby(["responsible_unit", "cost_kind"], as_index=False).agg(
        tasks=("indicator", "size"), cost_yuan=("cost_yuan", "sum")).sort_values("cost_yuan", ascending=False)


# ---------------------------------------------------------------- the plan's solver status
#: the plan's status in words (optimise.Plan.status)
PLAN_STATUS = {"optimal": "已求得最优方案，并经指标引擎复核",
               "verified": "方案已经指标引擎复核全部达标，但未证明最优",
               "infeasible": "预算不足，无可行方案",
               "failed": "未得到经引擎复核全部达标的方案"}


def _wan(x: float) -> str:
    return f"{x / 1e4:,.1f} 万元"


def plan_status_lines(info: Mapping[str, Any]) -> list[str]:
    """Three separate statements about a plan's solve (``optimise.Plan.info()``, plan.json):

    1. **引擎复核** — whether the engine, run on the tables with the plan applied, confirms every
       included unit and every CV (a plan that fails it must not be used);
    2. **最优性** — whether the solver proved the plan the cheapest of the model;
    3. when not proven, the **gap** to the best bound: a time limit reached with a verified plan
       is a verified plan without a proof, never a failure.
    """
    lines = []
    units, cv = info.get("units_total"), info.get("cv_total")
    if units is None:
        lines.append("**引擎复核**：没有可复核的方案。")
    elif info.get("verified"):
        lines.append(f"**引擎复核**：通过。把方案施加到目标年数据上、由指标引擎重新计算：全部 {units} 个参评单位"
                     f"每校达标，{cv} 项差异系数全部达标。")
    else:
        lines.append(f"**引擎复核**：未通过（每校达标 {info.get('units_pass_after')} / {units} 个单位，差异系数达标 "
                     f"{info.get('cv_pass_after')} / {cv} 项），该方案不能作为整改方案使用。")
    limit = info.get("time_limit")
    limit_text = f"每轮求解的时间上限 {limit:g} 秒" if limit is not None else "时间上限"
    gap, bound = info.get("gap"), info.get("bound")
    if units is None:
        pass
    elif info.get("proven"):
        lines.append(f"**最优性**：已证明。求解器证明在同一模型中没有更便宜的方案（与最优下界的相对差距不超过 "
                     f"{float(info.get('mip_rel_gap', 1e-6)):.4%}）。")
    elif gap is None:
        lines.append(f"**最优性**：未证明。求解在{limit_text}内停止，尚未得到最优下界，无法给出与最优的差距；"
                     "这是计算时间不足，不是方案本身有误。")
    else:
        bound_text = f"，即成本最低的方案不低于 {_wan(bound)}" if bound is not None and bound > 0 else ""
        lines.append(f"**最优性**：未证明。求解在{limit_text}内停止；方案成本与最优下界的相对差距为 "
                     f"**{gap:.2%}**{bound_text}。这是计算时间不足，不是方案本身有误"
                     + ("，方案可以使用，但可能不是最省钱的。" if info.get("verified") else "。"))
    return lines
