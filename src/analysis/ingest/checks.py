"""Data check (数据检查): cleaning and validation only, and the data-quality list as Excel.

``analysis check --period 2021`` reads and validates a period's workbooks exactly as a run does
(:func:`analysis.ingest.cleaning.clean_period`) but runs no notebook and writes no processed table. It
prints a short summary and writes ``数据质量问题清单.xlsx`` (one row per problem: severity,
school, file, sheet, Excel row, Excel column header, value, problem, what to do; sorted by school;
filters, frozen header, A4 print). ``analysis run`` writes the same workbook for every period.

Exit codes of ``check`` (:data:`EXIT_OK` …): 0 no problem to correct, 1 problems that keep rows
aside or leave inputs missing (severity 需更正), 2 unusable input (a missing workbook, sheet or
column, an unknown unit, a bad county.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import schemas
from analysis.files import atomic_path, neutralise_text
from analysis.ingest.cleaning import clean_period
from analysis.paths import QUALITY_WORKBOOK  # noqa: F401  (re-exported)

EXIT_OK, EXIT_PROBLEMS, EXIT_UNUSABLE = 0, 1, 2
FIX, CHECK, AUTO = schemas.SEVERITIES

#: columns of the workbook: data_quality column → header
LIST_COLUMNS = {
    "severity": "严重程度", "school_code": "学校标识码", "school_name": "学校名称", "file": "文件",
    "sheet": "工作表", "row": "行号", "column": "列（Excel 表头）", "value": "原值", "problem": "问题",
    "action": "处理方式 / 怎么改",
}
_WIDTHS = {"severity": 10, "school_code": 13, "school_name": 22, "file": 16, "sheet": 12, "row": 7,
           "column": 22, "value": 18, "problem": 48, "action": 48}
SEVERITY_TEXT = {
    FIX: "有数据被隔离或记为缺失：相关指标为“无数据”。请按“处理方式”更正原始工作簿后重新运行。",
    CHECK: "按某种假定读取（如未写单位按元计、隐藏行按数据读入）：请确认假定正确。",
    AUTO: "只整理了写法（全角数字、空格、合并单元格、合计行、单位换算等），数值未受影响，一般无需处理。",
}


@dataclass
class CheckResult:
    period: str
    data_quality: pd.DataFrame
    summary: pd.DataFrame
    workbook: Path | None

    @property
    def counts(self) -> dict[str, int]:
        return {s: int((self.data_quality["severity"] == s).sum()) for s in schemas.SEVERITIES}

    @property
    def exit_code(self) -> int:
        return EXIT_PROBLEMS if self.counts[FIX] else EXIT_OK


def quality_list(data_quality: pd.DataFrame, schools: pd.DataFrame | None = None) -> pd.DataFrame:
    """The data-quality lines as the workbook shows them: school name added, sorted by school
    (lines about a whole sheet first), then file, sheet and row."""
    dq = data_quality.copy()
    names = {} if schools is None else dict(zip(schools["school_code"], schools["school_name"]))
    dq["school_name"] = dq["school_code"].map(names).astype("string")
    dq["_has_school"] = dq["school_code"].notna()
    dq["_sev"] = dq["severity"].map({s: i for i, s in enumerate(schemas.SEVERITIES)})
    dq = dq.sort_values(["_has_school", "school_code", "file", "sheet", "row", "_sev"],
                        na_position="first", kind="stable")
    return dq[list(LIST_COLUMNS)].reset_index(drop=True)


def write_quality_workbook(data_quality: pd.DataFrame, path: str | Path, *,
                           schools: pd.DataFrame | None = None, county: str = "", period: str = "",
                           demo: bool = False) -> Path:
    """Write ``数据质量问题清单.xlsx`` atomically: the list (filters, frozen header, A4 landscape
    fit to width, header repeated on every printed page) and a sheet explaining the severities."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    rows = quality_list(data_quality, schools)
    wb = Workbook()
    ws = wb.active
    ws.title = "数据质量问题清单"
    title = f"{county}{period}年数据质量问题清单" if county or period else "数据质量问题清单"
    if demo:
        title += "（示例数据，非真实统计）"
        wb.properties.title = f"{title}"
        wb.properties.subject = "示例数据，非真实统计 / demo data, not real statistics"
    ws.cell(1, 1, title).font = Font(bold=True, size=13)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    fills = {FIX: PatternFill("solid", fgColor="F8D7DA"), CHECK: PatternFill("solid", fgColor="FFF3CD")}
    cols = list(LIST_COLUMNS)
    for j, c in enumerate(cols, start=1):
        cell = ws.cell(2, j, LIST_COLUMNS[c])
        cell.font, cell.fill = Font(bold=True), head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(j)].width = _WIDTHS[c]
    wrap = Alignment(wrap_text=True, vertical="top")
    for i, rec in enumerate(rows.to_dict("records"), start=3):
        for j, c in enumerate(cols, start=1):
            v = rec[c]
            if v is None or (not isinstance(v, str) and pd.isna(v)):
                continue
            cell = ws.cell(i, j)
            if c == "row":
                cell.value = int(v)
            else:
                cell.value = neutralise_text(str(v))
                cell.data_type = "s"  # text stays text (a value such as "=1+1" is never a formula)
            cell.alignment = wrap
        if rec["severity"] in fills:
            ws.cell(i, 1).fill = fills[rec["severity"]]
    last = max(2, len(rows) + 2)
    ws.auto_filter.ref = f"A2:{get_column_letter(len(cols))}{last}"
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    if rows.empty:
        ws.cell(3, 1, "（未发现问题 / no problem found）")

    info = wb.create_sheet("说明")
    info.cell(1, 1, "严重程度").font = Font(bold=True)
    info.cell(1, 2, "含义与怎么做").font = Font(bold=True)
    for i, sev in enumerate(schemas.SEVERITIES, start=2):
        info.cell(i, 1, sev)
        info.cell(i, 2, SEVERITY_TEXT[sev]).alignment = wrap
        info.cell(i, 3, int((rows["severity"] == sev).sum()))
    info.cell(1, 3, "条数").font = Font(bold=True)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 10, 80
    info.cell(6, 1, "空白和 0 不一样：没有的填 0，不知道的留空；空白按“未知”处理，相关指标为“无数据”。"
                    "详见 docs/data.md 第 2 节。")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path


