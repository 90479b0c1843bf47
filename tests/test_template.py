"""The blank input template (issue #12, part 1): ``analysis template`` writes the raw contract's
workbooks with 填表说明, input messages and data validation, and the reader reads what is typed
into them exactly as it reads the demo's own workbooks."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

import analysis
from analysis import cli, paths, schemas
from analysis.config.county import FACTS, county_meta, missing_facts
from analysis.errors import ConfigError
from analysis.ingest import template
from analysis.ingest.cleaning import clean_period
from analysis.ingest.rawdata import (
    GRADE_NAMES,
    RAW_SHEETS,
    RawCol,
    SheetSpec,
    WorkbookCache,
    parse_column,
    read_sheet,
)
from analysis.ingest.template import CODES_NAME, CODES_SHEET, README_SHEET, header_text

PERIOD = "2021"
FILES = list(dict.fromkeys(s.file for s in RAW_SHEETS))


@pytest.fixture(scope="module")
def blank(tmp_path_factory) -> Path:
    """One blank template (county 测试县, period 2021), written once for the read-only tests."""
    root = tmp_path_factory.mktemp("blank") / "county"
    template.write_template(root, PERIOD, "测试县")
    return root


def _copy(blank: Path, dest: Path) -> Path:
    """A copy of the module's blank template (writing one anew costs ~0.4 s)."""
    shutil.copytree(blank, dest)
    return dest


def _dvs(ws) -> dict[str, list]:
    """The sheet's data validations by the first cell of their range."""
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            out.setdefault(rng.split(":")[0], []).append((rng, dv))
    return out


def _column_letter(ws, header: str) -> str:
    for cell in ws[1]:
        if cell.value == header:
            return cell.column_letter
    raise AssertionError(f"{ws.title}: no header {header!r} in {[c.value for c in ws[1]]}")


def _data_dv(ws, header: str):
    letter = _column_letter(ws, header)
    hits = [dv for rng, dv in _dvs(ws).get(f"{letter}2", []) if rng == f"{letter}2:{letter}1048576"]
    assert len(hits) == 1, (ws.title, header, hits)
    return hits[0]


# ---------------------------------------------------------------------------- the workbooks
def test_one_workbook_per_contract_workbook_with_its_sheets(blank):
    folder = blank / PERIOD
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    for file in FILES:
        wb = load_workbook(folder / file)
        sheets = [s.sheet for s in RAW_SHEETS if s.file == file]
        assert wb.sheetnames[0] == README_SHEET
        assert wb.sheetnames[1:1 + len(sheets)] == sheets
        for name in sheets:
            ws = wb[name]
            spec = next(s for s in RAW_SHEETS if s.file == file and s.sheet == name)
            headers = [c.value for c in ws[1]]
            # every contract column, under the reader's first spelling (with the unit bracket)
            assert [header_text(c) for c in spec.columns] == [h for h in headers if h not in spec.ignore]
            assert ws.freeze_panes == "A2"
            # no demo row, no planted error: nothing below the header, except the county items
            rows = [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]
            if spec.table == "county_items":
                assert [r[0] for r in rows] == list(schemas.COUNTY_ITEM_SPECS)
                value = headers.index("数值")
                assert all(r[value] is None for r in rows)  # values left for the county
            else:
                assert rows == [], (file, name, rows[:2])


def test_units_are_written_in_the_header_bracket_in_the_processed_unit(blank):
    wb = load_workbook(blank / PERIOD / "办学条件.xlsx")
    assert [c.value for c in wb["校舍场地装备"][1]] == [
        "学校标识码", "学校名称", "教学及辅助用房面积（平方米）", "其中:室内体育用房面积（平方米）",
        "体育运动场地面积（平方米）", "体育馆面积（平方米）", "教学仪器设备值（元）", "网络多媒体教室（间）"]
    wb = load_workbook(blank / PERIOD / "督导与质量.xlsx")
    # a share has no unit bracket: its cells are formatted as a percentage (12% typed → 0.12)
    assert [c.value for c in wb["质量监测"][1]] == ["监测学科", "监测年级", "学业水平等级", "校际差异率"]
    assert wb["质量监测"].column_dimensions["D"].number_format == "0.0%"


