"""The application-form tables as Excel (申报表 application_tables.xlsx).

The first seven sheets are the national form's tables 表Ⅰ … 表Ⅵ as :mod:`analysis.reporting.form`
lays them out: the form's title, merged multi-level headers, column codes, rows, rounding and notes.
Every number is a number cell with the form's number format (the value as the form shows it);
failing values are shaded; a missing input is a blank cell. Our analysis — the evidence, the
responsible units, the failing schools, the full-precision values, the missing inputs — follows on
sheets after the form's, never inside them. Printing: A4, landscape for the wide tables, fit to the
page width, the header rows repeated on every page. Demo data carries 示例数据，非真实统计 above every
table and in the document properties.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards
from analysis.files import atomic_path
from analysis.reporting.form import CELL_FORMATS, FormBook, FormTable, form_book, missing_frame
from analysis.reporting.formats import (
    COLUMN_KINDS,
    DETAIL_HEADERS,
    PASS_COLUMNS,
    VERDICT_HEADERS,
    detail_kinds,
    header_map,
    is_missing,
    number_formats,
)
from analysis.reporting.html import detail_frame, result_table
from analysis.schemas import RESOURCE_CODES

FORMULA_PREFIXES = ("=", "+", "-", "@")
DEMO_MARK = "示例数据，非真实统计"


def safe_excel_text(cell: Any) -> None:
    """Keep a text cell as text: Excel must not run ``=…``/``+…``/``-…``/``@…`` as a formula.

    openpyxl turns a string beginning with ``=`` into a formula cell (``data_type == "f"``). We force
    the string type (written as an inline string) and set the cell's ``quotePrefix`` style — what
    Excel itself does when a user types ``'=…`` — so the text stays text even when edited.
    """
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def _analysis_specs(results: Any, standards: Mapping[str, Any]) -> list[tuple[str, str, pd.DataFrame, dict, dict]]:
    """(sheet, caption, frame, headers, kinds) of the analysis sheets after the form's."""
    units = result_table(results, "units")
    cv = result_table(results, "cv")
    verdict = result_table(results, "verdict").sort_values("no")
    unit_cols = ["school_code", "school_name", "stage", "school_type", "urban_rural", "students", "included",
                 "exclusion_reason", *RESOURCE_CODES, *(f"{k}_ratio" for k in RESOURCE_CODES), "n_met", "unit_pass",
                 "missing_inputs"]
    cv_cols = ["stage", "indicator", "indicator_name", "n_units", "students", "mean", "cv", "cv_shown", "limit",
               "passed"]
    uh = header_map("units", standards)
    ch = {**header_map("cv", standards), "cv": "差异系数（全精度）", "cv_shown": "差异系数（三位小数）"}
    vh = {**header_map("verdict", standards), **VERDICT_HEADERS}
    specs = [
        ("指标汇总（分析）", "县域义务教育优质均衡发展32项指标评估结果（分析用，非申报表）",
         verdict[["no", "code", "area", "name", "value", "standard", "status", "failing", "evidence", "responsible"]],
         vh, COLUMN_KINDS["verdict"]),
        ("Ⅱ-2 评估单位明细", "全部评估单位（含不纳入评估的单位）的指标值（全精度）、与标准之比和缺失的输入",
         units[[c for c in unit_cols if c in units.columns]], uh, COLUMN_KINDS["units"]),
        ("Ⅲ 差异系数明细", "各学段各指标的参评单位数、学生数、全精度差异系数、上限和结果",
         cv[[c for c in cv_cols if c in cv.columns]], ch, COLUMN_KINDS["cv"]),
    ]
    return specs


def put_value(cell: Any, value: Any, kind: str | None, fmts: Mapping[str, Any]) -> None:
    """Write one present value into ``cell``: a number of ``kind`` (whole numbers of kind "int" as
    int) with the form's number format, otherwise text, formula-like text kept as text."""
    if kind is not None:
        num = float(value)
        cell.value = int(num) if kind == "int" and num.is_integer() else num
        cell.number_format = fmts[kind].excel
    else:
        cell.value = str(value)
        safe_excel_text(cell)


