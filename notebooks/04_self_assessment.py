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
# # 县域义务教育优质均衡发展自评报告
#
# 本报告依据《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）和本县实施方案，对照资源配置、
# 政府保障程度、教育质量、社会认可度四个方面共 32 项指标进行自评。报告中的每个数字均由分析工具根据
# 本期整理后的数据计算得出；结论部分由计算结果自动生成。

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
from IPython.display import HTML, Markdown, display

from analysis import paths  # noqa: F401  (plotting registers the CJK font)
from analysis.reporting import plotting
from analysis.reporting import report
from analysis.engine import evaluate
from analysis.pipeline.runner import county_meta
from analysis.config.standards import load_standards
from analysis.ingest.tables import load_period

period = str(period)
data_dir, processed_dir, out_dir = paths.notebook_dirs(period, data_dir, processed_dir, out_dir)

standards = load_standards()
county = county_meta(data_dir).get("county") or standards.get("county", "")

tables = load_period(processed_dir, period)
results = evaluate(tables, standards)
verdict = results.verdict.sort_values("no").reset_index(drop=True)
units = results.units
cv = results.cv


def show(html: str) -> None:
    display(HTML(html))


def area_table(area: str) -> None:
    """The indicators of one area, item by item, with their evidence and the failing detail."""
    v = verdict[verdict["area"].eq(area)]
    show(report.html_table(
        v, table="verdict", columns=["no", "name", "value", "standard", "status", "failing", "evidence"],
        headers={"no": "序号", "name": "指标", "value": "县域实际值", "standard": "标准", "status": "结果",
                 "failing": "未达标的学校或事项及差距", "evidence": "依据与佐证"},
        css_class="report-table verdict-area"))
    for r in v[v["status"].ne("达标")].itertuples():
        detail = report.detail_table(results, r.code)
        if detail:
            show(f"<h4>{report.esc(r.no)}. {report.esc(r.name)}：明细</h4>" + detail)


# %%
show(report.headline_html(verdict, county=county, period=period))

# %% [markdown]
# ## 一、县域基本情况

# %% tags=["remove-cell"]
profile = report.county_profile(tables)
total = profile[profile["school_type"].eq("合计")].iloc[0]

# %%
show(report.html_paragraph(
    f"{county}本期（{period} 年度）纳入统计的学校共 {report.fmt_int(total['schools'])} 所，"
    f"义务教育阶段在校生 {report.fmt_int(total['pupils'])} 人，专任教师 {report.fmt_int(total['teachers'])} 人，"
    f"义务教育教学班 {report.fmt_int(total['classes'])} 个。各类学校情况如下表。"))
show(report.html_table(profile, headers=report.PROFILE_HEADERS, kinds=report.PROFILE_KINDS,
                       caption="表1 县域义务教育学校基本情况"))

# %% [markdown]
# ## 二、资源配置
#
# 资源配置 7 项指标按学段逐校（评估单位）计算。每个评估单位 7 项指标中至少 6 项达到标准、其余一项
# 不低于标准的 85% 即为“每校达标”；7 项指标的校际差异系数按学生数加权计算，小学、初中分别不高于
# 标准上限。一贯制学校、完全中学按学段拆分为多个评估单位。

# %% tags=["remove-cell"]
inc = units[units["included"].fillna(False).astype(bool)]
n_units = len(inc)
n_pass = int(inc["unit_pass"].fillna(False).astype(bool).sum())
n_nodata = int(inc["unit_pass"].isna().sum())
excluded = units[~units["included"].fillna(False).astype(bool)]
cv_fail = cv[cv["passed"].eq(False)]

# %%
text = (f"参加资源配置评估的单位共 {report.fmt_int(n_units)} 个，其中每校达标 {report.fmt_int(n_pass)} 个，"
        f"未达标 {report.fmt_int(n_units - n_pass - n_nodata)} 个")
text += f"，因缺少数据无法判定 {report.fmt_int(n_nodata)} 个。" if n_nodata else "。"
text += (f"另有 {report.fmt_int(len(excluded))} 个单位按规定不纳入资源配置评估（见表2“不纳入原因”）。"
         if len(excluded) else "")