def test_every_header_cell_has_an_input_message_within_excels_limits(blank):
    for file in FILES:
        wb = load_workbook(blank / PERIOD / file)
        for ws in wb.worksheets:
            for dv in ws.data_validations.dataValidation:
                # longer texts make Excel "repair" the file (MS-XLS DValStrings limits)
                assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255, dv.prompt
                assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 225, dv.error
                if dv.type == "list" and dv.formula1.startswith('"'):
                    assert len(dv.formula1) <= 255
            specs = [s for s in RAW_SHEETS if s.file == file and s.sheet == ws.title]
            if not specs:
                continue
            dvs = _dvs(ws)
            for cell in ws[1]:
                hits = [dv for rng, dv in dvs.get(f"{cell.column_letter}1", []) if rng == f"{cell.column_letter}1"]
                assert len(hits) == 1 and hits[0].showInputMessage and hits[0].prompt, (file, cell.value)
                assert hits[0].type is None  # the header itself is not validated
    wb = load_workbook(blank / PERIOD / "教职工花名册.xlsx")
    ws = wb["教职工"]
    head = [dv for rng, dv in _dvs(ws)[_column_letter(ws, "骨干教师级别") + "1"]][0]
    assert head.promptTitle == "骨干教师级别"
    assert "不是骨干教师填“无”" in head.prompt and "无、县级、市级、省级、国家级" in head.prompt


