"""Report-side helpers (报告辅助函数): number formats, escaped HTML tables, Excel form tables, index.

Everything a report shows goes through this module, so that

- numbers carry the national application form's precision, set in ONE place (``FORMATS``, with the
  decimals read from ``standards.yaml``);
- text that comes from the inputs (school names, evidence, …) is HTML-escaped: a school named
  ``<script>alert(1)</script>`` shows as text;
- the Excel workbook (``application_tables.xlsx``) holds the engine's numbers as numbers, and text
  that Excel could read as a formula (``=``, ``+``, ``-``, ``@``) is stored as plain text;
- a missing value is shown as "—" (无数据), never as 0.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from .schemas import TABLES
from .standards import load_standards

MISSING = "—"
AREAS = ["资源配置", "政府保障程度", "教育质量", "社会认可度"]
PASS_STATUSES = {"达标": "pass", "未达标": "fail", "无数据": "nodata", "未提供": "nodata"}
FORMULA_PREFIXES = ("=", "+", "-", "@")


# --------------------------------------------------------------------------- number formats


@dataclass(frozen=True)
class NumberFormat:
    """How one kind of number is shown: decimals in HTML, number format in Excel, percent or not."""

    decimals: int
    excel: str
    percent: bool = False
    thousands: bool = False


def number_formats(standards: Mapping[str, Any] | None = None) -> dict[str, NumberFormat]:
    """The form's precision for each kind of number (the one place where it is set).

    - ``value``: indicator values (2 decimals, ``resources.value_decimals``);
    - ``mean``: county means (2 decimals, ``resources.mean_decimals``);
    - ``cv``: coefficients of variation (3 decimals, ``resources.cv_decimals``);
    - ``pct``: shares and rates, as percent with 1 decimal (e.g. 巩固率 96.3%);
    - ``pct2``: percent with 2 decimals (ratios to a standard where 1 decimal hides the gap);
    - ``int``: head counts and other integers, with thousands separators;
    - ``money``: yuan, thousands separators, no decimals.
    """
    std = standards if standards is not None else load_standards()
    res = std["resources"]
    v, m, c = int(res["value_decimals"]), int(res["mean_decimals"]), int(res["cv_decimals"])
    return {
        "value": NumberFormat(v, "0." + "0" * v if v else "0"),
        "mean": NumberFormat(m, "0." + "0" * m if m else "0"),
        "cv": NumberFormat(c, "0." + "0" * c if c else "0"),
        "pct": NumberFormat(1, "0.0%", percent=True),
        "pct2": NumberFormat(2, "0.00%", percent=True),
        "int": NumberFormat(0, "#,##0", thousands=True),
        "money": NumberFormat(0, "#,##0", thousands=True),
    }


FORMATS: dict[str, NumberFormat] = number_formats()


def _is_missing(x: Any) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def round_half_up(x: float, decimals: int) -> Decimal:
    """Round as the form does (half up, 0.0245 → 0.025 at 3 decimals), via the decimal text of ``x``."""
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def fmt_number(x: Any, kind: str = "value") -> str:
    """Format one number with the precision of ``kind`` (see ``number_formats``); missing → "—"."""
    if _is_missing(x):
        return MISSING
    f = FORMATS[kind]
    try:
        v = float(x)
    except (TypeError, ValueError, InvalidOperation):
        return str(x)
    if f.percent:
        v *= 100
    d = round_half_up(v, f.decimals)
    text = f"{d:,.{f.decimals}f}" if f.thousands else f"{d:.{f.decimals}f}"
    return text + ("%" if f.percent else "")


def fmt_value(x: Any) -> str:
    """Indicator value, 2 decimals (e.g. 4.2 → "4.20")."""
    return fmt_number(x, "value")


def fmt_cv(x: Any) -> str:
    """Coefficient of variation, 3 decimals (e.g. 0.5153 → "0.515")."""
    return fmt_number(x, "cv")


def fmt_pct(x: Any, decimals: int = 1) -> str:
    """Share as percent (0.9634 → "96.3%", or "96.34%" with ``decimals=2``)."""
    return fmt_number(x, "pct2" if decimals == 2 else "pct")


def fmt_int(x: Any) -> str:
    """Integer with thousands separators (12345 → "12,345")."""
    return fmt_number(x, "int")


# --------------------------------------------------------------------------- headers and kinds


def indicator_label(code: str, standards: Mapping[str, Any] | None = None) -> str:
    """Chinese header of a resource indicator column: "L4" → "生均教学及辅助用房面积（平方米）"."""
    std = standards if standards is not None else load_standards()
    ind = std["resources"]["indicators"].get(code)
    if ind is None:
        return code
    return f"{ind['name']}（{ind['unit']}）"


def header_map(table: str | None = None, standards: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Chinese column headers of a processed / result table, from the schema's column docs.

    Resource-indicator columns of the ``units`` table use the indicator names of the standards file.
    """
    headers: dict[str, str] = {}
    if table is not None and table in TABLES:
        headers = {c: col.doc for c, col in TABLES[table].columns.items()}
    if table == "units":
        std = standards if standards is not None else load_standards()
        for k in range(1, 8):
            headers[f"L{k}"] = indicator_label(f"L{k}", std)
            headers[f"L{k}_ratio"] = f"指标{k}与标准之比"
            headers[f"L{k}_met"] = f"指标{k}达标"
    return headers


#: number kind of the numeric columns of the result tables
COLUMN_KINDS: dict[str, dict[str, str]] = {
    "units": {
        "students": "int",
        "resource_share": "pct",
        "n_met": "int",
        **{f"L{k}": "value" for k in range(1, 8)},
        **{f"L{k}_ratio": "pct" for k in range(1, 8)},
    },
    "cv": {
        "n_units": "int",
        "students": "int",
        "mean": "mean",
        "sd": "value",
        "cv": "cv",
        "cv_shown": "cv",
        "limit": "value",
    },
    "verdict": {"no": "int"},
}