if len(cv_fail):
    text += ("校际差异系数未达标的有：" + "、".join(
        f"{r.stage}{r.indicator_name}（{report.fmt_cv(r.cv_shown)}，上限 {report.fmt_value(r.limit)}）"
        for r in cv_fail.itertuples()) + "。")
else:
    text += "小学、初中 7 项指标的校际差异系数均不高于标准上限。"
show(report.html_paragraph(text))

# %% [markdown]
# ### （一）各评估单位资源配置 7 项指标（申报表Ⅱ-2）
#
# 红色为未达到标准的数值；“—”表示缺少数据（不按 0 计算）。

# %%
unit_cols = ["school_name", "school_type", "urban_rural", "students",
             *(f"L{k}" for k in range(1, 8)), "n_met", "unit_pass", "exclusion_reason"]
short = {f"L{k}": f"指标{k}" for k in range(1, 8)}
legend = pd.DataFrame([
    {"no": f"指标{k}", "name": spec["name"], "unit": spec["unit"],
     **{stage: spec["standard"][stage] for stage in standards["stages"]}}
    for k, spec in ((int(code[1:]), spec) for code, spec in standards["resources"]["indicators"].items())])
show(report.html_table(legend, headers={"no": "代码", "name": "指标名称", "unit": "单位",
                                        **{st: f"{st}标准（≥）" for st in standards["stages"]}},
                       kinds={st: "value" for st in standards["stages"]}, caption="资源配置7项指标及标准"))
for stage in standards["stages"]:
    sub = units[units["stage"].eq(stage)].sort_values(["included", "school_code"], ascending=[False, True])
    show(report.html_table(
        sub, table="units", columns=unit_cols,
        headers={**short, "students": "学生数", "n_met": "达标项数", "unit_pass": "每校达标",
                 "exclusion_reason": "不纳入原因", "school_type": "办学类型", "urban_rural": "城乡"},
        status_of={f"L{k}": f"L{k}_met" for k in range(1, 8)}, row_status="unit_pass",
        caption=f"表2 {stage}评估单位资源配置指标", css_class="report-table units-table"))

# %% [markdown]
# ### （二）校际差异系数（申报表Ⅲ）

# %%
show(report.html_table(
    cv, table="cv", columns=["stage", "indicator_name", "n_units", "students", "mean", "cv_shown", "limit", "passed"],
    headers={"cv_shown": "差异系数", "indicator_name": "指标"}, caption="表3 资源配置7项指标校际差异系数"))
comp = cv.groupby("stage", sort=False)["cv"].mean()
show(report.html_paragraph(
    "综合差异系数（7 项差异系数的平均值，仅供参考，不作为评估标准）："
    + "；".join(f"{s} {report.fmt_cv(v)}" for s, v in comp.items()) + "。"))

# %%
fig, axes = plt.subplots(1, len(standards["stages"]), figsize=(11, 3.8), squeeze=False)
for ax, stage in zip(axes[0], standards["stages"]):
    sub = cv[cv["stage"].eq(stage)]
    colors = ["#9e9e9e" if pd.isna(p) else "#2e7d32" if bool(p) else "#c62828" for p in sub["passed"]]
    ax.bar(sub["indicator"], sub["cv_shown"].astype(float).fillna(0), color=colors)
    ax.axhline(float(standards["resources"]["cv_limit"][stage]), color="#c62828", linestyle="--", linewidth=1)
    ax.text(len(sub) - 0.5, float(standards["resources"]["cv_limit"][stage]), " 上限", va="bottom", ha="right",
            fontsize=9, color="#c62828")
    ax.set_title(f"{stage}：各指标校际差异系数")
    ax.set_ylabel("差异系数")
fig.tight_layout()
show(report.html_figure(fig, alt="各指标校际差异系数"))

# %%
rate = pd.DataFrame({
    stage: [inc.loc[inc["stage"].eq(stage), f"L{k}_met"].astype("boolean").mean() for k in range(1, 8)]
    for stage in standards["stages"]}, index=[f"L{k}" for k in range(1, 8)])
