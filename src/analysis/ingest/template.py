"""Blank input template (空白填报模板): ``analysis template --out DIR [--county NAME] [--period YYYY]``.

Writes ``DIR/county.yaml`` (when absent) and, in ``DIR/<period>/``, one blank workbook per
workbook of the raw contract, ready for school and bureau staff to fill in. Everything comes from
the contract, so a sheet or column added to it appears here without a change to this module:

- the workbooks, sheets and columns: :data:`analysis.ingest.rawdata.RAW_SHEETS` (the first
  spelling of each header; each column's ``doc``, ``example``, ``shown_unit``, ``school_ref``);
- the allowed values and ranges: the contract's vocabularies, the grades and levels the
  processed table allows and its hard range (``ge``/``le``) or plausibility bound (``soft_max``)
  in :mod:`analysis.schemas` — the same bounds the cleaning applies, so a value the template
  refuses is one the cleaning would read as missing;
- the county items' codes, names, units and ranges: :data:`analysis.schemas.COUNTY_ITEM_SPECS`
  (the 县级数据项 sheet lists them; staff fill in the values).

Layout and choices
------------------
- Each sheet: the header in row 1 (frozen), data from row 2, nothing else (no title row, no
  units row, no demo row). A numeric column's unit is written in the header bracket
  ("教学及辅助用房面积（平方米）"): one row to freeze and one place to read; it is the processed
  unit (:data:`~analysis.ingest.rawdata.HEADER_UNITS`), so no conversion is made and the
  schema's ranges apply as they are. A share (校际差异率) has no unit in its header: its cells
  are formatted as a percentage, so 12% typed is stored as 0.12.
- Side columns the reader ignores (学校名称 beside a school code, 姓名 in the roster) are added
  for the staff's own checking; 填表说明 says they are not read.
- Input messages: Excel's and WPS's data-validation input message (``showInputMessage``), shown
  when a cell is selected, on every header cell (an "any value" validation carrying only the
  message: meaning, unit, allowed values, what a blank means, an example) and on every data cell
  of the column (the allowed values). Comments were not used: they mark the cell with a red
  corner and open on hover only. Excel's limits (title 32 characters, message 255, error title
  32, error 225) are enforced, longer text is cut, so a file never needs "repair" in Excel.
- Validation (``showErrorMessage``, style stop, Chinese error text): a list for every vocabulary
  (是/否, 办学类型, 城乡分类, 学历, 骨干教师级别, 学段, 年级, 学业水平等级 …); whole numbers or
  decimals with the schema's range for counts, areas, money, hours, minutes, years and the
  percentage; a custom formula for codes that must be unique (学校标识码 in 学校名录, 教师编号 …)
  or must be a listed school. A blank cell is always allowed (blank means unknown). A list
  longer than Excel's 255-character inline limit is written to a hidden sheet
  :data:`LISTS_SHEET` and referenced from there.
- School codes across workbooks. Excel's data validation cannot refer to another workbook
  ("references to other workbooks are not allowed for data validation criteria"); a defined
  name pointing into another workbook works only while that workbook is open and gives every
  file an external link with a security prompt on each opening (WPS handles such links
  differently again). So each workbook that needs the codes has them itself: the workbook-level
  defined name :data:`CODES_NAME` points at the code column of 学校名录 in the workbook that holds
  the school list, and, in every other workbook, at column A of a visible helper sheet
  :data:`CODES_SHEET` into which staff paste the codes and names from 学校名录 once it is
  filled (选择性粘贴 → 数值; 填表说明 says how). The check is a custom formula, not a list:
  ``OR(COUNTA(清单)=0, COUNTIF(清单, 单元格)>0)`` accepts anything while the list is still empty
  (the workbooks can be filled in any order and by different people), ``COUNTIF`` matches a code
  typed as text with one pasted as a number, and both Excel (2007 on) and WPS accept a defined
  name in a validation formula. The helper sheet is visible, so refreshing needs no unhiding;
  its name is no contract sheet, and the reader finds sheets by name, so it is never read and
  gives no data-quality line (a hidden sheet does not either: the reader only remarks on a
  hidden sheet whose name is a contract sheet's).
- Pasted values bypass data validation in Excel and WPS (and a plain paste replaces the cells'
  validation): 填表说明 says to paste values only and to run ``analysis check``, the real check.
- Code columns are formatted as text, so leading zeros and long codes stay as typed; money
  columns as ``#,##0.00``; the percentage column as ``0.0%``.

Writing: every workbook is built in memory first, then each file is written with
:func:`analysis.files.atomic_write`; if one fails, the files this call wrote are removed. An
existing workbook of the period is never overwritten (:class:`~analysis.errors.ConfigError`, exit
2, naming the files), an existing county.yaml is kept, and nothing is written into the bundled
demo data.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from analysis import paths, schemas
from analysis.config.county import COUNTY_FILE, county_yaml_text
from analysis.config.standards import load_standards
from analysis.errors import ConfigError, err
from analysis.files import atomic_write
from analysis.ingest.rawdata import (
    GRADE_NAMES,
    HEADER_UNITS,
    RAW_SHEETS,
    SERIAL_HEADERS,
    UNIT_NAMES,
    UNITS,
    RawCol,
    SheetSpec,
    WorkbookCache,
)
from analysis.ingest.tables import USED_BY

README_SHEET = "填表说明"
#: the helper sheet holding the school codes in a workbook without the 学校名录
CODES_SHEET = "学校代码"
#: the hidden sheet holding a vocabulary too long for an inline list
LISTS_SHEET = "取值列表"
#: the workbook-level defined name of the school codes
CODES_NAME = "学校标识码清单"
#: rows of the school-code range (a county has a few hundred schools at most)
CODES_ROWS = 10_000
LAST_ROW = 1_048_576  # Excel's last row: validations and formats cover the whole column
#: Excel's limits of a data validation's texts (MS-XLS DValStrings) and of an inline list
PROMPT_TITLE_MAX, PROMPT_MAX, ERROR_TITLE_MAX, ERROR_MAX, LIST_MAX = 32, 255, 32, 225, 255
#: the side columns the reader ignores that the template adds for the staff's own checking
SIDE_NOTE = "仅供填表人核对，不读取（可不填）"
BLANK_RULE = "空白 = 不知道（按“未知”处理，不是 0）；没有的填 0"
ROMAN = "ⅠⅡⅢⅣⅤⅥ"

_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")  # required cell
_HEAD_FILL_OPT = PatternFill("solid", fgColor="EDEDED")  # may be left blank
_SIDE_FILL = PatternFill("solid", fgColor="FFFFFF")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


# ---------------------------------------------------------------------------- one column
@dataclass(frozen=True)
class Rule:
    """What a column's cells may hold, as Excel data validation and as text for people.

    ``type``: ``list`` (``values``), ``whole`` / ``decimal`` (``lo``–``hi``, either may be None),
    ``custom`` (``unique`` and/or ``school_ref`` codes, or ``number``: any number, a whole one
    when ``integer``; for a numeric column without a range in the schema) or None (free
    text). ``allowed`` is the Chinese description; ``number_format`` the cells' format.
    """

    type: str | None = None
    values: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    unique: bool = False
    school_ref: bool = False
    number: bool = False
    integer: bool = False
    allowed: str = ""
    number_format: str | None = None


@dataclass(frozen=True)
class TemplateColumn:
    """A column of a template sheet: the header written in row 1, the contract column it fills
    (None for a side column the reader ignores) and its rule."""

    header: str
    col: RawCol | None
    rule: Rule = field(default_factory=Rule)


def family(col: RawCol) -> str | None:
    """The unit family of a column (money columns are money without saying so)."""
    return col.unit or ("money" if col.kind == "money" else None)


def shown_unit(col: RawCol) -> str | None:
    """The unit the template writes in the header bracket, or None (no bracket)."""
    fam = family(col)
    if fam is None:
        return None
    unit = col.shown_unit or HEADER_UNITS.get(fam)
    if unit is not None and unit not in UNITS[fam]:
        raise ValueError(f"{col.target}: shown_unit {unit!r} is not a unit of family {fam!r}")
    return unit


def header_text(col: RawCol) -> str:
    """The header the template writes: the contract's first spelling, with the unit bracket."""
    unit = shown_unit(col)
    return f"{col.headers[0]}（{unit}）" if unit else col.headers[0]


