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
# # 数据清洗与数据质量报告
#
# 本笔记本展示本期县里报送的各个 Excel 工作簿（学校基本情况、教职工花名册、办学条件、经费、招生与升学、
# 督导与质量、社会认可度调查、县级数据）的清洗结果：统一表头和数值格式，换算单位，把“不计校数”的校区
# 并入所属学校，并按数据约定逐表校验后写出整理后的数据表，供后面的指标计算使用。
#
# 发现的每个问题都列在下面的**数据质量问题清单**中；无法使用的原始记录列在**隔离表**中，并说明原因。
# 请据此到原始工作簿中核对、更正，然后重新运行。原始工作簿本身不会被修改。

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
from analysis.reporting import report, sections

r = results(period, data_dir, processed_dir, out_dir, until="clean")

# %% [markdown]
# ## 一、各表读入与写出情况
#
# “读入”为原始工作表中的有效记录数（在校生表按“学校 × 年级”计）；读入 = 写出 + 隔离 + 并入所属学校。
# 合计行不属于学校记录，单独列出。

# %% tags=["remove-input"]
display(Markdown(sections.clean_summary_text(r)))
display(HTML(sections.clean_summary_table(r)))

# %% [markdown]
# ## 二、数据质量问题清单
#
# 每行一个问题：所在文件、工作表、Excel 行号和列，原值，问题，以及清洗时的处理方式。“需更正”：有数据被
# 隔离或记为缺失，相关指标为“无数据”，请更正原始工作簿后重新运行；“请核对”：按某种假定读取，请确认；
# “已自动处理”：只整理了写法，数值未受影响。同一清单另存为 Excel（可筛选、可打印）。

# %% tags=["remove-input"]
display(Markdown(sections.quality_counts_text(r)))
display(HTML(report.html_table(r.data_quality, table="data_quality", caption="数据质量问题清单",
                               columns=sections.QUALITY_COLUMNS, empty_text="（未发现问题）")))

# %% [markdown]
# ## 三、隔离表
#
# 下列原始记录无法使用，未进入整理后的数据表。“原始记录”按原表头列出该行的全部内容。

# %% tags=["remove-input"]
display(HTML(report.html_table(r.quarantine, table="quarantine", caption="隔离的原始记录",
                               columns=sections.QUARANTINE_COLUMNS, empty_text="（无隔离记录）")))
