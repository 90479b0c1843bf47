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

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>
target_year = ""       # 目标年份；"" → county.yaml 的 target_year，未填则按评估标准（2022）
scenario_dir = ""      # "" → the bundled scenarios
standards_file = ""    # "" → the bundled standards (standards.yaml)

# %% tags=["remove-cell"]
from IPython.display import HTML, display

from analysis.pipeline import results
from analysis.reporting import projection_figures as pfig
from analysis.reporting import report, sections

r = results(period, data_dir, processed_dir, out_dir, target_year=target_year, scenario_dir=scenario_dir,
            standards_file=standards_file)
std = r.ctx.standards

# %% tags=["remove-input"]
display(HTML(sections.report_header(r, "rectification")))

# %% [markdown]
# 本报告列出对照 32 项指标查找出的短板（按指标、按学校），针对短板的整改任务（数量、责任单位、完成
# 时限），各情景下到目标年份的达标预测，最低成本整改方案及其逐年投入，以及仍存在的风险。所有数字
# 由分析工具根据本期数据和预测结果计算得出。

# %% [markdown]
# ## 一、短板清单
#
# ### （一）按指标

# %% tags=["remove-input"]
display(HTML(sections.gaps_by_indicator(r)))

# %% [markdown]
# ### （二）按学校（资源配置 7 项指标）
#
# 下表列出每个未达到“每校达标”要求的评估单位，以及其未达标的指标、实际值与标准。

# %% tags=["remove-input"]
display(HTML(sections.gaps_by_school(r)))

# %% [markdown]
# ## 二、整改任务
#
# 每项任务列出需补足的数量、责任单位和完成时限。现有差距须在申报前补齐；预测中新出现的差距须在整改
# 提升阶段结束前补齐。费用为按单位成本假设估算的数额，仅用于比较方案。

# %% tags=["remove-input"]
display(HTML(sections.tasks_section(r)))

# %% [markdown]
# ## 三、到目标年份的达标预测
#
# 按各预测情景（在校生变化、教师退休与补充、建设计划）逐年重新计算资源配置指标，下图为各学段差异
# 系数与每校达标单位数的变化。

# %% tags=["remove-input"]
for stage in std["stages"]:
    display(HTML(report.html_figure(pfig.stage_outlook(r.trajectory, stage), alt=f"{stage}达标预测")))
display(HTML(sections.outlook_tables(r)))

# %% [markdown]
# ## 四、最低成本整改方案
#
# 在满足每个参评单位“每校达标”和各项差异系数达标的前提下，按单位成本假设求出总投入最少的整改方案
# （招聘或交流教师、认定骨干教师、新建校舍和场地、购置设备、建设多媒体教室），并由指标计算引擎复核。

# %% tags=["remove-input"]
display(HTML(sections.plan_section(r)))

# %% [markdown]
# ## 五、仍存在的风险

# %% tags=["remove-input"]
display(HTML(sections.risks_section(r)))