#: columns holding names (school, indicator): given a minimum width so they never wrap per character
NAME_COLUMNS = {"school_name", "name", "indicator_name", "indicator", "label"}

#: short headers of the verdict table in the reports and the workbook
VERDICT_HEADERS = {"no": "序号", "code": "指标代码", "area": "方面", "name": "指标", "value": "县域实际值",
                   "standard": "标准", "status": "结果", "failing": "未达标的学校或事项及差距",
                   "evidence": "依据与佐证", "responsible": "责任单位"}

#: boolean columns that mean pass / fail (shown 达标 / 未达标 and highlighted)
PASS_COLUMNS = {"passed", "unit_pass", "met", "met_in_target", *(f"L{k}_met" for k in range(1, 8))}


# --------------------------------------------------------------------------- HTML


def esc(text: Any) -> str:
    """HTML-escape any value (quotes too); missing → "—"."""
    if _is_missing(text):
        return MISSING
    return html.escape(str(text), quote=True)


def _cell(value: Any, column: str, kind: str | None) -> tuple[str, list[str]]:
    """Text and CSS classes of one table cell."""
    classes: list[str] = []
    if _is_missing(value):
        return MISSING, ["na"]
    if kind is not None:
        return esc(fmt_number(value, kind)), ["num"]
    if isinstance(value, (bool, np.bool_)):
        b = bool(value)
        if column in PASS_COLUMNS:
            return ("达标" if b else "未达标"), ["pass" if b else "fail"]
        return ("是" if b else "否"), []
    if column == "status" and str(value) in PASS_STATUSES:
        return esc(value), [PASS_STATUSES[str(value)]]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return esc(value), ["num"]
    return esc(value), classes


def html_table(
    df: pd.DataFrame,
    table: str | None = None,
    headers: Mapping[str, str] | None = None,
    kinds: Mapping[str, str] | None = None,
    columns: Iterable[str] | None = None,
    caption: str | None = None,
    row_status: str | None = None,
    css_class: str = "report-table",
    empty_text: str = "（无）",
    status_of: Mapping[str, str] | None = None,
    max_rows: int | None = None,
    table_id: str | None = None,
) -> str:
    """Render ``df`` as an escaped HTML table with Chinese headers and pass/fail highlighting.

    - ``table``: the schema table name, for the header map and the number kinds of its columns;
    - ``headers`` / ``kinds``: extra or overriding headers and number kinds (see ``number_formats``);
    - ``columns``: which columns, in which order (default: all);
    - ``row_status``: a column whose pass/fail marks the whole row (class ``row-pass``/``row-fail``);
    - ``status_of``: value column → boolean column judging it (e.g. ``{"L1": "L1_met"}``): the value
      cell gets class ``pass``/``fail``;
    - ``max_rows``: show at most this many rows and say how many were left out.

    Every text that reaches the page is escaped, headers and caption included. Booleans of the
    pass columns show as 达标/未达标, other booleans as 是/否, missing values as "—".
    """
    cols = list(columns) if columns is not None else list(df.columns)
    status_of = dict(status_of or {})
    n_total = len(df)
    if max_rows is not None and n_total > max_rows:
        df = df.head(max_rows)
    hmap = {**header_map(table), **(headers or {})}
    kmap = {**COLUMN_KINDS.get(table or "", {}), **(kinds or {})}
    tid = f' id="{esc(table_id)}"' if table_id else ""
    out = [f'<table class="{esc(css_class)}"{tid}>']
    if caption:
        out.append(f"<caption>{esc(caption)}</caption>")
    out.append("<thead><tr>" + "".join(f"<th>{esc(hmap.get(c, c))}</th>" for c in cols) + "</tr></thead>")
    out.append("<tbody>")
    if df.empty:
        out.append(f'<tr><td colspan="{len(cols)}" class="empty">{esc(empty_text)}</td></tr>')
    # Row-wise rendering of a small report table (display only; the engine never loops per school).
    # short text columns (学段, 城乡, 结果 …) are kept on one line
    short_cols = {
        c for c in cols
        if c not in kmap and len(df) and df[c].map(lambda v: len(str(v)) if not _is_missing(v) else 0).max() <= 8
    }
    extra = [c for c in [row_status, *status_of.values()] if c and c not in cols and c in df.columns]
    for record in df[cols + list(dict.fromkeys(extra))].to_dict("records"):
        tr_class = ""
        if row_status is not None:
            s = record.get(row_status)
            if not _is_missing(s):
                state = PASS_STATUSES.get(s, "nodata") if isinstance(s, str) else ("pass" if bool(s) else "fail")
                tr_class = f' class="row-{state}"'
        cells = []
        for c in cols:
            text, classes = _cell(record[c], c, kmap.get(c))
            if c in short_cols:
                classes = [*classes, "short"]
            elif c in NAME_COLUMNS:
                classes = [*classes, "name"]
            judge = record.get(status_of[c]) if c in status_of else None
            if judge is not None and not _is_missing(judge) and text != MISSING:
                classes = [*classes, "pass" if bool(judge) else "fail"]
            cls = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{cls}>{text}</td>")
        out.append(f"<tr{tr_class}>" + "".join(cells) + "</tr>")
    out.append("</tbody></table>")
    if max_rows is not None and n_total > max_rows:
        out.append(f'<p class="table-note">（仅列出前 {max_rows} 行，共 {n_total} 行。）</p>')
    return "".join(out)


