"""The seven resource indicators per unit, the stage split, the 6-of-7 / 85% rule."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis import cv_table, evaluate_resources, stage_shares
from analysis.config.standards import load_standards

GRADE = {"幼儿班": 0, "小学": 1, "初中": 7, "高中": 10}


def make_tables(schools, enrolment, teachers=(), facilities=None):
    """Processed tables from short specs.

    schools: list of dicts (school_code, school_type, urban_rural, is_public ...);
    enrolment: {code: {stage: students}} (one grade row per stage);
    teachers: list of dicts (school_code, stage, degree, subject, backbone_level, ...);
    facilities: {code: {column: value}}.
    """
    s = pd.DataFrame([
        {"school_name": f"学校{d['school_code']}", "town": "甲镇", "urban_rural": "城区",
         "school_type": "小学", "is_public": True, "is_boarding": False,
         "is_village_school": False, "merged_campuses": None, **d}
        for d in schools
    ])
    e = pd.DataFrame([
        {"school_code": c, "stage": st, "grade": GRADE[st], "students": n}
        for c, by_stage in enrolment.items() for st, n in by_stage.items()
    ])
    t = pd.DataFrame([
        {"teacher_id": f"T{i}", "stage": "小学", "degree": "本科", "subject": "语文",
         "full_time": True, "backbone_level": "无", "service_school_code": None,
         "service_mode": None, **d}
        for i, d in enumerate(teachers)
    ], columns=["teacher_id", "school_code", "stage", "degree", "subject", "full_time",
                "backbone_level", "service_school_code", "service_mode"])
    f = pd.DataFrame([{"school_code": c, **v} for c, v in (facilities or {}).items()],
                     columns=["school_code", "teaching_aux_area_m2", "indoor_sports_area_m2",
                              "sports_ground_m2", "gymnasium_m2", "equipment_value_yuan",
                              "multimedia_classrooms"])
    return {"schools": s, "enrolment": e, "teachers": t, "facilities": f}


def teachers_for(code, stage, n_l1, n_l2, n_l3, degree_ok="本科"):
    """n_l1 qualifying teachers, of whom the first n_l2 are county backbone, plus n_l3 PE teachers
    who hold no qualifying degree (so L1 counts only the first group)."""
    rows = [{"school_code": code, "stage": stage, "degree": degree_ok,
             "backbone_level": "县级" if i < n_l2 else "无"} for i in range(n_l1)]
    rows += [{"school_code": code, "stage": stage, "degree": "高中及以下", "subject": "体育"}
             for _ in range(n_l3)]
    return rows


def at_standard_primary(code="P1", students=1000, **fac_override):
    """A primary school of 1000 pupils exactly at every standard (小学: 4.2, 1.0, 0.9, 4.5, 7.5,
    2000, 2.3): 42 qualifying teachers (10 backbone), 9 PE teachers, 4500 m², 7500 m²,
    2 000 000 元, 23 rooms."""
    fac = {"teaching_aux_area_m2": 4500.0, "indoor_sports_area_m2": 0.0,
           "sports_ground_m2": 7000.0, "gymnasium_m2": 500.0,
           "equipment_value_yuan": 2_000_000.0, "multimedia_classrooms": 23.0, **fac_override}
    return make_tables(
        [{"school_code": code}], {code: {"小学": students}},
        teachers_for(code, "小学", 42, 10, 9, degree_ok="专科"), {code: fac},
    )


def one(df, code, stage="小学"):
    return df[(df.school_code == code) & (df.stage == stage)].iloc[0]


def test_mixed_school_split_by_weighted_head_count():
    # 九年一贯制 A = 300 primary, B = 200 junior: weighted head count 300 + 1.1×200 = 520.
    # primary share 300/520 = 0.576923, junior share 220/520 = 0.423077.
    # L4 primary = 5200 × (300/520) / 300 = 10.0 m²; junior = 5200 × (220/520) / 200 = 11.0
    # L5: 10400/520 = 20.0 and 22.0; L6: 2 080 000/520 = 4000 and 4400 元;
    # L7: 26/520 × 100 = 5.0 and 5.5 rooms per hundred.
    t = make_tables(
        [{"school_code": "M1", "school_type": "九年一贯制"}], {"M1": {"小学": 300, "初中": 200}},
        facilities={"M1": {"teaching_aux_area_m2": 5600.0, "indoor_sports_area_m2": 400.0,
                           "sports_ground_m2": 9400.0, "gymnasium_m2": 1000.0,
                           "equipment_value_yuan": 2_080_000.0, "multimedia_classrooms": 26.0}},
    )
    r = evaluate_resources(t)
    p, j = one(r, "M1", "小学"), one(r, "M1", "初中")
    assert p.resource_share == pytest.approx(300 / 520) and j.resource_share == pytest.approx(220 / 520)
    assert (p.L4, j.L4) == (pytest.approx(10.0), pytest.approx(11.0))  # (5600 − 400) indoor removed
    assert (p.L5, j.L5) == (pytest.approx(20.0), pytest.approx(22.0))
    assert (p.L6, j.L6) == (pytest.approx(4000.0), pytest.approx(4400.0))
    assert (p.L7, j.L7) == (pytest.approx(5.0), pytest.approx(5.5))
    # L4 ratio to standard: 10.0/4.5 = 2.2222 (小学); 11.0/5.8 = 1.8966 (初中)
    assert p.L4_ratio == pytest.approx(10 / 4.5) and j.L4_ratio == pytest.approx(11 / 5.8)


def test_stage_shares_formulas_scalar_and_vectorised():
    # 完全中学 B = 500, C = 500: junior 500/(500 + 1.2×500) = 500/1100 = 0.454545
    assert stage_shares(0, 500, senior=500, school_type="完全中学")["初中"] == pytest.approx(500 / 1100)
    # 十二年一贯制 100/100/100: 100/(100 + 110 + 132) = 100/342 and 110/342
    s = stage_shares(100, 100, senior=100, school_type="十二年一贯制")
    assert s["小学"] == pytest.approx(100 / 342) and s["初中"] == pytest.approx(110 / 342)
    # primary school with kindergarten: K = 110, A = 100 → 1.1×100/(110 + 110) = 0.5
    assert stage_shares(100, 0, kindergarten=110, school_type="小学")["小学"] == pytest.approx(0.5)
    # vectorised: same numbers element-wise, Series in → Series out with the same index
    idx = pd.Index(["a", "b"])
    v = stage_shares(pd.Series([300, 100], index=idx), pd.Series([200, 0], index=idx),
                     kindergarten=pd.Series([0, 110], index=idx),
                     school_type=pd.Series(["九年一贯制", "小学"], index=idx))
    assert list(v["小学"].index) == ["a", "b"]
    np.testing.assert_allclose(v["小学"].to_numpy(), [300 / 520, 0.5])
    # a school with no pupils gets no made-up split
    assert np.isnan(stage_shares(0, 0)["小学"])
    with pytest.raises(ValueError, match="办学类型"):
        stage_shares(1, 1, school_type="大学")


def test_exactly_at_standard_passes_with_seven_met():
    r = evaluate_resources(at_standard_primary())
    u = one(r, "P1")
    # 42/1000×100 = 4.2; 10/1000×100 = 1.0; 9/1000×100 = 0.9; 4500/1000 = 4.5; 7500/1000 = 7.5;
    # 2 000 000/1000 = 2000; 23/1000×100 = 2.3 — all exactly the 小学 standards
    assert [u[f"L{k}"] for k in range(1, 8)] == pytest.approx([4.2, 1.0, 0.9, 4.5, 7.5, 2000, 2.3])
    assert u.n_met == 7 and bool(u.unit_pass) is True
    assert pd.isna(u.missing_inputs)


def test_six_met_and_rest_at_85_percent_passes_but_84_9_fails():
    # L4 at 85%: 0.85 × 4.5 × 1000 = 3825 m² → 6 met, rest 85% → pass
    u = one(evaluate_resources(at_standard_primary(teaching_aux_area_m2=3825.0)), "P1")
    assert u.L4_ratio == pytest.approx(0.85) and u.n_met == 6 and bool(u.unit_pass) is True
    # L4 at 84.9%: 0.849 × 4.5 × 1000 = 3820.5 m² → 6 met but the rest < 85% → fail
    u = one(evaluate_resources(at_standard_primary(teaching_aux_area_m2=3820.5)), "P1")
    assert u.L4_ratio == pytest.approx(0.849) and u.n_met == 6 and bool(u.unit_pass) is False
    # two below standard (L4 at 99%, L5 at 7499/7500): 5 met → fail
    u = one(evaluate_resources(at_standard_primary(teaching_aux_area_m2=4455.0,
                                                   sports_ground_m2=6999.0)), "P1")
    assert u.n_met == 5 and bool(u.unit_pass) is False


def test_missing_input_gives_na_and_failed_unit_not_zero():
    t = at_standard_primary(equipment_value_yuan=np.nan)
    u = one(evaluate_resources(t), "P1")
    # no data: value, ratio and met flag are all NA (not "not met", not 0)
    assert pd.isna(u.L6) and pd.isna(u.L6_ratio) and pd.isna(u.L6_met)
    # 6 met but the 7th has no data: whether it reaches 85% is unknown → the rule is undecided
    # (NA: never a pass, never a fail made up from a missing input)
    assert u.n_met == 6 and pd.isna(u.unit_pass)
    assert "办学条件.xlsx·校舍场地装备·教学仪器设备值" in u.missing_inputs  # the workbook, not a column name
    # indoor sports area unknown → L4 cannot be computed (not "minus 0")
    u = one(evaluate_resources(at_standard_primary(indoor_sports_area_m2=np.nan)), "P1")
    assert pd.isna(u.L4) and "室内体育用房面积" in u.missing_inputs
    # school absent from the facilities table → L4–L7 all NA
    t = at_standard_primary()
    t["facilities"] = t["facilities"].iloc[0:0]
    u = one(evaluate_resources(t), "P1")
    assert all(pd.isna(u[f"L{k}"]) for k in range(4, 8)) and u.n_met == 3
    assert "校舍场地装备" in u.missing_inputs and pd.isna(u.unit_pass)  # 3 met + 4 unknown: undecided
    # …but a unit that fails whatever the missing values are is a definite fail: L1 at 0 (below
    # 85% of the standard) and L6 unknown → fails
    t = at_standard_primary(equipment_value_yuan=np.nan)
    t["teachers"]["degree"] = t["teachers"]["degree"].where(t["teachers"]["subject"] == "体育", "高中及以下")
    u = one(evaluate_resources(t), "P1")
    assert u.L1 == 0 and bool(u.unit_pass) is False
    # a teacher with unknown degree → L1 has no data
    t = at_standard_primary()
    t["teachers"].loc[0, "degree"] = None
    u = one(evaluate_resources(t), "P1")
    assert pd.isna(u.L1) and "最高学历" in u.missing_inputs
    # a full-time teacher with unknown subject → L3 has no data (could be a PE teacher)
    t = at_standard_primary()
    t["teachers"].loc[0, "subject"] = None
    u = one(evaluate_resources(t), "P1")
    assert pd.isna(u.L3) and "任教学科" in u.missing_inputs and u.L1 == pytest.approx(4.2)
    # a school with no teacher in the roster: L1–L3 unknown, not 0
    t = at_standard_primary()
    t["teachers"] = t["teachers"].iloc[0:0]
    u = one(evaluate_resources(t), "P1")
    assert all(pd.isna(u[f"L{k}"]) for k in (1, 2, 3)) and "没有该校的教师" in u.missing_inputs
    # roster rows of the school kept aside by the cleaning (quarantine.incomplete): the counts
    # of the rows left (41 of 42) are not used, L1–L3 unknown
    t = at_standard_primary()
    t["teachers"] = t["teachers"].iloc[1:]
    t["quarantine"] = pd.DataFrame([{"file": "教职工花名册.xlsx", "sheet": "教职工", "row": 3,
                                     "reason": "列“任教学段”的值“大学”", "record": "{}",
                                     "table": "teachers", "school_code": "P1", "incomplete": True}])
    u = one(evaluate_resources(t), "P1")
    assert pd.isna(u.L1) and pd.isna(u.L2) and "隔离" in u.missing_inputs


def test_unknown_or_zero_students_give_no_data_and_the_run_goes_on():
    # P1 has pupils; Z0 has 0 in its only grade; NE has no 在校生 row at all (unknown)
    t = at_standard_primary()
    extra = make_tables([{"school_code": "Z0"}, {"school_code": "NE"}], {"Z0": {"小学": 0}},
                        facilities={"Z0": {}, "NE": {}})
    for k in ("schools", "enrolment", "facilities"):
        t[k] = pd.concat([t[k], extra[k]], ignore_index=True)
    r = evaluate_resources(t)
    for code in ("Z0", "NE"):
        u = one(r, code)
        assert all(pd.isna(u[f"L{k}"]) for k in range(1, 8)) and pd.isna(u.unit_pass)
        assert "在校生数缺失或为0" in u.missing_inputs
    assert pd.isna(one(r, "NE").students) and one(r, "Z0").students == 0
    assert bool(one(r, "P1").unit_pass) is True  # the other unit is judged as before
    # the CVs of that stage have no data (a unit's value is missing), never computed without it
    cv = cv_table(r)
    assert cv["cv"].isna().all() and cv["passed"].isna().all()


def test_values_exactly_at_standard_despite_float_noise_are_met():
    # 9 PE teachers / 1000 pupils × 100 = 0.9 exactly, but in binary floating point
    # 9/1000*100 = 0.8999999999999999 < 0.9; likewise 0.85 × 4.5 × 1000 = 3825 m² gives the ratio
    # 3825/1000/4.5 = 0.8500000000000001 and 4455 m² (99%) must stay below. The engine judges with
    # a relative tolerance of 1e-9, so the at-standard values count as met.
    assert 9 / 1000 * 100 < 0.9  # the trap itself (if this ever fails, the test below is moot)
    u = one(evaluate_resources(at_standard_primary()), "P1")
    assert bool(u.L3_met) is True and u.n_met == 7
    # 2 300 000 / 1000 students = 2300 ≥ 2000 → met; and 3 PE teachers of 1000 → 0.3 < 0.9 → not met
    t = at_standard_primary()
    t["teachers"] = t["teachers"].iloc[:-6]  # 9 → 3 PE teachers: 3/1000 × 100 = 0.3
    u = one(evaluate_resources(t), "P1")
    assert u.L3 == pytest.approx(0.3) and bool(u.L3_met) is False and u.n_met == 6
    # ratio 0.3/0.9 = 0.3333 < 0.85 → the unit fails
    assert bool(u.unit_pass) is False


def test_teachers_counted_per_stage_full_time_and_degree_by_stage():
    # 九年一贯制 100 primary + 100 junior. Primary: 3 专科 teachers (qualify for 小学) → 3.0;
    # junior: 2 本科 + 1 专科 (专科 does not qualify for 初中) → 2/100×100 = 2.0;
    # a part-time 研究生 junior teacher is not counted.
    teachers = (
        [{"school_code": "M", "stage": "小学", "degree": "专科"} for _ in range(3)]
        + [{"school_code": "M", "stage": "初中", "degree": "本科"} for _ in range(2)]
        + [{"school_code": "M", "stage": "初中", "degree": "专科"},
           {"school_code": "M", "stage": "初中", "degree": "研究生", "full_time": False}]
    )
    t = make_tables([{"school_code": "M", "school_type": "九年一贯制"}],
                    {"M": {"小学": 100, "初中": 100}}, teachers, {"M": {}})
    r = evaluate_resources(t)
    assert one(r, "M", "小学").L1 == pytest.approx(3.0)
    assert one(r, "M", "初中").L1 == pytest.approx(2.0)


def _rural_small(students=80, urban_rural="乡村", mode="走教"):
    # rural primary R of `students` pupils with no PE/art teacher of its own; teacher T0 of
    # school H teaches PE at R itinerantly (走教)
    return make_tables(
        [{"school_code": "R", "urban_rural": urban_rural}, {"school_code": "H"}],
        {"R": {"小学": students}, "H": {"小学": 500}},
        [{"school_code": "H", "stage": "小学", "subject": "体育",
          "service_school_code": "R", "service_mode": mode}],
        {"R": {}, "H": {}},
    )


def test_small_rural_l3_relaxation_on_and_off():
    # on: 1 serving teacher / 80 pupils × 100 = 1.25; H still counts its own teacher: 1/500×100 = 0.2
    r = evaluate_resources(_rural_small())
    assert one(r, "R").L3 == pytest.approx(1.25) and one(r, "H").L3 == pytest.approx(0.2)
    # off (switch in the standards): R has 0 PE/art teachers → 0.0
    std = load_standards()
    std["resources"]["small_rural_l3_relaxation"]["enabled"] = False
    assert one(evaluate_resources(_rural_small(), std), "R").L3 == pytest.approx(0.0)
    # not applicable: 100 pupils (above 99), urban school, or no qualifying service mode
    assert one(evaluate_resources(_rural_small(students=100)), "R").L3 == pytest.approx(0.0)
    assert one(evaluate_resources(_rural_small(urban_rural="城区")), "R").L3 == pytest.approx(0.0)
    assert one(evaluate_resources(_rural_small(mode=None)), "R").L3 == pytest.approx(0.0)
    # lower edge: 50 pupils qualifies → 1/50×100 = 2.0
    assert one(evaluate_resources(_rural_small(students=50)), "R").L3 == pytest.approx(2.0)


def test_excluded_units_are_shown_but_not_judged_and_result_matches_schema():
    from analysis.schemas import validate

    t = at_standard_primary()
    extra = make_tables([{"school_code": "TP", "school_type": "教学点"}], {"TP": {"小学": 30}},
                        facilities={"TP": {}})
    for k in ("schools", "enrolment", "facilities"):
        t[k] = pd.concat([t[k], extra[k]], ignore_index=True)
    r = evaluate_resources(t)
    tp = one(r, "TP")
    assert bool(tp.included) is False and pd.isna(tp.unit_pass)
    validate("units", r)  # the result contract (strict columns, dtypes, ranges)


def test_figures_mark_units_below_standard():
    import matplotlib.pyplot as plt

    from analysis.reporting import figures

    # P1 exactly at standard; P2 (1000 pupils) with L4 = 3825/1000 = 3.825 < 4.5 → the one red bar
    t = at_standard_primary()
    t2 = at_standard_primary("P2", teaching_aux_area_m2=3825.0)
    t = {k: pd.concat([t[k], t2[k]], ignore_index=True) for k in t}
    r = evaluate_resources(t)
    fig = figures.indicator_figure(r, "L4")
    colors = [p.get_facecolor() for p in fig.axes[0].patches]
    red = [c for c in colors if c[:3] == pytest.approx((0xD6 / 255, 0x27 / 255, 0x28 / 255))]
    assert len(colors) == 2 and len(red) == 1
    assert "1 个单位低于标准" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    # L3 = 9/1000 × 100 = 0.9 exactly at the standard (0.8999999999999999 in binary): the engine
    # counts it as met, so the figure must not draw it red (0 of 2 below)
    fig = figures.indicator_figure(r, "L3")
    colors = [p.get_facecolor() for p in fig.axes[0].patches]
    assert len(colors) == 2 and not [c for c in colors if c[:3] == pytest.approx((0xD6 / 255, 0x27 / 255, 0x28 / 255))]
    assert "0 个单位低于标准" in fig.axes[0].get_title(loc="left")
    plt.close(fig)
    for fig in (figures.ratio_heatmap(r), figures.cv_figure(cv_table(r))):
        assert fig.axes
        plt.close(fig)
