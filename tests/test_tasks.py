"""Rectification tasks: shortfalls in natural units, worked by hand (issue #5)."""

from __future__ import annotations

import pytest

import projection_fixtures as F
from analysis.optimise import evaluate, load_costs
from analysis.standards import load_standards
from analysis.tasks import cost_by_responsible, rectification_tasks, resource_shortfalls

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
    # 发改局 appears on L4/L5 tasks only: X 180 m² + M 208 m² = 388 m² × 3 500 元
    l45 = tasks[tasks["indicator"].isin(["L4", "L5"])]["cost_yuan"].sum()
    assert by[("发改局", "一次性")] == pytest.approx(l45)
    assert l45 >= 388 * 3500


def test_projected_gap_listed_only_when_larger():
    units_now, _ = evaluate(_county(200), S)
    units_later, _ = evaluate(_county(240), S)     # X grows: 720/240 = 3.0 → (4.5 − 3.0) × 240 = 360 m²
    tasks = rectification_tasks(units_now, units_later, S, COSTS, 2022)
    x4 = tasks[(tasks["school_code"] == "X") & (tasks["indicator"] == "L4")].set_index("when")
    assert x4.loc["现状", "shortfall"] == 180 and x4.loc["2022年预测", "shortfall"] == 360
    assert x4.loc["2022年预测", "deadline"] != x4.loc["现状", "deadline"]
    m4 = tasks[(tasks["school_code"] == "M") & (tasks["indicator"] == "L4")]
    assert list(m4["when"]) == ["现状"]                    # M unchanged: no duplicate projected task
