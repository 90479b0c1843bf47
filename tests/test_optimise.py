"""The minimum-cost plan on small cases whose optimum is worked by hand (issue #5)."""

from __future__ import annotations

import copy
import math

import pandas as pd
import projection_fixtures as F
import pytest

from analysis.config.standards import load_standards
from analysis.engine import resource_tables as evaluate
from analysis.planning.costs import load_costs
from analysis.planning.optimise import apply_plan, optimise

S = load_standards()
C = load_costs()


def _at_standard(code, P=100, equip=None):
    """Primary-school facilities at the standard for P pupils (4.5 m², 7.5 m², 2000 元, ≥ 2.3 rooms)."""
    return F.facility(code, 4.5 * P, 7.5 * P, equip if equip is not None else 2000.0 * P, 3.0 * P / 100)


def _staff(code, n_other=4, n_backbone=1, n_pe=1):
    t = [F.teacher(f"{code}B{i}", code, backbone="县级") for i in range(n_backbone)]
    t += [F.teacher(f"{code}O{i}", code) for i in range(n_other)]
    t += [F.teacher(f"{code}P{i}", code, subject="体育") for i in range(n_pe)]
    return t


@pytest.fixture(scope="module")
def transfer_case():
    """X: 100 pupils, no PE/art teacher (L3 = 0 < 85% of 0.9). Y: 100 pupils, 3 PE teachers (L3 = 3.0).
    Every other indicator at the standard in both. A hire costs 80 000 元 a year, a transfer 8 000 元."""
    t = F.tables([F.school("X"), F.school("Y")], {"X": {1: 100}, "Y": {1: 100}},
                 _staff("X", n_other=4, n_pe=0) + _staff("Y", n_other=4, n_pe=3),
                 [_at_standard("X"), _at_standard("Y")])
    return t, optimise(t, S, 2022)


def test_transfer_beats_hire(transfer_case):
    _, plan = transfer_case
    # optimum: move 1 PE teacher Y → X (8 000 元); X L3 = 1.0, Y L3 = 2.0, Y L1 = 7 ≥ 4.2.
    # CV of L3 after: mean 1.5, sd 0.5 → 0.333 ≤ 0.50. A hire would cost 80 000 元.
    assert plan.status == "optimal"
    assert plan.cost_total == pytest.approx(C["teachers"]["transfer"])
    mv = plan.actions["moves"]
    assert len(mv) == 1 and (mv[0]["from"], mv[0]["to"], mv[0]["count"]) == ("Y", "X", 1)
    assert plan.actions["hires"] == []
    # naive: X needs ceil(0.9 × 100 / 100) = 1 PE hire → 80 000 元
    assert plan.naive_cost == pytest.approx(C["teachers"]["hire_per_year"])


def test_plan_reverified_by_engine(transfer_case):
    tables, plan = transfer_case
    units, cv = evaluate(apply_plan(tables, plan.actions, [2022]), S)
    assert plan.verified is True
    assert units["unit_pass"].all()
    assert cv["passed"].all()
    l3 = units.set_index("school_code")["L3"]
    assert l3["X"] == pytest.approx(1.0) and l3["Y"] == pytest.approx(2.0)


@pytest.fixture(scope="module")
def six_of_seven():
    """Z: 200 pupils, L4 = 720/200 = 3.6 (80% of 4.5) and L6 = 360 000/200 = 1 800 (90% of 2 000);
    everything else at the standard. W: 200 pupils, all at the standard."""
    T = _staff("Z", n_other=7, n_backbone=2, n_pe=2) + _staff("W", n_other=7, n_backbone=2, n_pe=2)
    fz = F.facility("Z", 720.0, 1500.0, 360000.0, 5.0)
    return F.tables([F.school("Z"), F.school("W")], {"Z": {1: 200}, "W": {1: 200}}, T,
                    [fz, _at_standard("W", 200)])


def test_six_of_seven_rule_optimum(six_of_seven):
    plan = optimise(six_of_seven, S, 2022)
    # Either (a) L4 to 4.5: 0.9 × 200 = 180 m² × 3 500 = 630 000 元, L6 stays at 90% → 630 000;
    # or (b) L6 to 2 000: 200 × 200 = 40 000 元 and L4 to 85%: (3.825 − 3.6) × 200 = 45 m² × 3 500
    # = 157 500 元 → 197 500 元. Optimum (b).
    assert plan.status == "optimal" and plan.verified
    assert plan.cost_total == pytest.approx(197_500)
    # naive: both to 100% → 630 000 + 40 000 = 670 000 元
    assert plan.naive_cost == pytest.approx(670_000)
    z = plan.units_after.set_index("school_code").loc["Z"]
    assert z["L4"] == pytest.approx(3.825) and z["L6"] == pytest.approx(2000)
    assert int(z["n_met"]) == 6 and bool(z["unit_pass"])


