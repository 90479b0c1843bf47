# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: 优质均衡 (.venv)
#     language: python
#     name: youzhi-junheng
# ---

# %% [markdown]
# # 资源配置指标与校际差异系数
#
# 本笔记本展示按《县域义务教育优质均衡发展督导评估办法》计算的资源配置 7 项指标：先确定**评估单位**
# （每校每学段一个单位，一贯制学校按学段拆分；不纳入评估的学校注明原因），再给出每个单位的 7 项指标值、
# 与标准之比、是否达标和“每校达标”结论，最后是按学生数加权计算的各学段各指标**校际差异系数**。所有标准、
# 比例和上限取自标准文件 `standards.yaml`，下文列出本次计算实际采用的数值。
#
# 缺少某项输入数据时，该项指标显示为“无数据”，不按 0 计算；该单位不能判定为达标，并在“缺失的输入”
# 一栏中注明缺少哪一项。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>
target_year = ""       # "" → county.yaml 的 target_year，未填则按评估标准
scenario_dir = ""      # "" → the bundled scenarios
standards_file = ""    # "" → the bundled standards (standards.yaml)

# %% tags=["remove-cell"]
from IPython.display import HTML, Markdown, display

from analysis.pipeline import results
from analysis.reporting import figures, report, sections

r = results(period, data_dir, processed_dir, out_dir, until="evaluate", standards_file=standards_file)
std = r.ctx.standards

# %% [markdown]
# ## 一、评估单位
#
# 每校每学段一行。“本学段分得的资源份额”是该学段分得的校舍面积、体育场馆、仪器设备和多媒体教室
# （第 4–7 项）的比例，按各学段学生数加权拆分（权重见下）。不纳入评估的学校也列在表中，并注明原因。

# %% tags=["remove-input"]
display(Markdown(sections.unit_rules_text(std)))
display(Markdown(sections.units_count_text(r)))
display(HTML(sections.units_table(r)))

# %% [markdown]
# ## 二、每校资源配置指标（申报表Ⅱ-2）

# %% tags=["remove-input"]
display(Markdown(sections.unit_values_note(std)))
display(Markdown(sections.overrides_text(std)))
display(HTML(sections.standards_table(std)))
display(Markdown(sections.unit_pass_text(r)))
display(HTML(sections.unit_values_table(r)))

# %% [markdown]
# ### 各项指标与标准的比较
#
# 每幅图是一项指标：每个参评单位一条横条，虚线为标准，低于标准的单位标为红色并加 ▼ 标记；
# 无数据的单位不画横条，在小标题中列出。

# %% tags=["remove-input"]
display(Markdown(sections.per_unit_chart_note(r, "indicator")))
for code in std["resources"]["indicators"]:
    display(HTML(report.html_figure(figures.indicator_figure(r.units, code, std), alt=f"{code} 每校数值与标准")))

# %% [markdown]
# ### 每校 7 项指标与标准之比（热力图）
#
# 1 表示恰好达到标准；红色越深越低于标准，蓝色越深越高于标准（超过 2 倍按 2 显示），灰色为无数据。

# %% tags=["remove-input"]
display(Markdown(sections.per_unit_chart_note(r, "heatmap")))
display(HTML(report.html_figure(figures.ratio_heatmap(r.units, std), alt="每校七项指标与标准之比")))

# %% [markdown]
# ## 三、校际差异系数（申报表Ⅲ）

# %% tags=["remove-input"]
display(Markdown(sections.cv_method_text(std)))
display(HTML(report.html_table(r.cv, table="cv", row_status="passed", caption="校际差异系数")))
display(Markdown(sections.composite_cv_text(r)))
display(HTML(report.html_figure(figures.cv_figure(r.cv, std), alt="校际差异系数与上限")))

# %% [markdown]
# ## 四、32 项指标评估结果

# %% tags=["remove-input"]
display(Markdown(sections.resource_verdict_rule_text(std)))
display(HTML(report.html_table(
    r.verdict, table="verdict", row_status="status",
    columns=["no", "code", "area", "name", "value", "standard", "status", "failing"], caption="32项指标评估结果")))