def _schema_col(spec: SheetSpec, col: RawCol) -> schemas.Col | None:
    """The processed column a raw column fills (a wide sheet's grade columns fill the long
    table's one value column, e.g. ``students``)."""
    table = schemas.TABLES[spec.table]
    if col.target in table.columns:
        return table.columns[col.target]
    if spec.wide_grades and col.target[:1] == "g" and col.target[1:].isdigit():
        values = [c for name, c in table.columns.items()
                  if name not in table.unique and name not in ("stage",) and c.dtype in ("int", "float")]
        return values[0] if len(values) == 1 else None
    return None


def _is_wide_grade(spec: SheetSpec, col: RawCol) -> bool:
    return spec.wide_grades and col.target[:1] == "g" and col.target[1:].isdigit()


def _is_unique(spec: SheetSpec, col: RawCol) -> bool:
    """One row per value: a unique column, a one-column key, or the key of a wide sheet (the
    long table's key without the grade)."""
    table = schemas.TABLES[spec.table]
    sc = table.columns.get(col.target)
    if sc is not None and sc.unique:
        return True
    keys = [k for k in table.unique if not (spec.wide_grades and k in ("grade", "stage"))]
    return keys == [col.target]


def _num(x: float, group: bool = True) -> str:
    if float(x) == int(x):
        return f"{int(x):,}" if group else str(int(x))
    return f"{x:,g}" if group else f"{x:g}"


def _range_text(lo: float | None, hi: float | None, what: str, group: bool = True) -> str:
    if lo is not None and hi is not None:
        return f"{_num(lo, group)}–{_num(hi, group)} 的{what}"
    if lo is not None:
        return f"不小于 {_num(lo, group)} 的{what}"
    if hi is not None:
        return f"不大于 {_num(hi, group)} 的{what}"
    return what


