"""The region's report (地区汇总报告): ``index.html`` and ``region_tables.xlsx``.

The page is ``templates/pages/region.html.j2`` on the report pages' shared skeleton (autoescaped
Jinja2, embedded font subset, the 示例数据 banner when any county is demo data); its tables are
``html_table`` pieces. The workbook has the same tables, one sheet each: numbers as numbers with
the form's number formats, frozen header rows, text that looks like a formula kept as text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd
from markupsafe import Markup

from analysis.files import atomic_path, atomic_write
from analysis.paths import APPLICATION_WORKBOOK, QUALITY_WORKBOOK
from analysis.reporting.formats import PASS_STATUSES, is_missing, number_formats
from analysis.reporting.html import html_table
from analysis.reporting.pages import render_page
from analysis.reporting.workbook import put_value, safe_excel_text
from analysis.region.collect import County
from analysis.region.tables import RegionTables, column_kinds

HTML_NAME = "index.html"
WORKBOOK_NAME = "region_tables.xlsx"
#: the 32 statuses shown in the wide table (the workbook writes the words)
STATUS_MARKS = {"达标": "√", "未达标": "×", "无数据": "无", "未提供": "无"}


def _href(target: Path, page_dir: Path) -> str:
    rel = os.path.relpath(Path(target).resolve(), Path(page_dir).resolve())
    return "/".join(quote(part) for part in Path(rel).parts)


def _status_view(statuses: pd.DataFrame, codes: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """The status table with one mark per indicator and a CSS class column per indicator."""
    view = statuses.copy()
    classes = {}
    for code in codes:
        view[f"{code}_class"] = view[code].map(lambda s: PASS_STATUSES.get(s) if isinstance(s, str) else None)
        view[code] = view[code].map(lambda s: STATUS_MARKS.get(s, s) if isinstance(s, str) else s)
        classes[code] = f"{code}_class"
    return view, classes


def _links(counties: list[County], out_dir: Path, period: str, workbooks: bool) -> list[dict[str, Any]]:
    """Each county's reports: its own (``<county>/reports/<period>/``) and, when this run wrote
    them (``workbooks``), its workbooks (``<out>/counties/<folder>/<period>/``; an earlier run's
    are not linked: they may be older than the county's data)."""
    rows = []
    for c in counties:
        items = []
        for p, reports in sorted(c.reports.items()):
            items += [{"href": _href(f, out_dir), "text": f"{p} {title}"} for title, f in reports]
        d = out_dir / "counties" / c.folder.name / period
        for name, title in ((APPLICATION_WORKBOOK, "申报表（Excel，本次生成）"),
                            (QUALITY_WORKBOOK, "数据质量问题清单（本次生成）")):
            if workbooks and period in c.periods and (d / name).is_file():
                items.append({"href": _href(d / name, out_dir), "text": f"{period} {title}"})
        rows.append({"name": c.name, "links": items, "ok": not c.errors})
    return rows


def write_region_html(tables: RegionTables, counties: list[County], out_dir: Path, standards: dict,
                      title: str = "", workbooks: bool = False) -> Path:
    """Write ``<out_dir>/index.html`` (``workbooks``: link the counties' workbooks this run wrote)."""
    codes = list(tables.statuses.columns[1:-3])
    res_codes = list(standards["resources"]["indicators"])
    demo = any(c.demo for c in counties)
    status_view, status_classes = _status_view(tables.statuses, codes)
    pieces = {
        "ranking": html_table(tables.ranking, kinds=column_kinds(tables.ranking, res_codes),
                              caption=f"{tables.period}年各县距达标差距（名次相同者差距相同）", row_status="结论",
                              css_class="report-table region-table", empty_text="（没有可排名的县）"),
        "statuses": html_table(status_view, columns=list(tables.statuses.columns),
                               kinds={c: "int" for c in ("达标项数", "未达标项数", "无数据项数")},
                               classes_of=status_classes, caption=f"{tables.period}年各县32项指标（√ 达标，× 未达标，无 无数据）",
                               css_class="report-table region-table region-statuses"),
        "cv": html_table(tables.cv, columns=[c for c in tables.cv.columns if not c.endswith("_class")],
                         kinds=column_kinds(tables.cv, res_codes),
                         classes_of={c: f"{c}_class" for c in res_codes if f"{c}_class" in tables.cv.columns},
                         caption=f"{tables.period}年各县校际差异系数（红色：超过上限；方框：该县最大者，按差异系数÷上限）",
                         css_class="report-table region-table"),
        "units": html_table(tables.units, kinds=column_kinds(tables.units, res_codes),
                            caption=f"{tables.period}年各县评估单位每校达标情况（参评单位）",
                            css_class="report-table region-table"),
        "by_indicator": html_table(tables.by_indicator, kinds={"未达标县数": "int"},
                                   caption=f"{tables.period}年各指标未达标的县", empty_text="（没有未达标的指标）",
                                   css_class="report-table region-table"),
        "groups": html_table(tables.groups, kinds={"未达标项数": "int", "县数": "int"},
                             caption=f"{tables.period}年按未达标指标组合分组的县",
                             css_class="report-table region-table"),
        "trends": html_table(tables.trends, kinds=column_kinds(tables.trends, res_codes),
                             caption="各县各期达标项数与每校达标单位数（变化：最后一期减第一期）",
                             css_class="report-table region-table"),
        "overrides": html_table(tables.overrides, caption="按本县调整后的评估标准评估的县（county.yaml 的 overrides）",
                                empty_text="（没有：各县均按国家标准评估）", css_class="report-table region-table"),
        "errors": html_table(tables.errors, caption="未能计算的县与期次（其余各县照常汇总）",
                             empty_text="（没有）", css_class="report-table region-table"),
    }
    n_ok = int(tables.ranking.shape[0])
    n_pass = int((tables.ranking["结论"] == "达标").sum()) if n_ok else 0
    page = render_page(
        "pages/region.html.j2", title=title or f"{tables.period}年各县义务教育优质均衡发展情况汇总", demo=demo,
        page_class="region-page", period=tables.period, periods=tables.periods,
        n_counties=len(counties), n_ok=n_ok, n_pass=n_pass, n_errors=len(tables.errors),
        n_adjusted=int(tables.overrides["县"].nunique()),
        counties=_links(counties, out_dir, tables.period, workbooks),
        # escaped HTML built by html_table (every text in it escaped there)
        **{k: Markup(v) for k, v in pieces.items()},
    )
    return atomic_write(Path(out_dir) / HTML_NAME, page)


def write_region_workbook(tables: RegionTables, path: Path, standards: dict, demo: bool = False) -> Path:
    """Write the region's tables to ``path`` (.xlsx), atomically: one sheet per table, a caption
    row, a frozen bold header row, numbers as numbers with the form's formats, missing = empty."""
    from openpyxl import Workbook  # lazy: the heavy workbook library only when a workbook is written
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    fmts = number_formats(standards)
    res_codes = list(standards["resources"]["indicators"])
    head_font, head_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    fail_font = Font(color="B00020", bold=True)
    worst_fill = PatternFill("solid", fgColor="FFF2B3")
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, caption, df in tables.sheets():
        ws = wb.create_sheet(sheet)
        text = caption + ("（示例数据，非真实统计）" if demo else "")
        ws.cell(row=1, column=1, value=text).font = Font(bold=True, size=13)
        marks = {c: f"{c}_class" for c in df.columns if f"{c}_class" in df.columns}
        cols = [c for c in df.columns if not str(c).endswith("_class")]
        kinds = column_kinds(df, res_codes)
        for j, c in enumerate(cols, start=1):
            cell = ws.cell(row=2, column=j, value=str(c))
            cell.font, cell.fill = head_font, head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            safe_excel_text(cell)
            ws.column_dimensions[get_column_letter(j)].width = max(8, min(40, 2 * len(str(c)) + 2))
        # Row-wise writing is inherent to a cell-based writer (openpyxl), not engine logic.
        for i, record in enumerate(df.to_dict("records"), start=3):
            for j, c in enumerate(cols, start=1):
                v = record[c]
                if is_missing(v):
                    continue  # empty cell: missing is never 0
                cell = ws.cell(row=i, column=j)
                put_value(cell, v, kinds.get(c), fmts)
                mark = record.get(marks.get(c, ""), None)
                if v == "未达标" or (isinstance(mark, str) and "fail" in mark.split()):
                    cell.font = fail_font
                if isinstance(mark, str) and "worst" in mark.split():
                    cell.fill = worst_fill
        ws.freeze_panes = "B3"
    with atomic_path(path) as tmp:  # whole or not at all
        wb.save(tmp)
    return Path(path)
