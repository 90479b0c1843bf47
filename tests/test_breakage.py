"""The demo county broken on purpose, as a careless (or hostile) user would (issue #9).

Each case changes the 2021 workbooks of a small demo county (12 schools, periods 2020 and 2021)
one way and checks, through the data check (``analysis check``'s own function, and the CLI for
the usage errors):

- the exit code (0 nothing to correct, 1 rows kept aside or inputs missing, 2 unusable input);
- that the message or the data-quality line names the location (sheet, Excel row or header);
- that the raw folder is byte-for-byte unchanged by the check and the cleaning;
- rows in = kept + quarantined + merged, for every table;
- that the 2020 processed tables are untouched by cleaning 2021;
- that no indicator built on the bad value is 达标 (it is 无数据 or 未达标), where the same
  indicator is 达标 on the unbroken county (pinned in ``BASELINE_PASS``).

Demo codes (analysis.demo.SCHOOLS order): 2104210001 石文镇中心小学 (小学, 886 pupils),
2104210005 石文镇初级中学 (初中), 2104210004 救兵镇九年一贯制学校, 2104210002 后安镇中心小学 and its
不计校数 campus 2104210003, 2104210012 马圈子乡中心小学 (乡村).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from openpyxl import load_workbook
from test_cleaning import digest, set_cell

from analysis import cli
from analysis.demo import write_demo
from analysis.engine import evaluate
from analysis.ingest.checks import EXIT_PROBLEMS, EXIT_UNUSABLE, check_result
from analysis.ingest.cleaning import clean_period
from analysis.ingest.rawdata import RawDataError

P, J, NINE, CAMPUS, PARENT, RURAL = ("2104210001", "2104210005", "2104210004", "2104210003",
                                     "2104210002", "2104210012")
PERIOD = "2021"

#: indicators that pass on the unbroken 12-school county in 2021 (checked in a test below), so
#: "not 达标 after the break" is a real change
BASELINE_PASS = {"L1", "L2", "L4", "L5", "L6", "L7", "G4", "G5", "G6", "G7", "G8", "G9", "G12", "G13",
                 "G14", "G15", "Q1", "Q2", "Q4", "Q8", "Q9", "S1"}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("breakage")
    # without the demo's planted problems, so that "nothing to correct" (exit 0) is possible
    raw = write_demo(root / "raw", periods=("2020", PERIOD), n_schools=12, plant_mess=False)
    clean_period(raw, "2020", root / "processed")
    return root


@pytest.fixture
def county(pristine, tmp_path) -> Path:
    shutil.copytree(pristine, tmp_path / "c")
    return tmp_path / "c"


def wb(county: Path, name: str) -> Path:
    return county / "raw" / PERIOD / f"{name}.xlsx"


def item(county: Path, code: str, value, unit=None) -> None:
    """Set the 数值 (and optionally 单位) of a 县级数据项 row."""
    set_cell(wb(county, "县级数据"), "县级数据项", "数值", ("数据项代码", code), value)
    if unit is not None:
        set_cell(wb(county, "县级数据"), "县级数据项", "单位", ("数据项代码", code), unit)


def edit(county: Path, name: str, sheet: str, fn: Callable) -> None:
    """Open a workbook, let ``fn(ws)`` change the sheet, save."""
    path = wb(county, name)
    book = load_workbook(path)
    fn(book[sheet], book)
    book.save(path)


def header_cell(ws, header: str):
    for row in ws.iter_rows(min_row=1, max_row=6):
        for c in row:
            if c.value == header:
                return c
    raise KeyError(header)


def row_of(ws, header: str, value: str) -> int:
    col = header_cell(ws, header)
    for r in range(col.row + 1, ws.max_row + 1):
        if str(ws.cell(r, col.column).value).strip() == value:
            return r
    raise KeyError(value)


@dataclass
class Case:
    name: str
    mutate: Callable[[Path], None]
    exit: int
    #: substrings of the error message (exit 2) or of one data-quality line's sheet / column /
    #: problem / value (other exits): the location of the problem
    where: tuple[str, ...] = ()
    #: indicators that must not be 达标 after the break
    not_pass: tuple[str, ...] = ()
    extra: Callable | None = None


def _units_missing(res, code, stage="小学"):
    u = res.units
    row = u[(u.school_code == code) & (u.stage == stage)].iloc[0]
    assert row["unit_pass"] is not True and str(row["missing_inputs"]) != "<NA>"
    return row


def _grade_text(county, school, header, value):
    set_cell(wb(county, "学校基本情况"), "在校生", header, ("学校标识码", school), value)


def _hide_sheet_and_add_visible(county):
    # a hidden copy named exactly 专用教室 with different rooms, the real sheet renamed "专用教室 "
    def f(ws, book):
        ws.title = "专用教室 "
        hidden = book.create_sheet("专用教室")
        hidden.append(["学校标识码", "教室类型", "使用面积", "建成年份"])
        hidden.append([P, "音乐", 10, 2000])
        hidden.sheet_state = "hidden"
    edit(county, "办学条件", "专用教室", f)


def _hidden_rows(county):
    def f(ws, book):
        ws.row_dimensions[5].hidden = True
    edit(county, "教职工花名册", "教职工", f)


def _formula_without_value(county):
    def f(ws, book):
        c = header_cell(ws, "教学及辅助用房面积（平方米）")
        ws.cell(row_of(ws, "学校标识码", P), c.column).value = "=100*50"
    edit(county, "办学条件", "校舍场地装备", f)


def _serial_only_rows(county):
    def f(ws, book):
        ws.insert_cols(1)
        hdr = header_cell(ws, "学校标识码").row
        ws.cell(hdr, 1).value = "序号"
        for k in range(1, 300):
            ws.cell(ws.max_row + 1, 1).value = k  # 299 rows with only a running number
    edit(county, "经费", "学校经费", f)


def _zero_width_code(county):
    set_cell(wb(county, "办学条件"), "校舍场地装备", "学校标识码", ("学校标识码", P), P + "\u200b")


def _escaped_name(county):
    set_cell(wb(county, "学校基本情况"), "学校名录", "学校名称", ("学校标识码", P), "石文镇_x000B_中心小学")


def _units_row(county):
    def f(ws, book):
        c = header_cell(ws, "教学仪器设备值（万元）")
        c.value = "教学仪器设备值"
        ws.insert_rows(c.row + 1)
        ws.cell(c.row + 1, c.column).value = "万元"
    edit(county, "办学条件", "校舍场地装备", f)


MU = 10000 / 15  # ㎡ per 亩


def _mu_header(county):
    # the sports grounds given in 亩, as a school's land register has them: 666.67 ㎡ = 1 亩
    def f(ws, book):
        c = header_cell(ws, "体育运动场地面积（平方米）")
        c.value = "体育运动场地面积（亩）"
        for r in range(c.row + 1, ws.max_row + 1):
            v = ws.cell(r, c.column).value
            if isinstance(v, (int, float)) and ws.cell(r, 1).value != "合计":
                ws.cell(r, c.column).value = v / MU
    edit(county, "办学条件", "校舍场地装备", f)


def _ground_back_in_m2(res, clean):
    # the ㎡ the workbook had before it was written in 亩 come back (to the cent of a 亩)
    return clean.tables["facilities"].set_index("school_code")["sports_ground_m2"].notna().all()


def _unknown_unit(county):
    def f(ws, book):
        header_cell(ws, "教学仪器设备值（万元）").value = "教学仪器设备值（美元）"
    edit(county, "办学条件", "校舍场地装备", f)


def _conflicting_units(county):
    def f(ws, book):
        c = header_cell(ws, "教学仪器设备值（万元）")
        ws.insert_rows(c.row + 1)
        ws.cell(c.row + 1, c.column).value = "元"
    edit(county, "办学条件", "校舍场地装备", f)


def _upper_case_extension(county):
    path = wb(county, "经费")
    path.rename(path.with_name("经费.XLSX"))


def _missing_workbooks(county):
    wb(county, "经费").unlink()
    wb(county, "督导与质量").unlink()


def _missing_sheet(county):
    def f(ws, book):
        book.remove(ws)
    edit(county, "招生与升学", "名额分配", f)


def _missing_column(county):
    def f(ws, book):
        header_cell(ws, "招生数").value = "招生人数合计"
    edit(county, "招生与升学", "划片入学", f)


def _no_enrolment_row(county):
    def f(ws, book):
        ws.delete_rows(row_of(ws, "学校标识码", P))
    edit(county, "学校基本情况", "在校生", f)


def _catchment_999(county):
    def f(ws, book):
        r = row_of(ws, "学校标识码", P)
        ws.cell(r, header_cell(ws, "其中：划片范围内入学人数").column).value = 999
    edit(county, "招生与升学", "划片入学", f)


def _rotated_not_eligible(county):
    def f(ws, book):
        el = header_cell(ws, "符合交流轮岗条件").column
        ro = header_cell(ws, "本年度已交流轮岗").column
        r = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, el).value == "否")
        ws.cell(r, ro).value = "是"
    edit(county, "教职工花名册", "教职工", f)


def _row_where(ws, **match) -> int:
    """The Excel row whose cells under the given headers hold the given values."""
    cols = {h: header_cell(ws, h).column for h in match}
    first = min(header_cell(ws, h).row for h in match) + 1
    for r in range(first, ws.max_row + 1):
        if all(str(ws.cell(r, c).value) == str(match[h]) for h, c in cols.items()):
            return r
    raise KeyError(match)


def _set_where(county, name, sheet, header, value, **match):
    def f(ws, book):
        ws.cell(_row_where(ws, **match), header_cell(ws, header).column).value = value
    edit(county, name, sheet, f)


def _training_hours_huge(county):
    # a full-time primary teacher of 石文镇中心小学 (G9 judges full-time compulsory-stage teachers)
    _set_where(county, "教职工花名册", "教职工", "近五年培训学时", 99999,
               学校标识码=P, 任教学段="小学", 专任教师="是")


def _teacher_bad_stage(county):
    set_cell(wb(county, "教职工花名册"), "教职工", "任教学段", 3, "大学")


def _class_bad_grade(county):
    _set_where(county, "学校基本情况", "班级", "年级", "十三年级", 学校标识码=P, 年级="一年级")


def _class_size_1000(county):
    _set_where(county, "学校基本情况", "班级", "班额", 1000, 学校标识码=P, 年级="一年级")


def _class_size_blank(county):
    _set_where(county, "学校基本情况", "班级", "班额", None, 学校标识码=P, 年级="一年级")


def _places_over_graduates(county):
    def f(ws, book):
        r = row_of(ws, "学校标识码", J)
        ws.cell(r, header_cell(ws, "分配优质高中名额").column).value = 5000
    edit(county, "招生与升学", "名额分配", f)


def _indoor_over_teaching(county):
    set_cell(wb(county, "办学条件"), "校舍场地装备", "其中：室内体育用房面积（平方米）", ("学校标识码", P), 999999)


def _training_over_budget(county):
    set_cell(wb(county, "经费"), "学校经费", "教师培训经费（元）", ("学校标识码", P), 1e8)


def _homework_minutes(county):
    set_cell(wb(county, "督导与质量"), "课业负担", "日均书面作业时间（分钟）", ("学校标识码", P), 5000)


def _level_v(county):
    set_cell(wb(county, "督导与质量"), "质量监测", "学业水平等级", 3, "Ⅴ级")


def _satisfaction_negative(county):
    set_cell(wb(county, "社会认可度调查"), "调查结果", "满意", 2, -40)


def _blank_grade_in_range(county):
    _grade_text(county, P, "五年级", None)


CASES = [
    # ---- the examples
    Case("negative civil-servant pay", lambda c: item(c, "civil_servant_avg_pay", -89800), EXIT_PROBLEMS,
         ("县级数据项", "公务员"), ("G8",)),
    Case("civil-servant pay left blank", lambda c: item(c, "civil_servant_avg_pay", None), EXIT_PROBLEMS,
         ("县级数据项", "数值为空"), ("G8",)),
    Case("in-catchment 999 of the entrants", _catchment_999, EXIT_PROBLEMS, ("划片入学", "划片范围内"), ("G13",)),
    Case("5000 disabled children enrolled", lambda c: item(c, "disabled_enrolled_regular", 5000), EXIT_PROBLEMS,
         ("县级数据项", "入学的残疾儿童"), ("Q2",)),
    Case("1e12 ㎡ of building", lambda c: set_cell(wb(c, "办学条件"), "校舍场地装备", "教学及辅助用房面积（平方米）",
                                               ("学校标识码", P), 1e12), EXIT_PROBLEMS,
         ("校舍场地装备", "教学及辅助用房面积", "不合理"), ("L4",)),
    Case("校际差异率 12 meant 0.12", lambda c: set_cell(wb(c, "督导与质量"), "质量监测", "校际差异率", 3, 12),
         EXIT_PROBLEMS, ("质量监测", "校际差异率", "≤ 1"), ("Q9",)),
    Case("area header in 亩", _mu_header, 0, ("校舍场地装备", "亩"), extra=_ground_back_in_m2),
    Case("万元 in a units row under the header", _units_row, 0, ("校舍场地装备", "单位行"),
         extra=lambda res, clean: clean.tables["facilities"]["equipment_value_yuan"].min() > 10_000),
    Case("text inf in a grade cell", lambda c: _grade_text(c, P, "三年级", "inf"), EXIT_PROBLEMS,
         ("在校生", "三年级", "有效数字"), ("L1", "L4", "G4"),
         extra=lambda res, clean: _units_missing(res, P)),
    Case("text nan in an area cell", lambda c: set_cell(wb(c, "办学条件"), "校舍场地装备", "体育馆面积（平方米）",
                                                     ("学校标识码", P), "nan"), EXIT_PROBLEMS,
         ("校舍场地装备", "体育馆面积", "有效数字"), ("L5",)),
    Case("hidden sheet of the same name", _hide_sheet_and_add_visible, 0, ("专用教室", "隐藏")),
    Case("hidden rows in the roster", _hidden_rows, 0, ("教职工", "隐藏行")),
    Case("经费.XLSX upper-case extension", _upper_case_extension, 0),
    Case("formula without a saved value", _formula_without_value, EXIT_PROBLEMS,
         ("校舍场地装备", "教学及辅助用房面积", "公式"), ("L4",)),
    Case("rows with only a 序号", _serial_only_rows, 0,
         extra=lambda res, clean: len(clean.data_quality) < 40),
    Case("zero-width space after a school code", _zero_width_code, 0, ("校舍场地装备", "不可见字符"),
         extra=lambda res, clean: clean.quarantine[clean.quarantine["table"] == "facilities"].empty),
    Case("_x000B_ in a school name", _escaped_name, 0, ("学校名录", "不可见字符"),
         extra=lambda res, clean: "_x000B_" not in "".join(clean.tables["schools"]["school_name"])),
    Case("several missing workbooks named at once", _missing_workbooks, EXIT_UNUSABLE, ("经费.xlsx", "督导与质量.xlsx")),
    Case("a school without any 在校生 row", _no_enrolment_row, EXIT_PROBLEMS, ("在校生", P, "没有"),
         ("L1", "L2", "L4", "L5", "L6", "L7", "G4"), extra=lambda res, clean: _units_missing(res, P)),
    # ---- our own
    Case("unknown unit 美元", _unknown_unit, EXIT_UNUSABLE, ("校舍场地装备", "教学仪器设备值", "美元")),
    Case("units row disagrees with the header", _conflicting_units, EXIT_UNUSABLE, ("校舍场地装备", "不一致")),
    Case("missing sheet", _missing_sheet, EXIT_UNUSABLE, ("招生与升学.xlsx", "名额分配")),
    Case("misspelt required column", _missing_column, EXIT_UNUSABLE, ("划片入学", "招生数")),
    Case("rotated but not eligible", _rotated_not_eligible, EXIT_PROBLEMS, ("教职工", "符合交流轮岗条件")),
    Case("99999 training hours", _training_hours_huge, EXIT_PROBLEMS, ("教职工", "近五年培训学时", "不合理"), ("G9",)),
    Case("teacher stage 大学", _teacher_bad_stage, EXIT_PROBLEMS, ("教职工", "任教学段", "大学"),
         ("L1", "L2", "G9", "G12")),
    Case("class grade 十三年级", _class_bad_grade, EXIT_PROBLEMS, ("班级", "年级", "十三年级"), ("G5",)),
    Case("class of 1000 pupils", _class_size_1000, EXIT_PROBLEMS, ("班级", "班额", "不合理"), ("G5",)),
    Case("blank class size", _class_size_blank, EXIT_PROBLEMS, ("班级", "班额", "为空"), ("G5",)),
    Case("places over graduates", _places_over_graduates, EXIT_PROBLEMS, ("名额分配", "分配"), ("G14",)),
    Case("indoor sports larger than the building", _indoor_over_teaching, EXIT_PROBLEMS,
         ("校舍场地装备", "室内体育"), ("L4",)),
    Case("training spending over the budget", _training_over_budget, EXIT_PROBLEMS, ("学校经费", "培训经费"), ("Q4",)),
    Case("quota total below the places allocated", lambda c: item(c, "quota_total_places", 1), EXIT_PROBLEMS,
         ("quota_total_places", "分配名额合计"), ("G14",)),
    Case("migrant children served over eligible", lambda c: item(c, "migrant_in_public_or_bought", 99999),
         EXIT_PROBLEMS, ("县级数据项", "随迁子女"), ("G15",)),
    Case("teacher pay in 万元", lambda c: item(c, "teacher_avg_pay", 9.05, "万元"), 0, ("县级数据项", "万元"),
         extra=lambda res, clean: res.verdict.set_index("code").loc["G8", "status"] == "达标"),
    Case("pay with a unit of another kind", lambda c: item(c, "teacher_avg_pay", 90500, "人"), EXIT_PROBLEMS,
         ("县级数据项", "单位应为元"), ("G8",)),
    Case("5000 minutes of homework", _homework_minutes, EXIT_PROBLEMS, ("课业负担", "书面作业", "不合理"), ("Q8",)),
    Case("level Ⅴ级", _level_v, EXIT_PROBLEMS, ("质量监测", "学业水平等级"), ("Q9",)),
    Case("negative satisfaction count", _satisfaction_negative, EXIT_PROBLEMS, ("调查结果", "满意"), ("S1",)),
    Case("blank grade of the school's type", _blank_grade_in_range, EXIT_PROBLEMS, ("在校生", "五年级", "未知"),
         ("L1", "L4", "G4"), extra=lambda res, clean: _units_missing(res, P)),
    Case("grade count typed in Chinese numerals", lambda c: _grade_text(c, P, "二年级", "三百三十四"), EXIT_PROBLEMS,
         ("在校生", "二年级", "不是数字"), ("G4", "L1")),
    Case("negative equipment in 万元", lambda c: set_cell(wb(c, "办学条件"), "校舍场地装备", "教学仪器设备值（万元）",
                                                       ("学校标识码", P), -5), EXIT_PROBLEMS,
         ("校舍场地装备", "-5（万元"), ("L6",)),
    Case("school code not in the list", lambda c: set_cell(wb(c, "经费"), "学校经费", "学校标识码", ("学校标识码", P),
                                                         "9999999999"), EXIT_PROBLEMS, ("学校经费", "不在学校名录"),
         ("Q4",)),
    Case("build year as text", lambda c: set_cell(wb(c, "办学条件"), "专用教室", "建成年份", 3, "很久以前"),
         EXIT_PROBLEMS, ("专用教室", "建成年份", "不是数字")),
    Case("diff rate written as 12%", lambda c: set_cell(wb(c, "督导与质量"), "质量监测", "校际差异率", 3, "12%"),
         0, ("质量监测", "百分数"), extra=lambda res, clean: abs(
             clean.tables["monitoring"]["diff_rate"].dropna().iloc[0] - 0.12) < 1e-9),
]


#: the cases `make test` runs: one or two of each layer (a county item, a value left blank, a
#: unit, what the sheet XML alone says, a workbook or a unit that stops the run, a plausibility
#: bound read by the engine). The others are marked slow: `make test-e2e` and CI run them all.
QUICK = {"negative civil-servant pay", "civil-servant pay left blank", "area header in 亩",
         "hidden rows in the roster", "formula without a saved value", "several missing workbooks named at once",
         "unknown unit 美元", "class of 1000 pupils", "text inf in a grade cell", "_x000B_ in a school name",
         "hidden sheet of the same name"}


@pytest.mark.parametrize("case", [c if c.name in QUICK else pytest.param(c, marks=pytest.mark.slow)
                                  for c in CASES], ids=[c.name for c in CASES])
def test_broken_county(case: Case, county: Path):
    case.mutate(county)
    raw = county / "raw"
    raw_before = digest(raw)
    processed_2020 = digest(county / "processed" / "2020")
    try:
        # the same cleaning as `analysis check` (and its exit code), written this time so that
        # the other period can be checked untouched
        clean = clean_period(raw, PERIOD, county / "processed")
        checked = check_result(clean)
    except RawDataError as exc:
        assert case.exit == EXIT_UNUSABLE, f"unexpected RawDataError: {exc}"
        for part in case.where:
            assert part in str(exc), (part, str(exc))
        assert digest(raw) == raw_before  # nothing written into the raw folder
        return
    assert checked.exit_code == case.exit, checked.data_quality[["sheet", "row", "column", "problem"]].to_string()
    dq = checked.data_quality
    if case.where:
        text = dq["sheet"].fillna("") + "|" + dq["column"].fillna("") + "|" + dq["problem"] + "|" + \
            dq["value"].fillna("") + "|" + dq["action"]
        assert any(all(p in t for p in case.where) for t in text), (case.where, text.tolist())
        hit = dq[[all(p in t for p in case.where) for t in text]]
        assert hit["file"].notna().all()  # every located line names its workbook
    s = clean.summary
    assert (s["rows_in"] == s["rows_out"] + s["quarantined"] + s["merged"]).all(), s
    assert digest(raw) == raw_before
    assert digest(county / "processed" / "2020") == processed_2020  # the other period untouched
    # the engine runs when the case asserts on its results (an indicator not 达标, or an extra
    # check reading them); a case about the cleaning only does not pay for it
    res = _Evaluated(clean.tables)
    if case.not_pass:
        status = res.verdict.set_index("code")["status"]
    for code in case.not_pass:
        assert code in BASELINE_PASS, f"{code} does not pass on the unbroken county: the case proves nothing"
        assert status[code] != "达标", (code, status[code], res.verdict.set_index("code").loc[code, "failing"])
    if case.extra is not None:
        assert case.extra(res, clean) is not False


class _Evaluated:
    """``evaluate(tables)``, computed when one of its results is first read."""

    def __init__(self, tables):
        self._tables, self._results = tables, None

    def __getattr__(self, name):
        if self._results is None:
            self._results = evaluate(self._tables)
        return getattr(self._results, name)


def test_the_unbroken_county_passes_the_baseline(pristine):
    res = evaluate(clean_period(pristine / "raw", PERIOD, None).tables)
    status = res.verdict.set_index("code")["status"]
    assert {c for c in status.index if status[c] == "达标"} >= BASELINE_PASS


def test_at_least_forty_ways():
    assert len(CASES) >= 40
    assert QUICK <= {c.name for c in CASES}  # every quick case is one of them (a renamed case is caught)


@pytest.mark.parametrize("args, code, message", [
    (["--period", "2099"], 2, "2099"),                         # no such period folder
    (["--period", "21"], 2, "四位年份"),                         # not a year
    ([], 2, "--period"),                                        # no period at all
])
def test_check_usage_errors_exit_2(args, code, message, county, capsys):
    assert cli.main(["check", "--data", str(county / "raw"), "--out", str(county / "out"), *args]) == code
    assert message in capsys.readouterr().err


def test_check_cli_exit_codes_and_the_workbook(county, capsys):
    raw = county / "raw"
    before = digest(raw)
    # nothing to correct: exit 0, the list is written (with the repairs only)
    assert cli.main(["check", "--period", PERIOD, "--data", str(raw), "--out", str(county / "out")]) == 0
    assert "需更正 0 条" in capsys.readouterr().out
    # a value to correct: exit 1
    _class_size_blank(county)
    before = digest(raw)
    assert cli.main(["check", "--period", PERIOD, "--data", str(raw), "--out", str(county / "out")]) == 1
    out = capsys.readouterr().out
    assert "需更正 1 条" in out and (county / "out" / PERIOD / "数据质量问题清单.xlsx").is_file()
    # unusable input: exit 2 with the file named, on at most two lines
    _missing_workbooks(county)
    assert cli.main(["check", "--period", PERIOD, "--data", str(raw), "--out", str(county / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) <= 2 and "经费.xlsx" in err[0]
    # the check never writes into the data folder, nor --out inside it
    assert cli.main(["check", "--period", PERIOD, "--data", str(raw), "--out", str(raw / "x")]) == 2
    assert set(digest(raw)) <= set(before)