def _write_frame(ws, top: int, df: pd.DataFrame, headers: Mapping[str, str], kinds: Mapping[str, str],
                 fmts: Mapping[str, Any], styles: dict) -> int:
    """A plain table (analysis sheets): header row at ``top``, data below; returns the first free row."""
    from openpyxl.utils import get_column_letter

    cols = list(df.columns)
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(row=top, column=j, value=headers.get(c, c))
        cell.font, cell.fill, cell.alignment, cell.border = (styles["head_font"], styles["head_fill"],
                                                             styles["wrap_center"], styles["border"])
        safe_excel_text(cell)
        letter = get_column_letter(j)
        width = max(8, min(40, 2 * len(str(headers.get(c, c))) + 2))
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    # Row-wise writing is inherent to a cell-based writer (openpyxl), not engine logic.
    for i, record in enumerate(df.to_dict("records"), start=top + 1):
        for j, c in enumerate(cols, start=1):
            v = record[c]
            cell = ws.cell(row=i, column=j)
            cell.border = styles["border"]
            if is_missing(v):
                continue  # empty cell: missing is never 0
            if isinstance(v, (bool, np.bool_)):
                cell.value = ("达标" if v else "未达标") if c in PASS_COLUMNS else ("是" if v else "否")
                if c in PASS_COLUMNS and not v:
                    cell.font = styles["fail_font"]
            else:
                put_value(cell, v, kinds.get(c), fmts)
                if c == "status" and v == "未达标":
                    cell.font = styles["fail_font"]
    return top + 1 + len(df)