def test_validations_by_hand(blank):
    """Lists and ranges stated by hand from docs/data.md (vocabularies, hard ranges, plausibility
    bounds), read back from the files."""
    folder = blank / PERIOD
    base = load_workbook(folder / "学校基本情况.xlsx")
    ws = base["学校名录"]
    assert _data_dv(ws, "城乡分类").formula1 == '"城区,镇区,乡村"'
    assert _data_dv(ws, "办学类型").formula1 == '"小学,初中,九年一贯制,十二年一贯制,完全中学,教学点,特殊教育学校,职业学校"'
    assert _data_dv(ws, "办学性质").formula1 == '"公办,民办"'
    for h in ("寄宿制学校", "村小学", "不计校数"):
        dv = _data_dv(ws, h)
        assert (dv.type, dv.formula1, dv.showErrorMessage, dv.errorStyle) == ("list", '"是,否"', True, "stop")
        assert dv.allow_blank  # blank means unknown: always allowed
    # the school's own code: unique in the list; a campus's parent: a listed code
    assert _data_dv(ws, "学校标识码").formula1 == "COUNTIF($A$2:$A$1048576,A2)=1"
    assert _data_dv(ws, "举办者类型").formula1 == ('"中央教育部门,中央其他部门,省级教育部门,省级其他部门,地级教育部门,'
                                              '地级其他部门,县级教育部门,县级其他部门,地方企业,民办"')
    assert _data_dv(ws, "所属学校标识码").formula1 == f"OR(COUNTA({CODES_NAME})=0,COUNTIF({CODES_NAME},K2)>0)"
    assert ws.column_dimensions["A"].number_format == "@"  # codes typed as text keep leading zeros
    assert _data_dv(ws, "学校名称").type is None  # free text: a message, no rule
    ws = base["在校生"]
    for g in GRADE_NAMES:  # 0–3000 pupils a grade (hard ≥ 0, plausibility bound 3000)
        dv = _data_dv(ws, f"{g}（人）")
        assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "3000")
    # one row per school in the wide sheet: the code is unique there, and a listed school's
    assert _data_dv(ws, "学校标识码").formula1 == (
        f"AND(COUNTIF($A$2:$A$1048576,A2)=1,OR(COUNTA({CODES_NAME})=0,COUNTIF({CODES_NAME},A2)>0))")
    assert _data_dv(ws, "学校名称").type is None  # the side column the reader ignores
    ws = base["班级"]
    assert _data_dv(ws, "年级").formula1 == '"' + ",".join(GRADE_NAMES) + '"'  # classes: grades 0–12
    assert (_data_dv(ws, "班额（人）").formula1, _data_dv(ws, "班额（人）").formula2) == ("0", "150")
    # the school codes of 学校基本情况 are its own 学校名录's column A
    assert base.defined_names[CODES_NAME].attr_text == "'学校名录'!$A$2:$A$10001"
    assert CODES_SHEET not in base.sheetnames

    staff = load_workbook(folder / "教职工花名册.xlsx")
    ws = staff["教职工"]
    assert _data_dv(ws, "最高学历").formula1 == '"研究生,本科,专科,高中及以下"'
    assert _data_dv(ws, "骨干教师级别").formula1 == '"无,县级,市级,省级,国家级"'
    assert _data_dv(ws, "任教学段").formula1 == '"幼儿班,小学,初中,高中"'
    dv = _data_dv(ws, "出生年份")
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "1940", "2010")
    dv = _data_dv(ws, "近五年培训学时（学时）")
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "3000")
    assert _data_dv(ws, "教师编号").formula1 == "COUNTIF($A$2:$A$1048576,A2)=1"
    # columns: 教师编号 A, 姓名 B (side), 学校标识码 C
    assert _data_dv(ws, "学校标识码").formula1 == f"OR(COUNTA({CODES_NAME})=0,COUNTIF({CODES_NAME},C2)>0)"
    # another workbook: the codes are pasted into its own visible helper sheet
    assert staff.defined_names[CODES_NAME].attr_text == f"'{CODES_SHEET}'!$A$2:$A$10001"
    assert staff[CODES_SHEET].sheet_state == "visible"
    assert [c.value for c in staff[CODES_SHEET][1]][:2] == ["学校标识码", "学校名称"]

    q = load_workbook(folder / "督导与质量.xlsx")
    assert _data_dv(q["质量监测"], "监测年级").formula1 == '"四年级,八年级"'  # schema: grade 4 or 8
    assert _data_dv(q["质量监测"], "学业水平等级").formula1 == '"Ⅰ级,Ⅱ级,Ⅲ级,Ⅳ级"'
    dv = _data_dv(q["质量监测"], "校际差异率")
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "1")  # 0%–100%
    assert _data_dv(q["课业负担"], "年级").formula1 == '"一年级,二年级,三年级,四年级,五年级,六年级,七年级,八年级,九年级"'
    assert _data_dv(q["学校评级"], "信息化教学应用").formula1 == '"优秀,良好,合格,不合格"'
    # a score has no range in the contract: any number
    assert _data_dv(q["监测成绩"], "成绩（分）").formula1 == "ISNUMBER(F2)"

    enrol = load_workbook(folder / "招生与升学.xlsx")
    assert _data_dv(enrol["划片入学"], "学段").formula1 == '"小学,初中"'
    dv = _data_dv(enrol["划片入学"], "招生数（人）")
    assert (dv.type, dv.formula1, dv.formula2) == ("whole", "0", "5000")
    money = load_workbook(folder / "经费.xlsx")["学校经费"]
    dv = _data_dv(money, "全年拨付公用经费（元）")
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "500000000")
    assert money.column_dimensions[_column_letter(money, "全年拨付公用经费（元）")].number_format == "#,##0.00"
    survey = load_workbook(folder / "社会认可度调查.xlsx")
    assert _data_dv(survey["调查结果"], "调查对象").formula1 == '"学生,家长,教师,校长,人大代表,政协委员,其他群众"'
    assert CODES_NAME not in survey.defined_names and CODES_SHEET not in survey.sheetnames  # no school codes

    items = load_workbook(folder / "县级数据.xlsx")["县级数据项"]
    row = next(c.row for c in items["A"] if c.value == "teacher_avg_pay")
    dv = [d for rng, d in _dvs(items)[f"C{row}"] if rng == f"C{row}"][0]
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "1", "1000000")  # ≥ 1 元, ≤ 1,000,000
    assert items[f"D{row}"].value == "元"