def html_paragraph(text: str, css_class: str | None = None) -> str:
    """One escaped paragraph."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def html_list(items: Iterable[str]) -> str:
    """An escaped bulleted list."""
    return "<ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def html_figure(fig: Any, alt: str = "", dpi: int = 110) -> str:
    """A matplotlib figure as an offline ``<img>`` (base64 PNG); the figure is closed."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure><img alt="{esc(alt)}" src="data:image/png;base64,{data}"/></figure>'


# --------------------------------------------------------------------------- verdict texts


def verdict_summary(verdict: pd.DataFrame) -> pd.DataFrame:
    """Per area (方面): indicators, passed, failed, without data — from the engine's verdict table."""
    v = verdict.assign(
        _pass=verdict["status"].eq("达标"),
        _fail=verdict["status"].eq("未达标"),
        _nodata=verdict["status"].isin(["无数据", "未提供"]),
    )
    out = (
        v.groupby("area", sort=False)
        .agg(指标数=("no", "size"), 达标=("_pass", "sum"), 未达标=("_fail", "sum"), 无数据或未提供=("_nodata", "sum"))
        .reindex([a for a in AREAS if a in set(v["area"])])
        .reset_index()
        .rename(columns={"area": "方面"})
    )
    return out


def headline_html(verdict: pd.DataFrame, county: str = "", period: str = "") -> str:
    """A short summary box for the first page: indicators passed per area (from the verdict)."""
    summ = verdict_summary(verdict)
    n, n_pass = len(verdict), int(verdict["status"].eq("达标").sum())
    who = esc(county) if county else "本县"
    when = f"{esc(period)} 年度" if period else "本期"
    items = "".join(
        f"<li>{esc(r.方面)}：{esc(r.指标数)} 项中达标 {esc(r.达标)} 项"
        f"{'，未达标 ' + esc(r.未达标) + ' 项' if r.未达标 else ''}"
        f"{'，无数据或未提供 ' + esc(r.无数据或未提供) + ' 项' if r.无数据或未提供 else ''}</li>"
        for r in summ.itertuples()
    )
    state = "pass" if n_pass == n else "fail"
    verdict_text = ("全部达标" if n_pass == n else f"中 {n_pass} 项达标，尚未全部达标")
    return (f'<div class="headline {state}"><p><strong>自评结果摘要：</strong>{who} {when}，{n} 项指标{verdict_text}。'
            f"</p><ul>{items}</ul></div>")


def conclusion_html(verdict: pd.DataFrame, county: str = "") -> str:
    """The report's conclusion, generated from the verdict table (no hand-written verdict).

    States how many of the indicators pass, lists the failing ones (with the engine's gap text) and
    those without data, and whether the county meets the standard as a whole.
    """
    v = verdict.sort_values("no")
    n = len(v)
    passed = v[v["status"].eq("达标")]
    failed = v[v["status"].eq("未达标")]
    nodata = v[v["status"].isin(["无数据", "未提供"])]
    who = f"{county}" if county else "本县"
    parts = []
    if len(passed) == n:
        parts.append(
            f'<p class="conclusion pass">{esc(who)}{n} 项指标全部达标，达到县域义务教育优质均衡发展评估标准。</p>'
        )
    else:
        parts.append(
            f'<p class="conclusion fail">{esc(who)}{n} 项指标中，{len(passed)} 项达标，'
            f"{len(failed)} 项未达标，{len(nodata)} 项无数据或未提供，"
            "尚未达到县域义务教育优质均衡发展评估标准。</p>"
        )
    if len(passed):
        parts.append(
            "<p><strong>达标指标：</strong>"
            + esc("、".join(f"{r.no}. {r.name}" for r in passed.itertuples()))
            + "</p>"
        )
    if len(failed):
        items = "".join(
            f"<li><strong>{esc(r.no)}. {esc(r.name)}</strong>（{esc(r.area)}）：实际 {esc(r.value)}，"
            f"标准 {esc(r.standard)}。{esc(r.failing) if not _is_missing(r.failing) else ''}"
            f"（责任单位：{esc(r.responsible)}）</li>"
            for r in failed.itertuples()
        )
        parts.append(f"<p><strong>未达标指标：</strong></p><ul>{items}</ul>")
    if len(nodata):
        items = "".join(
            f"<li>{esc(r.no)}. {esc(r.name)}：{esc(r.status)}"
            f"{('（' + esc(r.failing) + '）') if not _is_missing(r.failing) else ''}</li>"
            for r in nodata.itertuples()
        )
        parts.append(f"<p><strong>无数据或未提供的指标：</strong></p><ul>{items}</ul>")
    return "".join(parts)


def detail_frame(results: Any, code: str) -> pd.DataFrame | None:
    """The engine's detail table of indicator ``code`` (failing schools / classes), if any."""
    details = _result(results, "details") if _has(results, "details") else None
    if details is None:
        return None
    d = details.get(code) if isinstance(details, Mapping) else getattr(details, code, None)
    if d is not None and not isinstance(d, pd.DataFrame):
        d = getattr(d, "detail", None)
    return d if isinstance(d, pd.DataFrame) and not d.empty else None


def _has(results: Any, name: str) -> bool:
    return name in results if isinstance(results, Mapping) else hasattr(results, name)


# --------------------------------------------------------------------------- county profile