def test_infeasible_budget_reports_what_is_missing(six_of_seven):
    plan = optimise(six_of_seven, S, 2022, budgets={2022: 100_000})
    # the cheapest plan costs 197 500 元 > 100 000 元: 97 500 元 missing in 2022
    assert plan.status == "infeasible"
    assert list(plan.missing["year"]) == [2022]
    assert plan.missing["missing_yuan"].iloc[0] == pytest.approx(97_500)
    assert "2022年缺 97,500 元" in plan.message
    ok = optimise(six_of_seven, S, 2022, budgets={2022: 200_000})
    assert ok.status == "optimal" and ok.cost_total == pytest.approx(197_500)


def test_cv_cutting_planes():
    """Three primary schools of 100 pupils, all at the standard except L6 = 2 000, 2 000, 20 000 元.
    CV of L6: mean 8 000, sd √((2·6 000² + 12 000²)/3) = 8 485 → 1.061 > 0.50. Every unit passes
    the per-unit rule, so only the CV forces action. With both low schools raised to f:
    CV = √2·(20 000 − f)/(2f + 20 000) ≤ 0.499 ⇔ f ≥ (√2·20 000 − 0.499·20 000)/(√2 + 2·0.499) = 7 588.1."""
    codes = ["A", "B", "R"]
    t = F.tables([F.school(c) for c in codes], {c: {1: 100} for c in codes},
                 sum((_staff(c) for c in codes), []),
                 [_at_standard("A"), _at_standard("B"), _at_standard("R", equip=2_000_000.0)])
    plan = optimise(t, S, 2022)
    assert plan.status == "optimal" and plan.verified and plan.iterations >= 2
    cv = plan.cv_after.set_index(["stage", "indicator"])
    assert cv.loc[("小学", "L6"), "cv_shown"] <= 0.50
    f = (2 ** 0.5 * 20000 - 0.499 * 20000) / (2 ** 0.5 + 2 * 0.499)
    assert plan.cost_total == pytest.approx(2 * (f - 2000) * 100, rel=1e-3)


def test_yearly_budgets_move_actions_between_years(transfer_case):
    tables, _ = transfer_case
    # no money in 2021, 8 000 元 in 2022: the one transfer (one-off 8 000 元) must happen in 2022
    plan = optimise(tables, S, 2022, budgets={2021: 0, 2022: 8_000})
    assert plan.status == "optimal" and plan.verified
    assert [m["year"] for m in plan.actions["moves"]] == [2022]
    assert plan.cost_by_year.to_dict() == {2021: 0.0, 2022: 8000.0}
    # 7 999 元 in 2022 is not enough: 1 元 missing
    short = optimise(tables, S, 2022, budgets={2021: 0, 2022: 7_999})
    assert short.status == "infeasible"
    assert short.missing.set_index("year")["missing_yuan"].to_dict() == {2022: 1.0}


def _three_schools(equip_r=2_000_000.0, aux_a=450.0, equip_b: float | None = 2000.0 * 100):
    """A, B, R: primary schools of 100 pupils, at the standard except L6 (A 2 000, B 2 000,
    R 20 000 元 per pupil) and, when given, A's teaching/auxiliary area."""
    codes = ["A", "B", "R"]
    fac = [F.facility("A", aux_a, 750.0, 200_000.0, 3.0), F.facility("B", 450.0, 750.0, equip_b, 3.0),
           _at_standard("R", equip=equip_r)]
    return F.tables([F.school(c) for c in codes], {c: {1: 100} for c in codes},
                    sum((_staff(c) for c in codes), []), fac)


def test_plan_not_confirmed_by_engine_is_not_optimal():
    # one round only: the first solve does nothing (every unit passes), the engine finds CV(L6)
    # = 1.061 > 0.50, and no second round is allowed → not a valid plan, never "optimal"
    plan = optimise(_three_schools(), S, 2022, max_iter=1)
    assert plan.status == "failed" and plan.verified is False
    assert plan.iterations == 1
    assert "L6" in plan.message
    assert plan.summary().set_index("key").loc["saving", "value"] is pd.NA


