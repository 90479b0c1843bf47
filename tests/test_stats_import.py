"""Issue #13: importing the education statistics (教育事业统计) — the three shapes, their quirks, a
layout that differs, campuses, one period folder from the statistics and the template, and the
round trip: the demo county written as statistics and imported gives the same L1–L7 and CVs.

The statistics files are synthetic, written by ``stats_fixtures`` from the demo county."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import analysis
from analysis import cli
from analysis.engine import resource_tables
from analysis.engine.guarantee import g9, g11, g12
from analysis.ingest.rawdata import split_header
from analysis.ingest.stats_export import StatsLayoutError, read_sources
from analysis.ingest.stats_import import BACKUP_DIR, assemble, import_stats
from analysis.ingest.stats_report import IMPORT_REPORT
from stats_fixtures import County, contract_frames, write_export, write_jiaoji, write_jichu

P = "2021"
STD = analysis.load_standards()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    """A 10-school demo county (2021, nothing planted: a primary school with 幼儿班, a campus not
    counted as a school, a 九年一贯制, a 完全中学, a special school, a private school, a small rural
    teaching point served by itinerant PE/music teachers), written as a 综合查询 export and as 教基
    workbooks."""
    base = tmp_path_factory.mktemp("stats")
    analysis.write_demo(base / "native", periods=(P,), n_schools=10, plant_mess=False)
    county = County(contract_frames(base / "native" / P))
    write_export(base / "export.xlsx", county)
    write_jiaoji(base / "jiaoji", county)
    return {"base": base, "county": county}


@pytest.fixture(scope="module")
def native(demo) -> dict:
    """The native run: the demo's own workbooks cleaned, L1–L7 and the CVs."""
    clean = analysis.clean_period(demo["base"] / "native", P, None)
    return {"clean": clean, "resources": _resources(clean.tables)}


def _template_side(demo, folder: Path) -> Path:
    """What the template gives (the statistics do not hold it): the demo's other workbooks, the
    school list's town/boarding/village and the campus's parent, and the PE/art teachers serving
    other schools (走教) per school and stage; no roster and no class list."""
    period = folder / P
    period.mkdir(parents=True)
    for f in (demo["base"] / "native" / P).iterdir():
        if f.name != "教职工花名册.xlsx":
            shutil.copy(f, period / f.name)
    wb = load_workbook(period / "学校基本情况.xlsx")
    del wb["班级"]
    wb.save(period / "学校基本情况.xlsx")
    county, serving = demo["county"], demo["county"].serving()
    wb = Workbook()
    ws = wb.active
    ws.title = "专任教师数"
    ws.append(["学校标识码", "学段", "专任教师数", "其中：高于规定学历", "其中：县级及以上骨干教师",
               "其中：体育、艺术专任教师", "外校来本校任教的体育、艺术教师"])
    for code in county.codes:
        for st in ("小学", "初中"):
            if st in county.stages(code):
                n = serving[(serving["service_school_code"] == code) & (serving["stage"] == st)]["serving"].sum()
                ws.append([code, st, None, None, None, None, int(n)])
    wb.save(period / "教职工花名册.xlsx")
    return folder


def _header(ws, row: int = 1) -> list[str | None]:
    """A sheet's header texts without their unit brackets (三年级（人） → 三年级)."""
    return [split_header(c.value)[0] if c.value is not None else None for c in ws[row]]


def _resources(tables) -> tuple[pd.DataFrame, pd.DataFrame]:
    """L1–L7 per unit and every CV (the engine's resource tables)."""
    units, cv = resource_tables(tables, STD)
    codes = [c for c in units.columns if c[:1] == "L" and c[1:].isdigit()]
    return units.set_index(["school_code", "stage"])[codes], cv.set_index(["stage", "indicator"])[["cv"]]


@pytest.fixture(scope="module")
def combined(demo, tmp_path_factory) -> dict:
    """The export and the 教基 workbooks imported into a period folder the template filled."""
    folder = _template_side(demo, tmp_path_factory.mktemp("combined") / "county")
    result = import_stats([demo["base"] / "export.xlsx", demo["base"] / "jiaoji"], folder, P)
    clean = analysis.clean_period(folder, P, None)
    return {"folder": folder, "result": result, "clean": clean}


