"""The 32-row verdict, the resource-indicator reading, Results.write, evaluate end to end."""

from __future__ import annotations

import pandas as pd

from analysis.config.standards import load_standards
from analysis.engine import Results, evaluate
from analysis.engine import verdict as V
from analysis.engine.guarantee import FAIL, NO_DATA, NOT_PROVIDED, PASS
from analysis.schemas import TABLES, validate

STD = load_standards()


def unit(code, stage, included=True, unit_pass=True, **values):
    """A units-table row: every indicator met at ratio 1.0 unless overridden (L1=..., L1_met=...)."""
    row = {c: None for c in TABLES["units"].columns}
    row.update(school_code=code, school_name=f"{code}校", stage=stage, school_type=stage,
               urban_rural="城区", students=100, resource_share=1.0, included=included,
               exclusion_reason=None if included else "教学点不足50人", n_met=7, unit_pass=unit_pass)
    for k in range(1, 8):
        std = STD["resources"]["indicators"][f"L{k}"]["standard"][stage]
        row.update({f"L{k}": std, f"L{k}_ratio": 1.0, f"L{k}_met": True})
    row.update(values)
    return row


def units_frame(rows):
    return validate("units", pd.DataFrame(rows))


def cv_frame(l1_passed=(True, True), l1_cv=(0.2, 0.1)):
    rows = []
    for k in range(1, 8):
        for i, stage in enumerate(["小学", "初中"]):
            cv = l1_cv[i] if k == 1 else 0.1
            rows.append(dict(stage=stage, indicator=f"L{k}", indicator_name="x", n_units=2, students=200,
                             mean=4.0, sd=0.4, cv=cv, cv_shown=None if cv is None else round(cv, 3),
                             limit=STD["resources"]["cv_limit"][stage],
                             passed=l1_passed[i] if k == 1 else True))
    return validate("cv", pd.DataFrame(rows))


def sample_units(j1_unit_pass=False):
    return units_frame([
        unit("P1", "小学"),
        # 3.9 / 4.2 = 0.928571 of the standard; the unit still passes (6 of 7 met, rest ≥ 85%)
        unit("P2", "小学", L1=3.9, L1_ratio=3.9 / 4.2, L1_met=False, n_met=6),
        # 4.0 / 5.3 = 0.754717 < 85% → the unit fails because of L1
        unit("J1", "初中", unit_pass=j1_unit_pass, L1=4.0, L1_ratio=4.0 / 5.3, L1_met=False, n_met=6),
        unit("X", "小学", included=False, unit_pass=None, L1=None, L1_ratio=None, L1_met=None),
    ])


def test_resource_indicator_fails_when_a_unit_fails_because_of_it():
    r = V.resource_result("L1", sample_units(), cv_frame(), STD)
    assert r.status == FAIL
    # both units below the standard are listed, with value/standard and the ratio (1 decimal %)
    assert "P2校（小学）3.90/4.20，为标准的92.9%" in r.failing
    assert "J1校（初中）4.00/5.30，为标准的75.5%，致该校未达每校标准" in r.failing
    assert list(r.detail["school_code"]) == ["P2", "J1"]          # excluded X is not judged
    assert r.value_text == "小学 均值 4.00、差异系数 0.200；初中 均值 4.00、差异系数 0.100"


def test_resource_indicator_passes_with_a_unit_below_that_still_passes_the_unit_rule():
    r = V.resource_result("L1", sample_units(j1_unit_pass=True), cv_frame(), STD)
    assert r.status == PASS
    assert "P2校" in r.failing                                     # still named for the record


def test_resource_indicator_cv_over_limit_fails_and_missing_cv_is_no_data():
    units = sample_units(j1_unit_pass=True)
    r = V.resource_result("L1", units, cv_frame(l1_passed=(True, False), l1_cv=(0.2, 0.46)), STD)
    assert r.status == FAIL and "初中差异系数 0.460 > 0.45" in r.failing
    r = V.resource_result("L1", units, cv_frame(l1_passed=(True, None), l1_cv=(0.2, None)), STD)
    assert r.status == NO_DATA


