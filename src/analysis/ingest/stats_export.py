"""Reading the education-statistics exports (教育事业统计) a county bureau holds.

Three shapes (``docs/data.md`` §6):

- (C) the county's 综合查询 export: one row per school under merged multi-row headers; a column
  is found by its **header path** (``stats_layouts.EXPORT_FIELDS``);
- (B) per-school workbooks of ``教基NNNN`` sheets and (A) of ``基础基NNN`` sheets: a value is read
  from its cell only after the row label and the column header path at that cell are confirmed
  (``stats_layouts.LAYOUTS_B`` / ``LAYOUTS_A``).

A workbook whose layout differs (a moved row, a missing column, another sheet version) is refused
with a :class:`StatsLayoutError` naming the file, sheet, row, column, what was expected and what
was found; nothing is read from a cell that may be the wrong one. The quirks of real exports are
handled: the column-letter row, the 甲/乙/1/2/3 numbering row, merged header cells, ``*`` (does
not apply), Excel's ``_x000D_`` escapes, units in brackets, in a units row or in a "单位：平方米"
line, half- and full-width brackets.

What is read becomes per-school values with the place each came from (file, sheet, cell, header
path); :mod:`analysis.ingest.stats_import` turns them into the raw-contract workbooks. Nothing
here writes anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections import namedtuple
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter

from analysis.errors import RawDataError, err
from analysis.ingest.rawdata import UNITS, RawCol, decode_excel_text, norm_unit, parse_column
from analysis.ingest.stats_layouts import (
    DEFAULT_UNITS,
    EXPORT_FIELDS,
    FIELD_UNITS,
    IDENTITY_SHEETS,
    LAYOUTS_A,
    LAYOUTS_B,
    Layout,
)

#: base unit of each family, for messages
_BASE_UNIT = {"area": "平方米", "money": "元", "count": "人"}
_SHEET_CODE = re.compile(r"(教基|基础基)\s*(\d{3,4})")
_STAR = {"*", "＊", "※"}
_NUMBERING = {"甲", "乙", "丙", "丁", "戊"}
_TOTAL = {"合计", "总计", "全县合计", "小计"}


_FieldSpec = namedtuple("_FieldSpec", "field kind")


class StatsLayoutError(RawDataError):
    """A statistics workbook whose layout differs from the expected one (nothing is read from it)."""


@dataclass(frozen=True)
class Loc:
    """Where a value came from: file, sheet, cell (or row) and the column's header path."""

    file: str
    sheet: str
    row: int | None
    column: str | None  # column letter
    path: str  # header path (and row label) as written, "A › B › C"

    @property
    def cell(self) -> str:
        return f"{self.column or ''}{self.row or ''}"


@dataclass
class Value:
    value: Any  # number (in the contract's unit), text, or None
    loc: Loc
    note: str | None = None  # "*" (does not apply), "blank", or a parse problem


@dataclass
class Sources:
    """Everything read: per school code, field → the values found (one per source)."""

    values: dict[str, dict[str, list[Value]]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)  # school codes in the order first read
    issues: list[dict] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)  # (file, shape)

    def add(self, code: str, fld: str, value: Value) -> None:
        if code not in self.values:
            self.values[code] = {}
            self.order.append(code)
        self.values[code].setdefault(fld, []).append(value)

    def issue(self, loc: Loc | None, value, problem: str, action: str, code: str | None = None,
              file: str | None = None) -> None:
        self.issues.append(dict(
            file=loc.file if loc else file, sheet=loc.sheet if loc else None,
            row=loc.row if loc else None, column=loc.cell if loc else None,
            header=loc.path if loc else None, value=None if value is None else str(value),
            problem=problem, action=action, school_code=code))


# ---------------------------------------------------------------------------- text
_ENUM_PREFIX = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十\d]+\)|\d{1,2}[、.]|其中:?)")


