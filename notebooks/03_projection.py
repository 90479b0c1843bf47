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
# # 到目标年份的预测、整改任务与最低成本方案
#
# 本笔记本回答县领导小组的几个问题：**按现在的情况和县里的实施方案，到目标年份（县 county.yaml 的
# `target_year`，未填时按评估标准的 2022 年国家认定）能否达标？每所学校还缺什么？补齐要花多少钱、由谁负责？满足全部规则、花钱最少的方案是什么？**
#
# 做法：
# 1. **预测**：以本期及以前各期整理后的数据为历史，按年级升级推算在校生（升级率由历年数据估计，新生按趋势外推），
#    按年龄推算教师退休，再加上情景文件中的招聘、交流、骨干认定、新建校舍、购置装备、多媒体教室和专用教室，
#    得到每一年的数据表；**每一年的指标都由同一个指标计算引擎计算**，与本期评估完全同一口径。
# 2. **整改任务**：现状和预测中的每项差距，折算成自然单位（教师人数、平方米、元、间、班），注明责任单位、完成时限和估算费用。
# 3. **最低成本方案**：用混合整数规划（`scipy.optimize.milp`）在每校招聘、交流轮岗、骨干认定、新建校舍、购置装备和
#    多媒体教室中选择，使目标年份每个评估单位“每校达标”且各差异系数不超过上限，总成本最低；差异系数是非线性的，
#    采用“求解—引擎复核—对超限指标加每校下限—再求解”的割平面方法，直到引擎确认全部达标。
# 4. **敏感性**：在校生比预测多 10% 或少 10% 时结论是否改变；蒙特卡洛模拟给出各项达标的概率。
#
# 单位成本是估算假设（`costs.yaml`），情景是用户可编辑的 YAML 文件（`scenarios/`），详见 `docs/projection.md`。
#
# 本期已到或超过目标年时（已到目标年），不作预测：各节显示本期的实际情况，整改任务和最低成本方案按本期数据计算，
# 不作在校生敏感性分析和模拟。

# %% tags=["parameters"]
period = "2021"        # reporting period (str)
data_dir = ""          # raw data folder of the county; "" → bundled demo data data/raw/demo
processed_dir = ""     # "" → data/processed
out_dir = ""           # "" → reports/<period>  (for files a notebook writes itself, e.g. xlsx)
target_year = ""       # 目标年份；"" → county.yaml 的 target_year，未填则按评估标准（2022）
scenario_dir = ""      # folder of scenario YAML files; "" → the bundled scenarios (baseline, county_plan)

# %% tags=["remove-cell"]
import time
import warnings

warnings.filterwarnings("ignore")

import matplotlib

matplotlib.use("Agg")
import pandas as pd
from IPython.display import HTML, Markdown, display

from analysis import paths  # noqa: F401  (plotting registers the CJK font)
from analysis.reporting import plotting
from analysis.reporting import report
from analysis.reporting import projection_figures as pfig
from analysis.engine import resource_tables
from analysis.planning.costs import load_costs
from analysis.planning.optimise import action_table, cost_by_year, optimise
from analysis.planning.projection import (
    ScenarioError, first_met_year, load_history, load_scenarios, monte_carlo, period_year, project,
    scenario_actions, sensitivity, sensitivity_summary, trajectory, write_results,
)
from analysis.engine import evaluate as evaluate_all
from analysis.pipeline.runner import county_meta
from analysis.config.standards import load_standards
from analysis.config.standards import target_year as configured_target_year
from analysis.planning.tasks import cost_by_responsible, rectification_tasks

period = str(period)
data_dir, processed_dir, out_dir = paths.notebook_dirs(period, data_dir, processed_dir, out_dir)
standards = load_standards()
costs = load_costs()
cur_year = period_year(period)
target_year = (int(target_year) if str(target_year).strip()
               else configured_target_year(standards, county_meta(data_dir)))
