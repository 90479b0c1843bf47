"""Rectification tasks: shortfalls in natural units, worked by hand (issue #5)."""

from __future__ import annotations

import copy
import re

import projection_fixtures as F
import pytest

from analysis.config.standards import load_standards
from analysis.engine import resource_tables as evaluate
from analysis.planning.costs import load_costs
from analysis.planning.tasks import rectification_tasks, resource_shortfalls
from analysis.reporting.texts import cost_by_responsible

S = load_standards()
COSTS = load_costs()


def _county(x_students=200):
    """X: 小学 with 1 PE teacher and 720 m²; M: 九年一贯制 100 + 100 pupils, 900 m²."""
    schools = [F.school("X"), F.school("M", "九年一贯制")]
    T = [F.teacher(f"X{i}", "X", backbone="县级" if i < 3 else "无") for i in range(12)]
    T += [F.teacher("XP", "X", subject="体育")]
    T += [F.teacher(f"MP{i}", "M", backbone="县级" if i < 2 else "无") for i in range(8)]
    T += [F.teacher(f"MJ{i}", "M", stage="初中", backbone="县级" if i < 2 else "无") for i in range(8)]
    T += [F.teacher("MPP", "M", subject="体育"), F.teacher("MJP", "M", stage="初中", subject="体育")]
    fac = [F.facility("X", 720.0, 7.5 * x_students, 2000.0 * x_students, 5.0),
           F.facility("M", 900.0, 3000.0, 600000.0, 6.0)]
    return F.tables(schools, {"X": {1: x_students}, "M": {1: 100, 7: 100}}, T, fac)


def test_resource_shortfalls_by_hand():
    units, _ = evaluate(_county(), S)
    sf = resource_shortfalls(units, S).set_index(["school_code", "stage", "indicator"])
    # X L3: 1 PE teacher / 200 × 100 = 0.5 < 0.9 → ceil((0.9 − 0.5) × 200 / 100) = ceil(0.8) = 1 teacher
    assert sf.loc[("X", "小学", "L3"), "shortfall"] == 1
    # X L4: 720 / 200 = 3.6 → (4.5 − 3.6) × 200 = 180 m²
    assert sf.loc[("X", "小学", "L4"), "school_shortfall"] == 180
    # M shares: 小学 100/(100 + 1.1·100) = 0.47619, 初中 0.52381
    # 小学 L4 = 0.47619·900/100 = 4.2857 → school needs 4.5·100/0.47619 − 900 = 945 − 900 = 45 m²
    assert sf.loc[("M", "小学", "L4"), "school_shortfall"] == 45
    # 初中 L4 = 4.714 → 5.8·100/0.52381 − 900 = 1107.27 − 900 = 207.27 → 208 m²
    assert sf.loc[("M", "初中", "L4"), "school_shortfall"] == 208
    assert ("X", "小学", "L1") not in sf.index                  # 13 qualified / 200 = 6.5 ≥ 4.2


def test_rectification_tasks_cost_deadline_responsible():
    units, cv = evaluate(_county(), S)
    tasks = rectification_tasks(units, None, S, COSTS, 2022, cv_now=cv)
    t = tasks.set_index(["school_code", "indicator"])
    # one L4 task for the mixed school M: the larger need of its two units, 208 m²
    assert t.loc[("M", "L4"), "shortfall"] == 208
    assert t.loc[("M", "L4"), "stage"] == "初中、小学"
    # cost 208 m² × 3 500 元 = 728 000 元 (costs.yaml buildings.teaching_aux_per_m2)
    assert t.loc[("M", "L4"), "cost_yuan"] == 208 * COSTS["buildings"]["teaching_aux_per_m2"]
    # X L3: 1 teacher × 80 000 元 a year
    assert t.loc[("X", "L3"), "cost_yuan"] == COSTS["teachers"]["hire_per_year"]
    assert t.loc[("X", "L3"), "cost_kind"] == "每年"
    assert t.loc[("X", "L3"), "deadline"] == S["timeline"]["application_deadline"]
    assert t.loc[("X", "L3"), "responsible"] == "、".join(S["resources"]["indicators"]["L3"]["responsible"])
    by = cost_by_responsible(tasks).set_index(["responsible_unit", "cost_kind"])["cost_yuan"]
    # 发改局 appears on L4/L5 tasks only. No L5 gap: X 1 500/200 = 7.5; M 小学 0.47619·3 000/100 = 14.3,
    # 初中 0.52381·3 000/100 = 15.7 ≥ 10.2. L4: X 180 m² + M 208 m² = 388 m² × 3 500 元 = 1 358 000 元
    assert by[("发改局", "一次性")] == 388 * 3500 == 1_358_000


