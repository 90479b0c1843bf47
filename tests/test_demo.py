"""The demo county generator: deterministic, small, every school type, the planted mess."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from analysis.config.county import county_meta
from analysis.demo import NARRATIVE, SCHOOLS, TOWNS, WORKBOOKS, write_demo
from analysis.paths import DEMO_RAW_DIR


def _digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_generator_is_byte_for_byte_deterministic(tmp_path):
    a = write_demo(tmp_path / "a", periods=("2020",), n_schools=8)
    b = write_demo(tmp_path / "b", periods=("2020",), n_schools=8)
    assert _digest(a) == _digest(b)
    # 8 workbooks + county.yaml + the 4 sample narrative sections
    assert len(_digest(a)) == len(WORKBOOKS) + 1 + len(NARRATIVE)


def test_committed_demo_matches_the_generator(tmp_path):
    """`python -m analysis.demo` must reproduce the committed workbooks exactly."""
    fresh = write_demo(tmp_path / "demo")
    assert _digest(fresh) == _digest(DEMO_RAW_DIR)


def test_committed_demo_is_small_and_complete():
    sizes = [p.stat().st_size for p in DEMO_RAW_DIR.rglob("*.xlsx")]
    assert len(sizes) == 3 * len(WORKBOOKS)  # 3 periods × 8 workbooks
    assert sum(sizes) < 1_000_000
    meta = county_meta(DEMO_RAW_DIR)
    assert {k: meta[k] for k in ("county", "demo", "periods", "target_year")} == {
        "county": "抚顺县", "demo": True, "periods": ["2019", "2020", "2021"], "target_year": 2022}
    # 表Ⅰ's facts per period; the planted missing fact: 2019 农民年人均纯收入 (2020: 15630 + 910 × 1)
    assert meta["facts"]["2019"]["rural_income_per_capita"] is None
    assert meta["facts"]["2020"]["rural_income_per_capita"] == 16540
    assert meta["facts"]["2021"]["population"] == 20.35  # 20.57 − 0.11 × 2


def test_school_mix_covers_every_required_kind():
    counted = [s for s in SCHOOLS if s.parent is None]
    assert 30 <= len(SCHOOLS) <= 45
    assert {s.town for s in SCHOOLS} == set(TOWNS)
    types = [s.school_type for s in counted]
    assert types.count("九年一贯制") >= 2
    assert types.count("完全中学") == 1 and types.count("特殊教育学校") == 1
    assert sum(not s.public for s in SCHOOLS) == 1
    assert sum(s.parent is not None for s in SCHOOLS) == 1
    assert any(0 in s.grades and s.school_type == "小学" for s in SCHOOLS)  # 附设幼儿班
    # teaching points on both sides of 50 pupils (2019: per_grade × grades)
    tp = [s.per_grade * len(s.grades) for s in SCHOOLS if s.school_type == "教学点"]
    assert min(tp) < 50 <= max(tp)


def test_planted_mess_is_in_the_workbooks(tmp_path):
    root = write_demo(tmp_path / "d", periods=("2021",), n_schools=12)
    wb = load_workbook(root / "2021" / "学校基本情况.xlsx")
    ws = wb["学校名录"]
    # title row merged across the 11 columns, subtitle row, header on row 3
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.cell(3, 1).value == "学校标识码"
    codes = [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)]
    assert len(codes) - len(set(codes)) == 1  # one duplicated school
    enrol = wb["在校生"]
    assert enrol.cell(enrol.max_row, 1).value == "合计"
    texts = [c.value for row in enrol.iter_rows(min_row=4) for c in row if isinstance(c.value, str)]
    assert any(ch in "０１２３４５６７８９" for t in texts for ch in t)
    fac = load_workbook(root / "2021" / "办学条件.xlsx")["校舍场地装备"]
    assert "教学仪器设备值（万元）" in [c.value for c in fac[3]]


def test_demo_disabled_enrolment_never_exceeds_the_school_age_count(tmp_path):
    """Q2's inputs are consistent: enrolled disabled children ≤ school-age disabled children.

    By hand (special school + regular class + home-delivered) / school-age:
    2019 (71+60+8)/150 = 92.7% (fails 95%), 2020 (75+62+10)/152 = 96.7%, 2021 (73+66+12)/156 = 96.8%.
    """
    from analysis.ingest.rawdata import RAW_SHEETS, WorkbookCache, read_sheet

    spec = next(s for s in RAW_SHEETS if s.table == "county_items")
    expected = {"2019": (139, 150), "2020": (147, 152), "2021": (151, 156)}
    for period, (enrolled, school_age) in expected.items():
        sheet = read_sheet(WorkbookCache(DEMO_RAW_DIR / period), spec)  # the workbook as the reader reads it
        items = sheet.frame.set_index("item")["value"]
        got = sum(items[f"disabled_enrolled_{k}"] for k in ("special", "regular", "home"))
        assert (got, items["disabled_school_age"]) == (enrolled, school_age)


def test_a_large_county_copies_and_varies_the_demo_schools():
    """write_demo(n_schools > 35) (issue #15): 600 = 35 + 16 rounds of 35 copies + 5 of round 17.
    Round k puts each original town's copies in a new town: round 1 of 石文镇 is 东河镇 (the first
    stem), of 后安镇 西河镇 (the second)."""
    from analysis.demo import county_schools

    schools = county_schools(600)
    assert len(schools) == 600
    assert len({s.key for s in schools}) == len({s.name for s in schools}) == 600
    assert schools[:35] == SCHOOLS  # the demo's own schools first, unchanged
    rounds = {int(s.key.split("-")[1]) for s in schools[35:]}
    assert rounds == set(range(1, 18)) and sum(s.key.endswith("-17") for s in schools) == 5
    first = {s.key: s for s in schools}
    assert first["swzx-1"].name == "东河镇中心小学" and first["swzx-1"].town == "东河镇"
    assert first["hazx-1"].name == "西河镇中心小学" and first["hanx-1"].name == "西河镇中心小学南校区"
    assert first["hanx-1"].parent == "hazx-1"  # a campus belongs to its own round's parent
    assert first["tjxx-1"].name == "抚顺县东河特殊教育学校"
    for s in schools[35:]:
        base = next(o for o in SCHOOLS if o.key == s.base)
        assert 0.6 * base.per_grade <= s.per_grade <= 1.4 * base.per_grade + 0.01
        assert s.school_type == base.school_type and s.grades == base.grades
        ratio = [a / b for m, o in zip((s.l3, s.l4, s.l5, s.l6, s.l7), (base.l3, base.l4, base.l5, base.l6, base.l7))
                 for a, b in zip(m, o)]
        # one factor for every indicator and period (the multipliers are kept to 4 decimals:
        # 0.2 × f differs from f·0.2 by at most 0.00005 / 0.2 = 0.00025 in the ratio)
        assert max(ratio) - min(ratio) <= 0.0005 and 0.85 - 1e-9 <= min(ratio) <= max(ratio) <= 1.15 + 1e-9


def test_a_large_county_is_consistent_in_every_table_and_period(tmp_path):
    """40 schools, periods 2020 and 2021, no planted mess: the cleaning quarantines nothing (every
    table's school codes are in the school list), and the 5 copies are the same schools (code,
    name, town, type) in both periods."""
    from analysis import clean_period, load_period

    raw = write_demo(tmp_path / "raw", periods=("2020", "2021"), n_schools=40, plant_mess=False)
    tables = {}
    for period in ("2020", "2021"):
        result = clean_period(raw, period, tmp_path / "processed")
        assert result.tables["quarantine"].empty, result.tables["quarantine"]
        tables[period] = load_period(tmp_path / "processed", period, validate=False)
    cols = ["school_code", "school_name", "town", "school_type"]
    a, b = (tables[p]["schools"][cols].sort_values("school_code").reset_index(drop=True) for p in ("2020", "2021"))
    pd.testing.assert_frame_equal(a, b)
    copies = a[a["school_code"] >= "2104210036"]
    # 2104210036–40: copies of 石文镇中心小学, 后安镇中心小学, its campus (merged into its parent),
    # 救兵镇九年一贯制学校 and 石文镇初级中学 → 4 schools
    assert list(copies["school_name"]) == ["东河镇中心小学", "西河镇中心小学", "南河镇九年一贯制学校", "东河镇初级中学"]
    for period in ("2020", "2021"):
        known = set(tables[period]["schools"]["school_code"])
        for name in ("enrolment", "classes", "teachers", "facilities"):
            assert set(tables[period][name]["school_code"]) <= known, name
        assert set(copies["school_code"]) <= set(tables[period]["teachers"]["school_code"])