def _write_form(ws, t: FormTable, top: int, styles: dict) -> tuple[int, int]:
    """One form table from row ``top``: title, headers (merged), codes, body, notes.

    Returns (first and last row of the header block) for the print titles.
    """
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    ws.cell(row=top, column=1, value=t.title).font = styles["title_font"]
    ws.merge_cells(start_row=top, start_column=1, end_row=top, end_column=t.n_cols)
    ws.cell(row=top, column=1).alignment = Alignment(horizontal="center", vertical="center")
    head = top + 1
    for j in range(1, t.n_cols + 1):  # borders and fill on every header cell, merged ones included
        for r in range(head, head + t.header_rows):
            c = ws.cell(row=r, column=j)
            c.border, c.fill, c.font, c.alignment = (styles["border"], styles["head_fill"], styles["head_font"],
                                                     styles["wrap_center"])
    for text, r0, c0, r1, c1 in t.header:
        cell = ws.cell(row=head + r0, column=c0 + 1, value=text or None)
        safe_excel_text(cell)
        if r1 > r0 or c1 > c0:
            ws.merge_cells(start_row=head + r0, start_column=c0 + 1, end_row=head + r1, end_column=c1 + 1)
    last_head = head + t.header_rows - 1
    if t.codes:
        last_head += 1
        for j, code in enumerate(t.codes, start=1):
            c = ws.cell(row=last_head, column=j, value=code)
            c.border, c.alignment, c.font = styles["border"], styles["center"], styles["code_font"]
    body = last_head + 1
    for i, row in enumerate(t.rows):
        for j, cell in enumerate(row, start=1):
            c = ws.cell(row=body + i, column=j)
            c.border = styles["border"]
            c.alignment = styles["wrap_center"] if cell.align == "center" else styles["wrap"]
            if cell.value is not None:
                c.value = cell.value
                if cell.kind and not isinstance(cell.value, str):
                    c.number_format = CELL_FORMATS[cell.kind][0]
                    c.alignment = styles["right"] if cell.align != "center" else styles["center"]
                else:
                    safe_excel_text(c)
            if cell.fail:
                c.fill = styles["fail_fill"]
            if cell.bold:
                c.font = styles["head_font"]
            if cell.span > 1:
                ws.merge_cells(start_row=body + i, start_column=j, end_row=body + i, end_column=j + cell.span - 1)
    for r0, col, r1 in t.row_spans:
        ws.merge_cells(start_row=body + r0, start_column=col + 1, end_row=body + r1, end_column=col + 1)
    note_row = body + len(t.rows) + 1
    for k, note in enumerate(t.notes):
        c = ws.cell(row=note_row + k, column=1, value=note)
        c.alignment = styles["wrap_top"]
        c.font = styles["note_font"]
        ws.merge_cells(start_row=note_row + k, start_column=1, end_row=note_row + k, end_column=t.n_cols)
        # a merged note wraps only within its row's height: give it the lines it needs (9-point text)
        width = sum(t.widths[: t.n_cols]) if t.widths else 10 * t.n_cols
        ws.row_dimensions[note_row + k].height = 12 * _lines(note, width * 11 / 9) + 3
    for j, w in enumerate(t.widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    _fit_rows(ws, t, head, body)
    return head, last_head


#: points per printed line of 11-point text, and column-width units a Chinese character takes
LINE_PT, CJK_UNITS = 15.0, 2.1


def _lines(text: str, width: float) -> int:
    """Lines a wrapped text needs in a column ``width`` units wide (a Chinese character ≈ 2 units)."""
    units = sum(CJK_UNITS if ord(ch) > 0x2E80 else 1.1 for ch in str(text))
    return max(1, -(-int(units) // max(int(width) - 1, 1)))


def _fit_rows(ws, t: FormTable, head: int, body: int) -> None:
    """Row heights that show every wrapped header and body text (Excel does not grow a row for the
    text of a merged cell): a multi-row header cell gets its lines spread over its rows."""
    widths = t.widths or [10.0] * t.n_cols

    def span_width(c0: int, c1: int) -> float:
        return sum(widths[c0: c1 + 1])

    need = [1] * t.header_rows
    for text, r0, c0, r1, c1 in sorted(t.header, key=lambda h: h[3] - h[1]):
        lines = _lines(text, span_width(c0, c1)) if text else 1
        have = sum(need[r0: r1 + 1])
        if lines > have:
            need[r1] += lines - have
    for r, n in enumerate(need):
        ws.row_dimensions[head + r].height = LINE_PT * n + 3
    for i, row in enumerate(t.rows):
        lines, j = 1, 0
        for j, cell in enumerate(row):
            if isinstance(cell.value, str):
                lines = max(lines, _lines(cell.value, span_width(j, j + cell.span - 1)))
        ws.row_dimensions[body + i].height = LINE_PT * lines + 3


def _print_setup(ws, landscape: bool, title_rows: tuple[int, int] | None) -> None:
    """A4, landscape for wide tables, fit to the page width (as many pages down as needed), the
    header rows repeated on every printed page, centred."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


def _styles() -> dict:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    thin = Side(style="thin", color="000000")
    return {
        "title_font": Font(bold=True, size=14),
        "head_font": Font(bold=True),
        "code_font": Font(size=9, color="555555"),
        "note_font": Font(size=9),
        "demo_font": Font(bold=True, color="B00020", size=12),
        "fail_font": Font(color="B00020", bold=True),
        "head_fill": PatternFill("solid", fgColor="DDE6F0"),
        # the form: a failing value's cell gets a dark background (深色背景)
        "fail_fill": PatternFill("solid", fgColor="A6A6A6"),
        "border": Border(left=thin, right=thin, top=thin, bottom=thin),
        "wrap": Alignment(wrap_text=True, vertical="center"),
        "wrap_top": Alignment(wrap_text=True, vertical="top"),
        "wrap_center": Alignment(wrap_text=True, horizontal="center", vertical="center"),
        "center": Alignment(horizontal="center", vertical="center"),
        "right": Alignment(horizontal="right", vertical="center"),
    }


def write_application_tables(results: Any, path: str | Path, standards: Mapping[str, Any] | None = None, *,
                             meta: Mapping[str, Any] | None = None, period: str = "",
                             demo: bool | None = None) -> Path:
    """Write the application form (申报表) to ``path`` (.xlsx), atomically.

    Sheets 表Ⅰ, 表Ⅱ-1, 表Ⅱ-2, 表Ⅲ, 表Ⅳ, 表Ⅴ, 表Ⅵ are the national form (:func:`form.form_book`);
    after them the analysis sheets: the 32 indicators with evidence and responsible units, every
    unit at full precision, the CVs at full precision, the survey by group, and the form's blanks
    with the reason (缺失的输入). ``results`` is the engine's ``Results``, the pipeline's
    ``PeriodResults`` or a dict of their tables; ``meta`` is county.yaml (county, 编制单位, demo,
    the facts of 表Ⅰ) and ``period`` the reporting period. ``demo`` defaults to ``meta["demo"]``.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    std = standards if standards is not None else load_standards()
    meta = dict(meta or {})
    demo = bool(meta.get("demo")) if demo is None else bool(demo)
    fmts = number_formats(std)
    styles = _styles()
    book: FormBook = form_book(results, std, meta, period)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    who = "".join(x for x in (book.county, f"{period}年度" if period else "") if x)
    wb.properties.title = f"{who}义务教育优质均衡发展县申报表" + (f"（{DEMO_MARK}）" if demo else "")
    wb.properties.subject = "全国义务教育优质均衡发展县（市、区）申报表 表Ⅰ—表Ⅵ"
    wb.properties.creator = book.organization or "analysis"
    wb.properties.keywords = DEMO_MARK if demo else "申报表"
    wb.properties.description = (f"{DEMO_MARK}：由示例县的虚构数据生成，不得用于申报。" if demo else
                                 "由县域义务教育优质均衡发展分析工具按本期数据生成。")

    def sheet(title: str):
        ws = wb.create_sheet(title)
        top = 1
        if demo:
            ws.cell(row=1, column=1, value=DEMO_MARK).font = styles["demo_font"]
            top = 2
        line = "　　".join(x for x in (f"填报单位：{book.organization}" if book.organization else "",
                                       f"县（市、区）：{book.county}" if book.county else "",
                                       f"报告期：{period}年度" if period else "") if x)
        if line:
            ws.cell(row=top, column=1, value=line).font = Font(size=10)
            top += 1
        return ws, top

    for t in book.tables:
        ws, top = sheet(t.sheet)
        head = _write_form(ws, t, top, styles)
        _print_setup(ws, t.landscape, head)
        ws.freeze_panes = ws.cell(row=head[1] + 1, column=1)
    for title, caption, df, headers, kinds in _analysis_specs(results, std):
        ws, top = sheet(title)
        ws.cell(row=top, column=1, value=caption).font = Font(bold=True, size=12)
        end_row = _write_frame(ws, top + 1, df, headers, kinds, fmts, styles)
        _print_setup(ws, True, (top + 1, top + 1))
        ws.freeze_panes = ws.cell(row=top + 2, column=1)
        if len(df):  # sortable and filterable in Excel / WPS (a large county's full per-unit detail)
            ws.auto_filter.ref = f"A{top + 1}:{get_column_letter(len(df.columns))}{end_row - 1}"
    d = detail_frame(results, "S1")
    if d is not None:
        ws, top = sheet("Ⅵ 各类调查对象")
        ws.cell(row=top, column=1, value="各类调查对象的问卷发放数、有效问卷数、满意人数和满意度").font = Font(bold=True, size=12)
        d = d[[c for c in ("survey_kind", "group", "issued", "valid", "satisfied", "rate", "status") if c in d.columns]]
        _write_frame(ws, top + 1, d, {**DETAIL_HEADERS, "issued": "问卷发放数"}, {**detail_kinds(d), "issued": "int"},
                     fmts, styles)
        _print_setup(ws, False, (top + 1, top + 1))
    ws, top = sheet("缺失的输入")
    ws.cell(row=top, column=1, value="申报表中因缺少输入而留空（或记为“＿＿”）的格，及原因（不按 0 计）").font = Font(bold=True, size=12)
    missing = missing_frame(book)
    if missing.empty:
        ws.cell(row=top + 1, column=1, value="无：申报表各格均有数据。")
    else:
        _write_frame(ws, top + 1, missing, {}, {}, fmts, styles)
        for letter, w in zip("ABCD", (8, 30, 24, 50)):
            ws.column_dimensions[letter].width = w
    _print_setup(ws, False, (top + 1, top + 1))
    with atomic_path(path) as tmp:  # whole or not at all, usual permissions
        wb.save(tmp)
    return path