def column_rule(spec: SheetSpec, col: RawCol) -> Rule:
    """The validation of a contract column, from the contract and the processed table."""
    sc = _schema_col(spec, col)
    lo = None if sc is None else sc.ge
    hi = None if sc is None else (sc.le if sc.le is not None else sc.soft_max)
    isin = None if sc is None else sc.isin
    if col.kind == "bool":
        return Rule("list", ("是", "否"), allowed="是、否")
    if col.kind == "enum" and col.values:
        return Rule("list", tuple(col.values), allowed="、".join(col.values))
    if col.kind == "grade":
        grades = [g for g in range(len(GRADE_NAMES))
                  if (isin is None or g in isin) and (lo is None or g >= lo) and (hi is None or g <= hi)]
        values = tuple(GRADE_NAMES[g] for g in grades)
        return Rule("list", values, allowed="、".join(values))
    if col.kind == "level":
        first = 1 if lo is None else int(lo)
        last = len(ROMAN) if hi is None else int(hi)
        values = tuple(f"{ROMAN[n - 1]}级" for n in range(first, min(last, len(ROMAN)) + 1))
        return Rule("list", values, allowed="、".join(values))
    if col.kind in ("int", "float", "money"):
        fam = family(col)
        if fam == "ratio":
            lo_, hi_ = (0.0 if lo is None else lo), (1.0 if hi is None else hi)
            return Rule("decimal", lo=lo_, hi=hi_, number_format="0.0%",
                        allowed=f"{lo_ * 100:g}%–{hi_ * 100:g}% 的百分数（直接输入，如 12%）")
        what = "整数" if col.kind == "int" else "数"
        if fam == "year":
            what = "四位年份"
        fmt = "#,##0.00" if col.kind == "money" else None
        if lo is None and hi is None:
            return Rule("custom", number=True, integer=col.kind == "int", allowed=what if what != "数" else "数字",
                        number_format=fmt)
        text = _range_text(lo, hi, what, group=fam != "year")
        if sc is not None and sc.soft_max is not None and sc.le is None:
            text += "（更大的数多半是输入或单位错误）"
        return Rule("whole" if col.kind == "int" else "decimal", lo=lo, hi=hi, allowed=text,
                    number_format=fmt)
    if col.kind == "code":
        unique = _is_unique(spec, col)
        parts = []
        if unique:
            parts.append("本表中不能重复")
        if col.school_ref:
            parts.append("须是学校名录中的学校标识码")
        allowed = "按文本填写" + ("；" + "，".join(parts) if parts else "")
        if unique or col.school_ref:
            return Rule("custom", unique=unique, school_ref=col.school_ref, allowed=allowed,
                        number_format="@")
        return Rule(None, allowed=allowed, number_format="@")
    return Rule(None, allowed="文字")


def meaning(spec: SheetSpec, col: RawCol) -> str:
    """The column's meaning for people: the contract's ``doc``, else the processed table's."""
    if col.doc:
        return col.doc
    sc = _schema_col(spec, col)
    return sc.doc if sc is not None else col.headers[0]


def example(spec: SheetSpec, col: RawCol) -> str:
    """An example value as staff would type it: the contract's, else the first allowed value."""
    if col.example:
        return col.example
    rule = column_rule(spec, col)
    if rule.type == "list" and rule.values:
        return rule.values[min(1, len(rule.values) - 1)] if col.kind == "grade" else rule.values[0]
    return ""


def fill_text(spec: SheetSpec, col: RawCol) -> str:
    """Must the cell be filled, and what a blank means (the cleaning's reading of a blank)."""
    if _is_wide_grade(spec, col):
        return ("本校办学类型应有的年级必填（没有学生填 0，空白 = 人数未知）；"
                "其他年级留空（表示没有这个年级）")
    table = schemas.TABLES[spec.table]
    sc = table.columns.get(col.target)
    keys = set(table.unique) | {"school_code"}
    if sc is not None and (not sc.nullable or col.target in keys or sc.unique):
        return "必填（空白则该行不能使用）"
    if sc is None and col.required:
        return "必填"
    if col.required:
        return "应填；不知道可留空（按“未知”处理，列入问题清单）"
    return "选填；不适用或不知道留空"


def must_fill(spec: SheetSpec, col: RawCol) -> bool:
    return fill_text(spec, col).startswith("必填")


def used_by(spec: SheetSpec, col: RawCol) -> str:
    key = f"{spec.table}.{col.target}"
    if key in USED_BY:
        return USED_BY[key]
    if _is_wide_grade(spec, col):
        return USED_BY.get(f"{spec.table}.g*", "")
    return ""


