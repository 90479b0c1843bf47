"""Issue #10: a missing input never passes — one test per non-resource indicator (G1–G15, Q1–Q9,
S1) where one school's (class's, room's, teacher's, item's) input is missing, with the statuses and
numbers worked by hand. A definite failure elsewhere still wins (未达标 > 未提供 > 无数据 > 达标)."""

from __future__ import annotations

import pandas as pd
import pytest
from test_guarantee import (
    classes,
    classes_for,
    enrolment,
    items,
    rooms,
    schools,
    teachers,
)

from analysis.config.standards import load_standards
from analysis.engine import guarantee as G
from analysis.engine import quality as Q
from analysis.engine import recognition as R
from analysis.engine.guarantee import FAIL, NO_DATA, NOT_PROVIDED, PASS, fmt_vs
from analysis.schemas import SATISFACTION_LEVELS, validate

STD = load_standards()


def primary(code, name, urban_rural="城区", village=False, boarding=False, school_type="小学"):
    return (code, name, "镇1", urban_rural, school_type, True, boarding, village)


# ------------------------------------------------------------------ attestations (G1, G2, G10): 未提供
@pytest.mark.parametrize("fn, item", [(G.g1, "G1_layout"), (G.g2, "G2_building"), (G.g10, "G10_post_allocation")])
def test_missing_attestation_is_not_provided(fn, item):
    # the attestation row exists but 认定 is blank: never 达标, always 未提供
    assert fn({"county_items": items([(item, None, None, None)])}, STD).status == NOT_PROVIDED


# ------------------------------------------------------------------ county numbers (G7, G8, G15, Q1, Q2)
def test_missing_county_number_is_no_data():
    # G7: students blank → 无数据 (never funds ÷ 0 or ÷ "0")
    assert G.g7({"county_items": items([("special_school_public_funds", 600000.0, None, None)])}, STD).status == NO_DATA
    # G8: civil servants' pay blank, performance pay attested 是 → 无数据 (not 达标)
    g8 = G.g8({"county_items": items([("teacher_avg_pay", 90000.0, None, None),
                                      ("G8_performance_pay", None, True, "文件")])}, STD)
    assert g8.status == NO_DATA and "当地公务员年平均工资收入" in g8.failing
    # G15: care system attested, migrant children in public schools blank → 无数据
    g15 = G.g15({"county_items": items([("G15_care_system", None, True, "文件"),
                                        ("migrant_eligible", 200.0, None, None)])}, STD)
    assert g15.status == NO_DATA
    # Q2: home-delivered count blank; the others give (30 + 50) / 100 = 80% — a missing number is
    # not read as 0 (that would be a 未达标 it has not earned): 无数据, naming the item
    q2 = Q.q2({"county_items": items([("disabled_enrolled_special", 30.0, None, None),
                                      ("disabled_enrolled_regular", 50.0, None, None),
                                      ("disabled_school_age", 100.0, None, None)])}, STD)
    assert q2.status == NO_DATA and "送教上门" in q2.failing


# ------------------------------------------------------------------ G3 blank build year (item 5)
def g3_county(music_rooms):
    """甲小学 (城区), 12 classes → ⌈12/12⌉ = 1 room of each type; art room 90 ㎡ (2018) qualifies."""
    s = schools([primary("A", "甲小学")])
    c = classes(classes_for("A", "小学", 3, [40] * 12))
    r = rooms([("A", "美术", 90.0, 2018), *[("A", "音乐", a, y) for a, y in music_rooms]])
    return {"schools": s, "classes": c, "special_rooms": r}


def test_g3_room_with_blank_build_year_is_no_data_and_says_the_minimum_under_each_reading():
    # the only music room: 73 ㎡, build year blank. Built before 2017 → minimum 73 ㎡ → qualifies;
    # otherwise → minimum 96 ㎡ → does not. The build year decides it: 无数据 (it was 未达标)
    res = G.g3(g3_county([(73.0, None)]), STD)
    assert res.status == NO_DATA
    d = res.detail.set_index("room_type")
    assert d.loc["音乐", "status"] == NO_DATA and d.loc["音乐", "rooms_unknown"] == 1
    assert d.loc["音乐", "rooms_missing"] == 0                     # not a definite shortfall
    assert ("甲小学 音乐教室 需1间、合格0间，无数据：音乐教室 73.0㎡：建成年份不详，由建成年份决定："
            "若2017年前建成，最低 73.0㎡（合格），否则最低 96.0㎡（不合格）") in res.failing