# 已到目标年: the period itself is the year judged; nothing is projected
at_target = cur_year >= target_year
horizon = max(target_year, cur_year)
horizon_text = f"{horizon} 年（本期，已到目标年）" if at_target else f"{horizon} 年"
res_std = standards["resources"]
floor_pct = f"{res_std['floor_ratio']:.0%}"
rule_text = f"7 项中至少 {res_std['min_met']} 项达到标准、其余每项不低于标准的 {floor_pct}"
cv_limits_text = "、".join(f"{s} {v:.2f}" for s, v in res_std["cv_limit"].items())
STATUS_ZH = {"optimal": "已求得最优方案，并经指标引擎复核", "infeasible": "无可行方案",
             "failed": "未得到经引擎复核的方案"}

history = load_history(period, data_dir, processed_dir)
scenarios = load_scenarios(scenario_dir)
projected, rejected = {}, {}
for name, sc in scenarios.items():
    try:
        projected[name] = project(history, sc, horizon, standards)
    except ScenarioError as err:  # e.g. the bundled demo plan names schools this county does not have
        rejected[name] = str(err)
scenarios = {n: sc for n, sc in scenarios.items() if n in projected}
traj = pd.concat([trajectory(projected[n], standards, sc.name, verdict=True) for n, sc in scenarios.items()],
                 ignore_index=True)
first = first_met_year(traj, horizon)


def show(html: str) -> None:
    display(HTML(html))


def money(x: float) -> str:
    return f"{x / 1e4:,.1f} 万元"


# %% tags=["remove-input"]
display(Markdown(
    f"历史数据：{'、'.join(history)} 年（共 {len(history)} 期）；本期 {period} 年；"
    + (f"**已到目标年**（目标年 {target_year} 年）：不作预测，以下各节是本期 {period} 年的实际情况，"
       f"整改任务和最低成本方案按本期数据计算。" if at_target else f"预测到 {target_year} 年。")
    + f"情景：{'；'.join(f'**{sc.name}**（{sc.description}）' for sc in scenarios.values())}。"
))
for name, msg in rejected.items():
    display(Markdown(
        f"**情景文件 {name}.yaml 未采用（已跳过，以下各节不含该情景）**：{msg}\n\n"
        "随附的 `county_plan.yaml` 是示例县的方案，用的是示例县的学校标识码；换成本县数据时，"
        "请按本县的学校标识码编写情景文件，放入一个文件夹，并用参数 `scenario_dir` 指定。"
    ))
notes = sorted({n for sc in scenarios.values() for n in sc.notes})
if notes:
    display(Markdown("说明：" + "；".join(notes)))

# %% [markdown]
# ## 一、目标年份能否达标
#
# 下表列出各情景下到目标年份**仍不达标**的学校指标和县级差异系数；“达标年份”是从该年起一直达标的第一年。
# 随后列出 32 项指标中到目标年份仍不达标（或无数据）的各项：预测只改变在校生、班级、教师和办学条件，
# 经费、督导评级、满意度等其余数据按本期延续，这些指标须由责任单位专项整改。

# %% tags=["remove-input"]
names32 = evaluate_all(history[period], standards).verdict.set_index("code")[["name", "responsible"]]
for name, sc in scenarios.items():
    f = first[first["scenario"] == sc.name]
    f32 = f[f["level"] == "县指标"]
    f = f[f["level"] != "县指标"]
    bad = f[~f["met_in_target"]]
    units_bad = bad[(bad["level"] == "学校") & (bad["indicator"] == "每校达标")]
    cv_bad = bad[bad["level"] == "县"]
    display(Markdown(
        f"**{sc.name}**：到 {horizon_text}，不能“每校达标”的评估单位 **{len(units_bad)}** 个，"
        f"超过上限的差异系数 **{len(cv_bad)}** 项。"
    ))
    show(report.html_table(bad, headers=report.PROJECTION_HEADERS,
                           columns=["school_name", "stage", "indicator", "first_met_year"],
                           empty_text=f"全部达标（{horizon}年）", max_rows=60))
    bad32 = f32[~f32["met_in_target"]].join(names32, on="indicator")
    display(Markdown(f"32 项指标中到 {horizon_text}仍未达标或无数据的 **{len(bad32)}** 项："))
    show(report.html_table(bad32, headers={**report.PROJECTION_HEADERS, "name": "指标名称", "responsible": "责任单位"},
                           columns=["indicator", "name", "first_met_year", "responsible"],
                           empty_text="全部达标"))