def template_columns(spec: SheetSpec) -> list[TemplateColumn]:
    """The columns of a template sheet in order: every contract column, and the side columns the
    reader ignores (学校名称 right after the school code, 姓名 after the roster's first column)."""
    cols = [TemplateColumn(header_text(c), c, column_rule(spec, c)) for c in spec.columns]
    serial = set(SERIAL_HEADERS) | {"备注"}
    ref = next((i for i, c in enumerate(spec.columns) if c.school_ref), None)
    for h in reversed([h for h in spec.ignore if h not in serial]):
        if h == "学校名称":
            if ref is None:
                continue  # a sheet without schools (质量监测, 县级数据项)
            at = ref + 1
        else:
            at = min(1, len(cols))
        cols.insert(at, TemplateColumn(h, None, Rule(None, allowed=SIDE_NOTE)))
    return cols


def workbooks(specs: tuple[SheetSpec, ...] = RAW_SHEETS) -> dict[str, list[SheetSpec]]:
    """The contract's sheets by workbook file name, in the contract's order."""
    out: dict[str, list[SheetSpec]] = {}
    for spec in specs:
        out.setdefault(spec.file, []).append(spec)
    return out


# ---------------------------------------------------------------------------- texts
def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def unit_text(col: RawCol) -> str:
    fam = family(col)
    if fam is None:
        return ""
    if fam == "ratio":
        return "%（百分数）"
    return shown_unit(col) or UNIT_NAMES[fam]


def header_prompt(spec: SheetSpec, tc: TemplateColumn) -> tuple[str, str]:
    """(title, message) of the header cell's input message."""
    if tc.col is None:
        return _cut(tc.header, PROMPT_TITLE_MAX), SIDE_NOTE
    col = tc.col
    parts = [meaning(spec, col)]
    unit = unit_text(col)
    if unit:
        parts.append(f"单位：{unit}")
    if tc.rule.allowed:
        parts.append(f"填写：{tc.rule.allowed}")
    parts.append(fill_text(spec, col))
    ex = example(spec, col)
    if ex:
        parts.append(f"示例：{ex}")
    return _cut(col.headers[0], PROMPT_TITLE_MAX), _cut("\n".join(parts), PROMPT_MAX)


def cell_prompt(spec: SheetSpec, tc: TemplateColumn) -> str:
    """The data cells' input message: what may be typed, the unit, what a blank means."""
    if tc.col is None:
        return SIDE_NOTE
    unit = unit_text(tc.col)
    text = tc.rule.allowed + (f"；单位：{unit}" if unit else "")
    if tc.col.kind in ("int", "float", "money"):
        text += "；没有填 0，不知道留空"
    return _cut(text, PROMPT_MAX)


def error_text(tc: TemplateColumn) -> str:
    """The Chinese error message of a refused entry."""
    rule = tc.rule
    if rule.type == "list":
        text = f"只能填：{rule.allowed}。请从下拉列表中选择。"
    elif rule.school_ref or rule.unique:
        parts = (["须是学校名录中的学校标识码"] if rule.school_ref else []) + (
            ["在本表中不能重复"] if rule.unique else [])
        text = "该代码" + "，且".join(parts) + "。"
        if rule.school_ref:
            text += f"请核对代码（学校名录有变动时见“{README_SHEET}”）。"
    elif rule.number_format and rule.number_format.endswith("%"):
        text = f"应填写 {rule.allowed}。不知道请留空。"
    else:
        text = f"应填写 {rule.allowed}。只填数字，不带单位；没有填 0，不知道请留空。"
    return _cut(text, ERROR_MAX)


# ---------------------------------------------------------------------------- validations
def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class _Lists:
    """Long vocabularies on a hidden sheet (an inline list is limited to 255 characters)."""

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.ws = None
        self.refs: dict[tuple[str, ...], str] = {}

    def ref(self, values: tuple[str, ...]) -> str:
        if values not in self.refs:
            if self.ws is None:
                self.ws = self.wb.create_sheet(LISTS_SHEET)
                self.ws.sheet_state = "hidden"
            j = len(self.refs) + 1
            for i, v in enumerate(values, start=1):
                self.ws.cell(i, j, v)
            letter = get_column_letter(j)
            self.refs[values] = f"{_quote(LISTS_SHEET)}!${letter}$1:${letter}${len(values)}"
        return self.refs[values]


def _list_formula(values: tuple[str, ...], lists: _Lists) -> str:
    inline = '"' + ",".join(values) + '"'
    if len(inline) <= LIST_MAX and not any("," in v or '"' in v for v in values):
        return inline
    return lists.ref(values)


def _custom_formula(rule: Rule, letter: str) -> str:
    cell = f"{letter}2"
    parts = []
    if rule.unique:
        parts.append(f"COUNTIF(${letter}$2:${letter}${LAST_ROW},{cell})=1")
    if rule.school_ref:
        parts.append(f"OR(COUNTA({CODES_NAME})=0,COUNTIF({CODES_NAME},{cell})>0)")
    if rule.number:
        parts.append(f"ISNUMBER({cell})")
    if rule.integer:
        parts.append(f"{cell}=INT({cell})")
    return parts[0] if len(parts) == 1 else "AND(" + ",".join(parts) + ")"