def test_g3_blank_build_year_that_cannot_decide_is_judged():
    # 72 ㎡ with a blank year: < 73 even under the pre-2017 minimum → too small either way → 未达标
    res = G.g3(g3_county([(72.0, None)]), STD)
    assert res.status == FAIL and "音乐教室 72.0㎡ < 73.0㎡（建成年份不详）" in res.failing
    # a 96 ㎡ room (2018) already gives the 1 room needed: the undecided 73 ㎡ room cannot change it → 达标
    assert G.g3(g3_county([(96.0, 2018), (73.0, None)]), STD).status == PASS


def test_g3_definite_failure_elsewhere_wins_over_the_undecided_room():
    t = g3_county([(73.0, None)])
    t["special_rooms"] = rooms([("A", "美术", 89.9, 2018), ("A", "音乐", 73.0, None)])  # art 89.9 < 90
    assert G.g3(t, STD).status == FAIL


def test_g3_na_class_size_leaves_the_small_rural_minimum_undecided():
    # rural 村小 with 6 classes of 25 and one of unknown size: if the unknown class is under 30 the
    # school is small-rural (小学 minimum 54 ㎡), otherwise the normal 96 ㎡ applies; a 60 ㎡ music
    # room (2020) qualifies only in the first reading → 无数据
    s = schools([primary("D", "丁村小", urban_rural="乡村", village=True)])
    c = classes(classes_for("D", "小学", 3, [25] * 6) + [("D", "D-x", "小学", 4, None)])
    r = rooms([("D", "音乐", 60.0, 2020), ("D", "美术", 60.0, 2020)])
    res = G.g3({"schools": s, "classes": c, "special_rooms": r}, STD)
    assert res.status == NO_DATA
    assert "若是，最低 54.0㎡（合格），否则最低 96.0㎡（不合格）" in res.failing


# ------------------------------------------------------------------ G4 unreadable grade cell
def test_g4_unknown_grade_count_is_no_data_not_the_smaller_sum():
    s = schools([primary("A", "甲小学"), primary("B", "乙小学")])
    # A: grade 1 = 1000, grade 2 unknown. Old reading: 1000 ≤ 2000 → 达标. The size is unknown → 无数据
    # B: 1200 + 300 = 1500 ≤ 2000 → 达标
    e = enrolment([("A", "小学", 1, 1000), ("A", "小学", 2, None), ("B", "小学", 1, 1200), ("B", "小学", 2, 300)])
    res = G.g4({"schools": s, "enrolment": e}, STD)
    assert res.status == NO_DATA
    d = res.detail.set_index("school_code")
    assert list(d.index) == ["A"] and pd.isna(d.loc["A", "students"])
    assert "甲小学 无数据：在校生数缺失（2年级人数不详，enrolment.students）" in res.failing


def test_g4_known_grades_over_the_limit_fail_whatever_the_missing_grade():
    s = schools([primary("A", "甲小学")])
    # 1500 + 600 = 2100 known, grade 3 unknown (≥ 0) → at least 2100 − 2000 = 100 over → 未达标
    e = enrolment([("A", "小学", 1, 1500), ("A", "小学", 2, 600), ("A", "小学", 3, None)])
    res = G.g4({"schools": s, "enrolment": e}, STD)
    assert res.status == FAIL
    assert res.detail.loc[0, "excess"] == 100
    assert "甲小学 已知年级合计2100人，至少超100人" in res.failing