# ---------------------------------------------------------------------------- round trip
def test_round_trip_export_and_jiaoji_gives_the_native_L1_to_L7_and_every_cv(native, combined):
    native_units, native_cv = native["resources"]
    units, cv = _resources(combined["clean"].tables)
    pd.testing.assert_frame_equal(units, native_units)
    pd.testing.assert_frame_equal(cv, native_cv)
    assert native_units.notna().all().all()  # every value known: a real comparison, not NA == NA
    # the statistics agree with the template's school list, pupils and facilities: no conflict
    assert combined["result"].conflicts.empty
    # the teachers came from the counts (no roster): G9, G11, G12 cannot be judged, never failed
    tables = combined["clean"].tables
    for rule in (g9, g11, g12):
        res = rule(tables, STD)
        assert res.status == "无数据", rule
        assert "只有专任教师数" in res.failing


def test_jichu_alone_gives_what_jiaoji_gives(demo, tmp_path):
    """(A) the 2018 scheme (体育馆 for 室内体育用房, 研究生毕业 in one row, 是否计校数 as 0/1): every
    contract value the same as from (B), for a primary school with 幼儿班, a campus, a 九年一贯制
    and a 完全中学 — so the same L1–L7 as the native run (the round trip above)."""
    codes = ["2104210001", "2104210003", "2104210004", "2104210006"]
    write_jichu(tmp_path / "jichu", demo["county"], codes=codes)
    from_a = assemble(read_sources([tmp_path / "jichu"]), STD)[0]
    from_b = assemble(read_sources(sorted(p for p in (demo["base"] / "jiaoji").iterdir()
                                          if p.name.split("_")[0] in codes)), STD)[0]
    assert from_a == from_b
    assert [(r["school_code"], r["stage"]) for r in from_a["专任教师数"]] == [
        ("2104210001", "小学"), ("2104210003", "小学"), ("2104210004", "小学"), ("2104210004", "初中"),
        ("2104210006", "初中")]
    assert all(r["full_time"] is not None for r in from_a["专任教师数"])


def test_counts_written_as_the_statistics_say(native, combined):
    """石文镇中心小学 (2104210001), 2021, 小学: the roster's full-time primary teachers by hand."""
    t = native["clean"].tables["teachers"]
    ft = t[(t["school_code"] == "2104210001") & (t["stage"] == "小学") & t["full_time"].astype(bool)]
    tc = combined["clean"].tables["teacher_counts"].set_index(["school_code", "stage"])
    row = tc.loc[("2104210001", "小学")]
    assert row["full_time"] == len(ft)
    assert row["qualifying"] == ft["degree"].isin(["研究生", "本科", "专科"]).sum()  # 小学: 专科 or higher
    assert row["pe_art"] == ft["subject"].isin(["体育", "音乐", "美术"]).sum()
    assert row["backbone"] == ft["backbone_level"].isin(["县级", "市级", "省级", "国家级"]).sum()
    # the 幼儿班 teachers of the school are not primary teachers
    assert (t[(t["school_code"] == "2104210001")]["stage"] == "幼儿班").any()


