"""Issue #13: the counts form of the raw contract — teachers per school and stage (专任教师数) and
classes per 班额 band (班额分段) — read by the one engine (L1–L3, G3, G5), judged where it needs
individual teachers (G9, G11, G12) as 无数据, and kept working in the optimiser and the projection.

Every number below is worked out by hand beside the assertion."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import evaluate_resources, schemas
from analysis.config.standards import load_standards
from analysis.engine.guarantee import g3, g5, g9, g11, g12
from analysis.engine.teachers import counts_bounds, movable_teachers
from analysis.planning.optimise import optimise
from analysis.planning.projection import ScenarioError, apply_actions, derive_classes
from projection_fixtures import facility, school, teacher

S = load_standards()


def counts(*rows):
    """teacher_counts rows: (school, stage, full_time, qualifying, backbone, pe_art[, serving])."""
    cols = ["school_code", "stage", "full_time", "qualifying", "backbone", "pe_art", "serving_pe_art"]
    return schemas.validate("teacher_counts", pd.DataFrame([list(r) + [None] * (7 - len(r)) for r in rows],
                                                            columns=cols))


def county(teacher_rows=(), count_rows=(), urban="城区", p2=500):
    """Two primary schools: P1 (500 pupils) and P2 (``p2`` pupils, ``urban``), facilities at
    the standard, the roster and/or the counts given."""
    t = {
        "schools": pd.DataFrame([school("P1"), school("P2", urban_rural=urban)]),
        "enrolment": pd.DataFrame([{"school_code": c, "stage": "小学", "grade": 1, "students": n}
                                   for c, n in (("P1", 500), ("P2", p2))]),
        "facilities": pd.DataFrame([facility(c, 4.5 * n, 7.5 * n, 2000.0 * n, 0.023 * n)
                                    for c, n in (("P1", 500), ("P2", p2))]),
        "teachers": schemas.validate("teachers", pd.DataFrame(list(teacher_rows), columns=list(
            schemas.TABLES["teachers"].columns))),
        "teacher_counts": counts(*count_rows),
    }
    return {k: schemas.validate(k, v) if k in ("schools", "enrolment", "facilities") else v for k, v in t.items()}


def unit(tables, code):
    return evaluate_resources(tables, S).set_index("school_code").loc[code]


def test_l1_to_l3_from_counts_by_hand():
    # P1: 500 pupils; 30 full-time, 25 with 专科 or higher, 6 backbone, 5 PE/art
    u = unit(county(count_rows=[("P1", "小学", 30, 25, 6, 5)]), "P1")
    assert u["L1"] == pytest.approx(5.0)  # 25 / 500 × 100
    assert u["L2"] == pytest.approx(1.2)  # 6 / 500 × 100
    assert u["L3"] == pytest.approx(1.0)  # 5 / 500 × 100
    # a blank count is unknown, never 0: L2 无数据, named; L1 and L3 as before
    u = unit(county(count_rows=[("P1", "小学", 30, 25, None, 5)]), "P1")
    assert pd.isna(u["L2"]) and u["L1"] == pytest.approx(5.0)
    assert "专任教师数" in u["missing_inputs"] and "县级及以上骨干" in u["missing_inputs"]
    # P2 is in neither the roster nor the counts: unknown
    assert pd.isna(unit(county(count_rows=[("P1", "小学", 30, 25, 6, 5)]), "P2")["L1"])


def test_the_roster_wins_school_by_school():
    # P1 in the roster (20 teachers 本科, 2 of them PE) and in the counts (which say 99): roster
    roster = [teacher(f"T{i}", "P1", subject="体育" if i < 2 else "语文") for i in range(20)]
    u = evaluate_resources(county(roster, [("P1", "小学", 99, 99, 99, 99), ("P2", "小学", 10, 10, 5, 5)]),
                           S).set_index("school_code")
    assert u.loc["P1", "L1"] == pytest.approx(4.0)  # 20 / 500 × 100 (not 99)
    assert u.loc["P1", "L3"] == pytest.approx(0.4)  # 2 / 500 × 100
    assert u.loc["P2", "L2"] == pytest.approx(1.0)  # P2 from its counts: 5 / 500 × 100


def test_small_rural_relaxation_from_the_counts():
    # P2: rural, 80 pupils (50–99: the L3 relaxation applies); 1 own PE teacher, 2 serving
    rows = [("P1", "小学", 30, 25, 6, 5), ("P2", "小学", 6, 6, 1, 1, 2)]
    u = unit(county(count_rows=rows, urban="乡村", p2=80), "P2")
    assert u["L3"] == pytest.approx(3.75)  # (1 + 2) / 80 × 100
    # serving blank: the relaxation's input is unknown → L3 无数据 (not 1.25), named
    rows[1] = ("P2", "小学", 6, 6, 1, 1)
    u = unit(county(count_rows=rows, urban="乡村", p2=80), "P2")
    assert pd.isna(u["L3"]) and "外校来本校任教" in u["missing_inputs"]
    # an urban school of 80 pupils is not eligible: the blank does not matter
    u = unit(county(count_rows=rows, urban="城区", p2=80), "P2")
    assert u["L3"] == pytest.approx(1.25)  # 1 / 80 × 100


def test_g9_g11_g12_with_counts():
    only = county(count_rows=[("P1", "小学", 30, 25, 6, 5), ("P2", "小学", 10, 10, 5, 5)])
    for rule in (g9, g11, g12):
        r = rule(only, S)
        assert r.status == "无数据" and "2 所学校只有专任教师数" in r.failing and "共 40 名专任教师" in r.failing
    # P1 from a roster whose teachers all pass; P2 only counts: cannot pass → 无数据
    roster = [teacher(f"T{i}", "P1") for i in range(20)]
    mixed = county(roster, [("P2", "小学", 10, 10, 5, 5)])
    assert g9(mixed, S).status == "无数据" and g12(mixed, S).status == "无数据"
    # a roster teacher who fails still fails the county (the counts cannot undo it)
    roster[0] = {**roster[0], "has_certificate": False}
    assert g12(county(roster, [("P2", "小学", 10, 10, 5, 5)]), S).status == "未达标"


def bands(*rows):
    """class_bands rows: (school, stage, lower, upper, classes)."""
    return schemas.validate("class_bands", pd.DataFrame(
        rows, columns=["school_code", "stage", "size_min", "size_max", "classes"]))


def test_g5_from_band_counts():
    t = county(count_rows=[("P1", "小学", 30, 25, 6, 5), ("P2", "小学", 10, 10, 5, 5)])
    t["classes"] = schemas.empty("classes")
    # P1: 10 classes of 41–45 (小学 limit 45: within) and 2 of 46–50 (over); P2: 12 of 36–40
    t["class_bands"] = bands(("P1", "小学", 41, 45, 10), ("P1", "小学", 46, 50, 2), ("P2", "小学", 36, 40, 12))
    r = g5(t, S)
    assert r.status == "未达标" and r.value == 2.0  # the 2 classes of 46–50
    assert "P1" in r.failing or "学校P1" in r.failing
    assert "2个班（限45，至少超1）" in r.failing  # 46 − 45 = 1 at least
    # with a limit of 48 the 46–50 band may or may not be over: 无数据, not a pass
    s48 = load_standards()
    s48["guarantee"]["G5"]["max_class_size"]["小学"] = 48
    assert g5(t, s48).status == "无数据"
    # a blank count in a band over the limit: 无数据; a blank count in a band within: no matter
    t["class_bands"] = bands(("P1", "小学", 41, 45, None), ("P1", "小学", 46, 50, 0), ("P2", "小学", 36, 40, 12))
    assert g5(t, S).status == "达标"
    t["class_bands"] = bands(("P1", "小学", 41, 45, 10), ("P1", "小学", 46, 50, None), ("P2", "小学", 36, 40, 12))
    assert g5(t, S).status == "无数据"


def test_g3_counts_the_classes_of_the_bands():
    t = county()
    t["classes"] = schemas.empty("classes")
    # P1: 13 + 12 = 25 classes → ⌈25/12⌉ = 3 rooms of each type needed; it has 1 of each (100 ㎡)
    t["class_bands"] = bands(("P1", "小学", 36, 40, 13), ("P1", "小学", 41, 45, 12), ("P2", "小学", 26, 30, 12))
    t["special_rooms"] = schemas.validate("special_rooms", pd.DataFrame(
        [{"school_code": c, "room_type": rt, "area_m2": 100.0, "build_year": 2015}
         for c in ("P1", "P2") for rt in ("音乐", "美术")]))
    d = g3(t, S).detail.set_index(["school_code", "room_type"])
    assert d.loc[("P1", "音乐"), "classes"] == 25 and d.loc[("P1", "音乐"), "rooms_needed"] == 3
    assert d.loc[("P1", "音乐"), "rooms_missing"] == 2  # 3 − 1
    assert ("P2", "音乐") not in d.index  # 12 classes → 1 room, which it has


def test_movable_teachers_from_counts_are_the_ones_that_surely_exist():
    # 10 full-time, 9 qualified, 4 PE/art, 1 backbone: qualified non-backbone PE/art ≥ 9 + 4 − 1 − 10
    # = 2; qualified backbone of another subject ≥ 9 + 1 − 4 − 10 < 0 → 0; non-backbone = 9
    b = counts_bounds(counts(("P1", "小学", 10, 9, 1, 4)))
    assert b.iloc[0].tolist() == [2, 0, 9]
    t = county(count_rows=[("P1", "小学", 10, 9, 1, 4)])
    assert movable_teachers(t, S).loc[("P1", "小学")].tolist() == [2, 0, 9]


def test_actions_on_a_counts_only_school():
    t = county(count_rows=[("P1", "小学", 10, 9, 1, 4), ("P2", "小学", 10, 10, 2, 2)])
    l3 = list(S["resources"]["indicators"]["L3"]["subjects"])
    acts = {"hires": [{"year": 2022, "school": "P1", "stage": "小学", "subject": "体育", "count": 2}],
            "designations": [{"year": 2022, "school": "P1", "stage": "小学", "count": 3}],
            "moves": [{"year": 2022, "from": "P1", "to": "P2", "stage": "小学", "count": 2, "subject": l3,
                       "degree": ["本科", "专科"], "backbone_level": ["无"]}]}
    out = apply_actions(t, acts, 2022, standards=S)["teacher_counts"].set_index("school_code")
    # P1: hires +2 (本科 qualifies, 体育 is L3) → 12, 11, 1, 6; designations +3 backbone → 4;
    # move 2 qualified non-backbone PE/art out → 10, 9, 4, 4
    assert out.loc["P1", ["full_time", "qualifying", "backbone", "pe_art"]].tolist() == [10, 9, 4, 4]
    assert out.loc["P2", ["full_time", "qualifying", "backbone", "pe_art"]].tolist() == [12, 12, 2, 4]
    # the counts vouch for 2 such movers (see above) before the hires, not 3
    too_many = {"moves": [{**acts["moves"][0], "count": 3}]}
    with pytest.raises(ScenarioError, match="只能确定 2 名"):
        apply_actions(t, too_many, 2022, standards=S)
    # a move that leaves the movers' degree open makes L1's count unknown at both schools
    open_degree = {"moves": [{"year": 2022, "from": "P1", "to": "P2", "stage": "小学", "count": 1,
                              "subject": l3, "backbone_level": ["无"]}]}
    out = apply_actions(t, open_degree, 2022, standards=S)["teacher_counts"].set_index("school_code")
    assert out["qualifying"].isna().all() and out.loc["P1", "pe_art"] == 3


def test_projected_classes_from_band_counts():
    # P1: 500 pupils (grade 1) in 10 + 2 = 12 classes of the bands → mean 500 / 12 = 41.67; next year
    # 420 pupils → ⌈420 / 41.67⌉ = ⌈10.08⌉ = 11 classes of 38 or 39
    current = pd.DataFrame([{"school_code": "P1", "stage": "小学", "grade": 1, "students": 500}])
    nxt = pd.DataFrame([{"school_code": "P1", "stage": "小学", "grade": 1, "students": 420}])
    b = bands(("P1", "小学", 41, 45, 10), ("P1", "小学", 36, 40, 2))
    out = derive_classes(nxt, schemas.empty("classes"), S, b, current)
    assert len(out) == 11 and sorted(set(out["size"])) == [38, 39] and out["size"].sum() == 420


def test_the_optimiser_plans_for_a_counts_only_county():
    """P1: 500 pupils, 2 PE/art teachers → L3 = 0.4 < 0.765 (85% of 0.9): it fails the per-unit
    rule whatever else; the plan must bring P1 to at least 4 PE/art teachers (0.8), by hires (the
    counts vouch for no movable PE/art teacher at P2: 25 + 5 − 6 − 30 < 0). The engine confirms."""
    t = county(count_rows=[("P1", "小学", 30, 25, 6, 2), ("P2", "小学", 30, 25, 6, 5)])
    plan = optimise(t, S, target_year=2022, time_limit=20)
    assert plan.status == "optimal" and plan.verified
    assert not plan.actions["moves"]
    hired = sum(h["count"] for h in plan.actions["hires"] if h["school"] == "P1" and h["subject"] in
                S["resources"]["indicators"]["L3"]["subjects"])
    assert hired >= 2
    after = plan.units_after.set_index("school_code")
    assert after.loc["P1", "L3"] == pytest.approx((2 + hired) / 500 * 100)
