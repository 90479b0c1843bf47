# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 县域义务教育优质均衡发展整改报告
#
# 本报告列出对照 32 项指标查找出的短板（按指标、按学校），针对短板的整改任务（数量、责任单位、完成
# 时限），各情景下到目标年份的达标预测，最低成本整改方案及其逐年投入，以及仍存在的风险。所有数字
# 由分析工具根据本期数据和预测结果计算得出。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>  (for files a notebook writes itself, e.g. xlsx)

# %% tags=["remove-cell"]
import warnings

warnings.filterwarnings("ignore")

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML, display

from analysis import paths  # noqa: F401  (plotting registers the CJK font)
from analysis.reporting import plotting
from analysis.reporting import report
from analysis.engine import evaluate
from analysis.planning.projection import period_year
from analysis.pipeline.runner import county_meta
from analysis.config.standards import load_standards
from analysis.config.standards import target_year as configured_target_year
from analysis.ingest.tables import load_period

period = str(period)
data_dir, processed_dir, out_dir = paths.notebook_dirs(period, data_dir, processed_dir, out_dir)

standards = load_standards()
target_year = configured_target_year(standards, county_meta(data_dir))  # county.yaml, else the standards
at_target = period_year(period) >= target_year  # 已到目标年: the period itself is the year judged
horizon = max(target_year, period_year(period))
tables = load_period(processed_dir, period)
results = evaluate(tables, standards)
verdict = results.verdict.sort_values("no").reset_index(drop=True)
units = results.units
proj = report.read_projection_outputs(processed_dir / period)
H = report.PROJECTION_HEADERS


def show(html: str) -> None:
    display(HTML(html))


# %% [markdown]
# ## 一、短板清单
#
# ### （一）按指标

# %%
gaps = verdict[verdict["status"].ne("达标")]
show(report.html_paragraph(
    f"32 项指标中未达标 {int(verdict['status'].eq('未达标').sum())} 项，"
    f"无数据或未提供 {int(verdict['status'].isin(['无数据', '未提供']).sum())} 项。"
    if len(gaps) else "32 项指标全部达标，无短板指标。"))
show(report.html_table(
    gaps, table="verdict", columns=["no", "area", "name", "value", "standard", "status", "failing", "responsible"],
    headers={"no": "序号", "area": "方面", "name": "指标", "value": "县域实际值", "standard": "标准", "status": "结果",
             "failing": "未达标的学校或事项及差距", "responsible": "责任单位"},
    caption="表1 未达标的指标", empty_text="无。"))

# %% [markdown]
# ### （二）按学校（资源配置 7 项指标）
#
# 下表列出每个未达到“每校达标”要求的评估单位，以及其未达标的指标、实际值与标准。

# %%
by_school = report.unit_shortfalls(units, standards)
show(report.html_table(by_school, headers=H, columns=["school_name", "stage", "students", "indicator", "value",
                                                     "standard", "ratio", "gap"],
                       kinds={"students": "int", "value": "value", "standard": "value", "ratio": "pct", "gap": "value"},
                       caption="表2 未达标评估单位及其短板指标", empty_text="所有参评单位均每校达标。",
                       max_rows=150))

# %%
others = report.school_shortfalls(results)
show(report.html_table(others, headers={**H, "indicator": "指标", "status": "结果", "items": "未达标事项数"},
                       columns=["school_name", "indicator", "status", "items"], kinds={"items": "int"},
                       caption="表3 政府保障程度、教育质量指标中未达标的学校", empty_text="无。", max_rows=150))

# %% [markdown]
# ## 二、整改任务
#
# 每项任务列出需补足的数量、责任单位和完成时限。现有差距须在申报前补齐；预测中新出现的差距须在整改
# 提升阶段结束前补齐。费用为按单位成本假设估算的数额，仅用于比较方案。

# %%
tasks = proj.get("tasks")
if tasks is None:
    show(report.html_paragraph("本期尚无整改任务表（由预测笔记本 03_projection 生成）。"))