# ---------------------------------------------------------------------------- (C) alone
@pytest.fixture(scope="module")
def export_only(demo, tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("export_only")
    result = import_stats([demo["base"] / "export.xlsx"], folder, P)
    return {"folder": folder, "result": result}


def test_export_alone_splits_no_mixed_school(demo, export_only):
    """The export holds school totals: a single-stage school takes them, a mixed school (九年一贯制,
    完全中学, a primary school with 幼儿班) gets empty counts and is listed — never guessed."""
    ws = load_workbook(export_only["folder"] / P / "教职工花名册.xlsx")["专任教师数"]
    h = _header(ws)
    counts = [h.index(x) for x in ("专任教师数", "其中:高于规定学历", "其中:县级及以上骨干教师", "其中:体育、艺术专任教师")]
    rows = {(r[h.index("学校标识码")], r[h.index("学段")]): [r[j] for j in counts]
            for r in ws.iter_rows(min_row=2, values_only=True)}
    # 后安镇中心小学 (…02): 小学 only → the export's total is its primary count
    assert rows[("2104210002", "小学")][0] == demo["county"].teacher_counts("2104210002")["total"]
    # 救兵镇九年一贯制学校 (…04) and 石文镇中心小学 with 幼儿班 (…01): blank, listed
    for key in (("2104210004", "小学"), ("2104210004", "初中"), ("2104210001", "小学")):
        assert rows[key] == [None, None, None, None], key
    names = [r[h.index("学校名称")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert names[0] == "石文镇中心小学" and all(names)  # the template's side column filled too
    issues = export_only["result"].issues
    split = issues[issues["problem"].str.startswith("缺少分学段的专任教师数")]
    assert set(split["school_code"]) >= {"2104210001", "2104210004", "2104210006"}
    assert export_only["result"].exit_code == 1


def test_a_fresh_import_writes_the_template_set(export_only):
    """Into an empty county folder: the statistics' sheets filled inside the template's workbooks
    (填表说明, drop-down lists kept), the other workbooks as blank templates to fill, the 学校代码
    helper sheets filled with the schools, county.yaml named after the export's 统计三级."""
    folder = export_only["folder"] / P
    assert sorted(p.name for p in folder.glob("*.xlsx")) == sorted(
        ["学校基本情况.xlsx", "教职工花名册.xlsx", "办学条件.xlsx", "经费.xlsx", "招生与升学.xlsx", "督导与质量.xlsx",
         "社会认可度调查.xlsx", "县级数据.xlsx", IMPORT_REPORT])
    finance = load_workbook(folder / "经费.xlsx")
    assert finance.sheetnames[0] == "填表说明" and finance["学校经费"].max_row == 1  # blank: to fill
    assert sorted(p.name for p in export_only["result"].blank) == sorted(
        ["经费.xlsx", "招生与升学.xlsx", "督导与质量.xlsx", "社会认可度调查.xlsx", "县级数据.xlsx"])
    staff = load_workbook(folder / "教职工花名册.xlsx")
    assert staff.sheetnames[0] == "填表说明" and staff["教职工"].max_row == 1
    assert staff["专任教师数"].data_validations.dataValidation  # the template's checks are kept
    codes = [r[0] for r in staff["学校代码"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert len(codes) == 10 and codes[0] == "2104210001"
    assert "county: 抚顺县" in (export_only["folder"] / "county.yaml").read_text(encoding="utf-8")


def test_unmapped_campus_is_kept_aside_then_mapped(demo, export_only, tmp_path):
    """是否计校数 = 0 without a parent: written with 不计校数 = 是 and an empty, highlighted
    所属学校标识码; the cleaning keeps it aside (its 3 grades of pupils are in no school); the user
    fills the parent and a new import keeps it."""
    folder = tmp_path / "county"
    shutil.copytree(export_only["folder"], folder)
    wb = load_workbook(folder / P / "学校基本情况.xlsx")
    ws = wb["学校名录"]
    header = [c.value for c in ws[1]]
    campus = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "2104210003")
    parent_cell = campus[header.index("所属学校标识码")]
    assert campus[header.index("不计校数")].value == "是" and parent_cell.value is None
    assert parent_cell.fill.fgColor.rgb.endswith("FFF2CC") and parent_cell.comment is not None
    report = load_workbook(folder / P / IMPORT_REPORT)
    listed = list(report["不计校数校区"].iter_rows(min_row=2, values_only=True))
    assert listed[0][:2] == ("2104210003", "后安镇中心小学南校区")
    # the rest from the template (here: the demo's own workbooks and columns), then the cleaning
    for f in (demo["base"] / "native" / P).iterdir():
        if f.name not in ("学校基本情况.xlsx", "教职工花名册.xlsx", "办学条件.xlsx"):
            shutil.copy(f, folder / P / f.name)
    fac = load_workbook(folder / P / "办学条件.xlsx")
    del fac["专用教室"]  # the template's blank sheet: the demo's rooms instead
    rooms = fac.create_sheet("专用教室")
    for row in load_workbook(demo["base"] / "native" / P / "办学条件.xlsx")["专用教室"].iter_rows(values_only=True):
        rooms.append(list(row))
    fac.save(folder / P / "办学条件.xlsx")
    for r in ws.iter_rows(min_row=2):
        r[header.index("所在乡镇")].value = "后安镇"
        r[header.index("寄宿制学校")].value = "否"
        r[header.index("村小学")].value = "否"
    wb.save(folder / P / "学校基本情况.xlsx")
    clean = analysis.clean_period(folder, P, None)
    assert "2104210003" not in set(clean.tables["schools"]["school_code"])
    assert clean.quarantine["reason"].str.contains("没有填写所属学校标识码").any()
    e = clean.tables["enrolment"]
    raw = contract_frames(demo["base"] / "native" / P)["在校生"].set_index("school_code")
    parent_alone = sum(int(raw.loc["2104210002", f"g{g}"]) for g in range(1, 7))
    assert e[e["school_code"] == "2104210002"]["students"].sum() == parent_alone  # no guessed parent
    assert not e["school_code"].eq("2104210003").any()
    # the user fills the parent; importing the export again keeps it (the statistics do not hold it)
    for r in ws.iter_rows(min_row=2):
        if r[0].value == "2104210003":
            r[header.index("所属学校标识码")].value = "2104210002"
    wb.save(folder / P / "学校基本情况.xlsx")
    again = import_stats([demo["base"] / "export.xlsx"], folder, P)
    assert again.campuses["所属学校标识码"].tolist() == ["2104210002"]
    assert again.conflicts.empty
    assert not again.issues["problem"].str.contains("不计校数校区").any()
    kept = load_workbook(folder / P / "学校基本情况.xlsx")["学校名录"]
    row = next(r for r in kept.iter_rows(min_row=2, values_only=True) if r[0] == "2104210003")
    assert row[header.index("所属学校标识码")] == "2104210002" and row[header.index("所在乡镇")] == "后安镇"
    assert any((folder / P / BACKUP_DIR).rglob("学校基本情况.xlsx"))


# ---------------------------------------------------------------------------- quirks
def _values(paths) -> dict:
    s = read_sources(paths)
    return {(code, f): [v.value for v in vals] for code, fields in s.values.items() for f, vals in fields.items()}


@pytest.fixture(scope="module")
def export_values(demo) -> dict:
    return _values([demo["base"] / "export.xlsx"])


@pytest.mark.parametrize("quirk", ["letters", "numbering", "x000d", "fullwidth"])
def test_each_export_quirk_reads_the_same_values(demo, export_values, tmp_path, quirk):
    """Without the column-letter row, the numbering row, the _x000D_ in a header or the
    full-width bracket of （万元）, the same values are read: each quirk is handled."""
    path = write_export(tmp_path / "plain.xlsx", demo["county"], **{quirk: False})
    assert _values([path]) == export_values


def test_export_values_by_hand(export_values, demo):
    f = demo["county"].fac.loc["2104210001"]
    # 教学仪器设备资产值 written in 万元 (…/10000), read back in 元
    assert export_values[("2104210001", "equip")] == [pytest.approx(f["equipment_value_yuan"])]
    # 博士研究生 (0) + 硕士研究生 columns are summed into 研究生
    assert len(export_values[("2104210001", "t:*:deg:研究生")]) == 2


def test_star_cells_and_blank_needed_cells(demo, tmp_path, capsys):
    """A "*" where a column does not apply (a primary school's 初中 columns) is no problem; a "*"
    in a grade the school teaches is an unknown count, listed, never 0. A school listed twice is
    read once (its pupils are not doubled)."""
    codes = demo["county"].codes + ["2104210005"]
    path = write_export(tmp_path / "star.xlsx", demo["county"], values={"2104210002": {"g3": "*"}}, codes=codes)
    assert cli.main(["import-stats", str(path), "--period", P, "--out", str(tmp_path / "out")]) == 1
    assert "统计数据导入 / statistics imported: 10 所学校" in capsys.readouterr().out
    res = import_stats([path], tmp_path / "again", P)
    issues = res.issues
    dup = issues[issues["problem"].str.startswith("重复的学校标识码")]
    # rows: letters, title, 单位 line (1–3), 4 header rows (4–7), numbering (8): the 11th school is on 9 + 10
    assert len(dup) == 1 and dup.iloc[0]["row"] == 19
    e = load_workbook(tmp_path / "again" / P / "学校基本情况.xlsx")["在校生"]
    row5 = next(r for r in e.iter_rows(min_row=2, values_only=True) if r[0] == "2104210005")
    assert row5[_header(e).index("七年级")] == demo["county"].pupils("2104210005", 7)  # once, not doubled
    mine = issues[issues["school_code"] == "2104210002"]
    assert mine["problem"].str.contains("没有三年级人数").any()
    assert not mine["header"].fillna("").str.contains("初中").any()
    wb = load_workbook(tmp_path / "out" / P / "学校基本情况.xlsx")
    ws = wb["在校生"]
    header = _header(ws)
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "2104210002")
    assert row[header.index("三年级")] is None and row[header.index("二年级")] is not None


def test_units_row_and_half_width_bracket(demo, tmp_path):
    """The 5176 label says （元） instead of （万元）: read as 元, not × 10000; an unknown unit
    ("美元") is refused naming the cell."""
    code = "2104210002"
    folder = tmp_path / "jj"
    path = write_jiaoji(folder, demo["county"], codes=[code])[0]
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("教基5176"))
    ws["B19"] = "教学仪器设备资产值(元)"
    ws["D19"] = 123456.5
    wb.save(path)
    assert _values([path])[(code, "equip")] == [123456.5]
    ws["B19"] = "教学仪器设备资产值（美元）"
    wb.save(path)
    with pytest.raises(StatsLayoutError, match="D19.*美元"):
        read_sources([path])


# ---------------------------------------------------------------------------- a layout that differs
def test_a_moved_row_is_refused_with_its_location(demo, tmp_path):
    """A row inserted above 室内体育用房 in 教基5170 moves it to row 18: the file is refused, naming
    the file, the sheet, the cell D17, what was expected and what is there."""
    code = "2104210002"
    path = write_jiaoji(tmp_path / "jj", demo["county"], codes=[code])[0]
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("教基5170"))
    ws.insert_rows(12)
    ws["B12"] = "其中：实验室"
    wb.save(path)
    with pytest.raises(StatsLayoutError) as exc:
        read_sources([path])
    msg = str(exc.value)
    assert path.name in msg and "教基5170_小学" in msg and "D17" in msg and "第17行" in msg
    assert "“室内体育用房”" in msg and "实为“图书阅览室”" in msg and "第18行" in msg
    assert "row 17" in msg  # English too
    # the command refuses it with exit code 2 and writes nothing
    out = tmp_path / "county"
    assert cli.main(["import-stats", str(path), "--period", P, "--out", str(out)]) == 2
    assert not any((out / P).glob("*.xlsx"))


def test_a_missing_numbering_row_or_moved_column_is_refused(demo, tmp_path):
    code = "2104210002"
    path = write_jiaoji(tmp_path / "jj", demo["county"], codes=[code])[0]
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("教基4155"))
    ws.insert_cols(6)  # a new course column before 道德与法治 moves 体育与健康 from L to M
    wb.save(path)
    with pytest.raises(StatsLayoutError, match="读取单元格 L7.*L列.*体育与健康"):
        read_sources([path])
    path = write_jiaoji(tmp_path / "jj2", demo["county"], codes=[code])[0]
    wb = load_workbook(path)
    ws = next(w for w in wb.worksheets if w.title.startswith("教基3112"))
    ws.delete_rows(5)  # no numbering row
    wb.save(path)
    with pytest.raises(StatsLayoutError, match="第5行.*甲"):
        read_sources([path])