def test_every_column_gets_the_rule_of_the_contract(blank):
    """Generic: each contract column's validation in the file is the one column_rule derives."""
    for file in FILES:
        wb = load_workbook(blank / PERIOD / file)
        for spec in (s for s in RAW_SHEETS if s.file == file):
            ws = wb[spec.sheet]
            for tc in template.template_columns(spec):
                if spec.table == "county_items" and tc.col is not None and tc.col.target == "value":
                    continue  # one rule per listed item (checked by hand above)
                dv = _data_dv(ws, tc.header)
                assert dv.type == tc.rule.type, (spec.sheet, tc.header)
                assert dv.showInputMessage and dv.prompt
                if tc.rule.type is not None:
                    assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.error
                if tc.rule.type == "list":
                    assert dv.formula1 == '"' + ",".join(tc.rule.values) + '"'
                if tc.col is not None and tc.col.kind in ("bool", "enum", "grade", "level"):
                    assert tc.rule.type == "list", (spec.sheet, tc.header)
                if tc.col is not None and tc.col.kind in ("int", "float", "money"):
                    assert tc.rule.type in ("whole", "decimal", "custom"), (spec.sheet, tc.header)
                if tc.col is not None and tc.col.school_ref:
                    assert CODES_NAME in dv.formula1


def test_readme_lists_every_contract_column_with_meaning_unit_values_example(blank):
    for file in FILES:
        ws = load_workbook(blank / PERIOD / file)[README_SHEET]
        rows = list(ws.iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if r[0] == "工作表")
        assert list(rows[head]) == ["工作表", "列（表头）", "含义", "单位", "允许取值 / 范围", "填写要求", "示例",
                                    "亦可写作", "用于指标"]
        assert ws.freeze_panes == f"A{head + 2}"
        table = {(r[0], r[1]): r for r in rows[head + 1:]}
        notes = " ".join(str(r[0]) for r in rows[:head] if r[0])
        assert "没有的填 0，不知道的留空" in notes and "绝不按 0 计算" in notes
        assert "选择性粘贴 → 数值" in notes and f"analysis check --period {PERIOD}" in notes
        for spec in (s for s in RAW_SHEETS if s.file == file):
            assert table[(spec.sheet, "（整张表）")][2]  # what one row is
            for col in spec.columns:
                r = table[(spec.sheet, header_text(col))]
                sheet, header, meaning, unit, allowed, fill, example = r[:7]
                assert meaning and allowed and fill, r
                if col.kind in ("int", "float", "money") and col.unit not in (None,):
                    assert unit and unit != "—", r
                if col.kind in ("enum", "bool"):
                    assert allowed == "、".join(col.values or ("是", "否"))
                    assert example in allowed.split("、")
                if col.kind in ("code", "int", "float", "money") and not (spec.table == "county_items"):
                    assert example, r
    ws = load_workbook(blank / PERIOD / "学校基本情况.xlsx")[README_SHEET]
    row = next(r for r in ws.iter_rows(values_only=True) if r[:2] == ("在校生", "三年级（人）"))
    assert row[2] == "三年级在校生数" and row[3] == "人"
    assert row[5].startswith("本校办学类型应有的年级必填（没有学生填 0，空白 = 人数未知）")