else:
    show(report.html_paragraph(
        f"整改任务共 {report.fmt_int(len(tasks))} 项"
        + (f"，估算费用合计 {report.fmt_number(tasks['cost_yuan'].sum(min_count=1), 'money')} 元。"
           if "cost_yuan" in tasks else "。")))
    show(report.html_table(tasks, headers=H, kinds=report.PROJECTION_KINDS, caption="表4 整改任务清单",
                           columns=[c for c in report.TASK_SHOWN_COLUMNS if c in tasks.columns], max_rows=200))
    if {"responsible", "cost_yuan"} <= set(tasks.columns):
        by_resp = (tasks.assign(responsible=tasks["responsible"].astype("string").str.split("、"))
                   .explode("responsible").groupby("responsible", as_index=False)
                   .agg(tasks=("indicator", "size"), cost_yuan=("cost_yuan", "sum")))
        show(report.html_table(by_resp, headers={**H, "tasks": "牵头或参与的任务数"},
                               kinds={"tasks": "int", "cost_yuan": "money"}, caption="表5 各责任单位任务数"))

# %% [markdown]
# ## 三、到目标年份的达标预测
#
# 按各预测情景（在校生变化、教师退休与补充、建设计划）逐年重新计算资源配置指标，下图为各学段差异
# 系数与每校达标单位数的变化。

# %%
traj = proj.get("trajectory")
if at_target:
    show(report.html_paragraph(f"本期 {period} 年已到目标年（{target_year} 年），不作预测；以下为本期的实际情况。"))
if traj is None:
    show(report.html_paragraph("本期尚无预测结果（由预测笔记本 03_projection 生成）。"))
else:
    county_cv = traj[traj["level"].eq("县")]
    unit_pass = traj[traj["indicator"].eq("每校达标") & traj["included"].fillna(False).astype(bool)]
    passed_units = (unit_pass.assign(ok=unit_pass["met"].fillna(False).astype(bool))
                    .groupby(["scenario", "stage", "year"], as_index=False)
                    .agg(n_units=("ok", "size"), n_pass=("ok", "sum")))
    for stage in standards["stages"]:
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
        for scen, sub in passed_units[passed_units["stage"].eq(stage)].groupby("scenario", sort=False):
            axes[0].plot(sub["year"], sub["n_pass"], marker="o", label=str(scen))
        total_units = passed_units.loc[passed_units["stage"].eq(stage), "n_units"].max()
        axes[0].axhline(total_units, color="#c62828", linestyle="--", linewidth=1, label="参评单位数")
        axes[0].set_title(f"{stage}：每校达标的评估单位数")
        axes[0].set_xlabel("年份")
        axes[0].legend(fontsize=8)
        cvs = county_cv[county_cv["stage"].eq(stage)]
        worst = cvs.assign(r=cvs["value"].astype(float) / cvs["standard"].astype(float)).groupby(
            ["scenario", "year"], as_index=False)["r"].max()
        for scen, sub in worst.groupby("scenario", sort=False):
            axes[1].plot(sub["year"], sub["r"], marker="o", label=str(scen))
        axes[1].axhline(1.0, color="#c62828", linestyle="--", linewidth=1, label="标准上限")
        axes[1].set_title(f"{stage}：最大差异系数与上限之比")
        axes[1].set_xlabel("年份")
        axes[1].legend(fontsize=8)
        for ax in axes:
            ax.xaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        show(report.html_figure(fig, alt=f"{stage}达标预测"))
    wide = passed_units.assign(text=passed_units["n_pass"].astype(int).astype(str) + "/"
                               + passed_units["n_units"].astype(int).astype(str))
    wide = wide.pivot_table(index=["scenario", "stage"], columns="year", values="text", aggfunc="first").reset_index()
    wide.columns = [str(c) for c in wide.columns]
    show(report.html_table(wide, headers=H, caption="表6 各情景逐年每校达标单位数（达标/参评）"))
    cv_target = county_cv[county_cv["year"].eq(county_cv["year"].max())]
    show(report.html_table(cv_target.assign(indicator=cv_target["indicator"].str.replace("CV_", "", regex=False)),
                           headers={**H, "value": "差异系数", "standard": "上限"},
                           columns=["scenario", "stage", "indicator", "value", "standard", "met"],
                           kinds={"value": "cv", "standard": "value"},
                           caption=f"表7 {int(county_cv['year'].max())} 年各情景差异系数预测"))

# %% [markdown]
# ## 四、最低成本整改方案
#
# 在满足每个参评单位“每校达标”和各项差异系数达标的前提下，按单位成本假设求出总投入最少的整改方案
# （招聘或交流教师、认定骨干教师、新建校舍和场地、购置设备、建设多媒体教室），并由指标计算引擎复核。

