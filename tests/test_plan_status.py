"""The plan's solver status in words (issue #15): whether the engine verified the plan, whether
the solver proved it optimal, and otherwise the gap to the best bound. A time limit reached with a
verified plan is a verified plan without a proof, never a failure; the budget example says the
same of its own solve, on the plan's own model."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from analysis.config.standards import load_standards
from analysis.planning.optimise import optimise, within_budget
from analysis.reporting import sections
from analysis.reporting.texts import plan_status_lines

S = load_standards()


@pytest.fixture(scope="module")
def plans(demo_tables_2019):
    """The 35-school demo county, period 2019, at its own target year: once with no time to
    solve (time_limit 0: the solver stops at once with its warm start, the naive plan in the
    model's terms), once as usual."""
    return optimise(demo_tables_2019, S, 2019, time_limit=0), optimise(demo_tables_2019, S, 2019)


def _r(info: dict) -> SimpleNamespace:
    return SimpleNamespace(plan_info=info, ctx=SimpleNamespace(standards=S),
                           projection={"at_target": True, "year": 2019})


def test_time_limit_gives_a_verified_plan_without_proof_not_a_failure(plans):
    limited, full = plans
    assert limited.status == "verified"
    assert limited.verified is True and limited.proven is False
    assert limited.gap is None  # stopped before any bound
    assert "引擎复核通过" in limited.message and "未能证明该方案最优" in limited.message
    assert "未通过" not in limited.message and "failed" not in limited.message
    info = limited.info()
    # 14 CVs = 2 stages × 7 indicators; every included unit passes
    assert info["cv_total"] == info["cv_pass_after"] == 14
    assert info["units_pass_after"] == info["units_total"] > 0
    engine, proof = plan_status_lines(info)
    assert engine.startswith("**引擎复核**：通过。") and f"全部 {info['units_total']} 个参评单位每校达标" in engine
    assert proof.startswith("**最优性**：未证明。") and "尚未得到最优下界" in proof
    text = sections.plan_text(_r({**info, "solve_seconds": limited.solve_seconds, "cost_total": limited.cost_total,
                                  "naive_cost": limited.naive_cost, "naive_units_pass": 1, "naive_units": 1,
                                  "naive_cv_pass": 14, "naive_cv": 14}))
    assert "**求解状态**：方案已经指标引擎复核全部达标，但未证明最优。" in text
    assert "经复核的方案（未证明成本最低）" in text and "未经引擎确认" not in text
    # with time to solve: proven optimal, and no dearer than the stopped one
    assert full.status == "optimal" and full.proven and full.gap == 0.0
    assert full.cost_total <= limited.cost_total
    assert plan_status_lines(full.info())[1].startswith("**最优性**：已证明。")


def test_gap_wording_with_a_bound():
    # a plan verified, stopped with a relative gap of 3.21% and a bound of 1 234 000 元 = 123.4 万元
    info = {"verified": True, "proven": False, "gap": 0.0321, "bound": 1_234_000.0, "time_limit": 60.0,
            "units_total": 34, "units_pass_after": 34, "cv_total": 14, "cv_pass_after": 14}
    engine, proof = plan_status_lines(info)
    assert engine.startswith("**引擎复核**：通过。")
    assert "每轮求解的时间上限 60 秒" in proof and "**3.21%**" in proof and "不低于 123.4 万元" in proof
    assert "不是方案本身有误，方案可以使用" in proof
    # not verified: said first, and the plan must not be used, whatever the proof
    info.update(verified=False, units_pass_after=30)
    engine, _ = plan_status_lines(info)
    assert engine == ("**引擎复核**：未通过（每校达标 30 / 34 个单位，差异系数达标 14 / 14 项），"
                      "该方案不能作为整改方案使用。")


def test_budget_example_reuses_the_model_and_says_its_own_status(plans):
    limited, full = plans
    budget = round(full.cost_total / 2, -2)
    model = full.model
    n_vars = model.size["variables"]
    tight = within_budget(full, {2019: budget})
    assert tight.model is model and tight.size["variables"] == n_vars  # the same model, not a new one
    # at the target year one year's pay is the whole cost: the cheapest plan of least missing
    # money is the minimum-cost plan, so exactly its cost less the budget is missing
    assert tight.status == "infeasible" and tight.proven
    assert tight.missing["missing_yuan"].tolist() == [full.cost_total - budget]
    text = sections.budget_text(SimpleNamespace(plan_info={"budget_example": {
        "year": 2019, "budget": budget, **tight.info(), "solve_seconds": tight.solve_seconds}}))
    assert "**预算不足**：2019 年缺" in text and "缺口是满足全部规则所需的最少追加资金" in text
    # the same with no time: the missing money of the warm start, said to be unproven
    stopped = within_budget(limited, {2019: budget}, time_limit=0)
    assert stopped.status == "infeasible" and not stopped.proven
    text = sections.budget_text(SimpleNamespace(plan_info={"budget_example": {
        "year": 2019, "budget": budget, **stopped.info(), "solve_seconds": stopped.solve_seconds}}))
    assert "**最优性**：未证明" in text and "所列缺口可能偏大" in text
    assert "引擎复核**：通过" in text
