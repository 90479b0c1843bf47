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
# # 资源配置指标与校际差异系数
#
# 本笔记本根据本期整理后的数据，按《县域义务教育优质均衡发展督导评估办法》计算资源配置 7 项指标：
# 先确定**评估单位**（每校每学段一个单位，一贯制学校按学段拆分；不纳入评估的学校注明原因），
# 再计算每个单位的 7 项指标值、与标准之比、是否达标和“每校达标”结论，最后按学生数加权计算
# 各学段各指标的**校际差异系数**（按三位小数四舍五入后与上限比较）。所有标准、比例和上限取自
# 标准文件 `standards.yaml`，下文列出本次计算实际采用的数值。
#
# 缺少某项输入数据时，该项指标显示为“无数据”，不按 0 计算；该单位不能判定为达标，并在“缺失的输入”
# 一栏中注明缺少哪一项。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>  (for files a notebook writes itself, e.g. xlsx)

# %% tags=["remove-cell"]
import warnings

warnings.filterwarnings("ignore")

import matplotlib

matplotlib.use("Agg")
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis import paths  # noqa: F401  (plotting registers the CJK font)
from analysis.reporting import figures
from analysis.reporting import plotting
from analysis.reporting import report
from analysis.engine import evaluate
from analysis.engine.cv import composite_cv
from analysis.config.standards import load_standards
from analysis.ingest.tables import load_period

period = str(period)
data_dir, processed_dir, out_dir = paths.notebook_dirs(period, data_dir, processed_dir, out_dir)
standards = load_standards()
res_std = standards["resources"]

tables = load_period(processed_dir, period)
results = evaluate(tables, standards)
units, cv = results.units, results.cv
written = results.write(processed_dir / period)  # units / cv / verdict (+ details), atomic


def show(html: str) -> None:
    display(HTML(html))


# %% [markdown]
# ## 一、评估单位
#
# 每校每学段一行。“本学段分得的资源份额”是该学段分得的校舍面积、体育场馆、仪器设备和多媒体教室
# （第 4–7 项）的比例，按各学段学生数加权拆分（权重见下）。不纳入评估的学校也列在表中，并注明原因。

# %% tags=["remove-input"]
ucfg = standards["units"]
weights_text = "；".join(
    f"{t}按“" + " : ".join(w) + " = " + " : ".join(f"{v:g}" for v in w.values()) + "”"
    for t, w in ucfg["stage_weights"].items()
)
display(Markdown(
    f"本次采用的拆分权重：{weights_text}；附设幼儿班的小学按“{ucfg['kindergarten_reading']}”。"
    f"不纳入资源配置评估：{'、'.join(ucfg['excluded_types'])}，在校生不足 "
    f"{ucfg['teaching_point_min_students']} 人的教学点"
    + ("" if ucfg.get("include_private", True) else "，民办学校") + "。"
    f"每校达标：至少 {res_std['min_met']} 项达到标准，其余不低于标准的 {res_std['floor_ratio']:.0%}。"
    "差异系数上限：" + "、".join(f"{s} ≤ {v:.2f}" for s, v in res_std["cv_limit"].items()) + "。"
))

# %% tags=["remove-input"]
inc = units["included"].fillna(False).astype(bool)
by_stage = units[inc].groupby("stage")["students"].agg(["size", "sum"])
display(Markdown(
    f"本期（{period}年）共 **{len(units)}** 个评估单位，其中纳入资源配置评估 **{int(inc.sum())}** 个"
    + "".join(f"（{s} {int(r['size'])} 个、学生 {int(r['sum'])} 人）" for s, r in by_stage.iterrows())
    + f"，不纳入 **{int((~inc).sum())}** 个。"
))
show(report.html_table(
    units, table="units",
    columns=["school_code", "school_name", "stage", "school_type", "urban_rural", "students",
             "resource_share", "included", "exclusion_reason"],
    caption="评估单位", kinds={"resource_share": "pct"},
))

# %% [markdown]
# ## 二、每校 7 项指标（申报表Ⅱ-2）
#
# 数值按全精度计算，显示两位小数；红色为未达到标准的数值，“—”为无数据。“每校达标”的规则见上。

# %% tags=["remove-input"]
std_rows = [{"指标": f"{k} {spec['name']}", "单位": spec["unit"],
             **{f"{s}标准": spec["standard"][s] for s in spec["standard"]}}
            for k, spec in res_std["indicators"].items()]
show(report.html_table(pd.DataFrame(std_rows), caption="资源配置指标标准（取自标准文件）"))
judged = units[inc]
n_pass = int(judged["unit_pass"].fillna(False).sum())
display(Markdown(
    f"纳入评估的 {len(judged)} 个单位中，**{n_pass}** 个达到每校标准，"
    f"**{len(judged) - n_pass}** 个未达到（其中缺少输入数据的 "
    f"{int((judged['missing_inputs'].notna() & ~judged['unit_pass'].fillna(False).astype(bool)).sum())} 个）。"
))
show(report.html_table(
    judged, table="units",
    columns=["school_name", "stage", "students", *[f"L{k}" for k in range(1, 8)], "n_met", "unit_pass",
             "missing_inputs"],
    status_of={f"L{k}": f"L{k}_met" for k in range(1, 8)}, row_status="unit_pass",
    caption="每校资源配置指标",
))

# %% [markdown]
# ### 各项指标与标准的比较
#
# 每幅图是一项指标：每个参评单位一条横条，虚线为标准，低于标准的单位标为红色并加 ▼ 标记；
# 无数据的单位不画横条，在小标题中列出。

# %% tags=["remove-input"]
for k in range(1, 8):
    show(report.html_figure(figures.indicator_figure(units, f"L{k}", standards), alt=f"L{k} 每校数值与标准"))

# %% [markdown]
# ### 每校 7 项指标与标准之比（热力图）
#
# 1 表示恰好达到标准；红色越深越低于标准，蓝色越深越高于标准（超过 2 倍按 2 显示），灰色为无数据。

# %% tags=["remove-input"]
show(report.html_figure(figures.ratio_heatmap(units, standards), alt="每校七项指标与标准之比"))

# %% [markdown]
# ## 三、校际差异系数（申报表Ⅲ）
#
# 差异系数按学生数加权计算：X̄ = Σ PᵢXᵢ / P，S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²)，CV = S / X̄（不作 n−1 修正）。
# 表中“差异系数（三位小数）”按四舍五入保留三位小数，并据此与标准比较；全精度数值同列。
# 综合差异系数（七项平均）仅供参考，不作为评估标准。

# %% tags=["remove-input"]
show(report.html_table(cv, table="cv", row_status="passed", caption="校际差异系数"))
comp = composite_cv(cv)
display(Markdown("综合差异系数（仅供参考）：" + "；".join(
    f"{r.stage} {report.fmt_cv(r.composite_cv)}" for r in comp.itertuples())))
show(report.html_figure(figures.cv_figure(cv, standards), alt="校际差异系数与上限"))

# %% [markdown]
# ## 四、32 项指标评估结果
#
# 资源配置 7 项指标的县域结论：该指标两个学段的差异系数均不超过上限，且没有参评单位因该项低于标准
# 而未达到每校标准。其余 25 项的计算见自评报告。

# %% tags=["remove-input"]
show(report.html_table(
    results.verdict, table="verdict", row_status="status",
    columns=["no", "code", "area", "name", "value", "standard", "status", "failing"],
    caption="32项指标评估结果",
))
display(Markdown(
    "计算结果已写入整理后数据文件夹：" + "、".join(f"`{p.name}`" for p in written if p.parent.name == period)
))