# %% [markdown]
# ## 二、指标变化趋势
#
# %% tags=["remove-input"]
display(Markdown(
    f"每个小图是一项资源配置指标，纵轴是“指标值 ÷ 标准”（1.0 为达标，{res_std['floor_ratio']:.2f} 为"
    f"“其余每项不低于标准的 {floor_pct}”的底线）；红线是到目标年份仍低于标准的评估单位。"
))
for name, sc in scenarios.items():
    fig = pfig.unit_trajectories(traj, standards, sc.name)
    show(report.html_figure(fig, alt=f"{sc.name}：各单位指标与标准之比"))

# %% tags=["remove-input"]
display(Markdown(f"各学段 7 项指标的校际差异系数（按 {res_std['cv_decimals']} 位小数显示）与上限（{cv_limits_text}）："))
show(report.html_figure(pfig.cv_trajectories(traj), alt="差异系数变化"))

# %% [markdown]
# ## 三、整改任务清单
#
# 由现状和“基准情景”（不采取新举措）的目标年预测得出：每项差距折算为自然单位；第 4–7 项是学校的资源，
# 一贯制学校按学段份额分摊，所以“需补充”的是**全校**新增量。现状差距的完成时限为申报时限，
# 预测中新出现（或扩大）的差距为整改提升阶段末。教师费用按每年计，其余为一次性投入。

# %% tags=["remove-input"]
base_name = "baseline" if "baseline" in projected else next(iter(projected))
base_proj = projected[base_name]
units_now, cv_now = resource_tables(base_proj[cur_year], standards)
if at_target:  # the period is the target year: its own gaps only, no projected ones
    tasks = rectification_tasks(units_now, None, standards, costs, horizon, cv_now, None, base_proj[cur_year], None)
else:
    units_tgt, cv_tgt = resource_tables(base_proj[horizon], standards)
    tasks = rectification_tasks(units_now, units_tgt, standards, costs, horizon, cv_now, cv_tgt,
                                base_proj[cur_year], base_proj[horizon])
one_off = tasks.loc[tasks["cost_kind"] == "一次性", "cost_yuan"].sum()
yearly = tasks.loc[tasks["cost_kind"] == "每年", "cost_yuan"].sum()
display(Markdown(f"共 **{len(tasks)}** 项任务；估算一次性投入 **{money(one_off)}**，每年人员经费 **{money(yearly)}**。"))
show(report.html_table(tasks, headers=report.PROJECTION_HEADERS, columns=report.TASK_SHOWN_COLUMNS,
                       kinds=report.PROJECTION_KINDS,
                       max_rows=80))

# %% [markdown]
# ## 四、最低成本方案
#
# 在基准情景的目标年数据上求解。可选措施：招聘体育/艺术教师或其他学科教师（本科）、认定县级骨干教师、
# 在同学段学校间交流体育/艺术教师或骨干教师（从有富余的学校调出，成本低）、新建教学及辅助用房和运动场地、
# 购置教学仪器设备、建设网络多媒体教室。约束见下；差异系数不是线性的，采用割平面迭代，每一轮都由指标引擎复核。
# 措施安排在下一年度实施；招聘和骨干认定按年计费至目标年。只有引擎复核全部达标的方案才称为“最优方案”。

# %% tags=["remove-input"]
display(Markdown(f"约束：目标年每个参评单位{rule_text}（每校达标）；各学段差异系数不超过上限（{cv_limits_text}）。"
                 + (f"已到目标年：方案按本期（{cur_year} 年）数据计算，措施记在本期，招聘和骨干认定按一年计费。"
                    if at_target else "")))
