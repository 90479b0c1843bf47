"""Assessment units: split, inclusion/exclusion with reasons, zero-student error."""

from __future__ import annotations

import pandas as pd
import pytest
from test_resources import make_tables

from analysis import build_units
from analysis.config.standards import load_standards


def _units(schools, enrolment, standards=None):
    return build_units(make_tables(schools, enrolment), standards)


def _row(u, code, stage="小学"):
    return u[(u.school_code == code) & (u.stage == stage)].iloc[0]


def test_mixed_schools_split_into_stage_units_with_shares():
    u = _units(
        [{"school_code": "N", "school_type": "九年一贯制"},
         {"school_code": "W", "school_type": "完全中学"},
         {"school_code": "T", "school_type": "十二年一贯制"}],
        {"N": {"小学": 300, "初中": 200},          # 300/(300+220) and 220/520
         "W": {"初中": 500, "高中": 500},          # junior only: 500/(500+600)
         "T": {"小学": 100, "初中": 100, "高中": 100}},  # 100/342 and 110/342
    )
    assert sorted(zip(u.school_code, u.stage)) == [
        ("N", "初中"), ("N", "小学"), ("T", "初中"), ("T", "小学"), ("W", "初中")]
    assert _row(u, "N").resource_share == pytest.approx(300 / 520)
    assert _row(u, "N", "初中").resource_share == pytest.approx(220 / 520)
    assert _row(u, "W", "初中").resource_share == pytest.approx(500 / 1100)
    assert _row(u, "T").resource_share == pytest.approx(100 / 342)
    assert _row(u, "T", "初中").resource_share == pytest.approx(110 / 342)
    assert _row(u, "N", "初中").students == 200 and _row(u, "W", "初中").students == 500


def test_campus_with_one_stage_only_is_a_school_of_that_stage():
    # 九年一贯制 campus with primary pupils only → one 小学 unit holding all resources (share 1)
    u = _units([{"school_code": "C", "school_type": "九年一贯制"}], {"C": {"小学": 120}})
    assert list(u.stage) == ["小学"] and _row(u, "C").resource_share == pytest.approx(1.0)


def test_primary_with_kindergarten_classes():
    # K = 110, A = 100 → primary share 1.1×100/(110 + 1.1×100) = 110/220 = 0.5
    u = _units([{"school_code": "K"}], {"K": {"幼儿班": 110, "小学": 100}})
    assert _row(u, "K").resource_share == pytest.approx(0.5) and _row(u, "K").students == 100


def test_exclusion_reasons():
    u = _units(
        [{"school_code": "SP", "school_type": "特殊教育学校"},
         {"school_code": "TP49", "school_type": "教学点"},
         {"school_code": "TP50", "school_type": "教学点"},
         {"school_code": "PR", "is_public": False},
         {"school_code": "VO", "school_type": "职业学校"}],
        {"SP": {"小学": 40, "初中": 20}, "TP49": {"小学": 49}, "TP50": {"小学": 50},
         "PR": {"小学": 600}, "VO": {"高中": 900}},
    )
    assert "特殊教育学校" in _row(u, "SP").exclusion_reason and not _row(u, "SP", "初中").included
    assert not _row(u, "TP49").included and "不足 50 人" in _row(u, "TP49").exclusion_reason
    assert bool(_row(u, "TP50").included) and pd.isna(_row(u, "TP50").exclusion_reason)
    assert bool(_row(u, "PR").included)  # private schools included by default
    assert "VO" not in set(u.school_code)  # no compulsory-stage pupils → no unit
    std = load_standards()
    std["units"]["include_private"] = False
    u2 = _units([{"school_code": "PR", "is_public": False}], {"PR": {"小学": 600}}, std)
    assert not _row(u2, "PR").included and "民办" in _row(u2, "PR").exclusion_reason


def test_zero_or_unknown_students_form_units_without_stopping():
    # Z9 has 0 pupils; Z8 has no enrolment row at all (unknown): both still get their unit (by
    # type), with 0 / NA students, and the other school is unaffected — no exception
    u = _units([{"school_code": "Z9", "school_name": "零号小学"}, {"school_code": "OK"},
                {"school_code": "Z8"}], {"Z9": {"小学": 0}, "OK": {"小学": 10}})
    assert _row(u, "Z9").students == 0 and pd.isna(_row(u, "Z8").students)
    assert _row(u, "OK").students == 10 and bool(_row(u, "Z8").included)
    # a 九年一贯制 without enrolment rows forms both its units (unknown students in each)
    u = _units([{"school_code": "M", "school_type": "九年一贯制"}], {"OK": {"小学": 10}})
    assert sorted(u.loc[u.school_code == "M", "stage"]) == ["初中", "小学"]


def test_county_key_passes_through():
    t = make_tables([{"school_code": "A", "county": "甲县"}], {"A": {"小学": 10}})
    u = build_units(t)
    assert list(u.columns[:2]) == ["county", "school_code"] and u.county.iloc[0] == "甲县"