# ------------------------------------------------------------------ G5 no class rows / NA size
def test_g5_school_without_class_rows_or_with_a_blank_size_is_no_data():
    s = schools([primary("A", "甲小学"), primary("B", "乙小学")])
    e = enrolment([("A", "小学", 1, 40), ("B", "小学", 1, 80)])
    # A: one class of 40 ≤ 45; B has 80 pupils and no class rows (the table is not empty) → 无数据
    res = G.g5({"schools": s, "enrolment": e, "classes": classes([("A", "a1", "小学", 1, 40)])}, STD)
    assert res.status == NO_DATA and "乙小学（小学） 无数据：无班级记录（classes）" in res.failing
    # B's classes reported, one of them without a size → that class is 无数据
    c = classes([("A", "a1", "小学", 1, 40), ("B", "b1", "小学", 1, 40), ("B", "b2", "小学", 1, None)])
    res = G.g5({"schools": s, "enrolment": e, "classes": c}, STD)
    assert res.status == NO_DATA and "乙小学 b2 无数据：班额缺失（classes.size）" in res.failing
    # an oversize class elsewhere (a1 46 > 45) is a definite failure and wins
    c = classes([("A", "a1", "小学", 1, 46), ("B", "b1", "小学", 1, 40), ("B", "b2", "小学", 1, None)])
    res = G.g5({"schools": s, "enrolment": e, "classes": c}, STD)
    assert res.status == FAIL and list(res.detail["status"]) == [FAIL, NO_DATA]


# ------------------------------------------------------------------ G6 unknown pupil count
def test_g6_village_school_with_unknown_pupils_is_no_data():
    s = schools([primary("V", "村小", "乡村", village=True), primary("W", "大村小", "乡村", village=True)])
    # V: 40 + unknown grade 2 → maybe under 100 → in scope, its required funds unknown → 无数据
    # W: 60 + 50 = 110 known (+ unknown grade 3) ≥ 100 → not under 100 whatever → not judged
    e = enrolment([("V", "小学", 1, 40), ("V", "小学", 2, None),
                   ("W", "小学", 1, 60), ("W", "小学", 2, 50), ("W", "小学", 3, None)])
    f = validate("finance", pd.DataFrame([("V", 65000.0, None, None), ("W", 1.0, None, None)],
                                         columns=["school_code", "public_funds_yuan", "public_funds_budget_yuan",
                                                  "training_spending_yuan"]))
    ci = items([("norm_per_student_primary", 650.0, None, None)])
    res = G.g6({"schools": s, "enrolment": e, "finance": f, "county_items": ci}, STD)
    assert res.status == NO_DATA and list(res.detail["school_code"]) == ["V"]
    assert "村小 无数据：在校生数缺失（2年级人数不详，enrolment.students）" in res.failing


# ------------------------------------------------------------------ G9, G12 teachers' values
def test_g9_g12_unknown_teacher_value_is_no_data_naming_the_school():
    t = teachers([("t1", "A", "小学", True, "无", True, 400.0, True, False),
                  ("t2", "A", "小学", True, "无", None, None, True, False)])
    s = schools([primary("A", "甲小学")])
    # t1 meets both (400 ≥ 360 h, certified); t2 unknown: the share is 1/1 known = 100% but could be 50%
    r9 = G.g9({"teachers": t, "schools": s}, STD)
    assert r9.status == NO_DATA and "甲小学 1名教师近5年培训学时缺失（teachers.training_hours_5y）" in r9.failing
    r12 = G.g12({"teachers": t, "schools": s}, STD)
    assert r12.status == NO_DATA and "甲小学 1名教师是否持有教师资格证缺失（teachers.has_certificate）" in r12.failing


# ------------------------------------------------------------------ G11 unknown rotation flags
def rotation(n_eligible, n_rotated, extra=()):
    """n_eligible 小学 teachers, the first n_rotated rotated (t0 a 县级 backbone), plus extra rows."""
    rows = [(f"t{i}", "A", "小学", True, "县级" if i == 0 else "无", True, 400.0, True, i < n_rotated)
            for i in range(n_eligible)]
    return {"teachers": teachers(rows + list(extra)), "schools": schools([primary("A", "甲小学")])}


def test_g11_unknown_eligibility_that_could_decide_is_no_data():
    # 20 eligible, 2 rotated (1 backbone) → 2/20 = 10% ≥ 10%; a 21st teacher, eligibility unknown:
    # if eligible, 2/21 = 9.52% < 10% → the flag decides it → 无数据; backbone 1/2 = 50% ≥ 20% either way
    res = G.g11(rotation(20, 2, [("x", "A", "小学", True, "无", True, 400.0, None, False)]), STD)
    assert res.status == NO_DATA
    assert "甲小学 1名教师“符合交流轮岗条件”缺失（teachers.rotation_eligible）" in res.failing