def test_projected_gap_listed_only_when_larger():
    units_now, _ = evaluate(_county(200), S)
    units_later, _ = evaluate(_county(240), S)     # X grows: 720/240 = 3.0 → (4.5 − 3.0) × 240 = 360 m²
    tasks = rectification_tasks(units_now, units_later, S, COSTS, 2022)
    x4 = tasks[(tasks["school_code"] == "X") & (tasks["indicator"] == "L4")].set_index("when")
    assert x4.loc["现状", "shortfall"] == 180 and x4.loc["2022年预测", "shortfall"] == 360
    assert x4.loc["2022年预测", "deadline"] != x4.loc["现状", "deadline"]
    m4 = tasks[(tasks["school_code"] == "M") & (tasks["indicator"] == "L4")]
    assert list(m4["when"]) == ["现状"]                    # M unchanged: no duplicate projected task


def _l6_county():
    """A, B, R: primary schools of 100 pupils at the standard except L6 = 2 000, 2 000, 20 000 元."""
    codes = ["A", "B", "R"]
    T = [F.teacher(f"{c}{i}", c, backbone="县级" if i == 0 else "无") for c in codes for i in range(5)]
    T += [F.teacher(f"{c}P", c, subject="体育") for c in codes]
    fac = [F.facility(c, 450.0, 750.0, e, 3.0) for c, e in zip(codes, (200_000.0, 200_000.0, 2_000_000.0))]
    return F.tables([F.school(c) for c in codes], {c: {1: 100} for c in codes}, T, fac)


@pytest.mark.parametrize("decimals", [3, 2])
def test_cv_task_floor_aims_one_shown_decimal_below_the_limit(decimals):
    """CV of L6 = 1.061 > 0.50. Raising A and B to f gives CV = √2·(20 000 − f)/(2f + 20 000); the
    task aims one unit of the shown decimal below the limit (standards cv_decimals):
    3 decimals → 0.499: f = (√2·20 000 − 0.499·20 000)/(√2 + 0.998) = 18 304.27 / 2.412214 = 7 588.16;
    2 decimals → 0.49:  f = (√2·20 000 − 0.49·20 000)/(√2 + 0.98)   = 18 484.27 / 2.394214 = 7 720.39."""
    std = copy.deepcopy(S)
    std["resources"]["cv_decimals"] = decimals
    units, cv = evaluate(_l6_county(), std)
    tasks = rectification_tasks(units, None, std, COSTS, 2022, cv_now=cv)
    row = tasks[tasks["indicator"] == "CV_L6"].iloc[0]
    target = 0.5 - 10.0 ** -decimals
    f = (2 ** 0.5 * 20000 - target * 20000) / (2 ** 0.5 + 2 * target)
    assert f"{f:.2f}" == {3: "7588.16", 2: "7720.39"}[decimals]
    # the floor is found by bisection to 1e-6 relative (≤ 0.008 元 here), from above
    m = re.fullmatch(r"将低于 ([\d.]+) 的学校提升至 ([\d.]+)（2 所：学校A、学校B）", row["what"])
    assert m and m.group(1) == m.group(2)
    assert float(m.group(1)) == pytest.approx(f, abs=0.01)


def test_task_wording_follows_the_standards():
    # standards accepting only 本科/研究生 for 小学 L1; X's 12 teachers are 专科, only its PE
    # teacher is 本科: L1 = 1/200 × 100 = 0.5 < 4.2 → an L1 task whose wording names the degrees
    std = copy.deepcopy(S)
    std["resources"]["indicators"]["L1"]["qualifying_degrees"]["小学"] = ["本科", "研究生"]
    t = _county()
    t["teachers"].loc[t["teachers"]["teacher_id"].str.match(r"X\d"), "degree"] = "专科"
    units, _ = evaluate(t, std)
    sf = resource_shortfalls(units, std).set_index(["school_code", "stage", "indicator"])
    assert "小学：本科、研究生；初中：本科、研究生" in sf.loc[("X", "小学", "L1"), "what"]
    assert sf.loc[("X", "小学", "L3"), "what"] == "体育、音乐、美术专任教师"