def norm(value: Any) -> str:
    """NFKC (full-width → half-width, （）→ ()), Excel escapes decoded, whitespace removed, a
    leading "#" dropped: the form labels and header texts are compared in."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", decode_excel_text(str(value)))
    return re.sub(r"\s+", "", text).lstrip("#")


def split_unit(text: str) -> tuple[str, str | None]:
    """``"教学仪器设备资产值(万元)"`` → ``("教学仪器设备资产值", "万元")`` when the bracket holds a
    unit of :data:`UNITS`; other brackets (骨干教师(小学)) stay part of the label."""
    m = re.match(r"^(.*?)\(([^()]*)\)$", text)
    if m and m.group(1):
        u = norm_unit(m.group(2))
        if u is not None and any(u in fam for fam in UNITS.values()):
            return m.group(1), m.group(2)
    return text, None


def core(value: Any) -> str:
    """A label as compared: :func:`norm`, a unit bracket and enumeration prefixes (一、 (一) 01、
    其中：) removed."""
    text = split_unit(norm(value))[0]
    prev = None
    while prev != text:
        prev, text = text, _ENUM_PREFIX.sub("", text)
    return text


def _matches(found: str, expected: str) -> bool:
    return any(core(alt) == found for alt in expected.split("|"))


def _grouping(element: str) -> bool:
    return bool(re.fullmatch(r"按.+分", element))


def path_key(path) -> tuple[str, ...]:
    """A header path as compared: each element :func:`core`, grouping levels (#按学历分) dropped."""
    return tuple(e for e in (core(x) for x in path) if e and not _grouping(e))


def _path_matches(found: tuple[str, ...], expected: tuple[str, ...]) -> bool:
    exp = [e for e in expected if not _grouping(core(e.split("|")[0]))]
    return len(found) == len(exp) and all(_matches(f, e) for f, e in zip(found, exp))


def _shown(path) -> str:
    return " › ".join(str(p) for p in path if p not in (None, ""))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and norm(v) == "")


