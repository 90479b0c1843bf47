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
target_year = ""       # "" → county.yaml 的 target_year，未填则按评估标准
scenario_dir = ""      # "" → the bundled scenarios
standards_file = ""    # "" → the bundled standards (standards.yaml)

# %% tags=["remove-cell"]
from IPython.display import HTML, Markdown, display

from analysis.pipeline import results
from analysis.reporting import figures, report, sections

r = results(period, data_dir, processed_dir, out_dir, until="narrative", standards_file=standards_file)
std = r.ctx.standards

# %% tags=["remove-input"]
display(HTML(sections.report_header(r, "self_assessment")))
display(HTML(report.headline_html(r.verdict, county=r.ctx.county, period=period)))

# %% [markdown]
# 本报告依据《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）和本县实施方案，对照资源配置、
# 政府保障程度、教育质量、社会认可度四个方面共 32 项指标进行自评。报告中的每个数字均由分析工具根据
# 本期整理后的数据计算得出；结论部分由计算结果自动生成；“基本情况”“主要做法和成效”“存在问题”
# “下一步打算”中的文字由县教育局撰写。申报表各表（表Ⅰ—表Ⅵ）按国家申报表的格式列出，并另存为
# Excel 文件 application_tables.xlsx。

# %% tags=["remove-input"]
display(Markdown(sections.overrides_text(std)))

# %% [markdown]
# ## 一、基本情况

# %% tags=["remove-input"]
display(HTML(sections.narrative_section(r, "基本情况")))
display(HTML(sections.county_profile_section(r)))
display(HTML(sections.form_section(r, "Ⅰ")))

# %% [markdown]
# ## 二、主要做法和成效

# %% tags=["remove-input"]
display(HTML(sections.narrative_section(r, "主要做法和成效")))

# %% [markdown]
# ## 三、资源配置

# %% tags=["remove-input"]
display(HTML(sections.resource_summary(r)))
display(HTML(sections.form_section(r, "Ⅱ-1")))

# %% [markdown]
# ### （一）各校资源配置 7 项指标（申报表Ⅱ-2）

# %% tags=["remove-input"]
display(HTML(sections.form_section(r, "Ⅱ-2")))

# %% [markdown]
# ### （二）校际差异系数（申报表Ⅲ）

# %% tags=["remove-input"]
display(HTML(sections.form_section(r, "Ⅲ")))
display(HTML(report.html_figure(figures.cv_figure(r.cv, std), alt="各指标校际差异系数")))
display(HTML(report.html_figure(figures.met_share_figure(r.units, std), alt="各指标达标单位占比")))

# %% [markdown]
# ### （三）评估单位明细
#
# 下表列出全部评估单位（含按规定不纳入资源配置评估的单位及原因）。红色为未达到标准的数值；“—”表示缺少数据
# （不按 0 计算）。

# %% tags=["remove-input"]
display(HTML(sections.unit_tables_by_stage(r)))
display(HTML(sections.cv_section(r)))

# %% [markdown]
# ## 四、政府保障程度（申报表Ⅳ）

# %% tags=["remove-input"]
display(HTML(sections.form_section(r, "Ⅳ")))

# %% [markdown]
# 政府保障程度 15 项指标须全部达到要求。下表逐项列出县域实际情况、标准、结果与佐证材料；未达标指标列出
# 未达标的学校或事项。

# %% tags=["remove-input"]
display(HTML(sections.area_section(r, "政府保障程度")))

# %% [markdown]
# ## 五、教育质量（申报表Ⅴ）

# %% tags=["remove-input"]
display(HTML(sections.form_section(r, "Ⅴ")))
display(HTML(sections.area_section(r, "教育质量")))

# %% [markdown]
# ## 六、社会认可度（申报表Ⅵ）

# %% tags=["remove-input"]
display(HTML(sections.form_section(r, "Ⅵ")))
display(HTML(sections.recognition_section(r)))

# %% [markdown]
# ## 七、自评结论

# %% tags=["remove-input"]
display(HTML(sections.conclusion_section(r)))

# %% [markdown]
# ## 八、存在问题

# %% tags=["remove-input"]
display(HTML(sections.narrative_section(r, "存在问题")))
display(HTML(sections.gaps_summary(r)))

# %% [markdown]
# ## 九、下一步打算

# %% tags=["remove-input"]
display(HTML(sections.narrative_section(r, "下一步打算")))

# %% [markdown]
# ## 附：数据质量说明
#
# 以下列出数据整理中发现的问题及处理方式，以及无法使用而被隔离的原始记录。缺失的数据不按 0 计算，相关指标
# 标为“无数据”。

# %% tags=["remove-input"]
display(HTML(sections.form_missing_section(r)))
display(HTML(sections.data_quality_section(r)))
