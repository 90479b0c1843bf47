"""Period comparison (issue #16): statuses, per-unit verdicts, the CV change split into the
schools' contributions (they sum to the change), data-quality problems new and resolved."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis import evaluate, load_period, load_standards
from analysis.engine import compare
from projection_fixtures import three_school_county

S = load_standards()


def test_cv_change_split_by_school_worked_by_hand():
    before = three_school_county()
    after = {**before, "facilities": before["facilities"].assign(
        teaching_aux_area_m2=[600.0, 1000.0, 600.0])}          # A: 400 → 600 m², L4 4.0 → 6.0
    u0, u1 = evaluate(before, S).units, evaluate(after, S).units
    con = compare.cv_contributions(u0, u1, S)
    l4 = con[(con["stage"] == "小学") & (con["indicator"] == "L4")].set_index("school_code")
    # period 0: w = 0.25, 0.5, 0.25; X = 4, 5, 6; M₀ = 5; D = 0.25, 0, 0.25; S₀ = √0.5 = 0.707107
    # period 1: X = 6, 5, 6; M₁ = 5.5; D = 0.25·0.25 = 0.0625, 0.5·0.25 = 0.125, 0.0625; S₁ = 0.5
    s0, s1, m0, m1 = math.sqrt(0.5), 0.5, 5.0, 5.5
    half_inv = (1 / m0 + 1 / m1) / 2                           # (0.2 + 0.181818) / 2 = 0.190909
    # A: deviation (0.0625 − 0.25)/1.207107 · 0.190909 = −0.029654; mean −(1.5 − 1.0)/27.5 · 0.603553 = −0.010974
    assert l4.loc["A", "deviation"] == pytest.approx((0.0625 - 0.25) / (s0 + s1) * half_inv)
    assert l4.loc["A", "mean"] == pytest.approx(-(1.5 - 1.0) / (m0 * m1) * (s0 + s1) / 2)
    # B: its value did not move, but the mean did: deviation 0.125/1.207107 · 0.190909 = +0.019769; mean 0
    assert l4.loc["B", "deviation"] == pytest.approx(0.125 / (s0 + s1) * half_inv)
    assert l4.loc["B", "mean"] == pytest.approx(0.0)
    # C: deviation as A's (−0.029654), mean 0
    assert l4.loc["C", "contribution"] == pytest.approx((0.0625 - 0.25) / (s0 + s1) * half_inv)
    # −0.029654 − 0.010974 + 0.019769 − 0.029654 = −0.050513 = 0.5/5.5 − √0.5/5
    assert l4["contribution"].sum() == pytest.approx(0.5 / 5.5 - math.sqrt(0.5) / 5, abs=1e-12)
    assert l4["cv_change"].iloc[0] == pytest.approx(0.5 / 5.5 - math.sqrt(0.5) / 5)
    # the other indicators did not change: every contribution is 0
    assert con.loc[con["indicator"] != "L4", "contribution"].abs().max() == pytest.approx(0.0, abs=1e-15)


def test_contributions_sum_to_each_cv_change(demo_run):
    """On the demo county's two periods (written by the pipeline's compare step): for every CV,
    the schools' contributions add up to the change of the engine's CV."""
    folder = demo_run["processed"] / "2021"
    con = pd.read_parquet(folder / "cv_contributions.parquet")
    summary = pd.read_parquet(folder / "comparison_cv.parquet")
    cv_now = pd.read_parquet(folder / "cv.parquet").set_index(["stage", "indicator"])["cv"]
    prev = evaluate(load_period(demo_run["processed"], "2020", validate=False), S).cv.set_index(["stage", "indicator"])["cv"]
    assert len(summary) == len(cv_now) == 14
    sums = con.groupby(["stage", "indicator"])["contribution"].sum()
    for key, total in sums.items():
        assert total == pytest.approx(cv_now[key] - prev[key], abs=1e-12), key
    assert (summary["contributions_sum"] - summary["cv_change"]).abs().max() < 1e-12
    # a school in a period alone (the demo's 2020 and 2021 have the same schools): none here
    assert con[["school_code", "stage", "indicator"]].duplicated().sum() == 0


def test_status_and_unit_changes():
    prev = pd.DataFrame({"no": [1, 2, 3], "code": ["L1", "G1", "Q1"], "area": ["资源配置", "政府保障程度", "教育质量"],
                         "name": ["甲", "乙", "丙"], "value": ["1", "2", "3"], "status": ["未达标", "达标", "无数据"]})
    cur = prev.assign(status=["达标", "未达标", "无数据"], value=["1.5", "2", "3"])
    ch = compare.status_changes(prev, cur).set_index("code")
    assert list(ch.index) == ["L1", "G1"]
    assert ch.loc["L1", "change"] == "变好" and ch.loc["G1", "change"] == "变差"
    units = pd.DataFrame({"school_code": ["A", "B", "C", "D"], "stage": ["小学"] * 4, "school_name": list("甲乙丙丁"),
                          "included": [True, True, True, False], "unit_pass": [False, True, True, pd.NA],
                          "n_met": [5, 7, 7, pd.NA]})
    later = units.assign(included=[True, True, False, True], unit_pass=[True, False, pd.NA, True])
    uc = compare.unit_changes(units, later).set_index("school_code")["change"]
    assert uc.to_dict() == {"A": compare.BEGAN, "B": compare.STOPPED, "C": compare.GONE_UNIT, "D": compare.NEW_UNIT}


def test_quality_problems_new_and_resolved():
    def dq(rows):
        return pd.DataFrame(rows, columns=["file", "sheet", "row", "column", "value", "problem", "action", "severity",
                                           "school_code"])
    a = ("学校基本情况.xlsx", "在校生", 4, "幼儿班", "６５", "全角数字", "已改", "已自动处理", "S1")
    b = ("教职工花名册.xlsx", "教职工", 71, "任教学科", None, "必填项为空", "缺失", "需更正", "S1")
    c = ("办学条件.xlsx", "校舍场地装备", 9, "体育馆", "-5", "负数", "缺失", "需更正", "S2")
    prev = dq([a, b, b])
    # the same full-width problem moved to row 5 with another value: the same problem; one of the two
    # blank cells was filled; a negative area is new
    cur = dq([a[:2] + (5,) + a[3:4] + ("６３",) + a[5:], b[:2] + (70,) + b[3:], c])
    out = compare.quality_changes(prev, cur)
    assert out[["change", "problem", "row"]].values.tolist() == [[compare.NEW, "负数", 9],
                                                                 [compare.RESOLVED, "必填项为空", 71]]