def test_g11_fails_when_even_the_unknown_teacher_cannot_lift_the_share():
    # 40 eligible, 2 rotated, a 41st eligible teacher with rotation unknown: at best 3/41 = 7.32% < 10% → 未达标
    res = G.g11(rotation(40, 2, [("x", "A", "小学", True, "无", True, 400.0, True, None)]), STD)
    assert res.status == FAIL and "最多 7.32%" in res.failing


# ------------------------------------------------------------------ G13 scope by entry-grade pupils (item 4)
def g13_county(a_in=100):
    s = schools([primary("A", "甲小学"), primary("B", "乙小学"), primary("C", "丙寄宿", boarding=True),
                 ("J", "一中", "镇1", "镇区", "初中", True, False, False)])
    e = enrolment([("A", "小学", 1, 100), ("B", "小学", 1, 50), ("C", "小学", 1, 30), ("J", "初中", 7, 200)])
    c = validate("catchment", pd.DataFrame([("A", "小学", 100, a_in), ("J", "初中", 200, 190)],
                                           columns=["school_code", "stage", "entrants", "entrants_in_catchment"]))
    return {"schools": s, "enrolment": e, "catchment": c}


def test_g13_school_with_entry_grade_pupils_but_no_catchment_row_is_missing_not_absent():
    # 小学: A 100/100 = 100%; B has 50 grade-1 pupils and no catchment row. The old share over the
    # remaining schools was 100% → 达标; B is missing → 小学 无数据. C is boarding: not in scope.
    # 初中: J 190/200 = 95% ≥ 95%.
    res = G.g13(g13_county(), STD)
    assert res.status == NO_DATA
    assert "乙小学（小学）无数据：无就近划片入学记录（catchment）" in res.failing and "丙寄宿" not in res.failing
    assert res.value_text == "小学 无完整数据（已知 100.00%，缺 1 所学校的数据）；初中 95.00%"


def test_g13_a_100_percent_rule_already_missed_fails_whatever_the_missing_school():
    # A: 99 of 100 in the catchment. Whatever B's figures, (99 + x) / (100 + y) with x ≤ y stays < 100% → 未达标
    res = G.g13(g13_county(a_in=99), STD)
    assert res.status == FAIL and "小学 已知学校片内入学 99/100 人" in res.failing


# ------------------------------------------------------------------ G14 places / graduates
def test_g14_missing_graduates_or_quota_row_is_no_data():
    s = schools([("J1", "城区中学", "镇1", "城区", "初中", True, False, False),
                 ("J2", "农村中学", "镇2", "乡村", "初中", True, False, False),
                 ("J3", "新中学", "镇2", "乡村", "初中", True, False, False)])
    q = validate("quota", pd.DataFrame([("J1", 300, 150), ("J2", None, 60)],
                                       columns=["school_code", "graduates", "allocated_places"]))
    ci = items([("quota_total_places", 400.0, None, None)])
    res = G.g14({"schools": s, "quota": q, "county_items": ci}, STD)
    # allocated 150 + 60 = 210 / 400 = 52.5% ≥ 50% on the known places alone; the rural tilt needs
    # J2's graduates (rural graduates' share unknown) → 无数据
    assert res.status == NO_DATA and "农村中学 无数据：毕业生数缺失（quota.graduates）" in res.failing
    # J3 has grade-9 pupils but no quota row: missing, not absent
    e = enrolment([("J1", "初中", 9, 300), ("J2", "初中", 9, 100), ("J3", "初中", 9, 40)])
    q2 = validate("quota", pd.DataFrame([("J1", 300, 150), ("J2", 100, 60)],
                                        columns=["school_code", "graduates", "allocated_places"]))
    res = G.g14({"schools": s, "quota": q2, "county_items": ci, "enrolment": e}, STD)
    assert res.status == NO_DATA and "新中学 无数据：无名额分配记录（quota）" in res.failing