def test_verdict_has_32_rows_in_plan_order():
    res = V.build_results(sample_units(), cv_frame(), {}, STD)
    v = res.verdict
    assert len(v) == 32 and list(v["no"]) == list(range(1, 33))
    assert list(v["code"]) == ([f"L{k}" for k in range(1, 8)] + [f"G{k}" for k in range(1, 16)]
                               + [f"Q{k}" for k in range(1, 10)] + ["S1"])
    assert v.set_index("code").loc["G8", "no"] == 15 and v.set_index("code").loc["Q1", "no"] == 23
    assert list(v["area"].unique()) == ["资源配置", "政府保障程度", "教育质量", "社会认可度"]
    by = v.set_index("code")
    # no county data at all: attestations 未提供, numbers 无数据, nothing passes by default
    assert by.loc["G1", "status"] == NOT_PROVIDED and by.loc["Q1", "status"] == NO_DATA
    assert by.loc["L1", "status"] == FAIL and by.loc["L2", "status"] == PASS
    assert by.loc["L1", "responsible"] == "教育局、编办、人社局"
    assert not res.passed
    # evidence tables: L1 lists its two units below standard; G1 its attestation; G5 had no classes table
    assert len(res.details["L1"]) == 2 and "G1" in res.details and "G5" not in res.details


def test_write_parquet_and_csv(tmp_path):
    res = V.build_results(sample_units(), cv_frame(), {}, STD)
    paths = res.write(tmp_path)
    assert (tmp_path / "verdict.parquet").exists() and (tmp_path / "details" / "L1.csv").exists()
    back = pd.read_parquet(tmp_path / "verdict.parquet")
    assert list(back["code"])[:2] == ["L1", "L2"] and len(back) == 32
    assert not list(tmp_path.glob("**/*.tmp"))                    # no temporary files left
    # units, cv, verdict, figures, unit_profile and each detail table, each as parquet + CSV
    assert len(paths) == 2 * (5 + len(res.details))


def test_evaluate_end_to_end_on_a_tiny_county():
    # one primary school of 1000 pupils exactly at every resource standard
    # (42 专科 teachers of whom 10 county backbone, 9 PE teachers, 4500 m², 7000+500 m², 2 000 000 元, 23 rooms)
    schools = validate("schools", pd.DataFrame([dict(
        school_code="P1", school_name="甲小学", town="甲镇", urban_rural="城区", school_type="小学",
        is_public=True, is_boarding=False, is_village_school=False, merged_campuses=None)]))
    enrol = validate("enrolment", pd.DataFrame([dict(school_code="P1", stage="小学", grade=1, students=1000)]))
    t = [dict(teacher_id=f"T{i}", school_code="P1", stage="小学", degree="专科" if i < 42 else "高中及以下",
              subject="语文" if i < 42 else "体育", full_time=True, backbone_level="县级" if i < 10 else "无",
              has_certificate=True, training_hours_5y=400.0, rotation_eligible=True, rotated=i < 10,
              service_school_code=None, service_mode=None, birth_year=1980) for i in range(51)]
    fac = validate("facilities", pd.DataFrame([dict(
        school_code="P1", teaching_aux_area_m2=4500.0, indoor_sports_area_m2=0.0, sports_ground_m2=7000.0,
        gymnasium_m2=500.0, equipment_value_yuan=2_000_000.0, multimedia_classrooms=23.0)]))
    tables = {"schools": schools, "enrolment": enrol, "teachers": validate("teachers", pd.DataFrame(t)),
              "facilities": fac}
    res = evaluate(tables, STD)
    assert isinstance(res, Results)
    by = res.verdict.set_index("code")
    # every L value exactly at the standard, one unit → CV 0 → L1–L7 pass
    assert (by.loc[[f"L{k}" for k in range(1, 8)], "status"] == PASS).all()
    # teachers: 51 full-time, all ≥ 360 h and certified → G9, G12 pass; rotated 10/51 = 19.6% ≥ 10%,
    # backbone among rotated 10/10 → G11 passes
    assert by.loc["G9", "status"] == PASS and by.loc["G12", "status"] == PASS and by.loc["G11", "status"] == PASS
    assert by.loc["G1", "status"] == NOT_PROVIDED
    assert len(res.verdict) == 32 and not res.passed


def test_missing_input_makes_the_indicator_no_data_naming_school_and_input():
    # P1 (1000 pupils) exactly at every standard except that its equipment value is unknown:
    # L6 has no value → the unit cannot pass (6 met + 1 no data), L6 is 无数据 (not 未达标) and its
    # failing text names the school and the missing input — no "<NA>" placeholder.
    import numpy as np
    from test_resources import at_standard_primary

    from analysis import cv_table, evaluate_resources

    units = evaluate_resources(at_standard_primary(equipment_value_yuan=np.nan))
    r = V.resource_result("L6", units, cv_table(units), STD)
    assert r.status == NO_DATA
    assert "学校P1（小学）无数据：L6：教学仪器设备资产值（元）（办学条件.xlsx·校舍场地装备·教学仪器设备值）" in r.failing
    assert "<NA>" not in r.failing and "L4–L7" not in r.failing
    # L1 of the same unit is met (42/1000 × 100 = 4.2) and the CV of one unit is 0 → 达标
    assert V.resource_result("L1", units, cv_table(units), STD).status == PASS
