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
# # 到目标年份的预测、整改任务与最低成本方案
#
# 本笔记本回答县领导小组的几个问题：**按现在的情况和县里的实施方案，到目标年份能否达标？每所学校还缺什么？
# 补齐要花多少钱、由谁负责？满足全部规则、花钱最少的方案是什么？**
#
# 做法：
# 1. **预测**：以本期及以前各期整理后的数据为历史，按年级升级推算在校生（升级率由历年数据估计，新生按趋势外推），
#    按年龄推算教师退休，再加上情景文件中的招聘、交流、骨干认定、新建校舍、购置装备、多媒体教室和专用教室，
#    得到每一年的数据表；**每一年的指标都由同一个指标计算引擎计算**，与本期评估完全同一口径。
# 2. **整改任务**：现状和预测中的每项差距，折算成自然单位（教师人数、平方米、元、间、班），注明责任单位、完成时限和估算费用。
# 3. **最低成本方案**：用混合整数规划（HiGHS 求解器）在每校招聘、交流轮岗、骨干认定、新建校舍、购置装备和
#    多媒体教室中选择，使目标年份每个评估单位“每校达标”且各差异系数不超过上限，总成本最低；教师交流按学段
#    “调出—调入”汇总建模，模型规模随学校数线性增长；差异系数是非线性的，采用“求解—引擎复核—对超限指标加每校
#    下限—再求解”的割平面方法，直到引擎确认全部达标。
# 4. **敏感性**：在校生比预测多 10% 或少 10% 时结论是否改变；蒙特卡洛模拟给出各项达标的概率。
#
# 单位成本是估算假设（`costs.yaml`），情景是用户可编辑的 YAML 文件（`scenarios/`），详见 `docs/projection.md`。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>
target_year = ""       # 目标年份；"" → county.yaml 的 target_year，未填则按评估标准（2022）
scenario_dir = ""      # folder of scenario YAML files; "" → the bundled scenarios (baseline, county_plan)
standards_file = ""    # "" → the bundled standards (standards.yaml)

# %% tags=["remove-cell"]
from IPython.display import HTML, Markdown, display

from analysis.pipeline import results
from analysis.reporting import projection_figures as pfig
from analysis.reporting import report, sections

r = results(period, data_dir, processed_dir, out_dir, target_year=target_year, scenario_dir=scenario_dir,
            standards_file=standards_file)
std, meta = r.ctx.standards, r.projection

# %% tags=["remove-input"]
display(Markdown(sections.projection_intro(r)))

# %% [markdown]
# ## 一、目标年份能否达标
#
# 下表列出各情景下到目标年份**仍不达标**的学校指标和县级差异系数；“达标年份”是从该年起一直达标的第一年。
# 随后列出 32 项指标中到目标年份仍不达标（或无数据）的各项：预测只改变在校生、班级、教师和办学条件，
# 经费、督导评级、满意度等其余数据按本期延续，这些指标须由责任单位专项整改。

# %% tags=["remove-input"]
display(HTML(sections.target_year_blocks(r)))

# %% [markdown]
# ## 二、指标变化趋势

# %% tags=["remove-input"]
display(Markdown(sections.trajectory_text(std)))
display(Markdown(sections.per_unit_chart_note(r, "trajectory")))
for sc in meta["scenarios"].values():
    display(HTML(report.html_figure(pfig.unit_trajectories(r.trajectory, std, sc["name"]),
                                    alt=f"{sc['name']}：各单位指标与标准之比")))
display(Markdown(sections.cv_trajectory_text(std)))
display(HTML(report.html_figure(pfig.cv_trajectories(r.trajectory), alt="差异系数变化")))

# %% [markdown]
# ## 三、整改任务清单
#
# 由现状和“基准情景”（不采取新举措）的目标年预测得出：每项差距折算为自然单位；第 4–7 项是学校的资源，
# 一贯制学校按学段份额分摊，所以“需补充”的是**全校**新增量。现状差距的完成时限为申报时限，
# 预测中新出现（或扩大）的差距为整改提升阶段末。教师费用按每年计，其余为一次性投入。

# %% tags=["remove-input"]
display(Markdown(sections.tasks_text(r)))
display(HTML(report.html_table(r.tasks, headers=report.PROJECTION_HEADERS, columns=report.TASK_SHOWN_COLUMNS,
                               kinds=report.PROJECTION_KINDS, max_rows=80)))

# %% [markdown]
# ## 四、最低成本方案
#
# 在基准情景的目标年数据上求解。可选措施：招聘体育/艺术教师或其他学科教师（本科）、认定县级骨干教师、
# 在同学段学校间交流体育/艺术教师或骨干教师（从有富余的学校调出，成本低）、新建教学及辅助用房和运动场地、
# 购置教学仪器设备、建设网络多媒体教室。差异系数不是线性的，采用割平面迭代，每一轮都由指标引擎复核。
# 措施安排在下一年度实施；招聘和骨干认定按年计费至目标年。求解状态分三件事说明：方案是否经引擎复核全部达标
# （未通过的方案不能使用）；求解器是否证明它成本最低；未及证明时，它与最优下界的差距。

# %% tags=["remove-input"]
display(Markdown(sections.plan_text(r)))
display(HTML(report.html_table(sections.min_cost_actions(r), headers=report.PROJECTION_HEADERS,
                               columns=report.PLAN_SHOWN_COLUMNS, kinds=report.PROJECTION_KINDS,
                               empty_text="无需新增措施", max_rows=80)))
display(Markdown(sections.plan_check_text(r)))
display(HTML(report.html_table(r.plan_cv_after, table="cv",
                               columns=["stage", "indicator_name", "mean", "cv_shown", "limit", "passed"])))
display(Markdown(sections.budget_text(r)))

# %% [markdown]
# ## 五、费用：分年度与按责任单位
#
# “县实施方案”的费用按情景文件中本期以后的措施和同样的单位成本计算，便于与最低成本方案比较
# （本期及以前年份的措施已体现在本期数据中，不再计入）。

# %% tags=["remove-input"]
display(HTML(report.html_figure(pfig.cost_by_year(sections.cost_series(r)), alt="分年度支出")))
display(HTML(report.html_figure(pfig.cost_by_responsible(sections.plan_cost_by_responsible(r),
                                                         "最低成本方案：按责任单位汇总"), alt="按责任单位")))
display(HTML(report.html_figure(pfig.cost_by_responsible(sections.task_cost_by_responsible(r),
                                                         "整改任务（一次性投入）：按责任单位汇总"), alt="整改任务按责任单位")))

# %% [markdown]
# ## 六、敏感性与蒙特卡洛模拟

# %% tags=["remove-input"]
display(Markdown(sections.sensitivity_text(r)))
display(HTML(sections.sensitivity_table(r)))
display(Markdown(sections.monte_carlo_text(r)))
display(HTML(sections.monte_carlo_table(r)))

# %% [markdown]
# ## 七、结果文件
#
# 以上结果表写在本期整理后数据文件夹（parquet 与 CSV），供自评报告和整改报告使用；各列含义见 `docs/projection.md`。

# %% tags=["remove-input"]
display(Markdown(sections.result_files_text(r)))