def _bound(x: float) -> str:
    return str(int(x)) if float(x) == int(x) else repr(float(x))


def data_validation(tc: TemplateColumn, letter: str, lists: _Lists, spec: SheetSpec,
                    rows: str | None = None) -> DataValidation:
    """The data cells' validation of a column (``rows``: the range; the whole column below the
    header by default)."""
    rule = tc.rule
    kw = dict(allow_blank=True, showInputMessage=True, prompt=cell_prompt(spec, tc),
              promptTitle=_cut(tc.header, PROMPT_TITLE_MAX))
    if rule.type is None:
        dv = DataValidation(**kw)
    else:
        kw.update(showErrorMessage=True, errorStyle="stop", errorTitle="填写有误",
                  error=error_text(tc))
        if rule.type == "list":
            dv = DataValidation(type="list", formula1=_list_formula(rule.values, lists), **kw)
        elif rule.type == "custom":
            dv = DataValidation(type="custom", formula1=_custom_formula(rule, letter), **kw)
        else:
            if rule.lo is not None and rule.hi is not None:
                op, f1, f2 = "between", _bound(rule.lo), _bound(rule.hi)
            elif rule.lo is not None:
                op, f1, f2 = "greaterThanOrEqual", _bound(rule.lo), None
            else:
                op, f1, f2 = "lessThanOrEqual", _bound(rule.hi), None
            dv = DataValidation(type=rule.type, operator=op, formula1=f1, formula2=f2, **kw)
    dv.add(rows or f"{letter}2:{letter}{LAST_ROW}")
    return dv


def header_validation(spec: SheetSpec, tc: TemplateColumn, letter: str) -> DataValidation:
    """An "any value" validation on the header cell that only carries its input message."""
    title, message = header_prompt(spec, tc)
    dv = DataValidation(showInputMessage=True, promptTitle=title, prompt=message, allow_blank=True)
    dv.add(f"{letter}1")
    return dv


# ---------------------------------------------------------------------------- county items
def county_item_rows() -> list[dict[str, object]]:
    """The 县级数据项 rows the template lists: code, name and unit of every county item."""
    return [{"item": code, "label": spec.label, "unit": spec.unit}
            for code, spec in schemas.COUNTY_ITEM_SPECS.items()]


def _item_rule(item: schemas.CountyItem) -> Rule:
    hi = item.le if item.le is not None else item.soft_max
    return Rule("decimal", lo=item.ge, hi=hi, allowed=_range_text(item.ge, hi, "数") + f"（单位：{item.unit}）")


#: sheets the template lists rows in, by processed table: the rows and the per-row rule of a
#: column (None: the column's own)
PREFILLED = {"county_items": county_item_rows}


# ---------------------------------------------------------------------------- workbooks
def _width(text: str) -> float:
    wide = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(10.0, min(40.0, wide + 4.0))


