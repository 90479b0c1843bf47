"""The application-form tables as Excel (申报表 application_tables.xlsx)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards
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

FORMULA_PREFIXES = ("=", "+", "-", "@")
from analysis.files import atomic_path
from analysis.schemas import RESOURCE_CODES


def _sheet_specs(results: Any, standards: Mapping[str, Any]) -> list[tuple[str, str, pd.DataFrame, dict[str, str], dict[str, str]]]:
    """(sheet title, caption, frame, headers, kinds) of each form table."""
    units = result_table(results, "units")
    cv = result_table(results, "cv")
    verdict = result_table(results, "verdict").sort_values("no")
    unit_cols = ["school_code", "school_name", "stage", "school_type", "urban_rural", "students", "included",
                 "exclusion_reason", *RESOURCE_CODES, "n_met", "unit_pass", "missing_inputs"]
    cv_cols = ["stage", "indicator", "indicator_name", "n_units", "students", "mean", "cv_shown", "limit", "passed"]
    v_cols = ["no", "code", "name", "value", "standard", "status", "failing", "evidence", "responsible"]
    v_all = ["no", "code", "area", "name", "value", "standard", "status", "responsible"]
    uh = header_map("units", standards)
    ch = header_map("cv", standards)
    ch["cv_shown"] = "差异系数"
    vh = {**header_map("verdict", standards), **VERDICT_HEADERS}

    def area(a: str) -> pd.DataFrame:
        return verdict.loc[verdict["area"].eq(a), v_cols]

    return [
        ("32项指标汇总", "县域义务教育优质均衡发展32项指标评估结果", verdict[v_all], vh, COLUMN_KINDS["verdict"]),
        ("Ⅱ-2 评估单位", "表Ⅱ-2 义务教育学校资源配置7项指标（每校）", units[[c for c in unit_cols if c in units.columns]], uh,
         COLUMN_KINDS["units"]),
        ("Ⅲ 差异系数", "表Ⅲ 资源配置7项指标校际差异系数", cv[cv_cols], ch, COLUMN_KINDS["cv"]),
        ("Ⅳ 政府保障程度", "表Ⅳ 政府保障程度15项指标", area("政府保障程度"), vh, COLUMN_KINDS["verdict"]),
        ("Ⅴ 教育质量", "表Ⅴ 教育质量9项指标", area("教育质量"), vh, COLUMN_KINDS["verdict"]),
        ("Ⅵ 社会认可度", "表Ⅵ 社会认可度", area("社会认可度"), vh, COLUMN_KINDS["verdict"]),
    ]


def safe_excel_text(cell: Any) -> None:
    """Keep a text cell as text: Excel must not run ``=…``/``+…``/``-…``/``@…`` as a formula.

    openpyxl turns a string beginning with ``=`` into a formula cell (``data_type == "f"``). We force
    the string type (written as an inline string) and set the cell's ``quotePrefix`` style — what
    Excel itself does when a user types ``'=…`` — so the text stays text even when edited.
    """
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True


def write_application_tables(results: Any, path: str | Path, standards: Mapping[str, Any] | None = None) -> Path:
    """Write the application-form tables (申报表) to ``path`` (.xlsx), atomically.

    One sheet per form table (32-indicator summary, Ⅱ-2 units, Ⅲ CV, Ⅳ guarantee, Ⅴ quality,
    Ⅵ recognition) with Chinese headers. Numbers are written as numbers at full precision with
    the form's number format (values 0.00, CV 0.000, counts #,##0); missing values stay empty
    (never 0); booleans as 达标/未达标 or 是/否; formula-like text is neutralised.
    ``results`` is the engine's ``Results`` (attributes ``units``, ``cv``, ``verdict``) or a dict.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    std = standards if standards is not None else load_standards()
    fmts = number_formats(std)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    wb.remove(wb.active)
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    fail_font = Font(color="B00020", bold=True)
    def write_block(ws, top: int, df: pd.DataFrame, headers: Mapping[str, str], kinds: Mapping[str, str]) -> int:
        """Header row at ``top``, data below; returns the first free row."""
        cols = list(df.columns)
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=top, column=j, value=headers.get(c, c))
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            safe_excel_text(cell)
            letter = get_column_letter(j)
            width = max(8, min(40, 2 * len(str(headers.get(c, c))) + 2))
            ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
        # Row-wise writing is inherent to a cell-based writer (openpyxl), not engine logic.
        for i, record in enumerate(df.to_dict("records"), start=top + 1):
            for j, c in enumerate(cols, start=1):
                v = record[c]
                cell = ws.cell(row=i, column=j)
                if is_missing(v):
                    continue  # empty cell: missing is never 0
                if isinstance(v, (bool, np.bool_)):
                    cell.value = ("达标" if v else "未达标") if c in PASS_COLUMNS else ("是" if v else "否")
                    if c in PASS_COLUMNS and not v:
                        cell.font = fail_font
                elif c in kinds:
                    num = float(v)
                    cell.value = int(num) if kinds[c] == "int" and num.is_integer() else num
                    cell.number_format = fmts[kinds[c]].excel
                else:
                    cell.value = str(v)
                    if c == "status" and v == "未达标":
                        cell.font = fail_font
                    safe_excel_text(cell)
        return top + 1 + len(df)

    for title, caption, df, headers, kinds in _sheet_specs(results, std):
        ws = wb.create_sheet(title)
        ws.cell(row=1, column=1, value=caption).font = Font(bold=True, size=13)
        end_row = write_block(ws, 2, df, headers, kinds)
        ws.freeze_panes = "A3"
        if len(df):  # sortable and filterable in Excel / WPS (a large county's full per-unit detail)
            ws.auto_filter.ref = f"A2:{get_column_letter(len(df.columns))}{end_row - 1}"
        if title.startswith("Ⅵ"):  # the survey by respondent group, below the indicator row
            d = detail_frame(results, "S1")
            if d is not None:
                ws.cell(row=end_row + 1, column=1, value="各类调查对象认可情况").font = Font(bold=True)
                write_block(ws, end_row + 2, d, DETAIL_HEADERS, detail_kinds(d))
    with atomic_path(path) as tmp:  # whole or not at all, usual permissions
        wb.save(tmp)
    return path