def check_result(clean) -> CheckResult:
    """The check's result of a :class:`analysis.ingest.cleaning.CleanResult` (no workbook written)."""
    return CheckResult(clean.period, clean.data_quality, clean.summary, None)


def check_period(data_dir: str | Path, period: str, out_dir: str | Path | None = None, *,
                 county: str = "", demo: bool = False) -> CheckResult:
    """Clean and validate ``data_dir/<period>`` without writing processed tables; write the
    data-quality workbook into ``out_dir`` (when given). Raises ``RawDataError`` for unusable input."""
    result = clean_period(Path(data_dir), str(period), None)
    workbook = None
    if out_dir is not None:
        workbook = write_quality_workbook(result.data_quality, Path(out_dir) / QUALITY_WORKBOOK,
                                          schools=result.tables["schools"], county=county,
                                          period=str(period), demo=demo)
    return CheckResult(str(period), result.data_quality, result.summary, workbook)


def summary_lines(result: CheckResult) -> list[str]:
    """A short summary for the terminal (Chinese and English)."""
    c = result.counts
    s = result.summary
    lines = [f"{result.period}：读入 {int(s['rows_in'].sum())} 条记录，隔离 {int(s['quarantined'].sum())} 条；"
             f"需更正 {c[FIX]} 条，请核对 {c[CHECK]} 条，已自动处理 {c[AUTO]} 条 / "
             f"{c[FIX]} to correct, {c[CHECK]} to confirm, {c[AUTO]} repaired"]
    fix = result.data_quality[result.data_quality["severity"] == FIX]
    for (file, sheet), n in fix.groupby(["file", "sheet"], dropna=False).size().items():
        lines.append(f"  需更正 / to correct: {file} · {sheet}：{n} 条")
    if result.workbook is not None:
        lines.append(f"  清单 / list: {result.workbook}")
    return lines
