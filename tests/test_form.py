"""The national application form exactly (issue #14): application_tables.xlsx read back with openpyxl
and compared with the form's headers kept below (transcribed from the form, ../shared/spec/
application-form.md §1), its rounding, 综合 = the mean of the seven CVs, the fill-in sentences of
表Ⅳ/表Ⅴ, 表Ⅵ, the demo mark, printing; and the new inputs the form needs (举办者类型, 问卷发放数)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from openpyxl import load_workbook

from form_fixtures import META, PRIMARY_CV, STD, results

from analysis.reporting import form, workbook
NAMES = ["每百名学生拥有高于规定学历教师数", "每百名学生拥有县级及以上骨干教师数",
         "每百名学生拥有体育、艺术(美术、音乐)专任教师数", "生均教学及辅助用房面积（㎡）", "生均体育运动场馆面积（㎡）",
         "生均教学仪器设备值(元)", "每百名学生拥有网络多媒体教室数"]
L = [f"L{k}" for k in range(1, 25)]  # the form's column numbers

#: sheet → (title, header rows, column codes row or None), as on the form (None = empty or merged)
FORM_HEADERS: dict[str, tuple[str, list[list], list | None]] = {
    "表Ⅰ": ("表Ⅰ 义务教育优质均衡发展县(市、区)基本情况", [
        ["自然情况", None, None, None, "经济情况", None, None, None, "普通中小学校数(所)", None, None, None, None,
         "特殊教育学校(所)", "小学教学点数(个)", None, "教学班数(个)", None, "在校学生数(人)", None, "教职工数(人)",
         None, None, None],
        ["人口总数(万人)", "农业人口数(万人)", "乡镇数(个)", "行政村数(个)", "年人均国内生产总值(元)",
         "年人均地方财政收入(元)", "农民年人均纯收入(元)", "城镇居民年人均可支配收入(元)", "小学", "九年一贯制学校",
         "初中", "完全中学", "十二年一贯制学校", None, "计", "其中：50人及以上", "小学", "初中", "小学", "初中", "小学",
         None, "初中", None],
        [None] * 20 + ["合计", "其中专任教师", "合计", "其中专任教师"],
    ], L[:24]),
    "表Ⅱ-1": ("表Ⅱ-1 小学、初中资源配置基本情况", [[None, None, *NAMES, "综合评估"]], [None, None, *L[:8]]),
    "表Ⅱ-2": ("表Ⅱ-2 小学、初中资源配置基本情况（分学校）", [
        ["序号", "学校名称", "举办者类型", "在校生数", "年级数", "班级数", *NAMES, "该校综合评估是否达标",
         "备注（注明有哪几项指标达标，哪几项指标达到85%）"]], [*L[:14], None]),
    "表Ⅲ": ("表Ⅲ 县域义务教育校际均衡情况", [[None, None, *NAMES, "综合"]], [None, None, *L[:8]]),
    "表Ⅳ": ("表Ⅳ 政府保障程度评估指标", [["名称", "指标值或简要结论", "是否达标"]], None),
    "表Ⅴ": ("表Ⅴ 教育质量评估指标", [["名称", "指标值或简要结论", "是否达标"]], None),
    "表Ⅵ": ("表Ⅵ 社会认可度调查情况", [
        [None, "问卷总数", None, None, "问卷调查综合满意度（%）", "实地走访人数", None, "实地走访满意度（%）"],
        [None, "计", "其中：回收有效问卷数", None, None, "计", "其中：满意人数", None],
        [None, None, "计", "其中：满意问卷数", None, None, None, None],
    ], [None, *L[:7]]),
}
#: merged header cells of the form (relative to the first header row, 1-based columns)
FORM_MERGES = {
    "表Ⅰ": ["A1:D1", "E1:H1", "I1:M1", "N1:N3", "O1:P1", "U1:X1", "A2:A3", "U2:V2", "W2:X2"],
    "表Ⅱ-1": ["A1:B1"],
    "表Ⅲ": ["A1:B1"],
    "表Ⅵ": ["A1:A3", "B1:D1", "E1:E3", "F1:G1", "H1:H3", "B2:B3", "C2:D2", "F2:F3", "G2:G3"],
}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("form") / "application_tables.xlsx"
    workbook.write_application_tables(results(), path, STD, meta=META, period="2021")
    return load_workbook(path)


def _title_row(ws, title: str) -> int:
    return next(r for r in range(1, 8) if ws.cell(r, 1).value == title)


def _body(ws, title: str, n_header: int, codes: bool) -> int:
    """First body row of the form table titled ``title``."""
    return _title_row(ws, title) + 1 + n_header + (1 if codes else 0)


# --------------------------------------------------------------------------- layout
def test_sheets_are_the_forms_tables_then_the_analysis(book):
    assert book.sheetnames[:7] == ["表Ⅰ", "表Ⅱ-1", "表Ⅱ-2", "表Ⅲ", "表Ⅳ", "表Ⅴ", "表Ⅵ"]
    assert book.sheetnames[7:] == ["指标汇总（分析）", "Ⅱ-2 评估单位明细", "Ⅲ 差异系数明细", "Ⅵ 各类调查对象", "缺失的输入"]


@pytest.mark.parametrize("sheet", list(FORM_HEADERS))
def test_title_and_header_cells_are_the_forms(book, sheet):
    ws = book[sheet]
    title, rows, codes = FORM_HEADERS[sheet]
    top = _title_row(ws, title)
    width = len(rows[0])
    for i, expected in enumerate(rows, start=1):
        assert [c.value for c in ws[top + i]][:width] == expected, (sheet, i)
    if codes is not None:
        assert [c.value for c in ws[top + len(rows) + 1]][:width] == codes
    merged = {str(m) for m in ws.merged_cells.ranges}
    for ref in FORM_MERGES.get(sheet, []):  # shifted to the sheet's first header row
        shifted = re.sub(r"(\d+)", lambda m: str(int(m.group(1)) + top), ref)
        assert shifted in merged, (sheet, ref, shifted)


def test_row_labels_and_layout(book):
    ws = book["表Ⅲ"]
    top = _body(ws, FORM_HEADERS["表Ⅲ"][0], 1, True)
    assert [ws.cell(top + i, 2).value for i in range(4)] == ["全县平均值", "差异系数", "全县平均值", "差异系数"]
    assert ws.cell(top, 1).value == "小学" and ws.cell(top + 2, 1).value == "初中"
    assert ws.cell(top, 10).value == "——" and ws.cell(top + 2, 10).value == "——"  # 综合 on the mean rows
    ws = book["表Ⅱ-1"]
    top = _body(ws, FORM_HEADERS["表Ⅱ-1"][0], 1, True)
    assert [ws.cell(top + i, 2).value for i in range(4)] == ["达标学校总数", "达标学校比例（%）"] * 2
    ws = book["表Ⅵ"]
    top = _body(ws, FORM_HEADERS["表Ⅵ"][0], 3, True)
    assert [ws.cell(top, 1).value, ws.cell(top + 1, 1).value] == ["计", "其中：家长"]
    # 表Ⅳ rows 1–15 and 表Ⅴ 1–9: the form's numbering and sentences, thresholds from the standards
    for sheet, n, row4 in (("表Ⅳ", 15, "4. 所有小学、初中学校规模不超过2000人，九年一贯制学校、十二年一贯制学校义务教育"
                                        "阶段规模不超过2500人"),
                           ("表Ⅴ", 9, "4. 全县所有学校按照不低于学校年度公用经费预算总额的5%安排教师培训经费")):
        ws = book[sheet]
        top = _body(ws, FORM_HEADERS[sheet][0], 1, False)
        names = [ws.cell(top + i, 1).value for i in range(n)]
        assert [int(x.split(".")[0]) for x in names] == list(range(1, n + 1))
        assert names[3] == row4
        assert ws.cell(top + n, 1).value is None or not re.match(r"\d+\.", str(ws.cell(top + n, 1).value))


# --------------------------------------------------------------------------- values and rounding
def test_table_1_facts_and_counts_with_the_forms_precision(book):
    ws = book["表Ⅰ"]
    row = _body(ws, FORM_HEADERS["表Ⅰ"][0], 3, True)
    cells = list(ws[row])
    # 20.345 → 20.35 (half up, 2 decimals); 44910.5 → 44911 (integer); the rural income is not given: blank
    assert cells[0].value == 20.35 and cells[0].number_format == "0.00"
    assert cells[4].value == 44911 and cells[4].number_format == "0"
    assert cells[6].value is None
    assert cells[8].value == 18 and cells[8].number_format == "0"  # L9 小学学校数
    assert all(c.value is None for c in cells[9:24])  # no other count given: blank, never 0


def test_table_2_1_counts_and_shares_by_hand(book):
    ws = book["表Ⅱ-1"]
    top = _body(ws, FORM_HEADERS["表Ⅱ-1"][0], 1, True)
    count, share = list(ws[top]), list(ws[top + 1])
    # 小学: 3 included units (甲, 乙, 丙; the special school is not). L1 met by 3 → 100.0;
    # L4 by 甲, 乙 → 2/3 = 66.7; L5 by 甲 only → 1/3 = 33.3; 综合 (每校达标) 甲, 乙 → 2/3 = 66.7
    assert [c.value for c in count[2:10]] == [3, 3, 3, 2, 1, 3, 3, 2]
    assert [c.value for c in share[2:10]] == [100.0, 100.0, 100.0, 66.7, 33.3, 100.0, 100.0, 66.7]
    assert count[2].number_format == "0" and share[5].number_format == "0.0"
    # 初中: 乙 and 戊; 戊's L6 is unknown (not met, not counted): L6 1/2 = 50.0; 综合: 乙 only → 50.0
    junior = list(ws[top + 3])
    assert junior[7].value == 50.0 and junior[9].value == 50.0


def test_table_2_2_two_blocks_of_evaluated_units(book):
    ws = book["表Ⅱ-2"]
    top = _body(ws, FORM_HEADERS["表Ⅱ-2"][0], 1, True)
    rows = [[c for c in ws[top + i]] for i in range(7)]
    # a 小学 block numbered 1–3, then an 初中 block numbered from 1 again; the special school is not listed
    assert rows[0][1].value == "小学（共 3 所）" and rows[4][1].value == "初中（共 2 所）"
    assert [r[0].value for r in rows[1:4]] == [1, 2, 3] and [r[0].value for r in rows[5:7]] == [1, 2]
    assert [r[1].value for r in rows[1:4] + rows[5:7]] == ["甲小学", "乙小学", "丙教学点", "乙小学", "戊中学"]
    gap = ws.cell(top + 7, 2).value
    assert gap is None or not str(gap).startswith("特教")
    jia, yi, bing, _, wu = rows[1], rows[2], rows[3], rows[5], rows[6]
    # 举办者类型 as the form's code (县级教育部门 = 7), 在校生数, 年级数, 班级数
    assert [c.value for c in jia[2:6]] == [7, 400, 6, 12]
    # values 2 decimals, stored as the form shows them: 4.2049 → 4.20, 2345.675 → 2345.68
    assert jia[6].value == 4.2 and jia[6].number_format == "0.00" and jia[11].value == 2345.68
    # failing value cells shaded (dark background): 乙 L5; 丙 L4 and L5; nothing of 甲
    shaded = lambda c: c.fill is not None and c.fill.fgColor.rgb not in (None, "00000000")  # noqa: E731
    assert [shaded(c) for c in yi[6:13]] == [False] * 4 + [True] + [False] * 2
    assert [shaded(c) for c in bing[6:13]] == [False] * 3 + [True, True] + [False] * 2
    assert not any(shaded(c) for c in jia[6:13])
    # 该校综合评估是否达标: "1" when it passes, blank when it does not, "无数据" when it cannot be judged
    assert [jia[13].value, yi[13].value, bing[13].value, wu[13].value] == [1, 1, None, "无数据"]
    assert wu[11].value is None  # 戊's unknown L6: blank, never 0
    # 备注: met, at 85% or more, below 85%, unknown
    assert yi[14].value == "达标：1、2、3、4、6、7；达到85%：5"
    assert bing[14].value == "达标：1、2、3、6、7；达到85%：5；低于85%：4"
    assert wu[14].value == "达标：1、2、3、4、5、7；无数据：6"
    notes = " ".join(str(ws.cell(r, 1).value) for r in range(top + 8, ws.max_row + 1))
    assert "小学学校总数3所（其中：一贯制学校的小学部有1所，50人及以上教学点有1个），初中学校总数2所" in notes


def test_table_3_wide_with_the_composite_cv_by_hand(book):
    ws = book["表Ⅲ"]
    top = _body(ws, FORM_HEADERS["表Ⅲ"][0], 1, True)
    mean, cv, jmean, jcv = (list(ws[top + i]) for i in range(4))
    assert mean[2].value == 4.22 and mean[2].number_format == "0.00"  # 4.215 → 4.22 (half up)
    assert mean[7].value == 3018.43
    assert [c.value for c in cv[2:9]] == [0.146, 0.213, 0.42, 0.037, 0.043, 0.04, 0.141]
    assert cv[2].number_format == "0.000"
    # 综合 = mean of the seven CVs: (0.1464+0.2131+0.4203+0.0371+0.0432+0.0404+0.1412)/7 = 1.0417/7
    # = 0.148814… → 0.149; 初中 (0.0901+0.4604+0.2752+0.0533+0.0931+0.0702+0.0571)/7 = 1.0994/7 = 0.157057… → 0.157
    assert cv[9].value == 0.149 and jcv[9].value == 0.157 and jcv[9].number_format == "0.000"
    assert sum(PRIMARY_CV) / 7 == pytest.approx(0.148814, abs=1e-6)
    # 初中 L2's CV 0.460 is over the limit 0.45: shaded
    assert jcv[3].fill.fgColor.rgb not in (None, "00000000") and cv[3].fill.fgColor.rgb in (None, "00000000")


def test_table_4_and_5_fill_in_sentences(book):
    ws = book["表Ⅳ"]
    top = _body(ws, FORM_HEADERS["表Ⅳ"][0], 1, False)
    text = {k: ws.cell(top + k - 1, 2).value for k in range(1, 16)}
    passed = {k: ws.cell(top + k - 1, 3).value for k in range(1, 16)}
    # G4: 小学 1, 初中 = 初中 0 + 完全中学 2 = 2; the 一贯制 count needs 十二年一贯制, unknown → "＿＿"
    assert text[4] == "超过2000人的小学1所，初中2所，超过2500人的一贯制学校＿＿所"
    # G7: 459 900 元 = 45.99 万元 → 46 (integers, the form's rule)
    assert text[7] == "特殊教育学校公用经费为46万元，特殊教育学生数为73人，特殊教育学校生均公用经费为6300元"
    # G9: 540 / 545 = 0.990826 → 99.1 (ratios 1 decimal)
    assert text[9] == "完成360学时培训的教师540人，全县教师545人，教师培训完成率99.1%"
    assert passed[5] == "否" and passed[4] == "是" and passed[1] == "未提供"
    assert ws.cell(top + 4, 3).fill.fgColor.rgb not in (None, "00000000")  # 否 shaded
    ws = book["表Ⅴ"]
    top = _body(ws, FORM_HEADERS["表Ⅴ"][0], 1, False)
    # Q1: (644 − 12 + 15) / (665 − 1) = 647 / 664 = 0.974398 → 97.4
    assert ws.cell(top, 2).value == ("全县初中毕业班学生数为644人，三年前该年级入学学生数为665人，毕业年级三年转入学生数为"
                                    "12人，死亡学生数为1人，转出学生数为15人，全县初中三年巩固率为97.4%")
    assert ws.cell(top + 2, 3).value == "无数据"
    q9 = ws.cell(top + 8, 2).value
    assert q9.startswith("语文＿＿级、校际差异率＿＿；数学（四年级Ⅲ级、校际差异率0.110；八年级Ⅲ级、校际差异率0.120）")
    assert "体育Ⅳ级、校际差异率0.090（八年级）" in q9  # 体育与健康 reported under the form's 体育


def test_table_6_questionnaires_and_visits(book):
    ws = book["表Ⅵ"]
    top = _body(ws, FORM_HEADERS["表Ⅵ"][0], 3, True)
    total, parents = list(ws[top]), list(ws[top + 1])
    # 计: 问卷总数 not given for every group → blank; 1370 valid, 1229 satisfied, 1229/1370 = 89.7%;
    # visits 145, 127, 127/145 = 87.6%
    assert [c.value for c in total[1:8]] == [None, 1370, 1229, 89.7, 145, 127, 87.6]
    # 家长: 630 issued, 600 valid, 533 satisfied = 88.8%; visits 60, 53 = 88.3%
    assert [c.value for c in parents[1:8]] == [630, 600, 533, 88.8, 60, 53, 88.3]
    assert parents[1].number_format == "0" and parents[4].number_format == "0.0"


def test_numbers_are_number_cells_and_blanks_are_listed(book):
    for sheet in FORM_HEADERS:
        for row in book[sheet].iter_rows():
            for c in row:
                if isinstance(c.value, str):
                    assert not re.fullmatch(r"-?\d+(\.\d+)?%?", c.value), (sheet, c.coordinate, c.value)
    ws = book["缺失的输入"]
    listed = {(r[0], r[2]) for r in ws.iter_rows(min_row=4, values_only=True) if r[0]}
    assert ("表Ⅰ", "农民年人均纯收入(元)") in listed
    assert ("表Ⅳ", "超规模一贯制学校") in listed
    assert ("表Ⅵ", "问卷总数") in listed
    assert ("表Ⅱ-2", "班级数") in listed  # 戊中学 has no class rows


def test_formula_like_text_stays_text(book):
    ws = book["指标汇总（分析）"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "@SUM(A1:A3)"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any(c.data_type == "f" for s in book for row in s.iter_rows() for c in row)


# --------------------------------------------------------------------------- demo mark, printing
def test_demo_mark_above_every_table_and_in_the_properties(book):
    for ws in book.worksheets:
        assert ws["A1"].value == "示例数据，非真实统计", ws.title
    assert "示例数据，非真实统计" in book.properties.title
    assert book.properties.keywords == "示例数据，非真实统计"
    assert book["表Ⅰ"]["A2"].value.startswith("填报单位：测试县教育局")


def test_real_data_has_no_demo_mark(tmp_path):
    path = workbook.write_application_tables(results(), tmp_path / "t.xlsx", STD, meta={**META, "demo": False},
                                             period="2021")
    wb = load_workbook(path)
    assert not any(c.value and "示例数据" in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "示例数据" not in (wb.properties.title or "")


def test_printing_a4_fit_to_width_with_repeated_headers(book):
    landscape = {"表Ⅰ", "表Ⅱ-1", "表Ⅱ-2", "表Ⅲ"}
    for sheet, (title, rows, codes) in FORM_HEADERS.items():
        ws = book[sheet]
        setup = ws.page_setup
        # paper size 9 is A4 in the spreadsheet format's list of paper sizes
        assert int(setup.paperSize) == 9 and setup.fitToWidth == 1 and setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert setup.orientation == ("landscape" if sheet in landscape else "portrait"), sheet
        first = _title_row(ws, title) + 1
        last = first + len(rows) - 1 + (1 if codes else 0)
        assert ws.print_title_rows == f"${first}:${last}", sheet


# --------------------------------------------------------------------------- the HTML form
def test_html_form_tables_merge_headers_and_escape():
    book = form.form_book(results(), STD, META, "2021")
    t6 = next(t for t in book.tables if t.key == "Ⅵ")
    html = form.form_html(t6)
    assert '<th colspan="3">问卷总数</th>' in html and '<th rowspan="3">问卷调查综合满意度（%）</th>' in html
    t22 = next(t for t in book.tables if t.key == "Ⅱ-2")
    t22.rows[1][1].value = "<script>alert(1)</script>"
    html = form.form_html(t22)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count('class="num form-fail"') == 3  # 乙 L5, 丙 L4 and L5
    left, right = form.split_columns(next(t for t in book.tables if t.key == "Ⅰ"), 13)
    assert left.n_cols == 13 and right.codes[0] == "L14"


# --------------------------------------------------------------------------- 表Ⅰ's counts (engine)
def _basic_tables() -> dict[str, pd.DataFrame]:
    """a 小学; b, c 教学点 (60 and 30 pupils); d 特殊教育学校 (not a 普通中小学); e 初中 whose 9th grade
    count is unknown, given with class bands and teacher counts only (the counts form)."""
    schools = pd.DataFrame({"school_code": list("abcde"),
                            "school_type": ["小学", "教学点", "教学点", "特殊教育学校", "初中"],
                            "sponsor_type": ["县级教育部门", "县级教育部门", None, "县级教育部门", "民办"]})
    enrol = [("a", "小学", g, 50) for g in range(1, 7)] + [("b", "小学", g, 20) for g in (1, 2, 3)]
    enrol += [("c", "小学", g, 10) for g in (1, 2, 3)] + [("d", "小学", g, 5) for g in range(1, 7)]
    enrol += [("e", "初中", 7, 100), ("e", "初中", 8, 100), ("e", "初中", 9, None)]
    enrolment = pd.DataFrame(enrol, columns=["school_code", "stage", "grade", "students"])
    enrolment["students"] = enrolment["students"].astype("Int64")
    classes = pd.DataFrame([(code, "小学", f"{code}{i}", 1, 40) for code, n in (("a", 6), ("b", 3), ("c", 2), ("d", 9))
                            for i in range(n)], columns=["school_code", "stage", "class_id", "grade", "size"])
    bands = pd.DataFrame({"school_code": ["e", "e"], "stage": ["初中", "初中"], "size_min": [41, 46],
                          "size_max": [45, 50], "classes": [6, 3]})
    teachers = pd.DataFrame({"school_code": ["a"] * 12 + ["b"] * 4 + ["c"] * 2 + ["d"] * 5,
                             "stage": ["小学"] * 23, "full_time": [True] * 10 + [False] * 2 + [True] * 11})
    counts = pd.DataFrame({"school_code": ["e"], "stage": ["初中"], "full_time": [20]})
    return {"schools": schools, "enrolment": enrolment, "classes": classes, "class_bands": bands,
            "teachers": teachers, "teacher_counts": counts}


def test_table_1_counts_by_hand_with_the_counts_form():
    from analysis.engine.figures import county_basics

    t = _basic_tables()
    units = pd.DataFrame({"school_code": list("abce"), "stage": ["小学", "小学", "小学", "初中"],
                          "school_type": ["小学", "教学点", "教学点", "初中"], "included": [True, True, False, True]})
    got = county_basics(t, units, STD)
    # schools: 1 小学, 2 教学点 of which 1 with ≥ 50 pupils (b: 60; c: 30), 1 special school, 1 初中
    assert (got["小学学校数"], got["教学点数"], got["50人及以上教学点数"], got["特殊教育学校数"], got["初中学校数"]) \
        == (1, 2, 1, 1, 1)
    # classes without the special school: 小学 6 + 3 + 2 = 11; 初中 from e's bands 6 + 3 = 9
    assert (got["小学教学班数"], got["初中教学班数"]) == (11, 9)
    # pupils: 小学 300 + 60 + 30 = 390; 初中 unknown (e's 9th grade) → None, and so the total
    assert got["小学在校生数"] == 390 and got["初中在校生数"] is None and got["在校生总数"] is None
    # staff: 小学 12 + 4 + 2 = 18 of whom 10 + 4 + 2 = 16 full-time; 初中 only counts: 20 full-time,
    # the other staff unknown; full-time total 16 + 20 = 36
    assert (got["小学教职工数"], got["小学专任教师数"]) == (18, 16)
    assert got["初中教职工数"] is None and got["初中专任教师数"] == 20 and got["专任教师总数"] == 36
    # 表Ⅱ-2 note: included 小学 units a and b (b a teaching point), 初中 e
    assert (got["评估小学数"], got["评估教学点数"], got["评估初中数"]) == (2, 1, 1)


def test_unit_profile_sponsor_code_grades_and_classes():
    from analysis.engine.figures import unit_profile

    t = _basic_tables()
    units = pd.DataFrame({"school_code": list("abce"), "stage": ["小学", "小学", "小学", "初中"]})
    p = unit_profile(t, units).set_index("school_code")
    assert p.loc["a", ["sponsor_code", "grades", "classes"]].tolist() == [7, 6, 6]
    assert pd.isna(p.loc["c", "sponsor_code"])  # 举办者类型 not given: blank, never a guess
    assert p.loc["e", "sponsor_code"] == 10  # 民办
    assert pd.isna(p.loc["e", "grades"]) and p.loc["e", "classes"] == 9  # a grade's count unknown; band classes