def _fill_sheet(ws, spec: SheetSpec, lists: _Lists) -> dict[str, str]:
    """Header, formats, validations and listed rows of one sheet; returns target → column letter."""
    cols = template_columns(spec)
    letters: dict[str, str] = {}
    for j, tc in enumerate(cols, start=1):
        letter = get_column_letter(j)
        cell = ws.cell(1, j, tc.header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = _BORDER
        if tc.col is None:
            cell.fill = _SIDE_FILL
        else:
            cell.fill = _HEAD_FILL if must_fill(spec, tc.col) else _HEAD_FILL_OPT
            letters[tc.col.target] = letter
        dim = ws.column_dimensions[letter]
        dim.width = _width(tc.header)
        if tc.rule.number_format:
            dim.number_format = tc.rule.number_format
        ws.add_data_validation(header_validation(spec, tc, letter))
        if tc.col is not None and spec.table in PREFILLED and tc.col.target == "value":
            continue  # per-row rules below
        ws.add_data_validation(data_validation(tc, letter, lists, spec))
    ws.row_dimensions[1].height = 36
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    if spec.table in PREFILLED:
        _prefill(ws, spec, cols, letters, lists)
    return letters


def _prefill(ws, spec: SheetSpec, cols: list[TemplateColumn], letters: dict[str, str],
             lists: _Lists) -> None:
    """The listed rows (county items): code, name and unit filled, the value's own range."""
    by_target = {tc.col.target: tc for tc in cols if tc.col is not None}
    for i, row in enumerate(PREFILLED[spec.table](), start=2):
        for target, value in row.items():
            if target in letters and value is not None:
                ws[f"{letters[target]}{i}"] = value
        if "value" not in letters:
            continue
        item = schemas.COUNTY_ITEM_SPECS[row["item"]]
        tc = by_target["value"]
        letter = letters["value"]
        if item.unit is None:
            rule = Rule(None, allowed="认定项：数值留空，在“认定”列选择是/否并填写佐证材料")
        else:
            rule = _item_rule(item)
        ws.add_data_validation(data_validation(TemplateColumn(tc.header, tc.col, rule), letter, lists,
                                               spec, rows=f"{letter}{i}"))
    # rows added below the list: any number
    n = len(PREFILLED[spec.table]()) + 2
    tc = by_target.get("value")
    if tc is not None:
        ws.add_data_validation(data_validation(tc, letters["value"], lists, spec,
                                               rows=f"{letters['value']}{n}:{letters['value']}{LAST_ROW}"))


def _codes_ref(specs: list[SheetSpec]) -> str | None:
    """Where the workbook's school codes are: the 学校名录's code column when the workbook holds
    the school list, else the helper sheet (None: no column of the workbook needs them)."""
    if not any(c.school_ref for spec in specs for c in spec.columns):
        return None
    for spec in specs:
        if spec.table == "schools":
            letter = next(get_column_letter(j) for j, tc in enumerate(template_columns(spec), start=1)
                          if tc.col is not None and tc.col.target == "school_code")
            return f"{_quote(spec.sheet)}!${letter}$2:${letter}${CODES_ROWS + 1}"
    return f"{_quote(CODES_SHEET)}!$A$2:$A${CODES_ROWS + 1}"


def _codes_sheet(wb: Workbook, school_sheet: SheetSpec | None) -> None:
    ws = wb.create_sheet(CODES_SHEET)
    ws.sheet_properties.tabColor = "A6A6A6"
    for j, h in enumerate(("学校标识码", "学校名称"), start=1):
        c = ws.cell(1, j, h)
        c.font, c.fill, c.border = Font(bold=True), _HEAD_FILL_OPT, _BORDER
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 16, 30
    ws.column_dimensions["A"].number_format = "@"
    ws.column_dimensions["D"].width = 70
    where = (f"《{school_sheet.workbook}》的“{school_sheet.sheet}”工作表" if school_sheet is not None
             else "学校名录")
    note = ws.cell(1, 4, f"辅助表（不读取）：填好{where}后，把其中的“学校标识码”“学校名称”两列复制到本表 A、B 列"
                         "（右键 → 选择性粘贴 → 数值）。本工作簿各表输入的学校标识码须在本表 A 列中，否则会提示；"
                         "本表为空时不作核对。学校有增减时请重新粘贴。")
    note.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"


def _school_sheet() -> SheetSpec | None:
    return next((s for s in RAW_SHEETS if s.table == "schools"), None)


GENERAL_NOTES = (
    "每个工作表第 1 行是表头，从第 2 行起每行填一条记录。请勿修改表头文字，勿改工作表名称和文件名；"
    "可以在最右边增加“备注”列（不读取）。",
    "空白和 0 不一样：没有的填 0，不知道的留空。空白按“未知”处理，用到它的指标显示为“无数据”，绝不按 0 计算。",
    "数值只填数字，不带单位：单位见表头括号（面积按平方米，金额按元）。百分数直接输入，如 12%。",
    "选中表头或单元格可看到填写提示；有下拉箭头的列请从列表中选择；数值、年份、百分数超出范围时 Excel/WPS 会提示。",
    "代码列（学校标识码、班级编号、教师编号等）已设为文本格式，前导 0 不会丢失。",
    "不要合并单元格，不要加合计行、小计行或标题行。",
    "从其他表格复制数据时请用“选择性粘贴 → 数值”：Excel/WPS 不检查粘贴进来的值，普通粘贴还会覆盖本列的下拉和提示。",
)


def _notes(workbook: str, specs: list[SheetSpec], period: str, has_codes_sheet: bool) -> list[str]:
    school = _school_sheet()
    sheets = "、".join(f"“{s.sheet}”" + ("（可选）" if s.optional else "") for s in specs)
    notes = [f"本工作簿共有 {len(specs)} 个填报工作表：{sheets}。", *GENERAL_NOTES]
    if school is not None and any(s.table == "schools" for s in specs):
        notes.append(f"先填好“{school.sheet}”：每所学校（含教学点、不计校数的校区）一行。其他工作表和其他工作簿"
                     "中的学校标识码都必须是学校名录中的代码。")
    elif has_codes_sheet and school is not None:
        notes.append(f"学校标识码：在《{school.workbook}》的“{school.sheet}”填好后，把其中的“学校标识码”“学校名称”"
                     f"两列复制到本工作簿的“{CODES_SHEET}”工作表（选择性粘贴 → 数值）；之后输入的学校标识码须在"
                     f"该表中，否则会提示。“{CODES_SHEET}”表为空时不作核对。")
    notes.append(f"填好后保存为 .xlsx，放在县数据文件夹的 {period} 子文件夹中，运行 "
                 f"analysis check --period {period} --data <县数据文件夹>，按“数据质量问题清单”更正后再运行。")
    return notes


README_HEADERS = ("工作表", "列（表头）", "含义", "单位", "允许取值 / 范围", "填写要求", "示例", "亦可写作",
                  "用于指标")
_README_WIDTHS = (14, 24, 40, 10, 34, 30, 18, 22, 18)


def readme_rows(specs: list[SheetSpec]) -> list[tuple]:
    """The 填表说明 table: one row per sheet (what a row is) and one per column of it."""
    rows: list[tuple] = []
    for spec in specs:
        doc = spec.doc or schemas.TABLES[spec.table].doc
        rows.append((spec.sheet, "（整张表）", doc + ("（可选工作表）" if spec.optional and "可选" not in doc else ""),
                     "", "", "", "", "", ""))
        for tc in template_columns(spec):
            if tc.col is None:
                rows.append((spec.sheet, tc.header, SIDE_NOTE, "", "", "选填", "", "", ""))
                continue
            col = tc.col
            aliases = "、".join(col.headers[1:])
            if col.aliases:
                aliases += ("；" if aliases else "") + "取值亦可写：" + "、".join(f"{k}→{v}" for k, v in col.aliases.items())
            rows.append((spec.sheet, tc.header, meaning(spec, col), unit_text(col) or "—", tc.rule.allowed,
                         fill_text(spec, col), example(spec, col), aliases, used_by(spec, col)))
        if spec.table in PREFILLED:
            rows.append((spec.sheet, "（已列出的行）", "模板已列出全部县级数据项的代码、名称和单位：数值项填“数值”，"
                         "认定项在“认定”列选择是/否并填写佐证材料；不知道的留空（相关指标为“无数据”）。",
                         "", "", "", "", "", ""))
            for row in PREFILLED[spec.table]():
                item = schemas.COUNTY_ITEM_SPECS[row["item"]]
                rng = "认定（是/否）" if item.unit is None else _item_rule(item).allowed
                rows.append((spec.sheet, str(row["item"]), item.label, item.unit or "—", rng, "", "", "", ""))
    return rows


def _readme(ws, workbook: str, specs: list[SheetSpec], county: str | None, period: str,
            has_codes_sheet: bool) -> None:
    ncol = len(README_HEADERS)
    title = f"《{workbook}》填表说明" + (f"（{county}，{period} 年）" if county else f"（{period} 年）")
    ws.cell(1, 1, title).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    r = 2
    for i, note in enumerate(_notes(workbook, specs, period, has_codes_sheet), start=1):
        c = ws.cell(r, 1, f"{i}. {note}")
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        ws.row_dimensions[r].height = 32 if len(note) > 70 else 18
        r += 1
    ws.cell(r, 1, "表头底色：蓝色 = 必填，灰色 = 可留空，白色 = 仅供核对（不读取）。").font = Font(italic=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
    r += 2
    head = r
    for j, h in enumerate(README_HEADERS, start=1):
        c = ws.cell(r, j, h)
        c.font, c.fill, c.border = Font(bold=True), _HEAD_FILL, _BORDER
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for j, w in enumerate(_README_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in readme_rows(specs):
        r += 1
        whole = row[1].startswith("（")
        for j, v in enumerate(row, start=1):
            c = ws.cell(r, j, v if v != "" else None)
            c.alignment, c.border = wrap, _BORDER
            c.data_type = "s" if v != "" else c.data_type
            if whole:
                c.font, c.fill = Font(bold=True), _HEAD_FILL_OPT
    ws.freeze_panes = f"A{head + 1}"
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def build_workbook(file: str, specs: list[SheetSpec], *, county: str | None, period: str) -> Workbook:
    """One blank workbook: 填表说明 first, the contract's sheets, the school-code helper sheet
    when needed, the hidden lists sheet when a vocabulary is too long for an inline list."""
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    lists = _Lists(wb)
    for spec in specs:
        _fill_sheet(wb.create_sheet(spec.sheet), spec, lists)
    ref = _codes_ref(specs)
    has_codes_sheet = ref is not None and ref.startswith(_quote(CODES_SHEET))
    if has_codes_sheet:
        _codes_sheet(wb, _school_sheet())
    if ref is not None:
        wb.defined_names[CODES_NAME] = DefinedName(CODES_NAME, attr_text=ref)
    if lists.ws is not None:
        wb.move_sheet(lists.ws, offset=len(wb.sheetnames))  # last
    _readme(readme, Path(file).stem, specs, county, period, has_codes_sheet)
    wb.active = 0
    wb.properties.creator = "analysis template"
    wb.properties.title = f"{Path(file).stem}（空白填报模板）"
    return wb


# ---------------------------------------------------------------------------- county.yaml
def county_yaml(county: str | None, period: str) -> str:
    """The county.yaml the template writes: :func:`analysis.config.county.county_yaml_text` (every
    section, Chinese comments, the period's 表Ⅰ facts left blank) for a real county (``demo:
    false``) with the standards' target year; no name leaves ``county:`` empty."""
    return county_yaml_text(county or "", [period], demo=False, target_year=int(load_standards()["target_year"]))


# ---------------------------------------------------------------------------- writing
@dataclass
class TemplateResult:
    folder: Path  # DIR/<period>
    files: list[Path]  # the workbooks written
    county_file: Path  # DIR/county.yaml
    county_written: bool  # False: an existing county.yaml was kept


def default_period() -> str:
    return str(_dt.date.today().year)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _check_target(out: Path, period: str, county: str | None) -> Path:
    if not re.fullmatch(r"\d{4}", period):
        raise ConfigError(err(f"报告期应为四位年份，如 --period 2022，收到“{period}”",
                              f"the period must be a 4-digit year such as --period 2022, got {period!r}"))
    if county is not None and (not county.strip() or re.search(r"[\x00-\x1f\x7f]", county)):
        raise ConfigError(err(f"县名“{county}”无效（不能为空或含换行等控制字符）",
                              f"invalid county name {county!r} (empty or control characters)"))
    demo = paths.DEMO_RAW_DIR.resolve()
    if _inside(out, demo):
        raise ConfigError(err(f"不能写入示例数据文件夹 {demo}：请用 --out 指定本县自己的数据文件夹",
                              f"refusing to write into the bundled demo data {demo}: give your "
                              "county's own folder with --out"))
    if _inside(demo, out):
        raise ConfigError(err(f"--out {out} 包含示例数据文件夹 {demo}：请用本县自己的数据文件夹，如 "
                              f"{demo.parent / '某县'}",
                              f"--out {out} holds the bundled demo data {demo}: give your county's own "
                              f"folder, e.g. {demo.parent / 'mycounty'}"))
    if out.exists() and not out.is_dir():
        raise ConfigError(err(f"--out {out} 不是文件夹", f"--out {out} is not a folder"))
    if out.is_dir():
        here = WorkbookCache(out)
        stray = [f for f in workbooks() if here.path(f) is not None]
        if stray:
            raise ConfigError(err(
                f"{out} 中已有工作簿 {'、'.join(stray)}，看起来是某一期的文件夹：--out 应为县的数据文件夹"
                f"（模板写入其中的 {period} 子文件夹）",
                f"{out} already holds {', '.join(stray)}: it looks like a period folder; --out is the "
                f"county's data folder (the template goes into its {period} subfolder)"))
    folder = out / period
    if folder.exists() and not folder.is_dir():
        raise ConfigError(err(f"{folder} 已存在且不是文件夹", f"{folder} exists and is not a folder"))
    if folder.is_dir():
        here = WorkbookCache(folder)
        present = [str(here.path(f)) for f in workbooks() if here.path(f) is not None]
        if present:
            raise ConfigError(err(
                f"{folder} 中已有工作簿，不会覆盖（可能是已填写的数据）：{'、'.join(Path(p).name for p in present)}。"
                "请换一个 --out 或 --period，或先把这些文件移走",
                f"{folder} already holds workbooks, not overwritten (they may be filled in): "
                f"{', '.join(Path(p).name for p in present)}; choose another --out or --period, or "
                "move them away first"))
    return folder


def write_template(out_dir: str | Path, period: str | None = None, county: str | None = None,
                   specs: tuple[SheetSpec, ...] = RAW_SHEETS) -> TemplateResult:
    """Write the blank input set: ``out_dir/county.yaml`` (when absent) and the contract's
    workbooks in ``out_dir/<period>/``. Raises :class:`ConfigError` (nothing written) for a bad
    period or name, the demo folder, or a period folder that already holds workbooks."""
    period = str(period or default_period()).strip()
    county = None if county is None else county.strip()
    out = Path(out_dir).expanduser().resolve()
    folder = _check_target(out, period, county)
    payloads: list[tuple[Path, bytes]] = []
    for file, group in workbooks(specs).items():
        buf = io.BytesIO()
        build_workbook(file, group, county=county, period=period).save(buf)
        payloads.append((folder / file, buf.getvalue()))
    county_file = out / COUNTY_FILE
    write_county = not county_file.exists()
    if write_county:
        payloads.append((county_file, county_yaml(county, period).encode("utf-8")))
    written: list[Path] = []
    try:
        for path, data in payloads:
            atomic_write(path, data)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        raise ConfigError(err(f"无法写入 {out}：{exc.strerror or exc}",
                              f"cannot write into {out}: {exc.strerror or exc}")) from exc
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return TemplateResult(folder, [p for p, _ in payloads if p != county_file], county_file, write_county)


def summary_lines(result: TemplateResult, county: str | None) -> list[str]:
    """What the command prints: the files written and the next steps (Chinese and English)."""
    lines = [f"已写出空白填报模板 / blank templates written: {result.folder}"]
    lines += [f"  {p.name}" for p in result.files]
    if result.county_written:
        lines.append(f"  {result.county_file}" + ("" if county else "（请在其中填写县名 / fill in the county's name）"))
    else:
        lines.append(f"  {result.county_file} 已存在，未改动；如是新的一期，请在 periods 中加上 "
                     f"{result.folder.name} / kept as it was; add {result.folder.name} to its periods")
    lines.append("下一步 / next: 先填《学校基本情况》的学校名录，再填其他工作簿（各工作簿的“填表说明”写明每一列）"
                 "和 county.yaml 中表Ⅰ的县域基本情况；"
                 f"然后运行 analysis check --period {result.folder.name} --data {result.folder.parent}")
    return lines