# ---------------------------------------------------------------------------- grids
def _grid(ws) -> list[list[Any]]:
    """The sheet's values, merged ranges filled with their top-left value."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    width = max((len(r) for r in grid), default=0)
    grid = [r + [None] * (width - len(r)) for r in grid]
    for rng in ws.merged_cells.ranges:
        top = grid[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(grid) else None
        for r in range(rng.min_row, min(rng.max_row, len(grid)) + 1):
            for c in range(rng.min_col, min(rng.max_col, width) + 1):
                grid[r - 1][c - 1] = top
    return grid


def _at(grid, row: int, col: int) -> Any:
    if row < 1 or row > len(grid) or col < 1 or col > len(grid[row - 1]):
        return None
    return grid[row - 1][col - 1]


def _column_path(grid, col: int, rows: tuple[int, int]) -> tuple[list[str], str | None]:
    """The header texts above ``col`` (rows ``rows``), merged duplicates collapsed, and the unit
    written in one of them."""
    out: list[str] = []
    unit = None
    for r in range(rows[0], rows[1] + 1):
        v = _at(grid, r, col)
        if _blank(v):
            continue
        text, u = split_unit(norm(v))
        unit = u or unit
        if not out or out[-1] != text:
            out.append(text)
    return out, unit


def _parse(values: list[Any], kind: str, family: str | None, unit: str | None):
    """Parse cells with the contract's parser (full-width digits, commas, spaces, escapes);
    returns (values, problems)."""
    col = RawCol("v", ("v",), kind if kind != "text" else "text", unit=family)
    parsed, errors, _ = parse_column(pd.Series(values, dtype=object), col, unit)
    return parsed.tolist(), errors.tolist()


def _sheet_unit(grid) -> str | None:
    """The "单位：平方米" written in the title area (rows 1–3)."""
    for r in range(1, 4):
        for v in (grid[r - 1] if r <= len(grid) else []):
            m = re.search(r"单位[:：]\s*([^\s,，、;；]+)", decode_excel_text(str(v))) if isinstance(v, str) else None
            if m:
                return m.group(1)
    return None


def _unit_factor(family: str | None, unit: str | None) -> float | None:
    if family is None or unit is None:
        return 1.0
    return UNITS[family].get(norm_unit(unit) or "")


# ---------------------------------------------------------------------------- (B)/(A) sheets
def _layout_error(file: str, sheet: str, row: int, col: str, what: tuple[str, str], expected: str,
                  found: str, hint: str = "", value_ref: str | None = None) -> StatsLayoutError:
    """A located refusal: the value's cell, the row and column where the label differs, what was
    expected and what is there (Chinese / English)."""
    ref = value_ref or f"{col}{row}"
    return StatsLayoutError(err(
        f"“{file}”工作表“{sheet}”读取单元格 {ref} 前核对：第{row}行 {col}列的{what[0]}应为“{expected}”，"
        f"实为“{found or '（空）'}”{'；' + hint if hint else ''}。版式与预期不同，该文件未读取（docs/data.md §6）",
        f"'{file}' sheet '{sheet}', before reading cell {ref}: row {row} column {col}, {what[1]} expected "
        f"'{expected}', found '{found or '(blank)'}'. The layout differs; the file was not read"))


def _find_label(grid, layout: Layout, label: str, near: int) -> int | None:
    col = column_index_from_string(layout.label_cols[-1])
    hits = [r for r in range(1, len(grid) + 1) if _matches(core(_at(grid, r, col)), label)]
    return min(hits, key=lambda r: abs(r - near)) if hits else None


def read_layout_sheet(ws, layout: Layout, file: str, sheet: str, sources: Sources, code: str | None,
                      collect: dict[str, list[Value]]) -> None:
    """Confirm every cell of ``layout`` in ``ws`` and read it into ``collect`` (field → values).

    Raises :class:`StatsLayoutError` at the first label, header or numbering row that differs."""
    grid = _grid(ws)
    if layout.numbering_row is not None:
        first = norm(_at(grid, layout.numbering_row, column_index_from_string(layout.label_cols[0])))
        if first not in _NUMBERING:
            raise _layout_error(file, sheet, layout.numbering_row, layout.label_cols[0],
                                ("栏目编号行（甲、乙、1、2、3…）", "the numbering row (甲, 乙, 1, 2, 3 …)"),
                                "甲", norm(_at(grid, layout.numbering_row,
                                               column_index_from_string(layout.label_cols[0]))))
    sheet_unit = _sheet_unit(grid)
    cells = []
    for cell in layout.cells:
        col_letter, row = coordinate_from_string(cell.ref)
        col = column_index_from_string(col_letter)
        label_text = norm(_at(grid, row, column_index_from_string(layout.label_cols[-1])))
        label_unit = None
        if cell.unit_in_label:  # the row label's bracket is its unit, whatever it says
            m = re.match(r"^(.*?)\(([^()]*)\)$", label_text)
            if m and m.group(1):
                label_unit = m.group(2)
        found_labels = tuple(core(_at(grid, row, column_index_from_string(c))) for c in layout.label_cols)
        if label_unit is not None:
            found_labels = (*found_labels[:-1], core(label_text[: -len(label_unit) - 2]))
        if len(found_labels) != len(cell.row_label) or not all(
                _matches(f, e) for f, e in zip(found_labels, cell.row_label)):
            at = _find_label(grid, layout, cell.row_label[-1], row)
            hint = f"“{cell.row_label[-1].split('|')[0]}”在第{at}行 / found on row {at}" if at else ""
            raise _layout_error(file, sheet, row, layout.label_cols[-1], ("行标签", "row label"),
                                " › ".join(e.split("|")[0] for e in cell.row_label),
                                " › ".join(found_labels), hint, cell.ref)
        path, col_unit = _column_path(grid, col, layout.header_rows)
        if not _path_matches(path_key(path), cell.col_path):
            raise _layout_error(file, sheet, layout.header_rows[0], col_letter, ("列表头", "column header"),
                                " › ".join(e.split("|")[0] for e in cell.col_path), " › ".join(path),
                                value_ref=cell.ref)
        family = cell.unit_in_label or FIELD_UNITS.get(cell.field) or layout.unit
        unit = label_unit
        unit = unit or col_unit
        if unit is None and sheet_unit is not None and family is not None and _unit_factor(family, sheet_unit):
            unit = sheet_unit
        loc = Loc(file, sheet, row, col_letter, f"{_shown(path)}（行：{label_text}）")
        if unit is None and cell.field in DEFAULT_UNITS:
            unit = DEFAULT_UNITS[cell.field]
            sources.issue(loc, None, f"未注明单位，按统计报表的{unit}读取 / no unit written: read as {unit}",
                          "请核对 / please check", code)
        if family is not None and unit is not None and _unit_factor(family, unit) is None:
            raise StatsLayoutError(err(
                f"“{file}”工作表“{sheet}”单元格 {cell.ref}：无法识别的单位“{unit}”（应为：{'、'.join(UNITS[family])}）",
                f"'{file}' sheet '{sheet}' cell {cell.ref}: unknown unit '{unit}'"))
        cells.append((cell, loc, _at(grid, row, col), family if cell.kind != "text" else None, unit))
    _collect(cells, sources, code, collect)


def _collect(cells, sources: Sources, code: str | None, collect: dict[str, list[Value]]) -> None:
    """Parse the cells (spec, location, raw value, unit family, written unit) into ``collect``:
    ``*`` and blank cells are kept as missing with a note; the rest go through the contract's
    parser, grouped by kind and unit (one call per group)."""
    out: list[Value | None] = [None] * len(cells)
    groups: dict[tuple, list[int]] = {}
    for i, (spec, loc, raw, family, unit) in enumerate(cells):
        if isinstance(raw, str) and norm(raw) in _STAR:
            out[i] = Value(None, loc, "*")
        elif _blank(raw):
            out[i] = Value(None, loc, "blank")
        else:
            groups.setdefault((spec.kind, family, unit), []).append(i)
    for (kind, family, unit), idx in groups.items():
        values, problems = _parse([cells[i][2] for i in idx], kind, family, unit)
        factor = _unit_factor(family, unit)
        for i, value, problem in zip(idx, values, problems):
            spec, loc, raw, _, _ = cells[i]
            if problem is not None:
                sources.issue(loc, raw, f"无法读取：{problem}", "记为缺失（不按 0 计）/ read as missing", code)
                out[i] = Value(None, loc, problem)
            elif kind == "text":
                whole = int(raw) if isinstance(raw, float) and raw.is_integer() else raw
                out[i] = Value(decode_excel_text(str(whole)).strip(), loc)
            else:
                out[i] = Value(value, loc)
        if family is not None and factor not in (None, 1.0) and code is not None:
            first = cells[idx[0]][1]
            sources.issue(first, unit, f"单位为{unit} / unit {unit}",
                          f"已换算为{_BASE_UNIT.get(family, '')} / converted (× {factor:g})", code)
    for (spec, *_), v in zip(cells, out):
        collect.setdefault(spec.field, []).append(v)


def sheet_code(name: str, grid=None) -> str | None:
    """The statistics code of a sheet: from its name ("教基5170_小学", "基础基512") or B3."""
    m = _SHEET_CODE.search(norm(name))
    if m:
        return m.group(1) + m.group(2)
    if grid is not None:
        for r in range(1, 4):
            for v in (grid[r - 1] if r <= len(grid) else [])[:4]:
                m = _SHEET_CODE.search(norm(v)) if isinstance(v, str) else None
                if m:
                    return m.group(1) + m.group(2)
    return None


def read_school_workbook(path: Path, wb, sources: Sources) -> str:
    """A per-school workbook (B or A): every sheet with a known code is confirmed and read.
    Returns the shape ("教基" or "基础基")."""
    file = path.name
    by_code: dict[str, Any] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        c = sheet_code(ws.title)
        if c is None:
            continue
        if c in by_code:
            raise StatsLayoutError(err(
                f"“{file}”中有两个“{c}”工作表（“{by_code[c].title}”“{ws.title}”），无法确定读取哪一个",
                f"'{file}' has two sheets of {c} ('{by_code[c].title}', '{ws.title}')"))
        by_code[c] = ws
    scheme = "教基" if any(k.startswith("教基") for k in by_code) else "基础基"
    layouts = LAYOUTS_B if scheme == "教基" else LAYOUTS_A
    ident = next((k for k in IDENTITY_SHEETS if k in by_code), None)
    if ident is None:
        raise StatsLayoutError(err(
            f"“{file}”没有学校基本情况工作表（{'或'.join(IDENTITY_SHEETS)}），无法确定是哪所学校",
            f"'{file}' has no school information sheet ({' or '.join(IDENTITY_SHEETS)})"))
    collect: dict[str, list[Value]] = {}
    read_layout_sheet(by_code[ident], layouts[ident], file, by_code[ident].title, sources, None, collect)
    code_v = next((v for v in collect.get("code", []) if v.value is not None), None)
    if code_v is None or not re.fullmatch(r"[0-9A-Za-z]{6,}", re.sub(r"\s+", "", str(code_v.value))):
        loc = collect["code"][0].loc if collect.get("code") else None
        raise StatsLayoutError(err(
            f"“{file}”工作表“{by_code[ident].title}”{loc.cell if loc else ''}：学校标识码为空或不是代码"
            f"（“{code_v.value if code_v else ''}”）",
            f"'{file}' sheet '{by_code[ident].title}' {loc.cell if loc else ''}: no school code"))
    code = re.sub(r"\s+", "", str(code_v.value))
    for c, ws in by_code.items():
        if c == ident:
            continue
        if c in layouts:
            read_layout_sheet(ws, layouts[c], file, ws.title, sources, code, collect)
    for fld, values in collect.items():
        for v in values:
            sources.add(code, fld, v)
    unknown = sorted(set(by_code) - set(layouts))
    if unknown:
        sources.issue(None, "、".join(unknown), "这些工作表与优质均衡指标无关 / sheets not needed",
                      "未读取 / not read", code, file=file)
    return scheme


# ---------------------------------------------------------------------------- (C) export
def _is_numbering_row(row: list[Any]) -> bool:
    cells = [norm(v) for v in row if not _blank(v)]
    return bool(cells) and cells[0] in _NUMBERING and any(c.isdigit() for c in cells)


def _is_letter_row(row: list[Any]) -> bool:
    cells = [norm(v) for v in row if not _blank(v)]
    return len(cells) >= 3 and all(re.fullmatch(r"[A-Z]{1,3}", c) for c in cells)


def _is_unit_row(row: list[Any]) -> bool:
    cells = [v for v in row if not _blank(v)]
    return bool(cells) and all(isinstance(v, str) and (
        norm_unit(v) is not None and any(norm_unit(v) in fam for fam in UNITS.values())) for v in cells)


def _code_text(value: Any) -> str | None:
    """A school code as text (a number read by Excel loses no digit: 2104210001.0 → "2104210001")."""
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", decode_excel_text(str(value))))


def read_export(path: Path, wb, sources: Sources) -> None:
    """The county's 综合查询 export: one row per school, columns found by header path."""
    file = path.name
    ws = next((w for w in wb.worksheets if w.sheet_state == "visible"), wb.worksheets[0])
    grid = _grid(ws)
    sheet = ws.title
    names = {core(p[0]) for p in EXPORT_FIELDS["name"][0]} | {core(p[0]) for p in EXPORT_FIELDS["code"][0]}
    top = next((r for r in range(1, min(len(grid), 20) + 1)
                if not _is_letter_row(grid[r - 1]) and any(core(v) in names for v in grid[r - 1])), None)
    if top is None:
        raise StatsLayoutError(err(
            f"“{file}”工作表“{sheet}”：前20行中找不到表头“学校名称”或“学校标识码”，不是综合查询导出，也没有"
            "教基/基础基工作表",
            f"'{file}' sheet '{sheet}': no header '学校名称' or '学校标识码' in the first 20 rows; not a "
            "statistics export"))
    name_col = next(j for j, v in enumerate(grid[top - 1]) if core(v) in names) + 1
    head_text = norm(grid[top - 1][name_col - 1])
    bottom = top
    for r in range(top + 1, min(len(grid), top + 8) + 1):
        row = grid[r - 1]
        if _is_numbering_row(row) or _is_unit_row(row):
            break
        v = row[name_col - 1]
        if _blank(v) or norm(v) == head_text:
            bottom = r
            continue
        break
    header_rows = (top, bottom)
    width = len(grid[0]) if grid else 0
    paths = {}
    units: dict[int, str | None] = {}
    for c in range(1, width + 1):
        p, u = _column_path(grid, c, header_rows)
        if p:
            paths[c] = p
            units[c] = u
    first_data = bottom + 1
    # a numbering row and a units row may follow the headers
    while first_data <= len(grid) and (_is_numbering_row(grid[first_data - 1]) or _is_unit_row(grid[first_data - 1])):
        if _is_unit_row(grid[first_data - 1]):
            for c, v in enumerate(grid[first_data - 1], start=1):
                if not _blank(v):
                    units[c] = str(v)
        first_data += 1
    keys: dict[tuple[str, ...], list[int]] = {}
    for c, p in paths.items():
        keys.setdefault(path_key(p), []).append(c)
    columns: dict[str, int] = {}
    for fld, (accepted, required) in EXPORT_FIELDS.items():
        hits = sorted({c for a in accepted for c in keys.get(path_key(a), [])})
        if len(hits) > 1:
            raise StatsLayoutError(err(
                f"“{file}”工作表“{sheet}”：表头“{_shown(accepted[0])}”出现在 "
                f"{'、'.join(get_column_letter(c) for c in hits)} 列，无法确定读取哪一列",
                f"'{file}' sheet '{sheet}': header '{_shown(accepted[0])}' in several columns"))
        if hits:
            columns[fld] = hits[0]
        elif required:
            found = "；".join(_shown(p) for p in list(paths.values())[:12])
            raise StatsLayoutError(err(
                f"“{file}”工作表“{sheet}”第{top}–{bottom}行表头中找不到“{_shown(accepted[0])}”"
                f"（现有：{found}…）",
                f"'{file}' sheet '{sheet}' header rows {top}–{bottom}: no column '{_shown(accepted[0])}'"))
    absent = [f for f in EXPORT_FIELDS if f.split("+")[0] not in {c.split("+")[0] for c in columns}
              and "+" not in f and not f.startswith(("band:", "g")) and f != "county"]
    if absent:
        sources.issue(Loc(file, sheet, top, None, ""), "、".join(_shown(EXPORT_FIELDS[f][0][0]) for f in absent),
                      "综合查询导出中没有这些列 / columns not in the export",
                      "由逐校基层表补充，否则这些数据为空（未知）/ taken from per-school workbooks if given, "
                      "else blank (unknown)")
    rows = []
    for r in range(first_data, len(grid) + 1):
        row = grid[r - 1]
        if all(_blank(v) for v in row):
            continue
        lead = [norm(v) for v in row[:3] if not _blank(v)]
        if any(v in _TOTAL for v in lead):
            sources.issue(Loc(file, sheet, r, None, ""), lead[0], "合计行 / total row", "未读取 / not read")
            continue
        rows.append(r)
    code_col = columns["code"]
    seen: dict[str, int] = {}
    kept = []
    for r in rows:  # a school listed twice: the first row is read, the other listed (never summed)
        code = _code_text(_at(grid, r, code_col))
        if code is not None and code in seen:
            sources.issue(Loc(file, sheet, r, get_column_letter(code_col), _shown(paths[code_col])), code,
                          f"重复的学校标识码，与第{seen[code]}行相同 / duplicate school code (row {seen[code]})",
                          "只读第一行（请核对）/ the first row is read")
            continue
        if code is not None:
            seen[code] = r
        kept.append(r)
    rows = kept
    for fld, c in columns.items():
        if fld in ("name", "code", "type", "urban", "owner", "counted", "county"):
            kind, family = "text", None
        else:
            kind = "int" if re.fullmatch(r"g\d+", fld) or fld.startswith(("band:", "t:", "bb:")) else "float"
            family = FIELD_UNITS.get(fld, "count")
        unit = units.get(c)
        if unit is None and fld in DEFAULT_UNITS:
            unit = DEFAULT_UNITS[fld]
            sources.issue(Loc(file, sheet, top, get_column_letter(c), _shown(paths[c])), None,
                          f"表头未注明单位，按统计报表的{unit}读取 / no unit in the header: read as {unit}",
                          "请核对 / please check")
        if family is not None and unit is not None and _unit_factor(family, unit) is None:
            raise StatsLayoutError(err(
                f"“{file}”工作表“{sheet}”{get_column_letter(c)}列“{_shown(paths[c])}”：无法识别的单位“{unit}”",
                f"'{file}' sheet '{sheet}' column {get_column_letter(c)}: unknown unit '{unit}'"))
        if family is not None and unit is not None and _unit_factor(family, unit) != 1.0:
            sources.issue(Loc(file, sheet, top, get_column_letter(c), _shown(paths[c])), unit,
                          f"单位为{unit} / unit {unit}",
                          f"已换算为{_BASE_UNIT.get(family, '')} / converted (× {_unit_factor(family, unit):g})")
        from_layout = _FieldSpec(fld, kind)
        cells = []
        for r in rows:
            loc = Loc(file, sheet, r, get_column_letter(c), _shown(paths[c]))
            cells.append((from_layout, loc, _at(grid, r, c), family, unit))
        collect: dict[str, list[Value]] = {}
        _collect(cells, sources, None, collect)
        codes = [_code_text(_at(grid, r, code_col)) for r in rows]
        for v, code in zip(collect.get(fld, []), codes):
            if code is not None:
                sources.add(code, fld.split("+")[0], v)
    for r in rows:
        if _blank(_at(grid, r, code_col)):
            sources.issue(Loc(file, sheet, r, get_column_letter(code_col), _shown(paths[code_col])), None,
                          "学校标识码为空 / school code blank", "该行未读取 / row not read")