def test_export_without_a_school_header_or_with_a_doubled_column_is_refused(demo, tmp_path):
    wb = Workbook()
    wb.active.append(["名称", "数值"])
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(StatsLayoutError, match="学校名称"):
        read_sources([tmp_path / "other.xlsx"])
    path = write_export(tmp_path / "e.xlsx", demo["county"])
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(4, ws.max_column + 1, "网络多媒体教室")  # a second 网络多媒体教室 column
    wb.save(path)
    with pytest.raises(StatsLayoutError, match="网络多媒体教室.*列"):
        read_sources([path])


# ---------------------------------------------------------------------------- two sources, one folder
def test_template_and_statistics_in_one_folder(demo, native, tmp_path):
    """The template gave a roster (for G9, G11, G12), the special rooms and a wrong 教学及辅助用房
    (1 m²) for 后安镇中心小学; the county's export is imported into the same folder:

    - the 1 m² is listed (file, sheet, row, school, the statistics' cell) and replaced, the old
      file kept; the template's other sheets stay;
    - a counts cell that differs from the roster (99 teachers) is listed, and the roster wins:
      L1–L7 and every CV are the native run's."""
    folder = _template_side(demo, tmp_path / "county")
    period = folder / P
    roster = load_workbook(demo["base"] / "native" / P / "教职工花名册.xlsx")["教职工"]
    tw = load_workbook(period / "教职工花名册.xlsx")
    sheet = tw.create_sheet("教职工", 0)
    for row in roster.iter_rows(values_only=True):
        sheet.append(list(row))
    tw.save(period / "教职工花名册.xlsx")
    wb = load_workbook(period / "办学条件.xlsx")
    ws = wb["校舍场地装备"]
    header_row = next(r for r in range(1, 6) if ws.cell(r, 1).value == "学校标识码")
    row = next(r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, 1).value == "2104210002")
    ws.cell(row, 3).value = 1.0  # 教学及辅助用房面积
    wb.save(period / "办学条件.xlsx")
    res = import_stats([demo["base"] / "export.xlsx"], folder, P)
    c = res.conflicts
    assert len(c) == 1
    hit = c.iloc[0]
    assert (hit["file"], hit["sheet"], hit["row"], hit["school_code"]) == ("办学条件.xlsx", "校舍场地装备", row,
                                                                          "2104210002")
    # the statistics' cell: the export's row of the school, under 本学年校舍建筑面积 › 教学及辅助用房 › 计
    assert hit["existing"] == "1.0" and hit["source"].startswith("export.xlsx·综合查询·")
    assert "教学及辅助用房 › 计" in hit["source"]
    backup = next((period / BACKUP_DIR).rglob("办学条件.xlsx"))
    assert load_workbook(backup)["校舍场地装备"].cell(row, 3).value == 1.0
    # a counts cell off from the roster
    tw = load_workbook(period / "教职工花名册.xlsx")
    counts = tw["专任教师数"]
    h = _header(counts)
    cells = next(r for r in counts.iter_rows(min_row=2) if r[0].value == "2104210001" and r[h.index("学段")].value == "小学")
    assert cells[h.index("专任教师数")].value is None  # the export does not split a school with 幼儿班
    cells[h.index("专任教师数")].value = 99
    tw.save(period / "教职工花名册.xlsx")
    after = analysis.clean_period(folder, P, None)
    units, cv = _resources(after.tables)
    pd.testing.assert_frame_equal(units, native["resources"][0])
    pd.testing.assert_frame_equal(cv, native["resources"][1])
    assert len(after.tables["special_rooms"]) == len(native["clean"].tables["special_rooms"])
    dq = after.data_quality
    off = dq[dq["problem"].str.contains("与教职工花名册不一致")]
    assert len(off) == 1
    t = demo["county"].teacher_counts("2104210001", ["小学"])
    assert (off.iloc[0]["sheet"], off.iloc[0]["row"], off.iloc[0]["column"], off.iloc[0]["value"]) == \
        ("专任教师数", cells[0].row, "专任教师数", "99")
    assert f"为{t['total']}人" in off.iloc[0]["problem"] and off.iloc[0]["action"].startswith("以花名册为准")
    listed = dq[dq["problem"].str.contains("与统计数据不同")]
    assert len(listed) == 1 and listed.iloc[0]["file"] == "办学条件.xlsx" and listed.iloc[0]["severity"] == "请核对"
    # with the roster, G9 is judged again (not 无数据 for want of teachers)
    assert "只有专任教师数" not in (g9(after.tables, STD).failing or "")