def test_a_column_or_sheet_added_to_the_contract_appears_without_template_code(tmp_path):
    """The template is driven by the contract: a new column, a new sheet in a new workbook and a
    vocabulary longer than Excel's inline list limit all appear."""
    long_values = tuple(f"很长的取值名称第{i:02d}项" for i in range(30))  # > 255 characters inline
    quota = next(s for s in RAW_SHEETS if s.table == "quota")
    extra = RawCol("extra_count", ("新计数",), "int", unit="count", doc="新增的计数", example="3")
    specs = tuple(dataclasses.replace(quota, columns=(*quota.columns, extra)) if s is quota else s
                  for s in RAW_SHEETS) + (
        SheetSpec("计数表", "教师数", "quota", (
            dataclasses.replace(RAW_SHEETS[1].columns[0]),
            RawCol("kind", ("类别",), "enum", values=long_values, doc="类别"),
        ), doc="每校一行"),)
    template.write_template(tmp_path / "c", PERIOD, specs=specs)
    ws = load_workbook(tmp_path / "c" / PERIOD / "招生与升学.xlsx")["名额分配"]
    assert ws.cell(1, ws.max_column).value == "新计数"
    dv = _data_dv(ws, "新计数")  # no range in the schema: a whole number
    assert (dv.type, dv.formula1) == ("custom", f"AND(ISNUMBER({ws.cell(1, ws.max_column).column_letter}2),"
                                                f"{ws.cell(1, ws.max_column).column_letter}2="
                                                f"INT({ws.cell(1, ws.max_column).column_letter}2))")
    wb = load_workbook(tmp_path / "c" / PERIOD / "计数表.xlsx")
    assert wb.sheetnames == [README_SHEET, "教师数", CODES_SHEET, template.LISTS_SHEET]
    assert wb[template.LISTS_SHEET].sheet_state == "hidden"
    dv = _data_dv(wb["教师数"], "类别")
    assert dv.formula1 == f"'{template.LISTS_SHEET}'!$A$1:$A$30"
    assert [wb[template.LISTS_SHEET].cell(i, 1).value for i in (1, 30)] == [long_values[0], long_values[-1]]
    readme = [r[:3] for r in wb[README_SHEET].iter_rows(values_only=True)]
    assert ("教师数", "类别", "类别") in readme


# ---------------------------------------------------------------------------- county.yaml
def test_county_yaml_reads_back(blank, tmp_path):
    meta = county_meta(blank)
    assert (meta["county"], meta["demo"], meta["target_year"], meta["periods"]) == ("测试县", False, 2022, [PERIOD])
    # 表Ⅰ's facts of the period are listed, blank (unknown) for the county to fill in
    assert set(missing_facts(meta, PERIOD)) == {label for _, label, *_ in FACTS}
    # a name with YAML's special characters stays a name; no name: county left empty
    for folder, name in (("a", 'A县: "x" #1'), ("b", None)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "county.yaml").write_text(template.county_yaml(name, "2023"), encoding="utf-8")
        meta = county_meta(tmp_path / folder)
        assert (meta.get("county"), meta.get("organization"), meta["periods"]) == (
            name, name and f"{name}教育局", ["2023"])
    with pytest.raises(ConfigError, match="县名"):
        template.write_template(tmp_path / "c", "2023", "某县\nperiods: []")
    assert not (tmp_path / "c").exists()


def test_an_existing_county_yaml_is_kept_and_a_new_period_added_beside(blank, tmp_path):
    root = tmp_path / "county"
    template.write_template(root, "2021", "甲县")
    text = (root / "county.yaml").read_text(encoding="utf-8") + "# 本县的备注\n"
    (root / "county.yaml").write_text(text, encoding="utf-8")
    result = template.write_template(root, "2022", "乙县")
    assert not result.county_written
    assert (root / "county.yaml").read_text(encoding="utf-8") == text  # untouched
    assert sorted(p.name for p in (root / "2022").iterdir()) == sorted(FILES)
    assert any("periods" in line for line in template.summary_lines(result, "乙县"))


