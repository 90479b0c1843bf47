"""The inputs the national form needs (issue #14): 举办者类型 in the 学校名录 (the form's names or codes
1–10), 问卷发放数 in the survey, the migrant children split; a missing one is never read as zero
and is listed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from analysis import clean_period, write_demo

PERIOD = "2021"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("inputs") / "raw", periods=(PERIOD,), n_schools=6, plant_mess=False)


def _copy(base: Path, tmp: Path) -> Path:
    return Path(shutil.copytree(base, tmp / "raw"))


def _sheet(root: Path, book: str, sheet: str):
    path = root / PERIOD / f"{book}.xlsx"
    wb = load_workbook(path)
    ws = wb[sheet]
    header = next(r for r in range(1, 6) if any(c.value in ("学校标识码", "调查方式", "数据项代码") for c in ws[r]))
    cols = {c.value: c.column for c in ws[header] if c.value}
    return wb, ws, header, cols, path


def test_sponsor_type_accepts_the_forms_names_and_codes(base, tmp_path):
    root = _copy(base, tmp_path)
    wb, ws, header, cols, path = _sheet(root, "学校基本情况", "学校名录")
    col = cols["举办者类型"]
    codes = [str(ws.cell(r, 1).value) for r in range(header + 1, header + 5)]
    for r, value in zip(range(header + 1, header + 5), (7, "县教育局", "公办", None)):
        ws.cell(r, col).value = value  # the code, a usual name, not a 举办者类型, blank
    wb.save(path)
    result = clean_period(root, PERIOD, None)
    s = result.tables["schools"].set_index("school_code")["sponsor_type"]
    assert s[codes[0]] == "县级教育部门" and s[codes[1]] == "县级教育部门"
    assert s.isna()[codes[2]] and s.isna()[codes[3]]  # never guessed, never a default
    dq = result.data_quality
    lines = dq[(dq["sheet"] == "学校名录") & (dq["column"].astype(str).str.startswith("举办者类型"))]
    rows = set(lines["row"].astype(int))
    assert {header + 3, header + 4} <= rows  # the wrong value and the blank are listed at their rows
    assert lines["action"].str.contains("记为缺失").all()


def test_an_absent_sponsor_column_is_listed_once(base, tmp_path):
    root = _copy(base, tmp_path)
    wb, ws, header, cols, path = _sheet(root, "学校基本情况", "学校名录")
    ws.delete_cols(cols["举办者类型"])
    wb.save(path)
    result = clean_period(root, PERIOD, None)
    assert result.tables["schools"]["sponsor_type"].isna().all()
    dq = result.data_quality
    assert len(dq[dq["problem"].str.contains("未提供“举办者类型”列")]) == 1


def test_questionnaires_issued_blank_absent_or_too_few(base, tmp_path):
    root = _copy(base, tmp_path)
    wb, ws, header, cols, path = _sheet(root, "社会认可度调查", "调查结果")
    rows = {(ws.cell(r, cols["调查方式"]).value, ws.cell(r, cols["调查对象"]).value): r
            for r in range(header + 1, ws.max_row + 1)}
    ws.cell(rows[("问卷调查", "学生")], cols["问卷发放数"]).value = None
    parents = rows[("问卷调查", "家长")]
    valid = sum(ws.cell(parents, cols[lv]).value for lv in ("满意", "比较满意", "一般", "不太满意", "不满意"))
    ws.cell(parents, cols["问卷发放数"]).value = valid - 1  # fewer issued than came back
    wb.save(path)
    result = clean_period(root, PERIOD, None)
    sat = result.tables["satisfaction"].set_index(["survey_kind", "group"])
    assert sat.isna().loc[("问卷调查", "学生"), "issued"]
    # the impossible count is read as missing; the answers themselves (which decide S1) are kept
    assert sat.isna().loc[("问卷调查", "家长"), "issued"]
    assert int(sat.loc[("问卷调查", "家长"), "满意"]) == ws.cell(parents, cols["满意"]).value
    dq = result.data_quality
    lines = dq[dq["sheet"] == "调查结果"]
    assert set(lines["row"].astype(int)) >= {rows[("问卷调查", "学生")], parents}
    assert lines["problem"].str.contains("不能多于问卷发放数").any()
    # field visits have no questionnaires: their blank is not listed
    assert rows[("实地走访", "学生")] not in set(lines["row"].astype(int))


def test_migrant_split_larger_than_its_total_is_cleared(base, tmp_path):
    root = _copy(base, tmp_path)
    wb, ws, header, cols, path = _sheet(root, "县级数据", "县级数据项")
    at = {ws.cell(r, cols["数据项代码"]).value: r for r in range(header + 1, ws.max_row + 1)}
    total = ws.cell(at["migrant_in_public_or_bought"], cols["数值"]).value
    ws.cell(at["migrant_in_public"], cols["数值"]).value = total  # public alone = the total …
    ws.cell(at["migrant_in_bought"], cols["数值"]).value = 5  # … plus 5 more: more than the total
    wb.save(path)
    result = clean_period(root, PERIOD, None)
    items = result.tables["county_items"].set_index("item")["value"]
    assert items.isna()["migrant_in_public"] and items.isna()["migrant_in_bought"]
    assert items["migrant_in_public_or_bought"] == total  # the judged total is kept (G15 decides on it)