def test_import_problems_reach_the_data_quality_list_with_file_sheet_row_and_header(combined):
    dq = combined["clean"].data_quality
    unit = dq[dq["problem"].str.startswith("统计导入：单位为万元") & dq["file"].eq("export.xlsx")]
    assert len(unit) == 1
    line = unit.iloc[0]
    assert line["sheet"] == "综合查询" and line["column"] == "固定资产总值 › 教学仪器设备资产值" and line["row"] == 4


def test_numbers_of_a_counts_only_school_by_hand(combined):
    """A counts-only unit's L1–L3 are its counts over its pupils × 100 (石文镇初级中学, 初中)."""
    tables = combined["clean"].tables
    tc = tables["teacher_counts"].set_index(["school_code", "stage"]).loc[("2104210005", "初中")]
    e = tables["enrolment"]
    pupils = e[(e["school_code"] == "2104210005") & (e["stage"] == "初中")]["students"].sum()
    u = resource_tables(tables, STD)[0].set_index(["school_code", "stage"]).loc[("2104210005", "初中")]
    assert u["L1"] == pytest.approx(tc["qualifying"] / pupils * 100)
    assert u["L2"] == pytest.approx(tc["backbone"] / pupils * 100)
    assert u["L3"] == pytest.approx(tc["pe_art"] / pupils * 100)
    assert not np.isnan(u["L1"])