# ------------------------------------------------------------------ Q3–Q7 per school
def q_schools(codes):
    return validate("schools", pd.DataFrame(
        [(c, f"{c}校", "镇1", "城区", "小学", True, False, False, None) for c in codes],
        columns=["school_code", "school_name", "town", "urban_rural", "school_type", "is_public",
                 "is_boarding", "is_village_school", "merged_campuses"]))


def ratings(rows):
    return validate("ratings", pd.DataFrame(rows, columns=["school_code", "has_charter", "has_informatization",
                                                           "ict_rating", "moral_rating", "curriculum_rating"]))


def test_q3_to_q7_school_with_unknown_pupils_and_missing_rating_is_no_data():
    # B's only enrolment row is unknown (NA): B may have pupils → in scope, not silently absent
    t = {"schools": q_schools(["A", "B"]),
         "enrolment": enrolment([("A", "小学", 1, 100), ("B", "小学", 1, None)]),
         "ratings": ratings([("A", True, True, "良好", "良好", "良好"), ("B", None, True, None, "优秀", None)])}
    q3 = Q.q3(t, STD)
    assert q3.status == NO_DATA and "B校 无数据：是否制定章程缺失（ratings.has_charter）" in q3.failing
    q5 = Q.q5(t, STD)
    assert q5.status == NO_DATA and "B校 无数据：评级缺失（ratings.ict_rating）" in q5.failing
    assert Q.q6(t, STD).status == PASS                       # both rated 良好 or better
    assert Q.q7(t, STD).status == NO_DATA


def test_q4_missing_budget_is_no_data():
    f = validate("finance", pd.DataFrame([("A", None, 100000.0, 5000.0), ("B", None, None, 6000.0)],
                                         columns=["school_code", "public_funds_yuan", "public_funds_budget_yuan",
                                                  "training_spending_yuan"]))
    # A: 5000 / 100 000 = 5% → 达标; B: budget blank → share unknown → 无数据
    t = {"schools": q_schools(["A", "B"]), "enrolment": enrolment([("A", "小学", 1, 9), ("B", "小学", 1, 9)]),
         "finance": f}
    res = Q.q4(t, STD)
    assert res.status == NO_DATA
    assert "B校 无数据：年度公用经费预算缺失（finance.public_funds_budget_yuan）" in res.failing


# ------------------------------------------------------------------ Q8 homework rows
def homework(rows):
    return validate("homework", pd.DataFrame(rows, columns=["school_code", "grade", "respondents", "written_minutes"]))


def test_q8_grade_with_pupils_but_no_survey_row_or_a_blank_figure_is_no_data():
    t = {"schools": q_schools(["A", "B"]),
         "enrolment": enrolment([("A", "小学", 3, 40), ("B", "小学", 3, 40), ("B", "小学", 4, 40)]),
         "homework": homework([("A", 3, 30, 50.0), ("B", 3, 30, None)])}
    # A grade 3: 50 ≤ 60 → 达标; B grade 3: minutes blank; B grade 4: pupils, no row → 无数据
    res = Q.q8(t, STD)
    assert res.status == NO_DATA
    assert "B校 3年级 无数据：日均书面作业时间缺失（homework.written_minutes）" in res.failing
    assert "B校 4年级 无数据：无课业负担调查记录（homework）" in res.failing
    # respondents unknown for B grade 3 (minutes 40 known): the average may rest on no valid answer → 无数据
    t["homework"] = homework([("A", 3, 30, 50.0), ("B", 3, None, 40.0), ("B", 4, 30, 40.0)])
    assert Q.q8(t, STD).status == NO_DATA
    # A grade 3 at 61 > 60 is a definite failure and wins
    t["homework"] = homework([("A", 3, 30, 61.0), ("B", 3, None, 40.0), ("B", 4, 30, 40.0)])
    assert Q.q8(t, STD).status == FAIL


# ------------------------------------------------------------------ Q9 level / rate and its precision (item 7)
def monitoring(rows):
    return validate("monitoring", pd.DataFrame(rows, columns=["subject", "grade", "level", "diff_rate"]))


