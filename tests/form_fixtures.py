"""Hand-made engine results for the form and narrative tests (issue #14): six units, the CVs of
both stages, the 32-row verdict, some figures, the S1 and Q9 details and a county.yaml."""

from __future__ import annotations

import re

import pandas as pd

from analysis.config.standards import load_standards
from analysis.engine.figures import figures_table
from analysis.reporting import form
from analysis.schemas import validate

STD = load_standards()


def _unit(code, name, stage, typ, students, values, ratios, met, passed, included=True, missing=None):
    return {"school_code": code, "school_name": name, "stage": stage, "school_type": typ, "urban_rural": "乡村",
            "students": students, "resource_share": 1.0, "included": included,
            "exclusion_reason": None if included else "特殊教育学校不纳入资源配置评估",
            **{f"L{k}": v for k, v in zip(range(1, 8), values)},
            **{f"L{k}_ratio": v for k, v in zip(range(1, 8), ratios)},
            **{f"L{k}_met": v for k, v in zip(range(1, 8), met)},
            "n_met": None if passed is None else sum(bool(m) for m in met if m is not None),
            "unit_pass": passed, "missing_inputs": missing}


def units() -> pd.DataFrame:
    ok = [True] * 7
    rows = [
        # 甲: L1 4.2049 → 4.20; L6 2345.675 → 2345.68 (half up on the decimal text)
        _unit("001", "甲小学", "小学", "小学", 400, [4.2049, 1.5, 1.2, 5.0, 8.0, 2345.675, 2.5], [1.1] * 7, ok, True),
        # 乙: L5 at 90% of the standard (below it, above 85%): still passes the per-unit rule
        _unit("002", "乙小学", "小学", "九年一贯制", 300, [5.0, 1.5, 1.2, 5.0, 6.75, 2500, 2.5],
              [1.2, 1.5, 1.3, 1.1, 0.9, 1.25, 1.1], [True, True, True, True, False, True, True], True),
        # 丙: L4 at 80% (below 85%) and L5 at 90%: fails the per-unit rule
        _unit("003", "丙教学点", "小学", "教学点", 60, [5.0, 1.5, 1.2, 3.6, 6.75, 2500, 2.5],
              [1.2, 1.5, 1.3, 0.8, 0.9, 1.25, 1.1], [True, True, True, False, False, True, True], False),
        _unit("004", "乙小学", "初中", "九年一贯制", 200, [6.0, 1.5, 1.2, 6.0, 11, 2600, 2.5], [1.1] * 7, ok, True),
        # 戊: L6 unknown (its equipment value is missing): the unit cannot be judged
        _unit("005", "戊中学", "初中", "完全中学", 500, [6.0, 1.5, 1.2, 6.0, 11, None, 2.5],
              [1.1, 1.5, 1.3, 1.1, 1.1, None, 1.1], [True, True, True, True, True, None, True], None,
              missing="L6：教学仪器设备值缺失"),
        _unit("006", "特教学校", "小学", "特殊教育学校", 70, [None] * 7, [None] * 7, [None] * 7, None, included=False),
    ]
    return validate("units", pd.DataFrame(rows))


PRIMARY_CV = [0.1464, 0.2131, 0.4203, 0.0371, 0.0432, 0.0404, 0.1412]
JUNIOR_CV = [0.0901, 0.4604, 0.2752, 0.0533, 0.0931, 0.0702, 0.0571]


def cvs() -> pd.DataFrame:
    rows = []
    for stage, values in (("小学", PRIMARY_CV), ("初中", JUNIOR_CV)):
        limit = STD["resources"]["cv_limit"][stage]
        for k, cv in enumerate(values, start=1):
            shown = float(form.half_up(cv, 3))
            rows.append({"stage": stage, "indicator": f"L{k}", "indicator_name": "x", "n_units": 3, "students": 760,
                         "mean": 3018.4349 if k == 6 else 4.215, "sd": 1.0, "cv": cv, "cv_shown": shown,
                         "limit": limit, "passed": shown <= limit})
    return validate("cv", pd.DataFrame(rows))


def verdict() -> pd.DataFrame:
    codes = ([*STD["resources"]["indicators"]] + [*STD["guarantee"]]
             + [k for k in STD["quality"] if re.fullmatch(r"Q\d", k)] + ["S1"])
    area = {"L": "资源配置", "G": "政府保障程度", "Q": "教育质量", "S": "社会认可度"}
    rows = []
    for no, code in enumerate(codes, start=1):
        status = {"G5": "未达标", "Q3": "无数据", "G1": "未提供"}.get(code, "达标")
        rows.append({"no": no, "code": code, "area": area[code[0]], "name": code, "value": "31/33 所学校达标",
                     "standard": "标准", "status": status, "passed": status == "达标", "failing": None,
                     "evidence": "@SUM(A1:A3)" if code == "G2" else None, "responsible": "教育局"})
    return validate("verdict", pd.DataFrame(rows))


FIGURES = {
    "G4.小学超规模数": 1, "G4.初中超规模数": 0, "G4.完全中学超规模数": 2, "G4.九年一贯制超规模数": 0,
    # 十二年一贯制: unknown (a school's size is missing) → the 一贯制 count is unknown, not 0
    "G7.公用经费": 459_900, "G7.学生数": 73, "G7.生均公用经费": 6300,
    "G9.完成人数": 540, "G9.专任教师数": 545, "G9.完成率": 540 / 545, "G9.数据缺失人数": 0,
    "Q1.毕业班学生数": 644, "Q1.三年前入学数": 665, "Q1.转入数": 12, "Q1.死亡数": 1, "Q1.转出数": 15,
    "Q1.巩固率": (644 - 12 + 15) / (665 - 1),
    "评估小学数": 3, "一贯制学校小学部数": 1, "评估教学点数": 1, "评估初中数": 2, "一贯制学校初中部数": 1, "完全中学初中部数": 1,
    "小学学校数": 18, "在校生总数": 6074,
}


def details() -> dict[str, pd.DataFrame]:
    s1 = pd.DataFrame({
        "survey_kind": ["问卷调查", "问卷调查", "实地走访", "实地走访"], "group": ["家长", "合计", "家长", "合计"],
        "satisfied": [533, 1229, 53, 127], "valid": [600, 1370, 60, 145],
        "rate": [533 / 600, 1229 / 1370, 53 / 60, 127 / 145], "issued": [630, pd.NA, 63, pd.NA]})
    q9 = pd.DataFrame({"subject": ["数学", "数学", "体育与健康"], "grade": [4, 8, 8], "level": [3, 3, 4],
                       "diff_rate": [0.1104, 0.12, 0.0895], "status": ["达标"] * 3})
    return {"S1": s1, "Q9": q9}


def results() -> dict:
    u = units()
    profile = u[["school_code", "stage"]].assign(
        sponsor_type=["县级教育部门"] * 5 + [None], sponsor_code=[7, 7, 7, 7, 7, None], grades=[6, 6, 4, 3, 3, None],
        classes=[12, 10, 4, 6, None, None])
    return {"units": u, "cv": cvs(), "verdict": verdict(), "details": details(),
            "figures": figures_table(FIGURES, STD), "unit_profile": profile}


META = {"county": "测试县", "organization": "测试县教育局", "demo": True,
        "facts": {"2021": {"population": 20.345, "agricultural_population": 13.44, "towns": 8, "villages": 104,
                           "gdp_per_capita": 44910.5, "fiscal_revenue_per_capita": 4100,
                           "urban_income_per_capita": 30930}}}