# ---------------------------------------------------------------------------- refusals
def test_never_overwrites_a_countys_workbooks(blank, tmp_path, capsys):
    root = _copy(blank, tmp_path / "county")
    filled = root / PERIOD / "经费.xlsx"
    wb = load_workbook(filled)
    wb["学校经费"].append(["2104210001", "甲小学", 450000, 500000, 25000])
    wb.save(filled)
    before = {p.name: p.read_bytes() for p in (root / PERIOD).iterdir()}
    assert cli.main(["template", "--out", str(root), "--period", PERIOD]) == 2
    err = capsys.readouterr().err
    assert "不会覆盖" in err and "经费.xlsx" in err and "not overwritten" in err
    assert {p.name: p.read_bytes() for p in (root / PERIOD).iterdir()} == before

    # one workbook already there (any letter case, as the reader matches names): nothing written
    other = tmp_path / "other"
    (other / PERIOD).mkdir(parents=True)
    (other / PERIOD / "经费.XLSX").write_bytes(b"filled")
    (other / PERIOD / "说明.txt").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="经费.XLSX"):
        template.write_template(other, PERIOD)
    assert sorted(p.name for p in (other / PERIOD).iterdir()) == ["经费.XLSX", "说明.txt"]
    assert not (other / "county.yaml").exists()

    # an existing folder without any workbook is fine; its other files stay
    (other / "2022").mkdir()
    (other / "2022" / "说明.txt").write_text("x", encoding="utf-8")
    template.write_template(other, "2022")
    assert (other / "2022" / "说明.txt").read_text(encoding="utf-8") == "x"
    assert len(list((other / "2022").glob("*.xlsx"))) == len(FILES)


