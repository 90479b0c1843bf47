"""Cleaning: the messy cases, the errors, campus merge, raw data untouched, atomic outputs.

Most tests start from a small demo county (8 schools, one period) written into a temporary
folder, then overwrite one sheet with hand-made rows whose cleaned values are worked out below.
Demo codes used: 2104210002 后安镇中心小学 (parent), 2104210003 its 不计校数 campus,
2104210005 石文镇初级中学.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.demo import write_demo
from analysis.ingest import cleaning
from analysis.ingest.cleaning import clean_period
from analysis.ingest.rawdata import RawDataError
from analysis.ingest.tables import load_period, render_data_doc
from analysis.paths import DEMO_RAW_DIR, ROOT

PARENT, CAMPUS, JUNIOR = "2104210002", "2104210003", "2104210005"


@pytest.fixture(scope="module")
def small_county(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("raw") / "county", periods=("2021",), n_schools=8)


@pytest.fixture
def county(small_county, tmp_path) -> Path:
    dst = tmp_path / "county"
    shutil.copytree(small_county, dst)
    return dst


def replace_sheet(path: Path, sheet: str, header: list, rows: list[list], title: str | None = None):
    """Overwrite one sheet with a title row (merged across the header) and hand-made rows."""
    wb = load_workbook(path)
    pos = wb.sheetnames.index(sheet)
    wb.remove(wb[sheet])
    ws = wb.create_sheet(sheet, pos)
    r = 1
    if title:
        ws.cell(1, 1, title)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
        r = 2
    for j, h in enumerate(header, start=1):
        ws.cell(r, j, h)
    for i, row in enumerate(rows, start=r + 1):
        for j, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(i, j, v)
    wb.save(path)


def set_cell(path: Path, sheet: str, header: str, match: tuple[str, str] | int, value):
    """Set the cell under ``header`` in the row where column match[0] == match[1] (or Excel row)."""
    wb = load_workbook(path)
    ws = wb[sheet]
    hdr_row = next(r for r in range(1, 6) if header in [c.value for c in ws[r]])
    cols = {c.value: c.column for c in ws[hdr_row]}
    if isinstance(match, int):
        row = match
    else:
        row = next(r for r in range(hdr_row + 1, ws.max_row + 1)
                   if str(ws.cell(r, cols[match[0]]).value).strip() == match[1])
    ws.cell(row, cols[header]).value = value
    wb.save(path)
    return row


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


GRADES = ["幼儿班", "一年级", "二年级", "三年级", "四年级", "五年级", "六年级", "七年级", "八年级", "九年级",
          "高一", "高二", "高三"]
FAC_HEADER = ["学校标识码", "学校名称", "教学及辅助用房面积（平方米）", "其中：室内体育用房面积（平方米）",
              "体育运动场地面积（平方米）", "体育馆面积（平方米）", "教学仪器设备值（万元）", "网络多媒体教室（间）"]


def test_messy_workbooks_cleaned_and_listed(county, tmp_path):
    wb = county / "2021" / "学校基本情况.xlsx"
    # grades a school's type teaches but it has no pupils in are 0 (blank would mean unknown)
    #            code    name  幼  一  二     三–六         七 … 高三
    replace_sheet(wb, "在校生", ["学校标识码", "学校名称", *GRADES, "合计"], [
        [PARENT, "后安镇中心小学", None, 40, "４２", 0, 0, 0, 0, *[None] * 7],   # Excel row 3
        [CAMPUS, " 南校区 ", None, 10, 0, 0, 0, 0, 0, *[None] * 7],              # row 4
        [JUNIOR, "石文镇初级中学", *[None] * 7, 50, "abc", 0, *[None] * 4],     # row 5
        ["合计", None, None, 100, 42, *[None] * 4, 50, *[None] * 5],            # row 6: total row
    ], title="抚顺县2021年在校生")
    fac = county / "2021" / "办学条件.xlsx"
    replace_sheet(fac, "校舍场地装备", FAC_HEADER, [
        [PARENT, "后安镇中心小学", 1000, 0, 3000, 0, 1.5, 5],   # row 3
        [CAMPUS, "南校区", 200, 0, 500, 0, 0.25, 1],            # row 4
        [JUNIOR, "石文镇初级中学", 1500, 100, -20, 0, 2, 6],    # row 5: negative area
    ], title="办学条件（单位：平方米、万元）")

    res = clean_period(county, "2021", tmp_path / "out")
    t, dq, q = res.tables, res.data_quality, res.quarantine

    # campus merged into its parent: grade 1 = 40 + 10 = 50; grade 2 = "４２" + 0 → 42
    enr = t["enrolment"].set_index(["school_code", "grade"])["students"]
    assert enr[(PARENT, 1)] == 50 and enr[(PARENT, 2)] == 42 and enr[(PARENT, 6)] == 0
    assert CAMPUS not in set(t["enrolment"]["school_code"])
    # "abc" in 八年级: that grade's count is unknown (an NA row), never left out (a smaller total)
    assert enr[(JUNIOR, 7)] == 50 and pd.isna(enr[(JUNIOR, 8)]) and enr[(JUNIOR, 9)] == 0
    # facilities: area 1000 + 200 = 1200; ground 3000 + 500 = 3500;
    # equipment (1.5 + 0.25) 万元 × 10000 = 17500 元; multimedia 5 + 1 = 6
    f = t["facilities"].set_index("school_code")
    assert f.loc[PARENT, "teaching_aux_area_m2"] == 1200
    assert f.loc[PARENT, "sports_ground_m2"] == 3500
    assert f.loc[PARENT, "equipment_value_yuan"] == 17500
    assert f.loc[PARENT, "multimedia_classrooms"] == 6
    # negative sports ground: that cell is missing, the rest of JUNIOR's row is kept
    assert pd.isna(f.loc[JUNIOR, "sports_ground_m2"]) and f.loc[JUNIOR, "teaching_aux_area_m2"] == 1500
    schools = t["schools"].set_index("school_code")
    assert schools.loc[PARENT, "merged_campuses"] == CAMPUS and CAMPUS not in schools.index

    def lines(sheet, row):
        return dq[(dq["sheet"] == sheet) & (dq["row"] == row)]

    assert lines("在校生", 6)["problem"].str.contains("合计行").any()
    assert lines("在校生", 3)["problem"].str.contains("全角数字").any()
    assert not lines("在校生", 4)["problem"].str.contains("空格").any()  # 学校名称 is not read here
    assert dq[dq["sheet"] == "校舍场地装备"]["problem"].str.contains("万元").any()
    abc = lines("在校生", 5)
    assert abc["column"].tolist() == ["八年级"] and abc["value"].tolist() == ["abc"]
    assert "不是数字" in abc["problem"].iloc[0] and "记为缺失" in abc["action"].iloc[0]
    neg = lines("校舍场地装备", 5)
    assert neg["column"].tolist() == ["体育运动场地面积（平方米）"] and neg["value"].tolist() == ["-20"]
    assert "≥ 0" in neg["problem"].iloc[0] and "记为缺失" in neg["action"].iloc[0]
    # nothing had to be kept aside here (each bad cell is missing, its row kept); the only
    # quarantined row is the demo's planted duplicate school
    assert q["table"].tolist() == ["schools"] and "重复记录" in q["reason"].iloc[0]
    # bookkeeping per table: rows in = out + quarantined + merged
    s = res.summary.set_index("table")
    # enrolment: 15 filled grade cells (PARENT 6, CAMPUS 6, JUNIOR 3) = 9 out (PARENT 1–6,
    # JUNIOR 7–9) + 0 quarantined + 6 merged (the campus's grades)
    assert s.loc["enrolment", ["rows_in", "rows_out", "quarantined", "merged"]].tolist() == [15, 9, 0, 6]
    assert s.loc["facilities", ["rows_in", "rows_out", "quarantined", "merged"]].tolist() == [3, 2, 0, 1]
    assert (s["rows_in"] == s["rows_out"] + s["quarantined"] + s["merged"]).all()


def test_blank_grade_inside_the_type_is_unknown_outside_is_none(county, tmp_path):
    """在校生: a blank cell of a grade the school's type teaches is an unknown count (an NA row,
    listed); a blank of another grade means the school has no such grade (no row)."""
    wb = county / "2021" / "学校基本情况.xlsx"
    replace_sheet(wb, "在校生", ["学校标识码", "学校名称", *GRADES], [
        # primary school: 幼儿班 blank (not a grade of 小学: none), 五年级 blank (unknown)
        [PARENT, "后安镇中心小学", None, 40, 41, 42, 43, None, 45, *[None] * 6],   # Excel row 2
        [CAMPUS, "南校区", None, 10, 0, 0, 0, 0, 0, *[None] * 6],                 # row 3
        [JUNIOR, "石文镇初级中学", *[None] * 7, 50, 51, 52, *[None] * 3],          # row 4
    ])
    res = clean_period(county, "2021", tmp_path / "out")
    enr = res.tables["enrolment"].set_index(["school_code", "grade"])["students"]
    assert (PARENT, 0) not in enr.index and (JUNIOR, 6) not in enr.index and (JUNIOR, 10) not in enr.index
    assert pd.isna(enr[(PARENT, 5)])  # 五年级 of a 小学: unknown, kept as NA (campus 0 + NA = NA)
    assert enr[(PARENT, 4)] == 43 and enr[(JUNIOR, 9)] == 52
    dq = res.data_quality
    line = dq[(dq["sheet"] == "在校生") & (dq["row"] == 2)]
    assert line["column"].tolist() == ["五年级"] and "不按 0 计" in line["action"].iloc[0]


def test_unknown_type_duplicate_blank_and_orphans_quarantined(county, tmp_path):
    wb = county / "2021" / "学校基本情况.xlsx"
    # 2104210007 抚顺县特殊教育学校 gets an unknown type (its rows elsewhere become orphans)
    row_type = set_cell(wb, "学校名录", "办学类型", ("学校标识码", "2104210007"), "幼儿园")
    ros = county / "2021" / "教职工花名册.xlsx"
    ws = load_workbook(ros)["教职工"]
    ids = [ws.cell(r, 1).value for r in range(3, 8)]  # header on row 2 (title row 1)
    set_cell(ros, "教职工", "学校标识码", ("教师编号", ids[1]), "9999999999")
    set_cell(ros, "教职工", "近五年培训学时", ("教师编号", ids[2]), "很多")
    set_cell(ros, "教职工", "教师编号", ("教师编号", ids[3]), ids[0])  # duplicate teacher id

    res = clean_period(county, "2021", tmp_path / "out")
    q = res.quarantine
    by = {(r.sheet, r.row): r.reason for r in q.itertuples()}
    assert "办学类型" in by[("学校名录", row_type)] and "幼儿园" in by[("学校名录", row_type)]
    # teacher rows: ids[i] sits on Excel row 3 + i
    assert "不在学校名录" in by[("教职工", 4)]
    assert "重复记录" in by[("教职工", 6)] and "第3行" in by[("教职工", 6)]
    # "很多" training hours: the cell is missing (the teacher is kept), listed with its header
    assert ("教职工", 5) not in by
    teachers = res.tables["teachers"].set_index("teacher_id")
    assert teachers.index.is_unique and pd.isna(teachers.loc[ids[2], "training_hours_5y"])
    dq = res.data_quality
    hours = dq[(dq["sheet"] == "教职工") & (dq["row"] == 5)]
    assert hours["column"].tolist() == ["近五年培训学时"] and hours["value"].tolist() == ["很多"]
    # the demo's own planted problems are still there: duplicated school, blank subject (listed)
    assert q["reason"].str.contains("重复记录（学校标识码=").sum() == 1
    assert ((dq["column"] == "任教学科") & dq["problem"].str.contains("为空")).sum() == 1
    # a quarantined orphan row is not "incomplete" data of a listed school; a duplicate neither
    assert not q.loc[q["reason"].str.contains("不在学校名录|重复记录"), "incomplete"].any()
    # rows of the school with the bad type are orphans now and are quarantined, not dropped
    s = res.summary.set_index("table")
    assert (s["rows_in"] == s["rows_out"] + s["quarantined"] + s["merged"]).all()
    assert s.loc["classes", "quarantined"] > 0


def test_missing_workbook_sheet_and_column_errors_name_them(county, tmp_path):
    (county / "2021" / "经费.xlsx").unlink()
    with pytest.raises(RawDataError, match="经费.xlsx"):
        clean_period(county, "2021", tmp_path / "out")
    shutil.copy(DEMO_RAW_DIR / "2021" / "经费.xlsx", county / "2021" / "经费.xlsx")

    path = county / "2021" / "办学条件.xlsx"
    wb = load_workbook(path)
    wb["校舍场地装备"].cell(3, 3).value = "教学及辅助用房面基（平方米）"  # misspelt header
    wb.save(path)
    with pytest.raises(RawDataError) as exc:
        clean_period(county, "2021", tmp_path / "out")
    msg = str(exc.value)
    for part in ("办学条件.xlsx", "校舍场地装备", "第3行", "教学及辅助用房面积", "missing"):
        assert part in msg

    wb = load_workbook(path)
    wb["校舍场地装备"].cell(3, 3).value = "教学及辅助用房面积（平方米）"  # header repaired
    wb.remove(wb["专用教室"])
    wb.save(path)
    with pytest.raises(RawDataError, match="专用教室"):
        clean_period(county, "2021", tmp_path / "out")
    assert not (tmp_path / "out" / "2021").exists()  # nothing half-written


def test_demo_period_lists_exactly_the_planted_problems(tmp_path):
    before = digest(DEMO_RAW_DIR)
    res = clean_period(DEMO_RAW_DIR, "2021", tmp_path / "out")
    assert digest(DEMO_RAW_DIR) == before  # raw data untouched
    dq = res.data_quality
    kinds = dq["problem"].str.extract(r"^(合并单元格|合计行|全角数字|多余空格|单位为万元|重复记录|"
                                      r"必填项为空|不计校数校区)")[0]
    assert kinds.notna().all(), dq[kinds.isna()]
    # 8 towns, each listed as one run of ≥ 2 schools → 8 merged ranges; 2 total rows
    # (在校生, 校舍场地装备); 2 full-width cells; 1 padded name; 1 万元 column;
    # 1 duplicated school; 1 blank subject; 1 campus → 17 lines
    assert kinds.value_counts().to_dict() == {
        "合并单元格": 8, "合计行": 2, "全角数字": 2, "多余空格": 1, "单位为万元": 1,
        "重复记录": 1, "必填项为空": 1, "不计校数校区": 1}
    assert dq.loc[kinds == "必填项为空", "column"].tolist() == ["任教学科"]
    assert res.quarantine[["sheet", "row"]].values.tolist() == [["学校名录", 39]]
    s = res.summary
    assert (s["rows_in"] == s["rows_out"] + s["quarantined"] + s["merged"]).all()
    # schools: 36 rows read (35 + duplicate) = 34 out + 1 quarantined + 1 campus merged
    assert s.set_index("table").loc["schools", ["rows_in", "rows_out"]].tolist() == [36, 34]


def test_outputs_atomic_and_loadable(county, tmp_path, monkeypatch):
    out = tmp_path / "out"
    res = clean_period(county, "2021", out)
    assert sorted(p.name for p in out.iterdir()) == ["2021"]  # no temp folders left
    assert len(list((out / "2021").glob("*.parquet"))) == len(cleaning.OUTPUT_TABLES)
    csv = (out / "2021" / "schools.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf")  # utf-8-sig for Excel
    loaded = load_period(out, "2021")
    for name in cleaning.OUTPUT_TABLES:
        pd.testing.assert_frame_equal(loaded[name].reset_index(drop=True),
                                      res.tables[name].reset_index(drop=True), check_dtype=False)
    before = digest(out)

    calls = {"n": 0}
    real = pd.DataFrame.to_parquet

    def failing(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        return real(self, *a, **k)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", failing)
    with pytest.raises(OSError):
        clean_period(county, "2021", out)
    assert digest(out) == before  # previous output intact, no partial folder


def test_missing_period_folder_is_a_clear_error(tmp_path):
    with pytest.raises(RawDataError, match="2030"):
        clean_period(DEMO_RAW_DIR, "2030", tmp_path / "out")


def test_data_dictionary_is_in_step_with_the_code():
    doc = (ROOT / "docs" / "data.md").read_text(encoding="utf-8")
    assert render_data_doc(doc) == doc, "docs/data.md is stale: run `python -m analysis.ingest.tables`"


def test_clean_report_of_the_shared_run_lists_the_problems(demo_run):
    """notebooks/01_clean.py, executed by the real runner (conftest.demo_run), shows the list and
    the quarantine; the processed tables are all there."""
    written = {p.stem for p in (demo_run["processed"] / "2021").glob("*.parquet")}
    assert {*cleaning.OUTPUT_TABLES, "clean_summary"} <= written
    html = (demo_run["reports"] / "2021" / "clean.html").read_text(encoding="utf-8")
    assert "数据质量问题清单" in html and "隔离的原始记录" in html
    assert (demo_run["reports"] / "2021" / "数据质量问题清单.xlsx").is_file()


def test_results_compute_the_clean_step_when_run_by_hand(small_county, tmp_path):
    """A notebook run by hand (no runner before it) gets its results computed: only the steps it
    asks for (here the cleaning), once; a second call recomputes nothing."""
    from analysis import results

    r = results("2021", small_county, tmp_path / "processed", tmp_path / "reports", until="clean")
    written = {p.stem for p in (tmp_path / "processed" / "2021").glob("*.parquet")}
    assert written == {*cleaning.OUTPUT_TABLES, "clean_summary"}  # the clean step only
    assert len(r.data_quality) > 0 and (tmp_path / "reports" / "数据质量问题清单.xlsx").is_file()
    before = (tmp_path / "processed" / "2021" / "schools.parquet").stat().st_mtime_ns
    results("2021", small_county, tmp_path / "processed", tmp_path / "reports", until="clean")
    assert (tmp_path / "processed" / "2021" / "schools.parquet").stat().st_mtime_ns == before


def test_parse_column_by_kind():
    from analysis.ingest.rawdata import RawCol, parse_column

    def run(kind, values, unit=None):
        parsed, errors, notes = parse_column(pd.Series(values, dtype=object), RawCol("x", ("x",), kind), unit)
        return parsed.tolist(), [e is not None for e in errors], notes

    vals, errs, notes = run("int", ["１２", " 3 ", "1,234", "x", 4.0, 4.5, None])
    assert vals == [12, 3, 1234, None, 4, None, None]
    assert errs == [False, False, False, True, False, True, False]  # "x" no number; 4.5 not whole
    assert set(notes) == {0, 1}  # full-width digits, stray spaces
    # 1.5 万元 = 15 000 元; "0.25" 万元 = 2 500 元; 元 unchanged
    assert run("money", [1.5, "0.25"], "万元")[0] == [15000.0, 2500.0]
    assert run("money", [1500], "元")[0] == [1500.0]
    assert run("grade", ["一年级", "初二", "高一", "幼儿班", "7", 9])[0] == [1, 8, 10, 0, 7, 9]
    assert run("level", ["Ⅲ级", "IV", "2"])[0] == [3, 4, 2]
    vals, errs, _ = run("bool", ["是", "否", "也许"])
    assert vals == [True, False, None] and errs == [False, False, True]


def test_parse_column_cells_excel_typed_wrongly():
    """Dates, TRUE/FALSE cells and non-whole numbers are problems, never guessed or crashed on."""
    import datetime as dt

    from analysis.ingest.rawdata import RawCol, parse_column

    def run(kind, values):
        parsed, errors, _ = parse_column(pd.Series(values, dtype=object), RawCol("x", ("x",), kind), None)
        return parsed.tolist(), [e for e in errors]

    # class "1-2" that Excel stored as 2 January: a problem (was a TypeError crash)
    vals, errs = run("code", [dt.datetime(2021, 1, 2), 2104210001.0, True])
    assert vals == [None, "2104210001", None]
    assert "日期" in errs[0] and errs[1] is None and "逻辑值" in errs[2]
    # grade as a date or TRUE: a problem; 7.0 read as 7
    vals, errs = run("grade", [dt.datetime(2021, 7, 1), True, 7.0])
    assert vals == [None, None, 7] and errs[0] and errs[1] and errs[2] is None
    # level 2.5 is no level (was silently truncated to 2); 3.0 → 3
    vals, errs = run("level", [2.5, 3.0])
    assert vals == [None, 3] and errs[0] and errs[1] is None
    # 1.0 and 1 are both 是 (1.0 was rejected while 1 was accepted); 0.0 → 否
    vals, errs = run("bool", [1.0, 1, 0.0])
    assert vals == [True, True, False] and errs == [None, None, None]


def test_class_id_saved_as_date_is_quarantined_not_a_crash(county, tmp_path):
    path = county / "2021" / "学校基本情况.xlsx"
    import datetime as dt

    wb = load_workbook(path)
    ws = wb["班级"]
    hdr = next(r for r in range(1, 6) if "班级编号" in [c.value for c in ws[r]])
    col = [c.value for c in ws[hdr]].index("班级编号") + 1
    ws.cell(hdr + 1, col).value = dt.datetime(2021, 1, 2)  # first class row
    wb.save(path)
    res = clean_period(county, "2021", tmp_path / "out")
    q = res.quarantine.set_index(["sheet", "row"])["reason"]
    assert "日期" in q[("班级", hdr + 1)]
    line = res.data_quality[(res.data_quality["sheet"] == "班级") & (res.data_quality["row"] == hdr + 1)]
    # the value as the cell shows it: a date-only cell is read as a date
    assert line["column"].tolist() == ["班级编号"] and line["value"].tolist() == ["2021-01-02"]


def test_excel_error_cell_is_listed_not_read_as_blank(county, tmp_path):
    """An error cell (#DIV/0! from a formula, #N/A typed) is neither a value nor a blank: it gets
    a 需更正 line naming the error, and the class size is missing (never 0) until corrected."""
    path = county / "2021" / "学校基本情况.xlsx"
    wb = load_workbook(path)
    ws = wb["班级"]
    hdr = next(r for r in range(1, 6) if "班额" in [c.value for c in ws[r]])
    col = [c.value for c in ws[hdr]].index("班额") + 1
    ws.cell(hdr + 1, col).value = "#DIV/0!"  # openpyxl writes an error cell (t="e")
    ws.cell(hdr + 2, col).value = "#N/A"
    wb.save(path)
    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    lines = dq[(dq["sheet"] == "班级") & dq["row"].isin([hdr + 1, hdr + 2])]
    assert lines["column"].tolist() == ["班额", "班额"]
    assert lines["value"].tolist() == ["#DIV/0!", "#N/A"]
    assert lines["problem"].str.contains("不是数字").all() and (lines["severity"] == "需更正").all()
    classes = load_period(tmp_path / "out", "2021")["classes"].set_index(["school_code", "class_id"])
    school = str(lines["school_code"].iloc[0])
    assert classes.loc[[(school, "0001"), (school, "0002")], "size"].isna().all()


def test_quarantine_lines_name_column_and_value(county, tmp_path):
    """Every quarantined row's data-quality line carries the offending column and its value;
    a bad cell of a column that may be missing is listed the same way and read as missing."""
    fac = county / "2021" / "办学条件.xlsx"
    row_text = set_cell(fac, "校舍场地装备", "教学及辅助用房面积（平方米）", ("学校标识码", JUNIOR), "待填")
    ros = county / "2021" / "教职工花名册.xlsx"
    ws = load_workbook(ros)["教职工"]
    ids = [ws.cell(r, 1).value for r in range(3, 7)]  # header on row 2 (title row 1)
    set_cell(ros, "教职工", "学校标识码", ("教师编号", ids[1]), "9999999999")   # row 4
    set_cell(ros, "教职工", "教师编号", ("教师编号", ids[2]), ids[0])            # row 5 duplicate
    set_cell(ros, "教职工", "近五年培训学时", 5, -3)                            # and negative hours
    set_cell(ros, "教职工", "任教学段", ("教师编号", ids[3]), "大学")             # row 6: no such stage

    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    qd = dq[dq["action"].str.contains("隔离")].set_index(["sheet", "row"])[["column", "value"]]
    assert qd.loc[("教职工", 4)].tolist() == ["学校标识码", "9999999999"]
    # row 5 is a duplicate id: reported under 教师编号 with the id; the negative hours also fail
    # but duplicates are taken out first, so one line only
    assert qd.loc[("教职工", 5)].tolist() == ["教师编号", ids[0]]
    assert qd.loc[("教职工", 6)].tolist() == ["任教学段", "大学"]
    # the stage row held data of a listed school: its roster is incomplete (L1–L3 无数据)
    q = res.quarantine.set_index(["sheet", "row"])
    assert bool(q.loc[("教职工", 6), "incomplete"]) and q.loc[("教职工", 6), "table"] == "teachers"
    # "待填" in an area column: listed under the Excel header with the value, read as missing
    na = dq[(dq["sheet"] == "校舍场地装备") & (dq["row"] == row_text)]
    assert na[["column", "value"]].values.tolist() == [["教学及辅助用房面积（平方米）", "待填"]]
    assert "记为缺失" in na["action"].iloc[0]
    # messages name the Excel header, never an internal column name
    assert not dq["problem"].str.contains("teaching_aux_area_m2|coerce_dtype|stage").any()


def test_blank_required_number_stays_missing_and_is_listed(county, tmp_path):
    """A blank 教学及辅助用房面积 is missing (never 0) in the table and has a data-quality line."""
    fac = county / "2021" / "办学条件.xlsx"
    row = set_cell(fac, "校舍场地装备", "教学及辅助用房面积（平方米）", ("学校标识码", JUNIOR), None)
    wb = load_workbook(fac, data_only=True)
    ws = wb["校舍场地装备"]
    hdr = [c.value for c in ws[3]]
    ground = ws.cell(row, hdr.index("体育运动场地面积（平方米）") + 1).value

    res = clean_period(county, "2021", tmp_path / "out")
    f = res.tables["facilities"].set_index("school_code")
    assert pd.isna(f.loc[JUNIOR, "teaching_aux_area_m2"])  # missing, not 0
    assert f.loc[JUNIOR, "sports_ground_m2"] == ground  # the rest of the row is kept
    dq = res.data_quality
    line = dq[(dq["sheet"] == "校舍场地装备") & (dq["row"] == row)]
    assert line["column"].tolist() == ["教学及辅助用房面积（平方米）"]
    assert "为空" in line["problem"].iloc[0] and "不按 0 计" in line["action"].iloc[0]
    assert not (res.quarantine["sheet"] == "校舍场地装备").any()  # nothing quarantined there


def test_damaged_workbook_named_and_sheet_name_spaces_tolerated(county, tmp_path):
    # 经费.xlsx is really an old .xls (any non-zip bytes): a RawDataError naming it, no BadZipFile
    fin = county / "2021" / "经费.xlsx"
    good = fin.read_bytes()
    fin.write_bytes(b"\xd0\xcf\x11\xe0 not a zip")
    with pytest.raises(RawDataError, match="经费.xlsx.*xlsx"):
        clean_period(county, "2021", tmp_path / "out")
    fin.write_bytes(good)
    # sheet 专用教室 saved as " 专用教室 " (stray spaces): read, with a data-quality line
    path = county / "2021" / "办学条件.xlsx"
    wb = load_workbook(path)
    wb["专用教室"].title = " 专用教室 "
    wb.save(path)
    res = clean_period(county, "2021", tmp_path / "out")
    assert len(res.tables["special_rooms"]) > 0
    dq = res.data_quality
    assert dq[(dq["sheet"] == "专用教室") & dq["problem"].str.contains("工作表名称")]["value"].tolist() \
        == [" 专用教室 "]


def test_money_header_without_unit_is_listed(county, tmp_path):
    path = county / "2021" / "经费.xlsx"
    wb = load_workbook(path)
    ws = wb["学校经费"]
    hdr = next(r for r in range(1, 6) if "教师培训经费（元）" in [c.value for c in ws[r]])
    col = [c.value for c in ws[hdr]].index("教师培训经费（元）") + 1
    ws.cell(hdr, col).value = "教师培训经费"
    wb.save(path)
    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    line = dq[(dq["sheet"] == "学校经费") & (dq["column"] == "教师培训经费")]
    assert len(line) == 1 and "未注明单位" in line["problem"].iloc[0] and line["row"].iloc[0] == hdr


def test_school_with_every_grade_blank_is_listed(county, tmp_path):
    wb = county / "2021" / "学校基本情况.xlsx"
    replace_sheet(wb, "在校生", ["学校标识码", "学校名称", *GRADES], [
        [PARENT, "后安镇中心小学", None, 40, 0, 0, 0, 0, 0, *[None] * 6],   # Excel row 2
        [CAMPUS, "南校区", None, 10, 0, 0, 0, 0, 0, *[None] * 6],           # row 3
        [JUNIOR, "石文镇初级中学", *[None] * 13],                           # row 4: no grade filled
    ])
    res = clean_period(county, "2021", tmp_path / "out")
    enr = res.tables["enrolment"]
    # no zero rows invented: JUNIOR's three grades (七–九) are unknown (NA), not 0
    junior = enr[enr["school_code"] == JUNIOR]
    assert sorted(junior["grade"]) == [7, 8, 9] and junior["students"].isna().all()
    dq = res.data_quality
    line = dq[(dq["sheet"] == "在校生") & (dq["row"] == 4) & dq["problem"].str.contains("均为空")]
    assert line["value"].tolist() == [JUNIOR] and "不按 0 计" in line["action"].iloc[0]
    assert dq[(dq["sheet"] == "在校生") & (dq["row"] == 2)].empty


def test_school_without_facilities_row_is_listed(county, tmp_path):
    """JUNIOR's only 校舍场地装备 row carries a code that is not in the school list: besides the
    quarantine line, a line says the school now has no facilities data."""
    fac = county / "2021" / "办学条件.xlsx"
    set_cell(fac, "校舍场地装备", "学校标识码", ("学校标识码", JUNIOR), "21042100O5")  # letter O
    res = clean_period(county, "2021", tmp_path / "out")
    assert JUNIOR not in set(res.tables["facilities"]["school_code"])
    dq = res.data_quality
    line = dq[(dq["sheet"] == "校舍场地装备") & (dq["value"] == JUNIOR)]
    assert len(line) == 1 and line["row"].isna().all() and "没有" in line["problem"].iloc[0]
    # no such line for the other tables: every school of the small county has its rows there
    assert not dq["problem"].str.contains("没有（可用的）记录").drop(line.index).any()


def test_negative_amount_in_wan_yuan_shown_as_written(county, tmp_path):
    # -5 in the 教学仪器设备值（万元） column: the list shows -5 (what the analyst finds in the
    # workbook) and the converted -5 × 10 000 = -50 000 元, not only -50000.0
    fac = county / "2021" / "办学条件.xlsx"
    row = set_cell(fac, "校舍场地装备", "教学仪器设备值（万元）", ("学校标识码", JUNIOR), -5)
    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    line = dq[(dq["sheet"] == "校舍场地装备") & (dq["row"] == row)]
    assert line["value"].tolist() == ["-5"]
    assert "“-5（万元，折合 -50000 元）”" in line["problem"].iloc[0] and "≥ 0" in line["problem"].iloc[0]
    assert pd.isna(res.tables["facilities"].set_index("school_code").loc[JUNIOR, "equipment_value_yuan"])


def test_unusable_campus_value_makes_parent_total_missing(county, tmp_path):
    """The campus's 校舍场地装备 row has 待填 as its area: without it the parent's area would be
    the parent's alone (the campus read as zero). The parent's area is missing instead; the
    columns the campus did fill are summed."""
    fac = county / "2021" / "办学条件.xlsx"
    row = set_cell(fac, "校舍场地装备", "教学及辅助用房面积（平方米）", ("学校标识码", CAMPUS), "待填")
    wb = load_workbook(fac, data_only=True)
    ws = wb["校舍场地装备"]
    hdr = [c.value for c in ws[3]]
    col = hdr.index("体育运动场地面积（平方米）") + 1
    grounds = {ws.cell(r, 1).value: ws.cell(r, col).value for r in range(4, ws.max_row + 1)}
    res = clean_period(county, "2021", tmp_path / "out")
    f = res.tables["facilities"].set_index("school_code")
    assert CAMPUS not in f.index
    assert pd.isna(f.loc[PARENT, "teaching_aux_area_m2"])  # not the parent's area alone
    assert f.loc[PARENT, "sports_ground_m2"] == pytest.approx(grounds[PARENT] + grounds[CAMPUS])
    assert f.drop(index=PARENT).notna().all().all()  # the other schools are untouched
    dq = res.data_quality
    lines = dq[(dq["sheet"] == "校舍场地装备") & (dq["row"] == row)]
    assert lines["value"].tolist() == ["待填"] and "记为缺失" in lines["action"].iloc[0]
    s = res.summary.set_index("table")
    assert (s["rows_in"] == s["rows_out"] + s["quarantined"] + s["merged"]).all()


def test_empty_school_list_stops_with_its_location(county, tmp_path):
    # header only (row 1), no school: without schools every other row would be an orphan
    wb = county / "2021" / "学校基本情况.xlsx"
    replace_sheet(wb, "学校名录", ["学校标识码", "学校名称", "所在乡镇", "城乡分类", "办学类型", "办学性质",
                                 "寄宿制学校", "村小学", "不计校数", "所属学校标识码"], [])
    with pytest.raises(RawDataError) as exc:
        clean_period(county, "2021", tmp_path / "out")
    for part in ("学校基本情况.xlsx", "学校名录", "第1行", "没有任何学校", "no school rows"):
        assert part in str(exc.value)
    assert not (tmp_path / "out" / "2021").exists()


def test_failed_swap_puts_the_previous_output_back(county, tmp_path, monkeypatch):
    out = tmp_path / "out"
    clean_period(county, "2021", out)
    before = digest(out)
    real = Path.rename

    def rename(self, target):
        if self.name.startswith(".2021.tmp-"):  # the new folder cannot be moved into place
            raise OSError("rename failed (simulated)")
        return real(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(OSError):
        clean_period(county, "2021", out)
    assert digest(out) == before  # 2021/ is the previous output, no temp or .old folder left


def _prefixed_copy(path: Path) -> None:
    """Rewrite every sheet part of ``path`` as some writers do: the main namespace under a prefix
    (``<x:c>``) and attributes in single quotes; the values stay the same."""
    import re
    import zipfile

    tmp = path.with_suffix(".tmp.xlsx")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", item.filename):
                xml = data.decode("utf-8")
                xml = xml.replace('xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                                  "xmlns:x='http://schemas.openxmlformats.org/spreadsheetml/2006/main'")
                xml = re.sub(r"<(/?)([A-Za-z]\w*)(?=[\s>/])", r"<\1x:\2", xml)
                xml = re.sub(r'(\s[\w:]+)="([^"]*)"', r"\1='\2'", xml)
                data = xml.encode("utf-8")
            dst.writestr(item, data)
    tmp.replace(path)


def test_error_cells_and_hidden_rows_found_in_prefixed_sheet_xml(county, tmp_path):
    """python-calamine reads an error cell as blank and tells no hidden row: the sheet XML does,
    also when a writer puts the namespace under a prefix (<x:c t='e'>)."""
    path = county / "2021" / "学校基本情况.xlsx"
    wb = load_workbook(path)
    ws = wb["班级"]
    hdr = next(r for r in range(1, 6) if "班额" in [c.value for c in ws[r]])
    col = [c.value for c in ws[hdr]].index("班额") + 1
    ws.cell(hdr + 1, col).value = "#DIV/0!"
    ws.row_dimensions[hdr + 3].hidden = True
    wb.save(path)
    _prefixed_copy(path)
    assert "<x:c " in zipfile_text(path)  # the rewrite took place
    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    cls = dq[dq["sheet"] == "班级"]
    error = cls[cls["row"] == hdr + 1]
    assert error["value"].tolist() == ["#DIV/0!"] and error["problem"].str.contains("不是数字").all()
    assert cls["problem"].str.contains("隐藏行").any()
    assert str(hdr + 3) in " ".join(cls.loc[cls["problem"].str.contains("隐藏行"), "value"].astype(str))


def zipfile_text(path: Path) -> str:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_unreadable_sheet_xml_is_listed_not_silent(county, tmp_path, monkeypatch):
    """When a workbook's sheet XML cannot be read for formulas, error cells and hidden rows, each
    sheet read from it says so in the list (the values are still read)."""
    from analysis.ingest import rawdata

    monkeypatch.setattr(rawdata, "_sheet_facts", lambda path: None)
    res = clean_period(county, "2021", tmp_path / "out")
    dq = res.data_quality
    lines = dq[dq["problem"].str.contains("无法检查公式")]
    assert {"学校名录", "班级", "教职工"} <= set(lines["sheet"])
    assert len(res.tables["schools"]) > 0  # the values were read


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc (Linux) to list open files")
def test_raw_workbooks_are_not_held_open_while_the_outputs_are_written(county, tmp_path, monkeypatch):
    """python-calamine reads sheets on demand from an open file: the cleaning releases its raw
    workbooks once read, before it writes (on Windows an open file cannot be replaced or moved)."""
    import os

    def held() -> list[str]:
        out = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                out.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                continue
        return [p for p in out if p.startswith(str(county.resolve()))]

    seen: list[list[str]] = []
    write = cleaning._write_atomic

    def watching(*args, **kwargs):
        seen.append(held())
        return write(*args, **kwargs)

    monkeypatch.setattr(cleaning, "_write_atomic", watching)
    clean_period(county, "2021", tmp_path / "out")
    assert seen and not any(seen), seen


@pytest.mark.parametrize("written, decoded", [
    ("石文镇中心小学", "石文镇中心小学"),           # the usual cell: returned as it is
    ("A_x000D_B", "A B"),                            # Excel's escape of a carriage return: a space
    ("21042\u200b10001", "2104210001"),              # a zero-width space, invisible in Excel
    ("\ufeff合计", "合计"),                           # a byte-order mark
    ("a\x07b", "a b"),                               # a control character becomes a space
    ("a\tb\u3000c", "a\tb\u3000c"),                  # tab and ideographic space are left to norm_text
    ("a\u00a0b\u2028c", "a\u00a0b\u2028c"),            # so are a no-break space and a line separator
    ("A_X000D_B", "A_X000D_B"),                      # Excel writes its escapes with a small x only
])
def test_excel_text_decoded(written, decoded):
    from analysis.ingest.rawdata import decode_excel_text

    assert decode_excel_text(written) == decoded


def test_norm_text_removes_every_space():
    from analysis.ingest.rawdata import norm_text

    assert norm_text(" Ａ\u3000B\t\u00a0C_x000A_") == "ABC"  # NFKC (Ａ → A), every whitespace, escapes decoded
    assert norm_text(2104210001) == "2104210001"


def test_total_rows_found_beside_a_number_or_a_date(tmp_path):
    """A total row is recognised by the 合计-like text in one of its first three cells, whatever the
    other cells hold (a running number, a date Excel made of a code): dropped and listed."""
    import datetime

    from openpyxl import Workbook

    from analysis.ingest.rawdata import RAW_SHEETS, WorkbookCache, read_sheet

    spec = next(s for s in RAW_SHEETS if s.table == "enrolment")
    wb = Workbook()
    ws = wb.active
    ws.title = spec.sheet
    ws.append(["学校标识码", "学校名称", "一年级", "二年级"])
    ws.append([PARENT, "后安镇中心小学", 40, 42])                      # Excel row 2: a school
    ws.append([7, "合 计", 40, 42])                                    # row 3: a number beside 合计
    ws.append([datetime.datetime(2021, 1, 2), "总\u3000计", 40, 42])  # row 4: a date beside 总计
    ws.append([12, "石文镇初级中学", 1, 2])                             # row 5: a number, not a total
    wb.save(tmp_path / spec.file)
    cache = WorkbookCache(tmp_path)
    try:
        raw = read_sheet(cache, spec)
    finally:
        cache.close()
    assert raw.frame["_row"].tolist() == [2, 5] and raw.dropped_total_rows == 2
    totals = [(i["row"], i["value"]) for i in raw.issues if "合计行" in i["problem"]]
    assert totals == [(3, "合计"), (4, "总计")]


def test_clean_period_uses_the_county_file_it_is_given(small_county):
    """The pipeline's clean step passes the county.yaml it has read (``meta``); without it the file
    is read. The demo county leaves one of table Ⅰ's eight county facts blank (农民年人均纯收入)."""
    def fact_lines(result):
        dq = result.data_quality
        return sorted(dq.loc[dq["column"].astype("string").str.startswith("facts.").fillna(False), "column"])

    assert fact_lines(clean_period(small_county, "2021", None)) == ["facts.2021.农民年人均纯收入"]
    assert len(fact_lines(clean_period(small_county, "2021", None, meta={}))) == 8  # no facts at all given


def test_header_match_remembered_per_sheet_spec(monkeypatch):
    """The header scan matches every cell of a sheet's first 20 rows in every period: a text's
    answer is remembered per spec (the same answer as matching it afresh), and the memory is
    emptied when it grows past its size."""
    from analysis.ingest import rawdata

    schools, enrolment = rawdata.RAW_SHEETS[0], rawdata.RAW_SHEETS[1]
    monkeypatch.setattr(rawdata, "_HEADERS", {})
    monkeypatch.setattr(rawdata, "_MATCH_MEMO_SIZE", 3)
    code_col = rawdata._match(schools, "学校代码")
    assert code_col is not None and code_col.target == "school_code"
    assert rawdata._match(schools, " 学校代码 ") is code_col  # spaces ignored, as before
    assert rawdata._match(schools, "备注") is None and rawdata._match(schools, 3) is None
    assert rawdata._match(enrolment, "学校代码").target == "school_code"  # each spec its own answers
    assert len(rawdata._HEADERS[id(schools)][2]) == 3
    rawdata._match(schools, "学校名称")  # a fourth text: the memory starts again
    assert list(rawdata._HEADERS[id(schools)][2]) == ["学校名称"]