# actions in the next year; at the target year, in the period itself
plan_year = horizon if at_target else min(cur_year + 1, target_year)
t0 = time.perf_counter()
plan = optimise(base_proj[horizon], standards, horizon, costs=costs, years=[plan_year])
elapsed = time.perf_counter() - t0
print(f"求解用时 / solve time: {elapsed:.2f} 秒（含 {plan.iterations} 轮割平面与引擎复核）")
naive_inc = plan.naive_units_after[plan.naive_units_after["included"].fillna(False).astype(bool)]
naive_pass = int(naive_inc["unit_pass"].fillna(False).astype(bool).sum())
naive_cv = int(plan.naive_cv_after["passed"].fillna(False).astype(bool).sum())
lines = [f"**求解状态**：{STATUS_ZH.get(plan.status, plan.status)}（{plan.status}）。{plan.message}", ""]
if plan.status == "optimal":
    lines += [f"- 最低成本方案：**{money(plan.cost_total)}**",
              f"- 简单方案（每个单位每项指标都补足到 100% 标准）：**{money(plan.naive_cost)}**；实施后每校达标 "
              f"{naive_pass} / {len(naive_inc)} 个单位，差异系数达标 {naive_cv} / {len(plan.naive_cv_after)} 项",
              f"- 节约：**{money(plan.naive_cost - plan.cost_total)}**"]
else:
    lines += [f"- 下表的方案**未经引擎确认全部达标**，不能作为最低成本方案使用；估算费用 {money(plan.cost_total)}",
              f"- 简单方案（每个单位每项指标都补足到 100% 标准）：{money(plan.naive_cost)}"]
display(Markdown("\n".join(lines)))
show(report.html_table(plan.table, headers=report.PROJECTION_HEADERS, columns=report.PLAN_SHOWN_COLUMNS,
                       kinds=report.PROJECTION_KINDS,
                       empty_text="无需新增措施", max_rows=80))

# %% [markdown]
# 引擎复核（把方案施加到目标年数据上，重新计算全部指标）：

# %% tags=["remove-input"]
ua, ca = plan.units_after, plan.cv_after
if ua is not None:
    inc = ua[ua["included"].fillna(False).astype(bool)]
    display(Markdown(
        f"方案实施后：每校达标 **{int(inc['unit_pass'].fillna(False).astype(bool).sum())} / {len(inc)}** 个单位；"
        f"差异系数达标 **{int(ca['passed'].fillna(False).astype(bool).sum())} / {len(ca)}** 项。"
    ))
    show(report.html_table(ca, table="cv", columns=["stage", "indicator_name", "mean", "cv_shown", "limit", "passed"]))

# %% [markdown]
# **预算约束示例**：若下一年度只能安排最低成本的一半，方案不可行；程序报告“不可行”以及每年缺少的金额。

# %% tags=["remove-input"]
if plan.status == "optimal" and plan.cost_total > 0:
    budget = {plan_year: round(plan.cost_total / 2, -2)}
    tight = optimise(base_proj[horizon], standards, horizon, costs=costs, years=[plan_year], budgets=budget)
    display(Markdown(f"预算 {money(budget[plan_year])}（{plan_year}年）：**{STATUS_ZH.get(tight.status, tight.status)}**"
                     f"（{tight.status}）。{tight.message}"))

# %% [markdown]
# ## 五、费用：分年度与按责任单位
#
# “县实施方案”的费用按情景文件中本期以后的措施和同样的单位成本计算，便于与最低成本方案比较
# （本期及以前年份的措施已体现在本期数据中，不再计入）。

# %% tags=["remove-input"]
plan_tables = {"最低成本方案": plan.table, "简单方案": plan.naive_table}
for name, sc in scenarios.items():
    # actions dated in or before the current period are already in its data
    acts = {k: [a for a in v if int(a["year"]) > cur_year] for k, v in scenario_actions(sc).items()}
    if any(acts.values()):
        plan_tables[sc.name] = action_table(acts, history[period], standards, costs, horizon)
cost_years = [plan_year] if at_target else list(range(cur_year + 1, horizon + 1))
by_year = {k: cost_by_year(v, horizon, cost_years) for k, v in plan_tables.items()}
show(report.html_figure(pfig.cost_by_year(by_year), alt="分年度支出"))
plan_cost = pd.concat([s.rename_axis("year").reset_index().assign(plan=k) for k, s in by_year.items()],
                      ignore_index=True)[["plan", "year", "cost_yuan"]]