@pytest.mark.parametrize("args, message", [
    (["--period", "21"], "四位年份"),
    (["--period", "2021/2022"], "四位年份"),
    (["--county", "  "], "县名"),
])
def test_bad_options_exit_2_and_write_nothing(tmp_path, capsys, args, message):
    assert cli.main(["template", "--out", str(tmp_path / "c"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_never_writes_into_the_demo_data_or_a_period_folder(blank, tmp_path, capsys):
    before = sorted(p for p in paths.DEMO_RAW_DIR.rglob("*"))
    for out in (paths.DEMO_RAW_DIR, paths.DEMO_RAW_DIR / "2021", paths.DEMO_RAW_DIR.parent):
        assert cli.main(["template", "--out", str(out), "--period", "2030"]) == 2
        assert "示例数据" in capsys.readouterr().err
    assert sorted(p for p in paths.DEMO_RAW_DIR.rglob("*")) == before
    # --out pointing at a period folder (it holds the workbooks) is taken for a mistake
    root = _copy(blank, tmp_path / "county")
    with pytest.raises(ConfigError, match="期的文件夹"):
        template.write_template(root / PERIOD, "2022")
    assert not (root / PERIOD / "2022").exists()
    # a file where the folder should be
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(ConfigError, match="不是文件夹"):
        template.write_template(tmp_path / "f", PERIOD)


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    calls = []

    def failing(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        return real(path, data)

    real = template.atomic_write
    monkeypatch.setattr(template, "atomic_write", failing)
    with pytest.raises(ConfigError, match="无法写入"):
        template.write_template(tmp_path / "c", PERIOD, "测试县")
    assert len(calls) == 3
    left = [p for p in (tmp_path / "c").rglob("*") if p.is_file()]
    assert left == []


# ---------------------------------------------------------------------------- the reader
def test_an_empty_template_checks_as_no_schools(blank, tmp_path, capsys):
    code = cli.main(["check", "--period", PERIOD, "--data", str(blank), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert code == 2
    assert "学校名录" in err and "没有任何学校记录" in err and "no school rows" in err


def test_helper_sheets_and_side_columns_give_no_data_quality_line(blank, tmp_path):
    """The 填表说明 and 学校代码 sheets, the hidden lists sheet and the 学校名称/姓名 side columns
    are never read and never remarked on; one school, nothing else filled."""
    root = _copy(blank, tmp_path / "county")
    path = root / PERIOD / "学校基本情况.xlsx"
    wb = load_workbook(path)
    wb["学校名录"].append(["2104210001", "甲小学", "甲镇", "镇区", "小学", "公办", "县级教育部门", "否", "否", "否",
                         None])
    wb["在校生"].append(["2104210001", "甲小学", None, 40, 41, 42, 43, 44, None])  # 六年级 unknown
    wb.save(path)
    staff = root / PERIOD / "教职工花名册.xlsx"
    wb = load_workbook(staff)
    wb[CODES_SHEET].append(["2104210001", "甲小学"])
    wb[CODES_SHEET].sheet_state = "hidden"  # a user hides the helper: still no line
    wb.save(staff)
    result = clean_period(root, PERIOD, None)
    dq = result.data_quality
    lines = [" ".join(str(v) for v in r.values() if isinstance(v, (str, int))) for r in dq.to_dict("records")]
    for word in (README_SHEET, CODES_SHEET, template.LISTS_SHEET, "隐藏", "hidden", "未识别的列", "unknown column",
                 "学校名称", "姓名", "单位", "unit"):
        assert not [line for line in lines if word in line], word
    enrol = result.tables["enrolment"].set_index("grade")["students"]
    assert enrol.loc[list(range(1, 6))].tolist() == [40, 41, 42, 43, 44] and pd.isna(enrol.loc[6])
    # the blank grade of a 小学 is listed under the header as written in the template
    blank = dq[dq["sheet"] == "在校生"]
    assert blank[["row", "column"]].values.tolist() == [[2, "六年级（人）"]]
    # what else is left to do: the school has no row in the other per-school sheets (one line
    # each), and county.yaml's 表Ⅰ facts are still blank (one line each)
    books = dq[(dq["file"] != "county.yaml") & (dq["sheet"] != "县级数据项")]
    assert sorted(books["sheet"]) == sorted(["在校生", "班级", "教职工", "校舍场地装备", "学校经费", "学校评级"])
    # the template lists every county item with a blank value: each numeric one is listed as blank
    numeric = [k for k, v in schemas.COUNTY_ITEM_SPECS.items() if v.unit is not None]
    items = dq[dq["sheet"] == "县级数据项"]
    assert len(items) == len(numeric) and items["problem"].str.contains("数值为空").all()
    assert len(dq[dq["file"] == "county.yaml"]) == len(FACTS)


# ---------------------------------------------------------------------------- round trip
def _cell(col: RawCol, v):
    """A parsed value as staff type it into the template."""
    if v is None:
        return None
    if col.kind == "bool":
        return "是" if v else "否"
    if col.kind == "grade":
        return GRADE_NAMES[int(v)]
    if col.kind == "level":
        return f"{template.ROMAN[int(v) - 1]}级"
    if col.kind in ("int",):
        return int(v)
    if col.kind in ("float", "money"):
        return float(v)
    return str(v)


def _accepts(rule: template.Rule, v, seen: set, codes: set) -> bool:
    """What Excel's validation of ``rule`` lets through (blank always)."""
    if v is None:
        return True
    if rule.type == "list":
        return v in rule.values
    if rule.type in ("whole", "decimal"):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return False
        if rule.type == "whole" and float(v) != int(v):
            return False
        return (rule.lo is None or v >= rule.lo) and (rule.hi is None or v <= rule.hi)
    if rule.type == "custom":
        ok = True
        if rule.number:
            ok &= isinstance(v, (int, float)) and not isinstance(v, bool)
        if rule.integer:
            ok &= float(v) == int(v)
        if rule.unique:
            ok &= v not in seen
            seen.add(v)
        if rule.school_ref:
            ok &= v in codes
        return ok
    return True


def _fill_template_from(demo_period: Path, target_period: Path) -> int:
    """Type the demo's values into the blank template's cells (every sheet of the contract), each
    value checked against the template's validation; returns the number of values typed."""
    cache = WorkbookCache(demo_period)
    codes = set()
    names: dict[str, str] = {}
    typed = 0
    books: dict[str, object] = {}
    for spec in RAW_SHEETS:
        raw = read_sheet(cache, spec)
        if raw is None:  # an optional sheet the demo does not have (专任教师数, 班额分段)
            continue
        if spec.file not in books:
            books[spec.file] = load_workbook(target_period / spec.file)
        ws = books[spec.file][spec.sheet]
        cols = {tc.col.target: tc for tc in template.template_columns(spec) if tc.col is not None}
        letters = {c.value: c.column for c in ws[1]}
        parsed = {}
        for target in raw.frame.columns.drop("_row"):
            col = cols[target].col
            values, errors, _ = parse_column(raw.frame[target], col, raw.units.get(target))
            assert errors.isna().all(), (spec.sheet, target, errors.dropna().tolist())
            parsed[target] = [_cell(col, v) for v in values]
        listed = {}
        if spec.table == "county_items":
            listed = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
        seen: dict[str, set] = {t: set() for t in parsed}
        row = 1
        for i in range(len(raw.frame)):
            rec = {t: parsed[t][i] for t in parsed}
            if spec.table == "schools":
                codes.add(rec["school_code"])
                names[rec["school_code"]] = rec["school_name"]
            r = listed.get(rec.get("item")) if listed else None
            if r is None:
                row = max(row, ws.max_row) + 1 if listed else row + 1
                r = row
            for t, v in rec.items():
                tc = cols[t]
                rule = tc.rule
                if spec.table == "county_items" and t == "value":
                    item = schemas.COUNTY_ITEM_SPECS.get(rec["item"])
                    rule = template._item_rule(item) if item is not None and item.unit else template.Rule()
                assert _accepts(rule, v, seen[t], codes), (spec.sheet, t, v, rule)
                if v is not None:
                    ws.cell(r, letters[tc.header], v)
                    typed += 1
            if "学校名称" in letters and "school_code" in rec:
                ws.cell(r, letters["学校名称"], names.get(rec["school_code"]))
    for file, wb in books.items():
        if CODES_SHEET in wb.sheetnames:  # the codes pasted as the 填表说明 says
            for code in sorted(codes):
                wb[CODES_SHEET].append([code, names[code]])
        wb.save(target_period / file)
    return typed


def test_the_demo_typed_into_the_template_gets_the_demos_verdicts(blank, tmp_path):
    """The key test: the demo county's values typed into the blank template's cells (not its
    files copied) give the same verdict table and the same L1–L7 values of every assessment unit
    as the demo's own workbooks, with nothing to correct. So template and reader agree."""
    demo = analysis.write_demo(tmp_path / "demo", periods=(PERIOD,), n_schools=12, plant_mess=False)
    root = _copy(blank, tmp_path / "county")
    typed = _fill_template_from(demo / PERIOD, root / PERIOD)
    assert typed > 1000

    ours, theirs = clean_period(root, PERIOD, None), clean_period(demo, PERIOD, None)
    dq = ours.data_quality
    # county.yaml's 表Ⅰ facts are left blank by the template (the demo's are filled): not a workbook
    fix = dq[(dq["severity"] != "已自动处理") & (dq["file"] != "county.yaml")]
    assert fix.empty, fix[["sheet", "row", "column", "problem"]].to_string()
    assert ours.quarantine.empty
    for table in ("schools", "enrolment", "classes", "teachers", "facilities", "finance", "county_items"):
        assert len(ours.tables[table]) == len(theirs.tables[table]) > 0, table

    a, b = analysis.evaluate(ours.tables), analysis.evaluate(theirs.tables)
    cols = ["code", "status", "value"]
    pd.testing.assert_frame_equal(a.verdict[cols], b.verdict[cols])
    assert set(a.verdict["status"]) >= {"达标", "未达标"}  # the demo's shortfalls survive the trip
    codes = schemas.RESOURCE_CODES
    key = ["school_code", "stage"]
    ua = a.units.sort_values(key).reset_index(drop=True)[key + codes]
    ub = b.units.sort_values(key).reset_index(drop=True)[key + codes]
    pd.testing.assert_frame_equal(ua, ub)
    assert ua[codes].notna().to_numpy().sum() > 0


def test_template_files_are_left_for_the_county(blank):
    """The files are ordinary files of the folder (mode as open() gives), not temporary names."""
    for p in (blank / PERIOD).iterdir():
        assert not p.name.startswith(".")
        assert (p.stat().st_mode & 0o777) == (0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
