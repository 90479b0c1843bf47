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
# # 假设分析：改动学校的条件，看指标怎样变化
#
# 选择学校，改变它的条件——交流或招聘教师（按学科）、认定骨干教师、新建校舍和场地、购置设备、增加网络
# 多媒体教室或音乐美术专用教室、改变新生数——立即看到资源配置 7 项指标、每校达标、校际差异系数和 32 项
# 指标的结果，以及与基准相比的变化。所有数字由与正式报告相同的指标计算引擎算出。
#
# 这个笔记本供分析人员在 JupyterLab 中探索使用，`analysis run` 不运行它（文件名没有序号）。
# 满意的方案可以“保存为情景”：得到的情景文件（YAML）放进一个文件夹，用
# `analysis run --scenarios 文件夹` 运行，预测和整改报告就会把它作为一个方案计算。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>
target_year = ""       # "" → county.yaml 的 target_year，未填则按评估标准
scenario_dir = ""      # "" → the bundled scenarios
standards_file = ""    # "" → the bundled standards (standards.yaml)
base = "target"        # 基准："target"（目标年的基准情景预测）或 "now"（本期现状）
save_to = ""           # 保存为情景文件的路径（*.yaml）；"" → 不保存
scenario_name = "假设分析方案"  # 保存时的情景名称
show_panel = True      # False → 不显示操作面板（无浏览器的后台运行，如 papermill -p show_panel False）：只用面板的默认设置

# %% tags=["remove-cell"]
from IPython.display import HTML, display

from analysis import whatif
from analysis.whatif import show, widgets

w = whatif.open_period(str(period), data_dir, processed_dir, out_dir, base=base, target_year=target_year,
                       scenario_dir=scenario_dir, standards_file=standards_file)

# %% [markdown]
# ## 一、操作面板
#
# 先选“改动”的类型，再选学校和数量，点“添加改动”。可以连续添加多项；“撤销上一项”“全部清空”回到
# 之前的状态。下方的表格随每次改动更新：先列出结果有变化的指标，再列出改动涉及的学校的 7 项指标、
# 差异系数和全部 32 项指标。

# %%
panel = widgets.panel(w, live=show_panel)
if show_panel:
    display(panel.widget)
else:
    display(HTML("<p>（后台运行：操作面板不显示，下面用面板的默认设置。）</p>"))

# %% [markdown]
# ## 二、用操作面板当前的设置算一次
#
# 没有浏览器时（例如用 papermill 在后台运行本笔记本），操作面板无法点击；下面用面板上的默认设置
# 添加一项改动，结果与点“添加改动”相同。

# %%
outcome = panel.apply()
display(HTML(show.outcome_html(w, outcome)))

# %% [markdown]
# ## 三、不用操作面板，直接写代码
#
# 同样的功能都可以直接调用，例如：
#
# ```python
# w.move_teachers("2104210015", "2104210001", stage="小学", count=1, subject="体育")  # 交流 1 名体育教师
# w.hire_teachers("2104210009", stage="初中", subject="美术", count=1)                 # 招聘
# w.designate_backbone("2104210009", stage="初中", count=1, level="县级")              # 认定骨干教师
# w.add_area("2104210004", sports_ground_m2=1000)                                     # 扩建运动场
# w.add_equipment("2104210033", yuan=280000)                                          # 购置设备
# w.add_multimedia("2104210019", rooms=2)                                             # 多媒体教室
# w.add_special_rooms("2104210002", room_type="音乐", count=1, area_m2=96)             # 音乐专用教室
# out = w.set_entrants("2104210001", 120)                                             # 新生数
# out.statuses(); out.cvs(); out.units(); out.unit_verdicts()                         # 结果表（DataFrame）
# w.undo(); w.reset()
# w.save_scenario("my_scenarios/plan.yaml", name="体育教师交流与运动场扩建")             # 保存为情景
# ```
#
# 学校可以写学校标识码，也可以写名称（名称须唯一）。

# %% [markdown]
# ## 四、保存为情景
#
# 参数 `save_to` 不为空时，把目前的全部改动保存为情景文件。

# %%
if save_to:
    print(w.save_scenario(save_to, name=scenario_name, overwrite=True))
