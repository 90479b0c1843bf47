"""Government guarantee G1–G15 with numbers worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.config.standards import load_standards
from analysis.engine import guarantee as G
from analysis.schemas import validate

STD = load_standards()


def schools(rows):
    cols = ["school_code", "school_name", "town", "urban_rural", "school_type", "is_public", "is_boarding",
            "is_village_school", "merged_campuses"]
    return validate("schools", pd.DataFrame([(*r, None) for r in rows], columns=cols))


def classes_for(code, stage, grade, sizes):
    return [(code, f"{code}-{i}", stage, grade, s) for i, s in enumerate(sizes)]


def classes(rows):
    return validate("classes", pd.DataFrame(rows, columns=["school_code", "class_id", "stage", "grade", "size"]))


def rooms(rows):
    return validate("special_rooms", pd.DataFrame(rows, columns=["school_code", "room_type", "area_m2", "build_year"]))


def items(rows):
    """rows: (item, value, attested, evidence)."""
    return validate("county_items", pd.DataFrame(
        [(i, i, v, None, a, e) for i, v, a, e in rows],
        columns=["item", "label", "value", "unit", "attested", "evidence"]))


def enrolment(rows):
    return validate("enrolment", pd.DataFrame(rows, columns=["school_code", "stage", "grade", "students"]))


# ------------------------------------------------------------------ G3 music / art rooms
def g3_tables():
    s = schools([
        ("A", "甲小学", "镇1", "城区", "小学", True, False, False),
        ("B", "乙小学", "镇1", "城区", "小学", True, False, False),
        ("C", "丙小学", "镇1", "镇区", "小学", True, False, False),
        ("D", "丁村小", "镇2", "乡村", "小学", True, False, True),
        ("X", "特教学校", "镇1", "城区", "特殊教育学校", True, True, False),
    ])
    c = classes(classes_for("A", "小学", 3, [40] * 12) + classes_for("B", "小学", 3, [40] * 13)
                + classes_for("C", "小学", 3, [40] * 24) + classes_for("D", "小学", 3, [25] * 6))
    r = rooms([
        ("A", "音乐", 96.0, 2018), ("A", "美术", 89.9, 2018),              # art 0.1 m² under 90
        ("B", "音乐", 96.0, 2018), ("B", "音乐", 100.0, 2019), ("B", "美术", 90.0, 2018), ("B", "美术", 90.0, 2018),
        ("C", "音乐", 96.0, 2018), ("C", "音乐", 73.0, 2016),              # old room: 73 ≥ 73 counts
        ("C", "美术", 90.0, 2018), ("C", "美术", 66.9, 2010),              # old room: 66.9 < 67
        ("D", "音乐", 54.0, 2020), ("D", "美术", 53.9, 2020),              # small rural: min 54
    ])
    return {"schools": s, "classes": c, "special_rooms": r}


def test_g3_rooms_at_12_13_24_classes_and_area_minimum():
    res = G.g3(g3_tables(), STD)
    d = res.detail.set_index(["school_code", "room_type"])
    # A: 12 classes → ceil(12/12) = 1 room each; art 89.9 < 90 → 0 qualifying, 1 missing
    assert d.loc[("A", "美术"), "rooms_needed"] == 1
    assert d.loc[("A", "美术"), "rooms_qualifying"] == 0
    assert d.loc[("A", "美术"), "rooms_missing"] == 1
    assert "89.9㎡ < 90.0㎡" in d.loc[("A", "美术"), "rooms_too_small"]
    assert ("A", "音乐") not in d.index                   # 96 ≥ 96 passes
    # B: 13 classes → ceil(13/12) = 2 rooms each; has 2 + 2 of full size → passes, not listed
    assert "B" not in d.index.get_level_values(0)
    # C: 24 classes → ceil(24/12) = 2; music 96 + 73 (built 2016 < 2017, min 73) = 2 qualifying → pass;
    # art 90 + 66.9 (built 2010, min 67) → 1 qualifying, missing 2 − 1 = 1
    assert ("C", "音乐") not in d.index
    assert d.loc[("C", "美术"), "rooms_needed"] == 2
    assert d.loc[("C", "美术"), "rooms_missing"] == 1
    # D: rural, largest class 25 < 30 → 小学 small-school minimum 54 m²: music 54 ok, art 53.9 too small
    assert ("D", "音乐") not in d.index
    assert d.loc[("D", "美术"), "rooms_missing"] == 1
    # the special-education school is not judged; 4 schools judged, only B passes → 1/4
    assert res.status == G.FAIL and res.value == pytest.approx(0.25)
    assert res.value_text == "1/4 所学校达标"
    # the failing text names the school, how many rooms are missing and the room that is too small
    assert "甲小学 美术教室 需1间、合格0间、缺1间（面积不足：美术教室 89.9㎡ < 90.0㎡（2018））" in res.failing
    assert "丙小学 美术教室 需2间、合格1间、缺1间（面积不足：美术教室 66.9㎡ < 67.0㎡（2010））" in res.failing


def test_g3_school_without_class_rows_is_no_data_not_pass():
    t = g3_tables()
    t["classes"] = t["classes"][t["classes"]["school_code"] == "B"]   # only B still has classes
    t["schools"] = t["schools"][t["schools"]["school_code"].isin(["A", "B"])]
    res = G.g3(t, STD)
    assert res.status == G.NO_DATA
    assert set(res.detail.loc[res.detail["status"] == G.NO_DATA, "school_code"]) == {"A"}


def test_g3_missing_rooms_table_is_no_data():
    t = g3_tables()
    del t["special_rooms"]
    assert G.g3(t, STD).status == G.NO_DATA


# ------------------------------------------------------------------ G5 oversize classes
def test_g5_lists_every_oversize_class():
    s = schools([("A", "甲小学", "镇1", "城区", "小学", True, False, False),
                 ("J", "一中", "镇1", "城区", "初中", True, False, False)])
    c = classes([("A", "a1", "小学", 1, 45), ("A", "a2", "小学", 1, 46), ("A", "a3", "小学", 2, 52),
                 ("J", "j1", "初中", 7, 50), ("J", "j2", "初中", 8, 51)])
    res = G.g5({"schools": s, "classes": c}, STD)
    # limits 45 (小学) / 50 (初中): a2 46 (+1), a3 52 (+7), j2 51 (+1); a1 = 45 and j1 = 50 are at the limit
    assert res.status == G.FAIL
    assert list(res.detail["class_id"]) == ["a3", "a2", "j2"]      # sorted by excess desc, then code
    assert list(res.detail["excess"]) == [7, 1, 1]
    assert res.value == 3


# ------------------------------------------------------------------ attestations and missing numbers
def test_missing_attestation_is_not_provided_never_pass():
    t = {"county_items": items([("G1_layout", None, None, None)])}
    assert G.g1(t, STD).status == G.NOT_PROVIDED
    assert G.g1({"county_items": items([])}, STD).status == G.NOT_PROVIDED
    assert G.g1({}, STD).status == G.NOT_PROVIDED
    ok = G.g1({"county_items": items([("G1_layout", None, True, "布局规划文件")])}, STD)
    assert ok.status == G.PASS and "布局规划文件" in ok.evidence
    no = G.g1({"county_items": items([("G1_layout", None, False, None)])}, STD)
    assert no.status == G.FAIL


def test_g2_three_yes_one_missing_is_not_provided_and_one_no_is_fail():
    base = [("G2_building", None, True, "文件1"), ("G2_staffing", None, True, "文件2"),
            ("G2_funding", None, True, "文件3")]
    res = G.g2({"county_items": items(base)}, STD)
    assert res.status == G.NOT_PROVIDED and res.value_text == "3/4 项认定为“是”"
    res = G.g2({"county_items": items(base + [("G2_equipment", None, False, None)])}, STD)
    assert res.status == G.FAIL


def test_g7_missing_number_is_no_data_not_zero():
    res = G.g7({"county_items": items([("special_school_public_funds", 600000.0, None, None),
                                       ("special_school_students", None, None, None)])}, STD)
    assert res.status == G.NO_DATA and res.value is None
    # 600 000 / 100 = 6 000 ≥ 6 000 → pass exactly at the minimum; 599 999 / 100 = 5 999.99 → fail
    res = G.g7({"county_items": items([("special_school_public_funds", 600000.0, None, None),
                                       ("special_school_students", 100.0, None, None)])}, STD)
    assert res.status == G.PASS and res.value == 6000
    res = G.g7({"county_items": items([("special_school_public_funds", 599999.0, None, None),
                                       ("special_school_students", 100.0, None, None)])}, STD)
    assert res.status == G.FAIL and res.value_text == "5999.99 元"


def test_g8_pay_ok_but_attestation_missing_is_not_provided():
    t = {"county_items": items([("teacher_avg_pay", 80000.0, None, None),
                                ("civil_servant_avg_pay", 79000.0, None, None)])}
    assert G.g8(t, STD).status == G.NOT_PROVIDED
    t = {"county_items": items([("teacher_avg_pay", 78000.0, None, None),
                                ("civil_servant_avg_pay", 79000.0, None, None)])}
    assert G.g8(t, STD).status == G.FAIL          # pay below beats a missing attestation


# ------------------------------------------------------------------ G4, G6
def test_g4_school_size():
    s = schools([("A", "甲小学", "镇1", "城区", "小学", True, False, False),
                 ("N", "九年制", "镇1", "城区", "九年一贯制", True, False, False)])
    e = enrolment([("A", "小学", 1, 1000), ("A", "小学", 2, 1001), ("N", "小学", 1, 1500),
                   ("N", "初中", 7, 1000), ("N", "幼儿班", 0, 300)])
    res = G.g4({"schools": s, "enrolment": e}, STD)
    # A: 1000 + 1001 = 2001 > 2000 → +1; N: 1500 + 1000 = 2500 ≤ 2500 (kindergarten not counted)
    assert res.status == G.FAIL
    assert res.detail[["school_code", "students", "excess"]].values.tolist() == [["A", 2001, 1]]


def test_g6_small_village_school_funded_as_100():
    s = schools([("V", "村小", "镇2", "乡村", "小学", True, False, True),
                 ("T", "教学点", "镇2", "乡村", "教学点", True, False, False),
                 ("A", "甲小学", "镇1", "城区", "小学", True, False, False)])
    e = enrolment([("V", "小学", 1, 40), ("T", "小学", 1, 20), ("A", "小学", 1, 30)])
    f = validate("finance", pd.DataFrame(
        [("V", 65000.0, None, None), ("T", 64000.0, None, None), ("A", 1.0, None, None)],
        columns=["school_code", "public_funds_yuan", "public_funds_budget_yuan", "training_spending_yuan"]))
    ci = items([("norm_per_student_primary", 650.0, None, None), ("norm_per_student_junior", 850.0, None, None)])
    res = G.g6({"schools": s, "enrolment": e, "finance": f, "county_items": ci}, STD)
    # required 100 × 650 = 65 000: V 65 000 passes; T 64 000 short by 1 000; A is no village school
    d = res.detail.set_index("school_code")
    assert list(d.index) == ["V", "T"]
    assert d.loc["T", "shortfall_yuan"] == pytest.approx(1000.0)
    assert res.status == G.FAIL
    # the norm missing → no data, never "required 0"
    ci2 = items([("norm_per_student_junior", 850.0, None, None)])
    res2 = G.g6({"schools": s, "enrolment": e, "finance": f, "county_items": ci2}, STD)
    assert res2.status == G.NO_DATA


def test_g6_funds_exactly_100_times_the_norm_pass_despite_float_noise():
    # norm 512.2 元: required 100 × 512.2 = 51 220 元; funds of exactly 51 220 元 pass.
    # In binary floating point 100 × 512.2 = 51220.00000000001 > 51220 (the trap).
    assert 100 * 512.2 > 51220
    s = schools([("V", "村小", "镇2", "乡村", "小学", True, False, True),
                 ("W", "村小2", "镇2", "乡村", "小学", True, False, True)])
    e = enrolment([("V", "小学", 1, 40), ("W", "小学", 1, 60)])
    f = validate("finance", pd.DataFrame(
        [("V", 51220.0, None, None), ("W", 51219.0, None, None)],
        columns=["school_code", "public_funds_yuan", "public_funds_budget_yuan", "training_spending_yuan"]))
    ci = items([("norm_per_student_primary", 512.2, None, None)])
    res = G.g6({"schools": s, "enrolment": e, "finance": f, "county_items": ci}, STD)
    d = res.detail.set_index("school_code")
    # V at exactly 51 220 → pass; W 51 219 → short 1 元 → fail
    assert d.loc["V", "status"] == G.PASS and d.loc["W", "status"] == G.FAIL
    assert d.loc["W", "shortfall_yuan"] == pytest.approx(1.0) and res.value_text == "1/2 所足额核定"


# ------------------------------------------------------------------ teacher shares
def teachers(rows):
    """rows: (id, school, stage, full_time, backbone, cert, hours, eligible, rotated)."""
    df = pd.DataFrame([
        dict(teacher_id=i, school_code=s, stage=st, degree="本科", subject="语文", full_time=ft,
             backbone_level=bb, has_certificate=c, training_hours_5y=h, rotation_eligible=el, rotated=ro,
             service_school_code=None, service_mode=None, birth_year=1980)
        for i, s, st, ft, bb, c, h, el, ro in rows])
    return validate("teachers", df)


def test_g9_g12_shares_and_missing_values():
    t = teachers([
        ("t1", "A", "小学", True, "无", True, 360.0, True, False),
        ("t2", "A", "小学", True, "无", True, 359.0, True, False),
        ("t3", "A", "初中", True, "无", None, None, True, False),
        ("t4", "A", "小学", False, "无", False, 0.0, False, False),   # not full-time: not counted
    ])
    r9 = G.g9({"teachers": t}, STD)
    # known hours: t1 360 (ok), t2 359 (short 1); t3 missing → share 1/2 = 50%, already < 100% → fail
    assert r9.status == G.FAIL and r9.value == pytest.approx(0.5)
    assert r9.detail.set_index("teacher_id").loc["t2", "shortfall_hours"] == pytest.approx(1.0)
    # the failing text names the school, how many teachers and the hours missing: 360 − 359 = 1
    assert "A 1人不足360学时（共缺 1.0 学时）" in r9.failing
    r12 = G.g12({"teachers": t}, STD)
    # certificates: t1, t2 yes; t3 unknown → 2/2 known = 100% but one unknown → no data, not a pass
    assert r12.status == G.NO_DATA and r12.value == pytest.approx(1.0)


def test_g11_rotation_shares():
    rows = [(f"t{i}", "A", "小学", True, "无", True, 360.0, True, i < 2) for i in range(20)]
    rows[0] = ("t0", "A", "小学", True, "县级", True, 360.0, True, True)
    # eligible 20, rotated 2 → 10% ≥ 10%; backbone among rotated 1/2 = 50% ≥ 20% → pass
    assert G.g11({"teachers": teachers(rows)}, STD).status == G.PASS
    rows[1] = ("t1", "A", "小学", True, "无", True, 360.0, True, False)
    # rotated 1/20 = 5% < 10% → fail, need ceil(0.1 × 20) = 2, short 1
    res = G.g11({"teachers": teachers(rows)}, STD)
    assert res.status == G.FAIL and "差 1 人" in res.failing


def test_g11_counts_compulsory_stage_teachers_only():
    # 小学: 20 eligible, 2 rotated (one 县级 backbone) → 2/20 = 10% ≥ 10% → pass.
    # Two eligible, not rotated teachers of the senior section (高中) and a kindergarten class (幼儿班)
    # are outside compulsory education; counting them would give 2/22 = 9.09% < 10% → fail.
    rows = [(f"t{i}", "A", "小学", True, "县级" if i == 0 else "无", True, 360.0, True, i < 2) for i in range(20)]
    rows += [("h1", "A", "高中", True, "无", True, 360.0, True, False),
             ("k1", "A", "幼儿班", True, "无", True, 360.0, True, False)]
    res = G.g11({"teachers": teachers(rows)}, STD)
    assert res.status == G.PASS and res.value == pytest.approx(0.10)
    assert res.value_text == "交流轮岗 10.00%；骨干占比 50.00%"


# ------------------------------------------------------------------ G13, G14, G15
def test_g13_nearby_enrolment_only_urban_town_public_non_boarding():
    s = schools([("A", "甲小学", "镇1", "城区", "小学", True, False, False),
                 ("B", "乙寄宿", "镇1", "城区", "小学", True, True, False),
                 ("J", "一中", "镇1", "镇区", "初中", True, False, False),
                 ("R", "村小", "镇2", "乡村", "小学", True, False, True)])
    c = validate("catchment", pd.DataFrame(
        [("A", "小学", 100, 100), ("B", "小学", 50, 10), ("J", "初中", 200, 190), ("R", "小学", 10, 0)],
        columns=["school_code", "stage", "entrants", "entrants_in_catchment"]))
    res = G.g13({"schools": s, "catchment": c}, STD)
    # 小学: only A counts (B boarding, R rural) → 100/100 = 100%; 初中: 190/200 = 95% ≥ 95% → pass
    assert res.status == G.PASS
    assert res.value_text == "小学 100.00%；初中 95.00%"


def test_g14_quota_share_and_rural_tilt():
    s = schools([("J1", "城区中学", "镇1", "城区", "初中", True, False, False),
                 ("J2", "农村中学", "镇2", "乡村", "初中", True, False, False)])
    q = validate("quota", pd.DataFrame([("J1", 300, 150), ("J2", 100, 60)],
                                       columns=["school_code", "graduates", "allocated_places"]))
    ci = items([("quota_total_places", 400.0, None, None)])
    res = G.g14({"schools": s, "quota": q, "county_items": ci}, STD)
    # allocated 150 + 60 = 210 / 400 = 52.5% ≥ 50%; rural places 60/210 = 28.57% ≥ rural graduates 100/400 = 25%
    assert res.status == G.PASS and res.value == pytest.approx(0.525)
    q2 = validate("quota", pd.DataFrame([("J1", 300, 170), ("J2", 100, 40)],
                                        columns=["school_code", "graduates", "allocated_places"]))
    # rural 40/210 = 19.05% < 25% → not tilted → fail
    assert G.g14({"schools": s, "quota": q2, "county_items": ci}, STD).status == G.FAIL


def test_g15_share_and_attestation():
    ci = items([("G15_care_system", None, True, "关爱体系文件"), ("migrant_eligible", 200.0, None, None),
                ("migrant_in_public_or_bought", 170.0, None, None)])
    res = G.g15({"county_items": ci}, STD)
    # 170 / 200 = 85% ≥ 85%
    assert res.status == G.PASS and res.value == pytest.approx(0.85)
    ci = items([("G15_care_system", None, True, "x"), ("migrant_eligible", 200.0, None, None)])
    assert G.g15({"county_items": ci}, STD).status == G.NO_DATA


def test_evaluate_guarantee_returns_all_fifteen():
    res = G.evaluate_guarantee({}, STD)
    assert list(res) == [f"G{k}" for k in range(1, 16)]
    # nothing provided: attested items are 未提供, number items 无数据, none passes
    assert res["G1"].status == G.NOT_PROVIDED and res["G5"].status == G.NO_DATA
    assert not any(r.passed for r in res.values())