def county_profile(tables: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Schools, pupils, full-time teachers and classes by school type (县域基本情况).

    Pupils are the compulsory stages (小学、初中) only; teachers are full-time (专任) teachers.
    A type with no school does not appear; a total row comes last.
    """
    schools = tables["schools"][["school_code", "school_type"]]
    enrol = tables["enrolment"]
    comp = enrol[enrol["stage"].isin(["小学", "初中"])]
    # an unknown grade count makes the school's pupils unknown (never the smaller sum)
    pupils = comp.groupby("school_code")["students"].sum().mask(
        comp["students"].isna().groupby(comp["school_code"]).any())
    teachers = tables["teachers"]
    ft = teachers[teachers["full_time"].fillna(False).astype(bool)].groupby("school_code").size()
    classes = tables["classes"]
    ncls = classes[classes["stage"].isin(["小学", "初中"])].groupby("school_code").size()
    s = schools.set_index("school_code")
    known = s.index.isin(enrol["school_code"])  # a school without 在校生 rows: unknown, not 0
    s = s.assign(
        pupils=pupils.reindex(s.index).astype("Int64").where(known, pd.NA),
        teachers=ft.reindex(s.index).fillna(0).astype("int64"),
        classes=ncls.reindex(s.index).fillna(0).astype("int64"),
    )
    g = s.groupby("school_type", observed=True).agg(
        schools=("pupils", "size"), pupils=("pupils", lambda v: v.sum() if v.notna().all() else pd.NA),
        teachers=("teachers", "sum"), classes=("classes", "sum")
    )
    from .schemas import SCHOOL_TYPES

    g = g.reindex([t for t in SCHOOL_TYPES if t in g.index])
    total = pd.DataFrame([{"schools": g["schools"].sum(), "teachers": g["teachers"].sum(),
                           "classes": g["classes"].sum(),
                           "pupils": g["pupils"].sum() if g["pupils"].notna().all() else pd.NA}], index=["合计"])
    out = pd.concat([g, total]).rename_axis("school_type").reset_index()
    return out.astype({"schools": "int64", "pupils": "Int64", "teachers": "int64", "classes": "int64"})


PROFILE_HEADERS = {"school_type": "办学类型", "schools": "学校数（所）", "pupils": "义务教育在校生（人）",
                   "teachers": "专任教师（人）", "classes": "义务教育教学班（个）"}
PROFILE_KINDS = {"schools": "int", "pupils": "int", "teachers": "int", "classes": "int"}


# --------------------------------------------------------------------------- Excel form tables


def _result(results: Any, name: str) -> pd.DataFrame:
    """``results.<name>`` or ``results[name]``."""
    if isinstance(results, Mapping):
        return results[name]
    return getattr(results, name)


def _sheet_specs(results: Any, standards: Mapping[str, Any]) -> list[tuple[str, str, pd.DataFrame, dict[str, str], dict[str, str]]]:
    """(sheet title, caption, frame, headers, kinds) of each form table."""
    units = _result(results, "units")
    cv = _result(results, "cv")
    verdict = _result(results, "verdict").sort_values("no")
    unit_cols = ["school_code", "school_name", "stage", "school_type", "urban_rural", "students", "included",
                 "exclusion_reason", *(f"L{k}" for k in range(1, 8)), "n_met", "unit_pass", "missing_inputs"]
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
                if _is_missing(v):
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
        if title.startswith("Ⅵ"):  # the survey by respondent group, below the indicator row
            d = detail_frame(results, "S1")
            if d is not None:
                ws.cell(row=end_row + 1, column=1, value="各类调查对象认可情况").font = Font(bold=True)
                write_block(ws, end_row + 2, d, DETAIL_HEADERS, detail_kinds(d))
    from .files import atomic_path

    with atomic_path(path) as tmp:  # whole or not at all, usual permissions
        wb.save(tmp)
    return path


# --------------------------------------------------------------------------- index page


def _read_processed(folder: Path, name: str) -> pd.DataFrame | None:
    for ext, reader in ((".parquet", pd.read_parquet), (".csv", pd.read_csv)):
        f = folder / f"{name}{ext}"
        if f.is_file():
            return reader(f)
    return None


_PERIOD_RE = re.compile(r"^[0-9A-Za-z_.\-]+$")


def key_figures(processed_root: str | Path, periods: Iterable[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Key figures per period from each period's processed verdict and cv tables.

    Returns (per-period counts by area, CV shown per period × stage × indicator). A period without
    a verdict table has missing counts (not zero).
    """
    processed_root = Path(processed_root)
    counts, cvs = [], []
    for p in periods:
        folder = processed_root / p
        v = _read_processed(folder, "verdict")
        row: dict[str, Any] = {"period": p}
        if v is not None:
            row["达标项数"] = int(v["status"].eq("达标").sum())
            row["未达标项数"] = int(v["status"].eq("未达标").sum())
            row["无数据项数"] = int(v["status"].isin(["无数据", "未提供"]).sum())
            for a in AREAS:
                sub = v[v["area"].eq(a)]
                row[f"{a}达标"] = f"{int(sub['status'].eq('达标').sum())}/{len(sub)}"
        u = _read_processed(folder, "units")
        if u is not None:
            inc = u[u["included"].fillna(False).astype(bool)]
            for stage in ["小学", "初中"]:
                st = inc[inc["stage"].eq(stage)]
                row[f"{stage}每校达标"] = f"{int(st['unit_pass'].fillna(False).astype(bool).sum())}/{len(st)}"
        counts.append(row)
        c = _read_processed(folder, "cv")
        if c is not None:
            cvs.append(c.assign(period=p)[["period", "stage", "indicator", "indicator_name", "cv_shown", "limit", "passed"]])
    counts_df = pd.DataFrame(counts)
    cv_df = pd.concat(cvs, ignore_index=True) if cvs else pd.DataFrame(
        columns=["period", "stage", "indicator", "indicator_name", "cv_shown", "limit", "passed"])
    return counts_df, cv_df


REPORT_TITLES = {
    "self_assessment.html": "自评报告",
    "rectification.html": "整改报告",
    "application_tables.xlsx": "申报表（Excel）",
    "数据质量问题清单.xlsx": "数据质量问题清单（Excel）",
    "clean.html": "数据清洗与质量检查",
    "indicators.html": "指标计算",
    "projection.html": "达标预测",
}


def _page(title: str, body: str, demo: bool = False) -> str:
    """A complete offline HTML page with the exporter's CSS and embedded font subset.

    ``demo=True`` puts the exporter's 示例数据 banner above the body, as on every report page.
    """
    from .export import DEMO_BANNER, REPORT_CSS_FILE, font_subset_css, page_characters

    if demo:
        body = f'<div class="report-demo-banner" role="note">{esc(DEMO_BANNER)}</div>{body}'

    css = REPORT_CSS_FILE.read_text(encoding="utf-8") if REPORT_CSS_FILE.is_file() else ""
    head = (
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
    )
    page_body = f'<body class="report index-page"><main class="jp-RenderedHTMLCommon">{body}</main></body></html>\n'
    font_css = font_subset_css(page_characters(f"<title>{esc(title)}</title>" + page_body))
    return f"{head}<style>{font_css}</style><style>{css}</style></head>{page_body}"


def write_index(
    reports_root: str | Path, processed_root: str | Path | None = None, county: str = "", demo: bool = False
) -> Path:
    """Write ``reports/index.html``: links to every period's reports and the trend of the key figures.

    Periods are the sub-folders of ``reports_root`` holding at least one report (or a run status);
    key figures come from ``processed_root/<period>/verdict`` and ``cv`` (default:
    ``data/processed``). A period whose last run failed (``run_status.json``, written by the runner)
    is shown as failed with the one-line reason and a link to the failed notebook; its reports
    from an earlier run are listed apart as 已过期 (stale), and it is left out of the key figures.
    Offline: no external resource; the trend figure is an embedded PNG, written atomically.
    ``demo=True`` (the data folder's county.yaml says demo) shows the 示例数据 banner.
    """
    from urllib.parse import quote

    from .paths import PROCESSED_DIR
    from .runner import STALE_DIR_NAME, read_status

    reports_root = Path(reports_root)
    processed_root = Path(processed_root) if processed_root is not None else PROCESSED_DIR
    reports_root.mkdir(parents=True, exist_ok=True)

    def reports_in(folder: Path) -> list[Path]:
        files = sorted(folder.glob("*.html")) + sorted(folder.glob("*.xlsx"))
        order = list(REPORT_TITLES)
        return sorted(files, key=lambda f: (order.index(f.name) if f.name in order else len(order), f.name))

    def link(href_parts: list[str], text: str) -> str:
        href = "/".join(quote(part) for part in href_parts)
        return f'<a href="{esc(href)}">{esc(text)}</a>'

    def when(stamp: Any) -> str:
        """An ISO time stamp of run_status.json as 2021-06-30 14:05 (local time of the run)."""
        try:
            return datetime.fromisoformat(str(stamp)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return str(stamp or "")

    periods = sorted(
        d.name for d in reports_root.iterdir()
        if d.is_dir() and _PERIOD_RE.match(d.name)
        and (reports_in(d) or (d / STALE_DIR_NAME).is_dir() or read_status(d) is not None)
    )
    statuses = {p: (read_status(reports_root / p) or {}) for p in periods}
    title = f"{county}义务教育优质均衡发展评估报告索引" if county else "义务教育优质均衡发展评估报告索引"
    body = [f"<h1>{esc(title)}</h1>"]
    body.append("<h2>各期报告</h2>")
    if not periods:
        body.append(html_paragraph("尚无报告。请先运行 `analysis run`。"))
    rows = []
    for p in periods:
        folder = reports_root / p
        status = statuses[p]
        parts = [f"<h3>{esc(p)} 年度</h3>"]
        if status.get("status") == "failed":
            parts.append(html_paragraph(
                f"⚠ 最近一次运行失败 / last run FAILED（{when(status.get('finished'))}）："
                f"{str(status.get('message') or '').removeprefix('失败 / FAILED ')}", "run-status run-failed"))
            failed_nb = status.get("failed_ipynb")
            if failed_nb and (folder / failed_nb).is_file():
                parts.append(f'<p class="run-status">失败的笔记本（含出错单元格）/ failed notebook: '
                             f'{link([p, failed_nb], failed_nb)}</p>')
        elif status.get("status") == "running":
            parts.append(html_paragraph(
                f"⚠ 最近一次运行未完成（{when(status.get('started'))} 开始，可能被中断）/ "
                "last run did not finish (interrupted?)", "run-status run-failed"))
        elif status.get("status") == "ok" and status.get("finished"):
            parts.append(html_paragraph(f"最近一次运行 / last run：{when(status['finished'])}", "run-status"))
        current = reports_in(folder)
        if current:
            parts.append("<ul>" + "".join(
                f"<li>{link([p, f.name], REPORT_TITLES.get(f.name, f.stem))}</li>" for f in current) + "</ul>")
        elif status.get("status") in ("failed", "running"):
            parts.append(html_paragraph("本期没有当前有效的报告 / no current report for this period", "run-status"))
        stale = reports_in(folder / STALE_DIR_NAME)
        if stale:
            parts.append(html_paragraph(
                "已过期的旧报告（此后的运行失败，仅供参考，不反映最新数据）/ stale reports from an earlier "
                "run (a later run failed; for reference only):", "run-status run-stale"))
            parts.append('<ul class="run-stale">' + "".join(
                f"<li>{link([p, STALE_DIR_NAME, f.name], REPORT_TITLES.get(f.name, f.stem) + '（已过期 / stale）')}</li>"
                for f in stale) + "</ul>")
        rows.append("".join(parts))
    body.extend(rows)
    # key figures only for periods whose last run finished: a failed run leaves processed tables
    # that may not match the period's current raw data
    unsure = [p for p in periods if statuses[p].get("status") in ("failed", "running")]
    periods = [p for p in periods if p not in unsure]
    counts, cvs = key_figures(processed_root, periods)
    body.append('<h2>关键指标变化趋势</h2>')
    if unsure:
        body.append(html_paragraph(
            f"{'、'.join(unsure)} 年度最近一次运行未成功，未列入下表 / not shown: the last run of "
            f"{', '.join(unsure)} did not succeed.", "run-status run-failed"))
    if counts.empty or "达标项数" not in counts:
        body.append(html_paragraph("尚无各期指标结果（data/processed/<期>/verdict）。"))
    else:
        ch = {"period": "期次"}
        body.append(html_table(counts, headers=ch, kinds={"达标项数": "int", "未达标项数": "int", "无数据项数": "int"},
                               caption="32项指标达标情况"))
    if not cvs.empty:
        idx = ["stage", "indicator", "indicator_name"]
        wide = cvs.pivot_table(index=idx, columns="period", values="cv_shown", aggfunc="first")
        ok = cvs.assign(passed=cvs["passed"].astype("boolean")).pivot_table(
            index=idx, columns="period", values="passed", aggfunc="first").add_suffix("_passed")
        wide = wide.join(ok).reset_index()
        wide.columns = [str(c) for c in wide.columns]
        order = {s: i for i, s in enumerate(["小学", "初中"])}
        wide = wide.sort_values(["stage", "indicator"], key=lambda s: s.map(order) if s.name == "stage" else s)
        shown = [p for p in periods if p in wide.columns]
        body.append(html_table(
            wide, headers={"stage": "学段", "indicator": "指标", "indicator_name": "指标名称"},
            columns=idx + shown, kinds={p: "cv" for p in shown},
            status_of={p: f"{p}_passed" for p in shown if f"{p}_passed" in wide.columns},
            caption="资源配置7项指标校际差异系数（各期；红色为超过上限）"))
        if len(periods) >= 2:
            body.append(_cv_trend_figure(cvs))
    from .export import atomic_write

    return atomic_write(reports_root / "index.html", _page(title, "".join(body), demo=demo))


def _cv_trend_figure(cvs: pd.DataFrame) -> str:
    """Line chart of each stage's CVs across periods, with the limit, as an embedded PNG."""
    try:
        from . import plotting  # noqa: F401  (registers the CJK font)
    except Exception:  # noqa: BLE001
        pass
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    stages = [s for s in ["小学", "初中"] if s in set(cvs["stage"])]
    fig, axes = plt.subplots(1, len(stages), figsize=(5.5 * len(stages), 3.6), squeeze=False)
    for ax, stage in zip(axes[0], stages):
        sub = cvs[cvs["stage"].eq(stage)]
        wide = sub.pivot_table(index="period", columns="indicator", values="cv_shown", aggfunc="first")
        wide.plot(ax=ax, marker="o")
        ax.axhline(float(sub["limit"].iloc[0]), color="#B00020", linestyle="--", label="标准上限")
        ax.set_title(f"{stage}校际差异系数")
        ax.set_xlabel("期次")
        ax.set_ylabel("差异系数")
        ax.legend(fontsize=7, ncol=2)
    return html_figure(fig, alt="各期校际差异系数趋势")


# --------------------------------------------------------------------------- rectification


#: processed tables the projection notebook (03) writes, by the name the rectification report uses;
#: each name lists the file stems accepted (first found wins)
PROJECTION_TABLES: dict[str, tuple[str, ...]] = {
    "trajectory": ("trajectory",),
    "first_met": ("first_met", "first_met_year"),
    "tasks": ("tasks", "rectification_tasks"),
    "plan": ("plan", "plan_actions", "min_cost_plan"),
    "plan_cost": ("plan_cost", "plan_cost_by_year", "plan_by_year"),
    "plan_summary": ("plan_summary",),
    "pass_probability": ("pass_probability",),
    "sensitivity": ("sensitivity",),
}

PROJECTION_HEADERS: dict[str, str] = {
    "scenario": "情景", "year": "年份", "level": "层级", "school_code": "学校标识码", "school_name": "学校名称",
    "stage": "学段", "students": "学生数", "indicator": "指标", "indicator_name": "指标名称", "value": "实际值",
    "standard": "标准", "ratio": "与标准之比", "met": "达标", "included": "纳入评估",
    "first_met_year": "达标年份", "met_in_target": "目标年达标", "when": "差距出现时间", "what": "需补充",
    "shortfall": "缺口数量", "natural_unit": "单位", "cost_yuan": "估算费用（元）", "cost_kind": "费用类型",
    "responsible": "责任单位", "deadline": "完成时限", "action": "措施", "detail": "说明", "quantity": "数量",
    "gap": "差距",
}
PROJECTION_KINDS: dict[str, str] = {"value": "value", "standard": "value", "shortfall": "value",
                                    "quantity": "value", "cost_yuan": "money", "ratio": "pct"}
TASK_SHOWN_COLUMNS = ["school_name", "stage", "indicator_name", "when", "value", "standard", "what", "shortfall",
                      "natural_unit", "cost_yuan", "responsible", "deadline"]
PLAN_SHOWN_COLUMNS = ["year", "school_name", "stage", "action", "detail", "quantity", "natural_unit", "indicator",
                      "cost_yuan", "responsible"]


def read_projection_outputs(folder: str | Path) -> dict[str, pd.DataFrame]:
    """The projection outputs found in ``folder`` (data/processed/<period>/), by report name."""
    folder = Path(folder)
    out: dict[str, pd.DataFrame] = {}
    for name, stems in PROJECTION_TABLES.items():
        for stem in stems:
            df = _read_processed(folder, stem)
            if df is not None:
                out[name] = df
                break
    return out


def unit_shortfalls(units: pd.DataFrame, standards: Mapping[str, Any]) -> pd.DataFrame:
    """Included units that do not pass the per-unit rule, one row per indicator below standard.

    Columns: school_code, school_name, stage, students, indicator (Chinese name), value, standard,
    ratio, gap (standard − value, in the indicator's unit). An indicator without data is listed with
    a missing value (never 0).
    """
    res = standards["resources"]["indicators"]
    inc = units[units["included"].fillna(False).astype(bool) & ~units["unit_pass"].fillna(False).astype(bool)]
    ids = ["school_code", "school_name", "stage", "students"]
    codes = [f"L{k}" for k in range(1, 8)]
    if inc.empty:
        return pd.DataFrame(columns=ids + ["indicator", "value", "standard", "ratio", "gap"])
    vals = inc.melt(id_vars=ids, value_vars=codes, var_name="code", value_name="value")
    met = inc.melt(id_vars=["school_code", "stage"], value_vars=[f"{c}_met" for c in codes], var_name="code",
                   value_name="met").assign(code=lambda d: d["code"].str.replace("_met", "", regex=False))
    ratio = inc.melt(id_vars=["school_code", "stage"], value_vars=[f"{c}_ratio" for c in codes], var_name="code",
                     value_name="ratio").assign(code=lambda d: d["code"].str.replace("_ratio", "", regex=False))
    std = pd.DataFrame([(k, s, float(v)) for k, d in res.items() for s, v in d["standard"].items()],
                       columns=["code", "stage", "standard"])
    long = (vals.merge(met, on=["school_code", "stage", "code"]).merge(ratio, on=["school_code", "stage", "code"])
            .merge(std, on=["code", "stage"], how="left"))
    long = long[~long["met"].fillna(False).astype(bool)]
    long = long.assign(
        indicator=long["code"].map({k: f"{k[1:]}. {d['name']}（{d['unit']}）" for k, d in res.items()}),
        gap=(long["standard"] - long["value"].astype("Float64")).astype("Float64"),
    )
    return long.sort_values(["stage", "school_code", "code"])[ids + ["indicator", "value", "standard", "ratio", "gap"]] \
        .reset_index(drop=True)


def remaining_risks(verdict: pd.DataFrame, proj: Mapping[str, pd.DataFrame], target_year: int,
                    examples: int = 8) -> list[str]:
    """Plain-language risks that remain at the target year (texts; escape when shown)."""
    risks: list[str] = []
    fm = proj.get("first_met")
    traj = proj.get("trajectory")
    if fm is not None and not fm.empty and "met_in_target" in fm:
        bad = fm[~fm["met_in_target"].fillna(False).astype(bool)]
        for scen, sub in bad.groupby("scenario", sort=False):
            schools = sub[sub["level"].eq("学校") & sub["indicator"].eq("每校达标")]
            county = sub[sub["level"].eq("县")]
            if len(schools):
                names = "、".join(f"{r.school_name}（{r.stage}）" for r in schools.head(examples).itertuples())
                more = f"等 {len(schools)} 个单位" if len(schools) > examples else ""
                risks.append(f"情景“{scen}”：到 {target_year} 年仍有评估单位不能每校达标：{names}{more}。")
            if len(county):
                items = "、".join(f"{r.stage}{str(r.indicator).replace('CV_', '')}" for r in county.itertuples())
                risks.append(f"情景“{scen}”：到 {target_year} 年差异系数仍超过上限：{items}。")
    elif traj is not None and not traj.empty:
        last = traj[traj["year"].eq(traj["year"].max()) & traj["included"].fillna(False).astype(bool)]
        bad = last[~last["met"].fillna(False).astype(bool) & (last["indicator"].eq("每校达标") | last["level"].eq("县"))]
        for scen, sub in bad.groupby("scenario", sort=False):
            risks.append(f"情景“{scen}”：到 {int(traj['year'].max())} 年仍有 {len(sub)} 项（单位或差异系数）不达标。")
    mc = proj.get("pass_probability")
    if mc is not None and not mc.empty and {"indicator", "pass_probability"} <= set(mc.columns):
        overall = mc[mc["indicator"].eq("全部达标")]
        for r in overall.itertuples():
            p = float(r.pass_probability)
            if p < 1:
                risks.append(f"情景“{r.scenario}”：考虑在校生预测误差（模拟 {int(r.draws)} 次），到 {target_year} 年资源配置"
                             f"全部达标的概率约为 {fmt_pct(p)}。")
    sens = proj.get("sensitivity")
    if sens is not None and not sens.empty and {"indicator", "enrolment_scale", "met"} <= set(sens.columns):
        bad = sens[sens["indicator"].eq("全部达标") & ~sens["met"].fillna(False).astype(bool)]
        for r in bad.itertuples():
            risks.append(f"情景“{r.scenario}”：若在校生为预测的 {fmt_pct(float(r.enrolment_scale))}，"
                         f"到 {target_year} 年资源配置不能全部达标。")
    other = verdict[verdict["status"].eq("未达标") & ~verdict["area"].eq("资源配置")]
    if len(other):
        risks.append("以下指标不在资源配置预测范围内，须由责任单位专项整改：" + "；".join(
            f"{r.no}. {r.name}（{r.responsible}）" for r in other.itertuples()) + "。")
    nodata = verdict[verdict["status"].isin(["无数据", "未提供"])]
    if len(nodata):
        risks.append("以下指标缺少数据或认定材料，评估时不能认定达标，须尽快补齐：" + "；".join(
            f"{r.no}. {r.name}（{r.status}）" for r in nodata.itertuples()) + "。")
    return risks


# --------------------------------------------------------------------------- engine detail tables

#: Chinese headers of the columns of the engine's detail tables (``Results.details``)
DETAIL_HEADERS: dict[str, str] = {
    "school_code": "学校标识码", "school_name": "学校名称", "school_type": "办学类型", "urban_rural": "城乡分类",
    "stage": "学段", "students": "学生数", "standard": "标准", "unit_pass": "每校达标",
    "causes_unit_fail": "导致该校未达标", "missing_inputs": "缺失的输入", "status": "结果",
    "item": "事项", "label": "名称", "part": "组成部分", "text": "说明", "room_type": "教室类型",
    "classes": "班级数", "rooms_needed": "应配间数", "rooms_total": "现有间数", "rooms_qualifying": "面积达标间数",
    "rooms_too_small": "面积不足间数", "rooms_missing": "缺少间数", "limit": "上限", "excess": "超出",
    "class_id": "班级", "grade": "年级", "size": "班额", "public_funds_yuan": "公用经费（元）",
    "required_yuan": "应拨经费（元）", "shortfall_yuan": "缺口（元）", "teacher_id": "教师编号",
    "eligible": "符合轮岗条件人数", "rotated": "交流轮岗人数", "backbone_rotated": "其中骨干教师",
    "rotated_share": "交流轮岗比例", "backbone_share": "骨干教师比例", "min_share": "标准比例",
    "entrants": "招生数", "entrants_in_catchment": "划片范围内入学", "outside_catchment": "划片外入学",
    "share": "比例", "graduates": "毕业生数", "allocated_places": "分配名额", "places_per_graduate": "生均名额",
    "total": "合计", "left": "剩余", "respondents": "有效问卷数", "written_minutes": "日均书面作业（分钟）",
    "limit_minutes": "限额（分钟）", "excess_minutes": "超出（分钟）", "subject": "学科", "level": "等级",
    "diff_rate": "校际差异率", "county_between_school_share": "县测校间方差占比", "county_schools": "县测学校数",
    "county_students": "县测学生数", "survey_kind": "调查方式", "group": "调查对象", "rate": "认可率",
    "satisfied": "满意人数", "valid": "有效样本", "responses": "有效样本", "training_hours_5y": "近5年培训学时",
    "has_certificate": "持有教师资格证", "has_charter": "制定章程", "has_informatization": "实现信息化",
    "training_spending_yuan": "教师培训经费（元）", "public_funds_budget_yuan": "公用经费预算（元）",
    "missing_input": "缺失的输入", "rooms_unknown": "是否合格未定间数", "eligible_unknown": "是否符合条件不详人数",
    "rotated_unknown": "是否交流轮岗不详人数", "missing_levels": "缺失的等级", "level_ok": "等级达标",
    "diff_ok": "差异率达标", "rating": "评级",
    **{f"L{k}": f"指标{k}数值" for k in range(1, 8)},
    **{f"L{k}_ratio": f"指标{k}与标准之比" for k in range(1, 8)},
    **{f"L{k}_met": f"指标{k}达标" for k in range(1, 8)},
}

_INT_COLUMNS = {"students", "classes", "rooms_needed", "rooms_total", "rooms_qualifying", "rooms_too_small",
                "rooms_missing", "rooms_unknown", "eligible_unknown", "rotated_unknown", "size", "eligible", "rotated", "backbone_rotated", "entrants",
                "entrants_in_catchment", "outside_catchment", "graduates", "allocated_places", "respondents",
                "county_schools", "county_students", "satisfied", "valid", "responses", "total"}


def detail_kinds(df: pd.DataFrame) -> dict[str, str]:
    """Number kinds of a detail table's numeric columns (money, shares, counts, values)."""
    kinds: dict[str, str] = {}
    for c in df.columns:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            continue
        if c.endswith("_yuan"):
            kinds[c] = "money"
        elif c.endswith(("share", "_ratio")) or c in {"rate"}:
            kinds[c] = "pct"
        elif c == "diff_rate" or c == "county_between_school_share":
            kinds[c] = "cv"
        elif c in _INT_COLUMNS:
            kinds[c] = "int"
        elif c in {"grade", "level"}:
            continue
        else:
            kinds[c] = "value"
    return kinds


def detail_table(results: Any, code: str, max_rows: int = 40, caption: str | None = None) -> str:
    """The engine's detail table of ``code`` as escaped HTML with Chinese headers ("" when none)."""
    d = detail_frame(results, code)
    if d is None:
        return ""
    return html_table(d, headers=DETAIL_HEADERS, kinds=detail_kinds(d), max_rows=max_rows, caption=caption,
                      css_class="report-table detail-table")


def school_shortfalls(results: Any) -> pd.DataFrame:
    """Schools named in the detail tables of the failing guarantee / quality indicators (G3, G5, …).

    One row per school and indicator: school_code, school_name, indicator ("10. 每12个班级…"),
    items (how many detail rows: rooms, classes, grades…). Resource indicators are left out (see
    ``unit_shortfalls``).
    """
    verdict = _result(results, "verdict")
    failing = verdict[verdict["status"].ne("达标") & verdict["area"].ne("资源配置")]
    frames = []
    for r in failing.itertuples():
        d = detail_frame(results, r.code)
        if d is None or "school_name" not in d.columns:
            continue
        key = [c for c in ["school_code", "school_name"] if c in d.columns]
        g = d.groupby(key, dropna=False, sort=False).size().rename("items").reset_index()
        frames.append(g.assign(no=r.no, indicator=f"{r.no}. {r.name}", status=r.status))
    cols = ["school_code", "school_name", "indicator", "status", "items"]
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["school_name", "no"])[[c for c in cols if c in out.columns]].reset_index(drop=True)