def test_q9_unknown_level_or_rate_is_no_data_unless_the_other_fails():
    # 数学 level Ⅲ, 0.10 → 达标; 语文 level blank, 0.10 → 无数据
    res = Q.q9({"monitoring": monitoring([("数学", 4, 3, 0.10), ("语文", 4, None, 0.10)])}, STD)
    assert res.status == NO_DATA and "语文4年级 无数据：学业水平等级缺失（monitoring.level）" in res.failing
    # 语文 level blank but its rate 0.16 ≥ 0.15 fails whatever the level → 未达标
    res = Q.q9({"monitoring": monitoring([("数学", 4, 3, 0.10), ("语文", 4, None, 0.16)])}, STD)
    assert res.status == FAIL and "语文4年级 等级不详级、差异率 0.160" in res.failing


def test_q9_rate_is_shown_at_three_decimals_never_as_the_limit_it_passes_or_fails():
    # 0.149 < 0.15 → 达标, shown "0.149" (2 decimals would print "0.15", the same as a failing 0.15)
    res = Q.q9({"monitoring": monitoring([("数学", 4, 3, 0.149)])}, STD)
    assert res.status == PASS and res.value_text == "最低等级 Ⅲ级；最大校际差异率 0.149"
    # 0.1499 prints "0.150" at 3 decimals, the limit itself → one more decimal: "0.1499"
    res = Q.q9({"monitoring": monitoring([("数学", 4, 3, 0.1499)])}, STD)
    assert res.status == PASS and res.value_text.endswith("0.1499")
    # exactly 0.15 is not < 0.15 → 未达标, shown "0.150"
    res = Q.q9({"monitoring": monitoring([("数学", 4, 3, 0.15)])}, STD)
    assert res.status == FAIL and "差异率 0.150" in res.failing


# ------------------------------------------------------------------ S1 counts
def survey(rows):
    return validate("satisfaction", pd.DataFrame(rows, columns=["survey_kind", "group", *SATISFACTION_LEVELS]))


def test_s1_blank_count_is_no_data_and_a_hopeless_rate_still_fails():
    # 家长 "不满意" blank: 学生 90/100, 家长 (300 + 150) / (480 + ?) — the pooled rate is unknown → 无数据
    rows = [("问卷调查", "学生", 60, 30, 10, 0, 0), ("问卷调查", "家长", 300, 150, 20, 10, None)]
    res = R.s1({"satisfaction": survey(rows)}, STD)
    assert res.status == NO_DATA and res.value is None
    assert "家长 “不满意”人数缺失（satisfaction）" in res.failing
    # 学生 40 + 10 = 50 of 100; 家长 300 + 100 = 400 of 480 known + ? unsatisfied. At best (the blank
    # count 0): (50 + 400) / (100 + 480) = 450 / 580 = 77.59% < 85% → 未达标 whatever the blank
    rows = [("问卷调查", "学生", 40, 10, 50, 0, 0), ("问卷调查", "家长", 300, 100, 60, 20, None)]
    res = R.s1({"satisfaction": survey(rows)}, STD)
    assert res.status == FAIL and "最多 77.59%" in res.failing
    # a blank satisfied count can lift the rate without bound → 无数据, never 未达标 on a guess
    rows = [("问卷调查", "学生", 40, 10, 50, 0, 0), ("问卷调查", "家长", None, 100, 60, 20, 0)]
    assert R.s1({"satisfaction": survey(rows)}, STD).status == NO_DATA


# ------------------------------------------------------------------ display precision (item 7)
def test_a_failing_value_never_prints_the_same_as_its_threshold():
    # 84.996% at 2 decimals is "85.00%", the 85% rule it fails → one more decimal
    assert fmt_vs(0.84996, 0.85, pct=True) == "84.996%"
    # a value equal to the rule up to float noise prints as the rule (0.85 − 1e-12)
    assert fmt_vs(0.85 - 1e-12, 0.85, pct=True) == "85.00%"
    # far from the rule: the usual 2 decimals
    assert fmt_vs(0.9, 0.85, pct=True) == "90.00%"
    # 5999.996 元 against 6000: "6000.00" at 2 decimals → "5999.996"
    assert fmt_vs(5999.996, 6000) == "5999.996"