def test_cv_without_data_is_reported_not_cut():
    # B's equipment value is missing (NA, never 0): B's L6 and the 小学 CV of L6 have no data, so
    # the engine cannot confirm the plan; no cutting plane can help → one round, status "failed"
    plan = optimise(_three_schools(equip_b=None), S, 2022)
    assert plan.status == "failed" and plan.verified is False
    assert plan.iterations == 1
    assert "小学L6" in plan.message
    assert list(plan.unplannable["school_code"]) == ["B"]


def test_missing_money_covers_the_cv_limit():
    """A also has 362.5 m² (L4 = 3.625 < 85% of 4.5 = 3.825): the per-unit rule alone needs
    (3.825 − 3.625) × 100 = 20 m² × 3 500 = 70 000 元. The CV of L6 needs A and B raised to
    f = 7 588.1 元 per pupil (see test_cv_cutting_planes): 2 × (f − 2 000) × 100 = 1 117 620 元.
    With a budget of 10 000 元 the money missing is 70 000 + 1 117 620 − 10 000 = 1 177 620 元,
    not the 60 000 元 the per-unit rule alone would suggest."""
    t = _three_schools(aux_a=362.5)
    free = optimise(t, S, 2022)
    f = (2 ** 0.5 * 20000 - 0.499 * 20000) / (2 ** 0.5 + 2 * 0.499)
    assert free.status == "optimal"
    assert free.cost_total == pytest.approx(70_000 + 2 * (f - 2000) * 100, rel=1e-4)
    tight = optimise(t, S, 2022, budgets={2022: 10_000})
    assert tight.status == "infeasible"
    miss = tight.missing.set_index("year")["missing_yuan"]
    assert miss[2022] == pytest.approx(70_000 + 2 * (f - 2000) * 100 - 10_000, rel=1e-4)
    # exactly what the unconstrained optimum costs beyond the budget (whole 元, rounded up)
    assert miss[2022] == math.ceil(free.cost_total - 10_000)
    assert "引擎复核全部达标" in tight.message


def test_designations_at_a_level_that_counts_for_l2():
    """Standards where only 市级 and above count for L2: X and Y (100 pupils each) have one 县级
    backbone teacher, so L2 = 0 < 0.85 in both; everything else at the standard. Cheapest: designate
    one teacher in each at 市级, 2 × 6 000 元 = 12 000 元 (a transfer would cost 8 000 元 and there
    is no 市级 teacher to move). A 县级 designation would not count: the engine would refuse it."""
    std = copy.deepcopy(S)
    std["resources"]["indicators"]["L2"]["backbone_levels"] = ["市级", "省级", "国家级"]
    t = F.tables([F.school("X"), F.school("Y")], {"X": {1: 100}, "Y": {1: 100}},
                 _staff("X") + _staff("Y"), [_at_standard("X"), _at_standard("Y")])
    plan = optimise(t, std, 2022)
    assert plan.status == "optimal" and plan.verified
    assert plan.cost_total == 2 * C["teachers"]["backbone_designation_per_year"] == 12_000
    assert {d["level"] for d in plan.actions["designations"]} == {"市级"}
    assert set(plan.table["detail"]) == {"市级"}


def test_moved_backbone_teacher_has_a_level_that_counts():
    """Only 市级+ count for L2. X: 100 pupils, one 县级 backbone → L2 = 0. Y: 100 pupils with YB0 县级
    (first by id), YB1 and YB2 市级 → L2 = 2. Plan year 2021, target 2022: a designation costs
    2 years × 6 000 = 12 000 元, a transfer 8 000 元 → move one 市级 teacher Y → X (Y keeps L2 = 1).
    The move must take a 市级 teacher, not YB0 (县级 would leave X at L2 = 0)."""
    std = copy.deepcopy(S)
    std["resources"]["indicators"]["L2"]["backbone_levels"] = ["市级", "省级", "国家级"]
    ty = [F.teacher("YB0", "Y", backbone="县级"), F.teacher("YB1", "Y", backbone="市级"),
          F.teacher("YB2", "Y", backbone="市级")] + _staff("Y", n_backbone=0)
    t = F.tables([F.school("X"), F.school("Y")], {"X": {1: 100}, "Y": {1: 100}},
                 _staff("X") + ty, [_at_standard("X"), _at_standard("Y")])
    plan = optimise(t, std, 2022, years=[2021])
    assert plan.status == "optimal" and plan.verified
    assert plan.cost_total == C["teachers"]["transfer"] == 8_000
    moved = apply_plan(t, plan.actions, [2021])["teachers"].set_index("teacher_id")["school_code"]
    assert moved["YB0"] == "Y" and moved["YB1"] == "X"