# %%
plan = proj.get("plan")
plan_cost = proj.get("plan_cost")
plan_summary = proj.get("plan_summary")
MIN_COST = "最低成本方案"
if plan is None:
    show(report.html_paragraph("本期尚无最低成本方案（由预测笔记本 03_projection 生成）。"))
else:
    if "plan" in plan.columns:
        plan = plan[plan["plan"].eq(MIN_COST)]
    if plan_summary is not None and {"key", "label"} <= set(plan_summary.columns):
        keys = ["status", "message", "cost_total", "naive_cost", "saving", "verified", "units_pass_after",
                "units_total", "cv_pass_after"]
        ps = plan_summary.set_index("key").reindex([k for k in keys if k in set(plan_summary["key"])]).reset_index()
        kind = {"cost_total": "money", "naive_cost": "money", "saving": "money"}
        ps = ps.assign(shown=[report.fmt_number(v, kind.get(k, "int")) if pd.notna(v) else t
                              for k, t, v in zip(ps["key"], ps["text"], ps["value"])])
        ps.loc[ps["key"].eq("status"), "shown"] = ps.loc[ps["key"].eq("status"), "shown"].map(
            {"optimal": "已求得最优方案", "infeasible": "无可行方案", "failed": "求解失败"}).fillna(
            ps.loc[ps["key"].eq("status"), "shown"])
        ps.loc[ps["key"].eq("verified"), "shown"] = ps.loc[ps["key"].eq("verified"), "shown"].map(
            {"True": "是", "False": "否"})
        show(report.html_table(ps, columns=["label", "shown"], headers={"label": "项目", "shown": "结果"},
                               caption="表8 最低成本方案概要"))
    show(report.html_paragraph(f"最低成本方案共 {report.fmt_int(len(plan))} 项措施，估算总投入 "
                               f"{report.fmt_number(plan['cost_yuan'].sum(min_count=1), 'money')} 元。"))
    show(report.html_table(plan, headers=H, kinds=report.PROJECTION_KINDS, caption="表9 最低成本整改方案（措施清单）",
                           columns=[c for c in report.PLAN_SHOWN_COLUMNS if c in plan.columns], max_rows=200,
                           empty_text="无需新增措施。"))
    if plan_cost is not None and not plan_cost.empty:
        pc = plan_cost if "plan" in plan_cost.columns else plan_cost.assign(plan=MIN_COST)
        wide = pc.pivot_table(index="plan", columns="year", values="cost_yuan", aggfunc="sum", sort=False)
        wide = wide.assign(合计=wide.sum(axis=1, min_count=1)).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        money_cols = [c for c in wide.columns if c != "plan"]
        show(report.html_table(wide, headers={"plan": "方案"}, kinds={c: "money" for c in money_cols},
                               caption="表10 逐年投入（元）：最低成本方案与其他方案比较"))
        mc = pc[pc["plan"].eq(MIN_COST)]
        if mc["year"].nunique() > 1:  # one bar says no more than the table
            fig, ax = plt.subplots(figsize=(8, 3.4))
            ax.bar(mc["year"].astype(str), mc["cost_yuan"].astype(float) / 1e4, color="#1f6fb2")
            ax.set_ylabel("万元")
            ax.set_title("最低成本方案逐年投入")
            fig.tight_layout()
            show(report.html_figure(fig, alt="最低成本方案逐年投入"))

# %% [markdown]
# ## 五、仍存在的风险

# %%
risks = report.remaining_risks(verdict, proj, horizon)
show(report.html_list(risks) if risks else report.html_paragraph("未发现到目标年份仍无法达标的风险。"))
mc = proj.get("pass_probability")
if mc is not None and not mc.empty:
    risky = mc[mc["pass_probability"].astype(float) < 1].sort_values(["scenario", "pass_probability"])
    risky = risky.assign(indicator=risky["indicator"].astype("string").str.replace("CV_", "差异系数 ", regex=False))
    show(report.html_table(risky, headers={**H, "pass_probability": "达标概率", "draws": "模拟次数"},
                           columns=["scenario", "school_name", "stage", "indicator", "pass_probability", "draws"],
                           kinds={"pass_probability": "pct", "draws": "int"},
                           caption=f"表11 {horizon} 年达标概率低于 100% 的单位和指标（在校生预测误差模拟）",
                           empty_text="全部单位和指标在每次模拟中都达标。", max_rows=60))