resp = cost_by_responsible(plan.table.assign(cost_kind="合计"))
show(report.html_figure(pfig.cost_by_responsible(resp, "最低成本方案：按责任单位汇总"), alt="按责任单位"))
resp_tasks = cost_by_responsible(tasks)
show(report.html_figure(pfig.cost_by_responsible(resp_tasks[resp_tasks["cost_kind"] == "一次性"],
                                                 "整改任务（一次性投入）：按责任单位汇总"), alt="整改任务按责任单位"))

# %% [markdown]
# ## 六、敏感性：在校生比预测多或少 10%

# %% tags=["remove-input"]
sens = pd.concat([sensitivity(history, sc, horizon, standards) for sc in scenarios.values()],
                 ignore_index=True)
if at_target:
    display(Markdown(f"已到目标年：本期 {period} 年的在校生是实际数，不是预测，不作在校生增减 10% 的敏感性分析。"))
else:
    summ = sensitivity_summary(sens)
    summ_show = summ.assign(
        enrolment_scale=summ["enrolment_scale"].map(lambda s: f"{s:.0%}"),
        units_pass=summ["units_pass"].astype(str) + " / " + summ["units"].astype(str),
        cv_pass=summ["cv_pass"].astype(str) + " / " + summ["cv"].astype(str),
        all_pass=summ["all_pass"].map({True: "达标", False: "未达标"}),
    )
    show(report.html_table(summ_show, headers={"scenario": "情景", "enrolment_scale": "在校生（相对预测）",
                                               "units_pass": "每校达标单位", "cv_pass": "差异系数达标",
                                               "all_pass": "资源配置总体"},
                           columns=["scenario", "enrolment_scale", "units_pass", "cv_pass", "all_pass"]))

# %% tags=["remove-input"]
mc_draws, mc_sd = 40, 0.05   # 模拟次数；每预测一年在校生的相对标准差（假设）
display(Markdown("已到目标年：本期在校生是实际数，没有预测误差可模拟，不作蒙特卡洛模拟。") if at_target else Markdown(
    f"**蒙特卡洛模拟**：各校目标年在校生在预测值上下随机波动（每校独立，正态分布，标准差 {mc_sd:.0%} × √预测年数，"
    f"为假设），共模拟 {mc_draws} 次，每次都由指标引擎重新计算，统计各评估单位“每校达标”、各差异系数达标和全部达标的概率。"
    "下表只列出达标概率低于 100% 的项目；“模拟次数”少于总次数的单位只在部分模拟中纳入评估"
    "（如学生数在纳入评估门槛上下的教学点）。"
))
t0 = time.perf_counter()
mc = pd.concat([monte_carlo(projected[n][horizon], standards, horizon - cur_year, n=mc_draws,
                            sd_per_year=mc_sd, scenario_name=sc.name) for n, sc in scenarios.items()],
               ignore_index=True)
if not at_target:
    print(f"模拟用时 / simulation time: {time.perf_counter() - t0:.1f} 秒")
    risky = mc[mc["pass_probability"] < 1].sort_values(["scenario", "pass_probability"])
    show(report.html_table(risky.assign(pass_probability=risky["pass_probability"].map(lambda p: f"{p:.0%}")),
                           headers={**report.PROJECTION_HEADERS, "pass_probability": "达标概率", "draws": "模拟次数"},
                           columns=["scenario", "school_name", "stage", "indicator", "pass_probability", "draws"],
                           empty_text="全部项目在每次模拟中都达标", max_rows=60))

# %% [markdown]
# ## 七、结果文件
#
# 以下结果表写入本期整理后数据文件夹（parquet 与 CSV），供自评报告和整改报告使用；各列含义见 `docs/projection.md`。

# %% tags=["remove-input"]
plan_table = plan.table.assign(plan="最低成本方案")
outputs = {
    "trajectory": traj,
    "first_met": first,
    "tasks": tasks,
    "plan": plan_table,
    "plan_summary": plan.summary(),
    "plan_cost": plan_cost,
    "sensitivity": sens,
    "pass_probability": mc,
}
written = write_results(outputs, processed_dir / period)
display(Markdown("已写出：" + "、".join(sorted({p.stem for p in written}))))