fig, ax = plt.subplots(figsize=(11, 3.6))
rate.mul(100).plot.bar(ax=ax, rot=0, color=["#1f6fb2", "#f0a030"])
ax.set_ylabel("达标单位占比（%）")
ax.set_ylim(0, 105)
ax.set_title("各指标达到标准的评估单位占比")
fig.tight_layout()
show(report.html_figure(fig, alt="各指标达标单位占比"))

# %% [markdown]
# ## 三、政府保障程度（申报表Ⅳ）
#
# 政府保障程度 15 项指标须全部达到要求。下表逐项列出县域实际情况、标准、结果与佐证材料；未达标
# 指标列出未达标的学校或事项。

# %%
area_table("政府保障程度")

# %% [markdown]
# ## 四、教育质量（申报表Ⅴ）

# %%
area_table("教育质量")

# %% [markdown]
# ## 五、社会认可度（申报表Ⅵ）
#
# 社会认可度调查对象包括学生、家长、教师、校长、人大代表、政协委员和其他群众，“满意”和“比较满意”
# 计为认可，认可度须达到 85% 以上。

# %%
area_table("社会认可度")
if "satisfaction" in tables and not tables["satisfaction"].empty:
    sat = tables["satisfaction"].copy()
    levels = standards["recognition"]["levels"]
    ok = standards["recognition"]["satisfied_levels"]
    sat["有效样本"] = sat[levels].sum(axis=1)
    sat["认可率"] = (sat[ok].sum(axis=1) / sat["有效样本"].where(sat["有效样本"] > 0)).astype(float)
    show(report.html_table(sat, table="satisfaction", columns=["survey_kind", "group", *levels, "有效样本", "认可率"],
                           kinds={**{lv: "int" for lv in levels}, "有效样本": "int", "认可率": "pct"},
                           caption="表4 各类调查对象认可情况"))

# %% [markdown]
# ## 六、数据质量说明
#
# 以下列出数据整理中发现的问题及处理方式，以及无法使用而被隔离的原始记录。缺失的数据不按 0 计算，
# 相关指标标为“无数据”。

# %%
dq = tables.get("data_quality", pd.DataFrame())
qa = tables.get("quarantine", pd.DataFrame())
show(report.html_paragraph(f"发现数据问题 {report.fmt_int(len(dq))} 条，隔离原始记录 {report.fmt_int(len(qa))} 行。"))
show(report.html_table(dq, table="data_quality", caption="表5 数据质量问题清单", max_rows=60,
                       empty_text="未发现数据质量问题。"))
show(report.html_table(qa, table="quarantine", columns=[c for c in ["file", "sheet", "row", "reason"] if c in qa.columns],
                       caption="表6 隔离的原始记录", max_rows=60, empty_text="没有被隔离的记录。"))

# %% [markdown]
# ## 七、自评结论

# %%
show(report.conclusion_html(verdict, county=county))
show(report.html_table(report.verdict_summary(verdict), kinds={"指标数": "int", "达标": "int", "未达标": "int",
                                                               "无数据或未提供": "int"},
                       caption="表7 四个方面指标达标情况"))
show(report.html_table(verdict, table="verdict", columns=["no", "code", "area", "name", "value", "standard", "status",
                                                          "responsible"],
                       headers={"no": "序号", "code": "代码", "area": "方面", "name": "指标", "value": "县域实际值",
                                "standard": "标准", "status": "结果", "responsible": "责任单位"},
                       caption="表8 32项指标评估结果", table_id="verdict-summary", row_status="status"))

# %% tags=["remove-cell"]
xlsx = report.write_application_tables(results, out_dir / "application_tables.xlsx", standards)

# %%
show(report.html_paragraph(f"申报表各表（Ⅱ-2、Ⅲ、Ⅳ、Ⅴ、Ⅵ及32项指标汇总）已另存为 Excel 文件 {xlsx.name}，"
                           "可直接复制到正式申报表中。"))