# ---------------------------------------------------------------------------- sources
def read_sources(paths: list[Path]) -> Sources:
    """Read every workbook given (files, or folders of .xlsx files): per-school workbooks by sheet
    code, anything else as a 综合查询 export. A file that cannot be read raises naming it."""
    sources = Sources()
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files += sorted(q for q in p.iterdir() if q.is_file() and q.suffix.lower() in (".xlsx", ".xlsm")
                            and not q.name.startswith((".", "~$")))
        elif p.is_file():
            files.append(p)
        else:
            raise RawDataError(err(f"找不到统计数据文件或文件夹 {p}", f"statistics file or folder {p} not found"))
    if not files:
        raise RawDataError(err("没有给出任何 .xlsx 统计数据文件", "no .xlsx statistics file given"))
    for path in files:
        try:
            wb = load_workbook(path, data_only=True)
        except Exception as exc:  # noqa: BLE001 - a .xls renamed, a damaged file, …
            raise RawDataError(err(
                f"无法打开“{path.name}”（{path}）：不是有效的 .xlsx 文件；.xls 请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”"
                f"（{type(exc).__name__}）",
                f"cannot open '{path.name}' ({path}): not a valid .xlsx file ({type(exc).__name__})")) from exc
        coded = [ws for ws in wb.worksheets if sheet_code(ws.title)]
        if coded:
            shape = read_school_workbook(path, wb, sources)
        else:
            read_export(path, wb, sources)
            shape = "综合查询"
        sources.files.append((path.name, shape))
    return sources
