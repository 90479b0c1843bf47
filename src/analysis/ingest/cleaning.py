"""Cleaning (数据清洗): raw workbooks of one period → validated tidy tables.

``clean_period(raw_dir, period, out_dir)`` reads every sheet of :data:`analysis.ingest.rawdata.RAW_SHEETS`
from ``raw_dir/<period>/``, parses values by kind, converts units, applies the validation rules
declared with the table contracts (:mod:`analysis.schemas`: hard ranges, plausibility bounds,
cross-field part ≤ whole rules), validates each table (pandera, ``lazy=True``), merges 不计校数
campuses into their parents and writes ``out_dir/<period>/<table>.parquet`` and ``.csv``
(utf-8-sig) atomically.

Nothing disappears silently and a missing value never becomes a zero or a smaller number:

- a cell that cannot be used (not a number, out of range, implausible, a formula without a saved
  value, part > whole) in a column that may be missing is read as missing (NA) and listed in
  ``data_quality`` with file, sheet, Excel row, the Excel header, the value and what to do;
- a row that cannot be used at all (a bad key, type or stage) goes to ``quarantine`` (file, sheet,
  Excel row, reason, the original record, the school) and gets a line in ``data_quality``; when the
  row held data of a listed school, ``quarantine.incomplete`` marks that school's table as
  incomplete, so the engine reads the school's totals from that table as missing;
- in the 在校生 sheet a blank grade cell inside the school type's grade range is unknown (an NA
  row), a blank outside the range means the school has no such grade, and 0 means no pupils;
- every repair (合计 row dropped, merged cells, full-width digits, stray or invisible characters,
  units converted, campus merged) is a line in ``data_quality``.

``summary`` counts, per table, rows in = rows out + quarantined + merged into a parent.

A missing workbook, sheet or column raises :class:`analysis.ingest.rawdata.RawDataError` naming it
(every missing workbook at once). Raw files are only read.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors as pa_errors

from analysis import schemas
from analysis.config.county import COUNTY_FILE, county_meta, missing_facts
from analysis.config.standards import load_standards
from analysis.engine.inputs import COUNTY_TABLES
from analysis.engine.teachers import COUNT_FIELDS, roster_counts
from analysis.files import write_csv
from analysis.ingest.rawdata import (
    BAND_TARGETS,
    GRADE_NAMES,
    NUMERIC_KINDS,
    RAW_SHEETS,
    UNIT_NAMES,
    UNITS,
    RawDataError,
    RawSheet,
    SheetSpec,
    WorkbookCache,
    err,
    norm_text,
    norm_unit,
    parse_column,
    read_sheet,
    unit_factor,
)
from analysis.ingest.stats_report import report_lines
from analysis.schemas import stage_of_grade

INPUT_TABLES = [
    "schools", "enrolment", "classes", "class_bands", "teachers", "teacher_counts", "facilities",
    "special_rooms", "finance",
    "catchment", "quota", "ratings", "homework", "monitoring", "monitoring_scores",
    "satisfaction", "county_items",
]
OUTPUT_TABLES = [*INPUT_TABLES, "data_quality", "quarantine"]
QUARANTINED = "已隔离，见隔离表 / quarantined"
#: what it means when only the counts form of a table is given (the action of its data-quality line)
ALTERNATIVE_ONLY = {
    "teachers": ("L1–L3 按专任教师数计算；G9、G11、G12 需要逐人的花名册，本期不能判定（请核对：需要这三项时"
                 "请填写“教职工”）/ L1–L3 from the counts; G9, G11, G12 need one row per teacher and "
                 "cannot be judged"),
    "classes": ("G3、G5 按班额分段计算，班额段跨越上限的班不能判定（请核对）/ G3 and G5 from the class "
                "counts by band"),
}
READ_AS_MISSING = ("记为缺失（不按 0 计），相关指标为“无数据”；请更正后重跑 / read as missing (never zero): "
                   "the indicators that need it have no data until corrected")
UNCACHED_FORMULA = ("公式没有保存的计算结果：请在 Excel 或 WPS 中打开该工作簿并保存后再运行 / a formula "
                    "without a saved result: open the workbook in Excel or WPS, save it, run again")


@dataclass
class CleanResult:
    """What :func:`clean_period` produced."""

    period: str
    out_path: Path | None
    tables: dict[str, pd.DataFrame]
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def data_quality(self) -> pd.DataFrame:
        return self.tables["data_quality"]

    @property
    def quarantine(self) -> pd.DataFrame:
        return self.tables["quarantine"]


def _none_if_na(value):
    if value is not None and not isinstance(value, str) and pd.isna(value):
        return None
    return value


#: markers in a data-quality line's action that make it 需更正 (data kept aside or missing) or
#: 请核对 (read under an assumption the analyst should confirm); other lines are 已自动处理
#: (a spelling or layout repair that changes no value)
_FIX_MARKERS = ("隔离", "缺失", "无数据", "未知", "不按 0 计", "置空")
_CHECK_MARKERS = ("请确认", "请核对", "若为", "若不应", "已忽略", "只读第一列", "按空行处理", "未读取",
                  "为准", "不参与计算", "该表为空")


def severity(action: str) -> str:
    """需更正 / 请核对 / 已自动处理 of a data-quality line, from its action (see the markers)."""
    if any(m in action for m in _FIX_MARKERS):
        return schemas.SEVERITIES[0]
    if any(m in action for m in _CHECK_MARKERS):
        return schemas.SEVERITIES[1]
    return schemas.SEVERITIES[2]


def _code_text(value) -> str | None:
    """A school code as the cleaning reads it (text, spaces and invisible characters removed)."""
    value = _none_if_na(value)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = norm_text(value)
    return text or None


class _Log:
    """Collects data-quality lines and quarantined rows."""

    def __init__(self):
        self.lines: list[dict] = []
        self.quarantine: list[dict] = []
        self.sheets: dict[tuple[str, str], RawSheet] = {}
        self._records: dict[tuple[str, str], dict[int, str]] = {}
        self._row_codes: dict[tuple[str, str], dict[int, str | None]] = {}

    def note(self, file, sheet, row, column, value, problem, action):
        self.lines.append(dict(file=file, sheet=sheet, row=row, column=column,
                               value=None if value is None else str(value),
                               problem=problem, action=action))

    def register(self, raw: RawSheet) -> None:
        """Keep the sheet as read: its rows are the quarantine's records and the data-quality
        lines' schools (:meth:`records`, :meth:`row_codes`, built when first needed)."""
        self.sheets[(raw.spec.file, raw.spec.sheet)] = raw

    def records(self, key: tuple[str, str]) -> dict[int, str]:
        """Excel row → the row as written (JSON, the Excel headers as keys) of a registered sheet."""
        if key not in self._records:
            recs = {}
            raw = self.sheets.get(key)
            if raw is not None:
                headers = raw.headers
                for rec in raw.frame.to_dict("records"):
                    row = rec.pop("_row")
                    recs[row] = json.dumps(
                        {headers.get(k, k): (None if v is None or (isinstance(v, float) and np.isnan(v))
                                             else v if isinstance(v, (int, float, str, bool)) else str(v))
                         for k, v in rec.items()}, ensure_ascii=False)
            self._records[key] = recs
        return self._records[key]

    def row_codes(self, key: tuple[str, str]) -> dict[int, str | None]:
        """Excel row → school code (as the cleaning reads it) of a registered sheet with codes."""
        if key not in self._row_codes:
            raw = self.sheets.get(key)
            self._row_codes[key] = ({} if raw is None or "school_code" not in raw.frame.columns else dict(zip(
                raw.frame["_row"].astype(int), raw.frame["school_code"].map(_code_text))))
        return self._row_codes[key]

    def school_of(self, line: dict, listed: set[str]) -> str | None:
        """The school a data-quality line is about: its row's school code, else its value when
        that is a listed school's code."""
        row = _none_if_na(line.get("row"))
        if row is not None:
            code = self.row_codes((line["file"], line["sheet"])).get(int(row))
            if code is not None:
                return code
        value = _code_text(line.get("value"))
        return value if value in listed else None

    def quarantine_rows(self, spec: SheetSpec, rows, reasons, columns=None, values=None,
                        codes=None, incomplete: bool = True) -> None:
        """Quarantine rows; each also gets a data-quality line naming its column and value.

        ``codes``: the school of each row (when known). ``incomplete``: the row held data of that
        school (a bad value), so the school's table is incomplete; False for a duplicate or a row
        of a school that is not in the list.
        """
        for i, (row, reason) in enumerate(zip(rows, reasons)):
            row = int(row)
            code = None if codes is None else _none_if_na(codes[i])
            self.quarantine.append(dict(
                file=spec.file, sheet=spec.sheet, row=row, reason=reason,
                record=self.records((spec.file, spec.sheet)).get(row, "{}"),
                table=spec.table, school_code=None if code is None else str(code),
                incomplete=bool(incomplete and (code is not None or spec.table in COUNTY_TABLES))))
            value = None if values is None else _none_if_na(values[i])
            self.note(spec.file, spec.sheet, row, None if columns is None else columns[i],
                      "（空 / blank）" if value is None and values is not None else value,
                      reason, QUARANTINED)


# ---------------------------------------------------------------------------- parsing
#: parsed-value markers of the wide 在校生 sheet (a grade cell that is blank / unusable)
_BLANK, _UNKNOWN = "__blank__", "__unknown__"


def _key_columns(table: str) -> set[str]:
    t = schemas.TABLES[table]
    return set(t.unique) | {c for c, col in t.columns.items() if col.unique} | {"school_code"}


def _unit_notes(raw: RawSheet, log: _Log) -> dict[str, float]:
    """The unit factor of every numeric column, with a line for each conversion made."""
    spec = raw.spec
    cols = {c.target: c for c in spec.columns}
    factors: dict[str, float] = {}
    for target, header in raw.headers.items():
        col = cols[target]
        if col.kind not in NUMERIC_KINDS:
            continue
        unit = raw.units.get(target)
        factor = unit_factor(col, unit)
        factors[target] = factor
        if col.kind == "money" and unit is None:
            log.note(spec.file, spec.sheet, raw.header_row, header, None,
                     "金额列表头未注明单位 / no unit in the header of an amount column",
                     "按元计；若为万元请在表头写明“（万元）” / read as 元; write （万元） in the header "
                     "if the amounts are in 万元")
        elif factor != 1.0:
            family = col.unit or "money"
            log.note(spec.file, spec.sheet, raw.header_row, header, unit,
                     f"单位为{norm_unit(unit)} / unit {norm_unit(unit)}",
                     f"已乘以{factor:g}换算为{UNIT_NAMES[family]} / converted to {UNIT_NAMES[family]} "
                     f"(× {factor:g})")
    return factors


def _parse_sheet(raw: RawSheet, log: _Log) -> pd.DataFrame:
    """Parse every column by kind.

    A cell that cannot be parsed is read as missing (and listed) when its column may be missing
    and is not a key; otherwise its row is quarantined. In the wide 在校生 sheet such a cell
    becomes an unknown count of that grade (an NA row), never a smaller total.
    """
    spec, frame = raw.spec, raw.frame
    columns = {"_row": frame["_row"].astype(int)}  # the parsed columns, in the sheet's order
    bad = pd.Series("", index=frame.index, dtype=object)
    bad_vals = pd.Series(None, index=frame.index, dtype=object)  # first bad value of the row
    bad_first = pd.Series(None, index=frame.index, dtype=object)  # and its column
    blanks: list[tuple[str, pd.Series]] = []  # (header, blank mask) of required nullable columns
    schema_cols = schemas.TABLES[spec.table].columns
    keys = _key_columns(spec.table)
    cols = {c.target: c for c in spec.columns}
    _unit_notes(raw, log)
    rows = frame["_row"].astype(int).tolist()
    for target in [c for c in frame.columns if c != "_row"]:
        col = cols[target]
        header = raw.headers[target]
        parsed, errors, notes = parse_column(frame[target], col, raw.units.get(target))
        for pos, problem in notes.items():
            idx = frame.index[pos]
            log.note(spec.file, spec.sheet, int(frame.at[idx, "_row"]), header,
                     frame.at[idx, target], problem,
                     "已规范为半角、去除空格 / normalised")
        if raw.uncached:
            for pos, row in enumerate(rows):
                if (row, target) in raw.uncached and parsed.iloc[pos] is None:
                    errors.iloc[pos] = UNCACHED_FORMULA
        has_err = errors.notna()
        wide_grade = spec.wide_grades and target.startswith("g") and target[1:].isdigit()
        wide_band = spec.wide_bands and (target in BAND_TARGETS or target == "row_total")
        cell_na = wide_grade or wide_band or (target in schema_cols and schema_cols[target].nullable
                                              and target not in keys)
        if not has_err.any():
            pass  # nothing to list or quarantine (the usual column)
        elif cell_na:
            for idx in frame.index[has_err]:
                written = frame.at[idx, target]
                log.note(spec.file, spec.sheet, int(frame.at[idx, "_row"]), header,
                         "（空 / blank）" if written is None else written,
                         f"{errors[idx]}", READ_AS_MISSING)
            parsed[has_err] = _UNKNOWN if wide_grade else None
        else:
            msg = (f"列“{header}”的值“" + frame[target].astype(str) + "”：" + errors.fillna("")
                   + "; ")
            bad = bad.where(~has_err, bad + msg)
            first = has_err & bad_first.isna()
            bad_vals = bad_vals.where(~first, frame[target])
            bad_first = bad_first.where(~first, header)
        if wide_grade:
            parsed[parsed.isna()] = _BLANK
        elif col.required and target in schema_cols and schema_cols[target].nullable:
            # a blank required cell the schema lets through: kept as missing, and listed
            blanks.append((header, parsed.isna() & errors.isna()))
        columns[target] = parsed
    out = pd.DataFrame(columns, index=frame.index)
    rejected = bad != ""
    if rejected.any():
        codes = out.loc[rejected, "school_code"].tolist() if "school_code" in out else None
        log.quarantine_rows(spec, out.loc[rejected, "_row"].tolist(),
                            [b.rstrip("; ") for b in bad[rejected]],
                            bad_first[rejected].tolist(),
                            bad_vals[rejected].tolist(), codes=codes)
    for header, blank in blanks:
        for idx in frame.index[blank & ~rejected]:
            log.note(spec.file, spec.sheet, int(frame.at[idx, "_row"]), header, None,
                     "必填项为空 / required cell is blank",
                     "记为缺失（不按 0 计），相关指标为“无数据” / kept as missing, never read as zero")
    out = out.loc[~rejected].reset_index(drop=True)
    if spec.wide_grades:
        out = _grades_long(out, raw, log)
    if spec.wide_bands:
        out = _bands_long(out, raw, log)
    return out


def _bands_long(wide: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """班额分段 one column per band → one row per school, stage and band (a blank band cell is an
    unknown number of classes, never 0)."""
    spec = raw.spec
    bcols = [c for c in BAND_TARGETS if c in wide.columns]
    long = wide.melt(id_vars=["school_code", "stage", "_row"], value_vars=bcols, var_name="band",
                     value_name="classes")
    long["size_min"] = long["band"].map(lambda b: BAND_TARGETS[b][0])
    long["size_max"] = long["band"].map(lambda b: BAND_TARGETS[b][1]).astype(object)
    long["_excel_col"] = long["band"].map(raw.headers)
    if "row_total" in wide.columns:
        nums = wide[bcols].apply(pd.to_numeric)
        sums = nums.sum(axis=1, min_count=1)
        known = nums.notna().all(axis=1)
        mismatch = wide["row_total"].notna() & known & (sums != pd.to_numeric(wide["row_total"]))
        for idx in wide.index[mismatch]:
            log.note(spec.file, spec.sheet, int(wide.at[idx, "_row"]), raw.headers["row_total"],
                     wide.at[idx, "row_total"],
                     f"班数合计与各班额段之和（{sums[idx]:.0f}）不符 / the total differs from the sum of "
                     "the bands", "以各班额段的班数为准 / band counts used")
    return long.drop(columns="band").sort_values(["_row", "size_min"]).reset_index(drop=True)


def _grades_long(wide: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """在校生 one column per grade → one row per school and grade.

    Blank cells become rows marked blank (kept or dropped once the school's type is known, see
    :func:`_resolve_blank_grades`); unusable cells rows with an unknown (NA) count.
    """
    spec = raw.spec
    gcols = [c for c in wide.columns if c.startswith("g") and c[1:].isdigit()]
    long = wide.melt(id_vars=["school_code", "_row"], value_vars=gcols, var_name="g",
                     value_name="students")
    empty = (wide[gcols] == _BLANK).all(axis=1)
    for idx in wide.index[empty]:
        log.note(spec.file, spec.sheet, int(wide.at[idx, "_row"]), raw.headers["school_code"],
                 wide.at[idx, "school_code"], "各年级在校生均为空 / every grade cell is blank",
                 "该校在校生数为未知（不按 0 计），有学生的年级请填人数、没有学生的年级请填 0 / "
                 "the school's pupil count is unknown (not zero): fill each grade, 0 where none")
    long["grade"] = long["g"].str[1:].astype(int)
    long["blank"] = long["students"].eq(_BLANK)
    long["students"] = long["students"].where(~long["students"].isin([_BLANK, _UNKNOWN]), None)
    long["stage"] = stage_of_grade(long["grade"])
    # the header as written ("三年级（人）" in the template), for the data-quality list
    long["_excel_col"] = long["g"].map(lambda g: raw.headers.get(g) or GRADE_NAMES[int(g[1:])])
    if "row_total" in wide.columns:
        numeric = wide[gcols].where(~wide[gcols].isin([_BLANK, _UNKNOWN]), None)
        sums = numeric.apply(pd.to_numeric).sum(axis=1, min_count=1)
        unknown = (wide[gcols] == _UNKNOWN).any(axis=1)
        mismatch = wide["row_total"].notna() & ~unknown & (sums != pd.to_numeric(wide["row_total"]))
        for idx in wide.index[mismatch]:
            log.note(spec.file, spec.sheet, int(wide.at[idx, "_row"]), raw.headers["row_total"],
                     wide.at[idx, "row_total"],
                     f"合计列与各年级之和（{sums[idx]:.0f}）不符 / row total differs from the sum "
                     "of grades", "以各年级数为准 / grade counts used")
    return long.drop(columns=["g"]).sort_values(["_row", "grade"]).reset_index(drop=True)


def _resolve_blank_grades(enrol: pd.DataFrame, schools: pd.DataFrame, raw: RawSheet,
                          log: _Log) -> tuple[pd.DataFrame, int]:
    """Blank grade cells: inside the school type's grade range unknown (kept, NA); outside, the
    school has no such grade (dropped). Returns the rows and how many blank cells were kept."""
    types = schools.drop_duplicates("school_code").set_index("school_code")["school_type"]
    rng = enrol["school_code"].map(types).map(schemas.TYPE_GRADES)
    in_range = pd.Series([isinstance(r, tuple) and g in r for r, g in zip(rng, enrol["grade"])],
                         index=enrol.index)
    keep_blank = enrol["blank"] & in_range
    spec = raw.spec
    for _, r in enrol[keep_blank].iterrows():
        log.note(spec.file, spec.sheet, int(r["_row"]), r["_excel_col"], None,
                 f"该校办学类型（{types.get(r['school_code'], '')}）应有的年级为空 / a grade cell of "
                 "the school's type is blank",
                 "记为未知（不按 0 计），该校该学段的在校生数为“无数据”；没有学生请填 0 / read as "
                 "unknown, not zero; write 0 for a grade without pupils")
    out = enrol[~enrol["blank"] | keep_blank].drop(columns="blank").reset_index(drop=True)
    return out, int(keep_blank.sum())


# ---------------------------------------------------------------------------- validation
_DTYPE_TEXT = {"int": "整数 / a whole number", "float": "数值 / a number", "bool": "是或否 / 是 or 否",
               "str": "文字 / text"}


def _check_text(check: str, dtype: str | None = None) -> str:
    if check in ("not_nullable",):
        return "必填，不能为空 / required, must not be blank"
    if check in ("field_uniqueness", "multiple_fields_uniqueness"):
        return "重复 / duplicated"
    if check.startswith("isin"):
        return f"不是允许的取值 / not an allowed value {check[4:]}"
    if check.startswith("greater_than_or_equal_to"):
        return f"应不小于 {check[len('greater_than_or_equal_to('):-1]} / must be ≥ that"
    if check.startswith("less_than_or_equal_to"):
        return f"应不大于 {check[len('less_than_or_equal_to('):-1]} / must be ≤ that"
    if check.startswith("coerce_dtype") or check.startswith("dtype"):
        return f"类型不符，应为{_DTYPE_TEXT.get(dtype or '', '规定的类型 / the declared type')}"
    return check


def _keys(name: str) -> list[str]:
    table = schemas.TABLES[name]
    if table.unique:
        return list(table.unique)
    uniq = [c for c, col in table.columns.items() if col.unique]
    return uniq[:1]


def _headers(raw: RawSheet) -> dict[str, str]:
    """Excel header of each processed column (derived columns under the column they come from)."""
    headers = {**raw.headers}
    for derived, source in (("is_public", "ownership"), ("stage", "grade")):
        if derived not in headers and source in raw.headers:
            headers[derived] = raw.headers[source]
    return headers


def _cell_header(df: pd.DataFrame, idx, column: str, headers: dict[str, str]) -> str:
    if "_excel_col" in df.columns and column in ("students", "classes"):
        return str(df.at[idx, "_excel_col"])
    return headers.get(column, column)


def _written(raw: RawSheet, df: pd.DataFrame, idx, column: str):
    """(value as written in the workbook, text for the message): a converted value is shown as
    written with its unit and the converted amount, e.g. “-5（万元，折合 -50000 元）”."""
    value = df.at[idx, column]
    unit = raw.units.get(column)
    factor = None
    col = next((c for c in raw.spec.columns if c.target == column), None)
    if col is not None and col.kind in NUMERIC_KINDS:
        factor = unit_factor(col, unit)
    written = value
    if column in raw.frame.columns:
        cells = raw.frame.drop_duplicates("_row").set_index("_row")[column]
        written = cells.get(int(df.at[idx, "_row"]), value)
    if factor in (None, 1.0):
        return written, f"{written}"
    family = col.unit or "money"
    return written, f"{written}（{norm_unit(unit)}，折合 {float(value):g} {UNIT_NAMES[family]}）"


def _bound_text(col: schemas.Col) -> str:
    parts = []
    if col.ge is not None:
        parts.append(f"≥ {col.ge:g}")
    if col.le is not None:
        parts.append(f"≤ {col.le:g}")
    return "、".join(parts)


def _apply_bounds(name: str, df: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """Hard ranges and plausibility bounds of :mod:`schemas` (one place for every rule).

    A value outside them is listed with what is allowed; in a column that may be missing it is
    read as missing, otherwise the row is left to the schema check (quarantined there).
    """
    spec = raw.spec
    headers = _headers(raw)
    df = df.copy()
    for c, col in schemas.TABLES[name].columns.items():
        if col.dtype not in ("int", "float") or c not in df.columns:
            continue
        v = pd.to_numeric(df[c], errors="coerce")
        hard = pd.Series(False, index=df.index)
        if col.ge is not None:
            hard |= v < col.ge
        if col.le is not None:
            hard |= v > col.le
        soft = (v > col.soft_max) if col.soft_max is not None else pd.Series(False, index=df.index)
        soft &= ~hard
        if not col.nullable:
            soft_rows = df.index[soft]
            if len(soft_rows):
                log.quarantine_rows(
                    spec, df.loc[soft_rows, "_row"].tolist(),
                    [f"列“{_cell_header(df, i, c, headers)}”的值“{df.at[i, c]}”不合理（应不大于 "
                     f"{col.soft_max:g}），请核对数值和单位 / implausible value (> {col.soft_max:g}); check "
                     "the number and its unit" for i in soft_rows],
                    [_cell_header(df, i, c, headers) for i in soft_rows],
                    df.loc[soft_rows, c].tolist(),
                    codes=df.loc[soft_rows, "school_code"].tolist() if "school_code" in df else None)
                df = df.drop(index=soft_rows)
            continue  # hard breaches of a required column: the schema check quarantines the row
        for i in df.index[hard.reindex(df.index, fill_value=False)]:
            written, shown = _written(raw, df, i, c)
            log.note(spec.file, spec.sheet, int(df.at[i, "_row"]), _cell_header(df, i, c, headers),
                     written, f"值“{shown}”超出允许范围（应 {_bound_text(col)}）/ out of range "
                     f"({_bound_text(col)})", READ_AS_MISSING)
        for i in df.index[soft.reindex(df.index, fill_value=False)]:
            written, shown = _written(raw, df, i, c)
            log.note(spec.file, spec.sheet, int(df.at[i, "_row"]), _cell_header(df, i, c, headers),
                     written, f"值“{shown}”不合理（超过 {col.soft_max:g}），可能是输入错误或单位错误 / "
                     f"implausible value (> {col.soft_max:g}): a typing or unit error?", READ_AS_MISSING)
        mask = (hard | soft).reindex(df.index, fill_value=False)
        if mask.any():
            df[c] = df[c].astype(object).where(~mask, None)
    return df.reset_index(drop=True)


def _apply_cross_rules(name: str, df: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """Part ≤ whole rules of :data:`schemas.CROSS_RULES` within each row of table ``name``: on a
    breach every value involved is listed once and read as missing."""
    spec = raw.spec
    headers = _headers(raw)
    df = df.copy()
    for rule in schemas.CROSS_RULES:
        if rule.table != name or rule.whole not in df or not all(p in df for p in rule.part):
            continue
        def num(col):
            return pd.to_numeric(df[col].map(lambda x: float(x) if isinstance(x, (bool, np.bool_)) else x),
                                 errors="coerce")
        part = sum(num(p) for p in rule.part)
        whole = num(rule.whole)
        breach = part.notna() & whole.notna() & (part > whole + 1e-9)
        involved = [*rule.part, rule.whole]
        for i in df.index[breach]:
            shown = "，".join(f"{headers.get(c, c)} = {df.at[i, c]}" for c in involved)
            log.note(spec.file, spec.sheet, int(df.at[i, "_row"]), headers.get(rule.whole, rule.whole),
                     shown, f"{rule.text}（{shown}）", READ_AS_MISSING)
        if breach.any():
            for c in rule.cleared:
                if schemas.TABLES[name].columns[c].nullable:
                    df[c] = df[c].astype(object).where(~breach, None)
    return df


def _validate(name: str, df: pd.DataFrame, spec: SheetSpec, raw: RawSheet, log: _Log,
              extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Quarantine duplicates and rows failing the schema; return the rest (coerced) + extras."""
    df = df.reset_index(drop=True)
    headers = _headers(raw)
    keys = _keys(name)
    if keys:
        # rows with a blank key are left to the schema check (required, must not be blank)
        dup = df.duplicated(keys, keep="first")
        if dup.any():  # (the usual sheet has none: its keys' blanks are not looked at)
            keyed = df[keys].notna().all(axis=1)
            dup &= keyed
        if dup.any():
            first = df[~dup & keyed].drop_duplicates(keys).set_index(keys)["_row"]
            reasons = []
            for idx in df.index[dup]:
                k = tuple(df.loc[idx, keys])
                k1 = k[0] if len(k) == 1 else k
                keytxt = "、".join(f"{headers.get(c, c)}={v}" for c, v in zip(keys, k))
                reasons.append(f"重复记录（{keytxt}），与第{int(first.loc[k1])}行相同，保留第一行 / "
                               f"duplicate of row {int(first.loc[k1])}, first one kept")
            log.quarantine_rows(spec, df.loc[dup, "_row"].tolist(), reasons,
                                [headers.get(keys[0], keys[0])] * int(dup.sum()),
                                df.loc[dup, keys[0]].tolist(),
                                codes=df.loc[dup, "school_code"].tolist() if "school_code" in df else None,
                                incomplete=False)
            df = df[~dup].reset_index(drop=True)
    cols = list(schemas.TABLES[name].columns)
    try:
        valid = schemas.validate(name, df[cols])
    except pa_errors.SchemaErrors as exc:
        fc = exc.failure_cases
        rowwise = fc[fc["index"].notna()]
        if len(rowwise) < len(fc):
            raise RuntimeError(f"{name}: schema failure without a row: {fc[fc['index'].isna()]}")
        by_row: dict[int, list[str]] = {}
        col_of: dict[int, str] = {}
        val_of: dict[int, object] = {}
        raw_cells = raw.frame.set_index("_row")
        for _, f in rowwise.iterrows():
            idx = int(f["index"])
            column = f["column"] if isinstance(f["column"], str) else ""
            col = _cell_header(df, idx, column, headers) if idx in df.index else headers.get(column, column)
            val = f["failure_case"]
            blank = val is None or (not isinstance(val, str) and bool(pd.isna(val)))
            shown = "空" if blank else val
            # show the cell as written (e.g. -5 in a 万元 column), with the converted value
            row = int(df.at[idx, "_row"]) if idx in df.index else None
            if (not blank and column in raw_cells.columns and row in raw_cells.index
                    and norm_unit(raw.units.get(column)) not in (None, "元")):
                written = raw_cells.at[row, column]
                if not isinstance(written, pd.Series):
                    shown = f"{written}（{raw.units[column]}，折合 {val}）"
                    val = written
            dtype = schemas.TABLES[name].columns[column].dtype if column in schemas.TABLES[name].columns else None
            by_row.setdefault(idx, []).append(
                f"列“{col}”的值“{shown}”：{_check_text(str(f['check']), dtype)}")
            col_of.setdefault(idx, col)
            val_of.setdefault(idx, None if blank else val)
        idxs = sorted(by_row)
        log.quarantine_rows(spec, df.loc[idxs, "_row"].tolist(),
                            ["; ".join(dict.fromkeys(by_row[i])) for i in idxs],
                            [col_of[i] for i in idxs], [val_of[i] for i in idxs],
                            codes=df.loc[idxs, "school_code"].tolist() if "school_code" in df else None)
        df = df.drop(index=idxs).reset_index(drop=True)
        valid = schemas.validate(name, df[cols])
    for c in ("_row", *extra):
        valid[c] = df[c].values
    return valid


def _na_sum(df: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    """Group sums where any missing value makes the sum missing (missing is never zero)."""
    g = df.groupby(keys, sort=False)
    sums = g[cols].sum(min_count=1)
    anyna = df[cols].isna().groupby([df[k] for k in keys], sort=False).any()
    return sums.mask(anyna).reset_index()


def _county_item_values(items: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """Units, ranges and part ≤ whole rules of the county items (:data:`schemas.COUNTY_ITEM_SPECS`).

    A value in 万元 where 元 is expected is converted; a unit of another kind, a value out of
    range or implausible, or a part larger than its whole is listed and read as missing.
    """
    spec = raw.spec
    h_value = raw.headers.get("value", "数值")
    items = items.copy()
    items["value"] = items["value"].astype(object)
    items["unit"] = items["unit"].astype(object)
    noted = {line["row"] for line in log.lines if line["file"] == spec.file and line["sheet"] == spec.sheet}
    for i, r in items.iterrows():
        item = schemas.COUNTY_ITEM_SPECS.get(r["item"])
        if (item is not None and item.unit is not None and _none_if_na(r["value"]) is None
                and int(r["_row"]) not in noted):
            # left blank (an unreadable value is listed already): unknown, never zero
            log.note(spec.file, spec.sheet, int(r["_row"]), h_value, None,
                     f"县级数据项“{item.label}”的数值为空 / county item value blank",
                     "记为缺失，相关指标为“无数据” / read as missing, indicator has no data")
        if item is None or item.unit is None or _none_if_na(r["value"]) is None:
            continue
        row = int(r["_row"])
        value = float(r["value"])
        written = _none_if_na(r["unit"])
        family = next((f for f, units in UNITS.items() if item.unit in units), None)
        if written is not None and family is not None and norm_unit(written) != item.unit:
            factor = UNITS[family].get(norm_unit(written) or "")
            if factor is None:
                log.note(spec.file, spec.sheet, row, raw.headers.get("unit", "单位"), written,
                         f"“{item.label}”的单位应为{item.unit}，写的是“{written}” / unit should be "
                         f"{item.unit}", READ_AS_MISSING)
                items.at[i, "value"] = None
                continue
            value *= factor
            items.at[i, "value"] = value
            items.at[i, "unit"] = item.unit
            log.note(spec.file, spec.sheet, row, h_value, r["value"],
                     f"“{item.label}”单位为{written} / unit {written}",
                     f"已乘以{factor:g}换算为{item.unit} / converted to {item.unit}")
        rng = []
        if item.ge is not None and value < item.ge:
            rng.append(f"应 ≥ {item.ge:g}")
        if item.le is not None and value > item.le:
            rng.append(f"应 ≤ {item.le:g}")
        if rng:
            log.note(spec.file, spec.sheet, row, h_value, r["value"],
                     f"“{item.label}”超出允许范围（{'、'.join(rng)}）/ out of range", READ_AS_MISSING)
            items.at[i, "value"] = None
        elif item.soft_max is not None and value > item.soft_max:
            log.note(spec.file, spec.sheet, row, h_value, r["value"],
                     f"“{item.label}”数值不合理（超过 {item.soft_max:g}），可能是输入或单位错误 / implausible "
                     "value", READ_AS_MISSING)
            items.at[i, "value"] = None
    values = dict(zip(items["item"], items["value"]))
    rows = dict(zip(items["item"], items["_row"]))
    for rule in schemas.CROSS_RULES:
        if rule.table != "county_items":
            continue
        involved = [*rule.part, rule.whole]
        got = [_none_if_na(values.get(k)) for k in involved]
        if any(v is None for v in got):
            continue
        part, whole = sum(float(v) for v in got[:-1]), float(got[-1])
        if part > whole + 1e-9:
            shown = "，".join(f"{schemas.COUNTY_ITEMS[k]} = {values[k]:g}" for k in involved)
            log.note(spec.file, spec.sheet, int(rows[rule.whole]), raw.headers.get("item", "数据项代码"),
                     rule.whole, f"{rule.text}（{shown}）", READ_AS_MISSING)
            items.loc[items["item"].isin(rule.cleared), "value"] = None
    items["value"] = pd.to_numeric(items["value"], errors="coerce")
    return items


# ---------------------------------------------------------------------------- main
def clean_period(raw_dir: Path, period: str, out_dir: Path | None,
                 standards: dict | None = None, *, csv: bool = True, meta: dict | None = None) -> CleanResult:
    """Clean one reporting period: ``raw_dir/<period>/*.xlsx`` → ``out_dir/<period>/``.

    ``out_dir=None`` validates only (``analysis check``): nothing is written, ``out_path`` is None.
    ``standards`` (default: the bundled file) says which teachers count for L1–L3 when a school's
    roster is compared with its counts (:func:`_compare_alternatives`). ``csv=False`` writes the
    parquet tables only, not their CSV copies (``analysis.files.csv_copy`` writes them later).
    ``meta``: the county's county.yaml as :func:`county_meta` gives it, when the caller has read
    it already (the pipeline's steps); by default it is read here.
    """
    raw_dir, period = Path(raw_dir), str(period)
    out_dir = None if out_dir is None else Path(out_dir)
    standards = standards if standards is not None else load_standards()
    folder = raw_dir / period
    if not folder.is_dir():
        raise RawDataError(err(f"找不到原始数据文件夹 {folder}（应包含该期的各工作簿）",
                               f"raw data folder {folder} not found (expected the period's workbooks)"))
    cache = WorkbookCache(folder)
    cache.check_all()  # every missing workbook named at once
    log = _Log()
    raws: dict[str, RawSheet] = {}
    try:
        raw_sheets = [(spec, read_sheet(cache, spec)) for spec in RAW_SHEETS]
    finally:
        cache.close()  # the raw files are not held open while the outputs are written
    for spec, raw in raw_sheets:
        if raw is None:
            if spec.alternative is None:
                log.note(spec.file, spec.sheet, None, None, None,
                         "可选工作表缺失 / optional sheet absent", "该表为空 / table left empty")
            elif not spec.optional:  # the per-person / per-class sheet is replaced by the counts
                log.note(spec.file, spec.sheet, None, None, None,
                         f"没有工作表“{spec.sheet}”，使用“{spec.alternative}” / sheet absent, "
                         f"{spec.alternative} used", ALTERNATIVE_ONLY[spec.table])
            continue
        raws[spec.table] = raw
        log.register(raw)
        for line in raw.issues:
            log.lines.append(line)

    meta = county_meta(raw_dir) if meta is None else meta
    for label in missing_facts(meta, period):
        log.note(COUNTY_FILE, None, None, f"facts.{period}.{label}", None,
                 "申报表表Ⅰ的县域基本情况未填写 / a county fact of the form's table Ⅰ is not given",
                 f"表Ⅰ该项留空；请核对后在 {COUNTY_FILE} 的 facts 中填写 / left blank on table Ⅰ; "
                 f"fill it in under facts in {COUNTY_FILE}")

    if raws["schools"].frame.empty:
        spec = raws["schools"].spec
        raise RawDataError(err(
            f"“{spec.file}”工作表“{spec.sheet}”第{raws['schools'].header_row}行表头下没有任何学校记录"
            "（每所学校、校区应占一行；使用空白模板时请先填写学校名录）",
            f"'{spec.file}' sheet '{spec.sheet}': no school rows below the header on row "
            f"{raws['schools'].header_row} (expected one row per school or campus)"))
    counts: dict[str, dict] = {}
    parsed: dict[str, pd.DataFrame] = {}
    for table, raw in raws.items():
        n_q = len(log.quarantine)
        df = _parse_sheet(raw, log)
        n_in = int((~df["blank"]).sum()) if "blank" in df else len(df)
        n_in += len(log.quarantine) - n_q
        counts[table] = dict(table=table, file=raw.spec.file, sheet=raw.spec.sheet,
                             total_rows_dropped=raw.dropped_total_rows, rows_in=n_in)
        parsed[table] = df

    tables: dict[str, pd.DataFrame] = {}
    # ---- schools first: they define the valid codes and the campus map
    spec = raws["schools"].spec
    s = parsed["schools"].copy()
    s["is_public"] = s["ownership"].map({"公办": True, "民办": False}).astype(object)
    _note_form_input(s, raws["schools"], "sponsor_type", "举办者类型", log)
    s["merged_campuses"] = None
    if "parent_code" not in s.columns:
        s["parent_code"] = None
    schools = _validate("schools", s, spec, raws["schools"], log,
                        extra=("not_counted", "parent_code"))
    campus = schools["not_counted"].fillna(False).astype(bool)
    counted_codes = set(schools.loc[~campus, "school_code"])
    bad_parent = campus & ~schools["parent_code"].isin(counted_codes)
    if bad_parent.any():
        log.quarantine_rows(spec, schools.loc[bad_parent, "_row"].tolist(), [
            (f"不计校数校区的所属学校标识码“{p}”不在学校名录中 / parent school code {p!r} of this "
             "campus is not a counted school in the list") if p is not None and not pd.isna(p) else
            ("不计校数校区没有填写所属学校标识码（统计系统的导出不含此项）：该校区及其学生、资源暂不计入任何学校，"
             "请在“所属学校标识码”列填写所属学校 / the campus's parent school is not filled in: the "
             "campus is kept aside, never added to a guessed parent")
            for p in schools.loc[bad_parent, "parent_code"]],
            [raws["schools"].headers.get("parent_code", "所属学校标识码")] * int(bad_parent.sum()),
            schools.loc[bad_parent, "parent_code"].tolist(), incomplete=False)
        schools = schools[~bad_parent].reset_index(drop=True)
        campus = schools["not_counted"].fillna(False).astype(bool)
    campus_map = dict(zip(schools.loc[campus, "school_code"], schools.loc[campus, "parent_code"]))
    for _, r in schools[campus].iterrows():
        log.note(spec.file, spec.sheet, int(r["_row"]), raws["schools"].headers.get("not_counted", "不计校数"),
                 r["school_name"],
                 f"不计校数校区 {r['school_code']}（{r['school_name']}）/ campus not counted as a school",
                 f"学生、资源并入所属学校 {r['parent_code']} / merged into parent {r['parent_code']}")
    valid_codes = set(schools["school_code"])
    merged_lists = (pd.Series(list(campus_map.keys()), dtype=object)
                    .groupby(pd.Series(list(campus_map.values()), dtype=object)).agg("、".join))
    out_schools = schools[~campus].copy()
    out_schools["merged_campuses"] = out_schools["school_code"].map(merged_lists)
    # validated rows and the campus codes merged into them: coerced, nothing to check again
    tables["schools"] = schemas.coerce("schools", out_schools[list(schemas.TABLES["schools"].columns)])
    counts["schools"]["merged"] = int(campus.sum())

    # ---- every other table
    for table in INPUT_TABLES[1:]:
        if table not in raws:
            tables[table] = schemas.empty(table)
            counts[table] = dict(table=table, file=None, sheet=None, total_rows_dropped=0,
                                 rows_in=0, merged=0)
            continue
        raw = raws[table]
        spec = raw.spec
        df = parsed[table].copy()
        if table == "classes":
            df["stage"] = stage_of_grade(df["grade"])
        if "school_code" in df.columns:
            unknown = df["school_code"].notna() & ~df["school_code"].isin(valid_codes)
            listed = unknown & ~df["blank"] if "blank" in df else unknown  # blank grade cells: nothing lost
            if listed.any():
                rows = df.loc[listed]
                log.quarantine_rows(spec, rows["_row"].tolist(), [
                    f"学校标识码“{c}”不在学校名录中 / school code {c!r} is not in the school list"
                    for c in rows["school_code"]],
                    [raw.headers["school_code"]] * len(rows), rows["school_code"].tolist(),
                    codes=rows["school_code"].tolist(), incomplete=False)
                df = df[~unknown]
        if table == "enrolment":
            df, kept_blank = _resolve_blank_grades(df, schools, raw, log)
            counts[table]["rows_in"] += kept_blank
        if table == "teachers":
            for c in ("service_school_code", "service_mode", "birth_year"):
                if c not in df.columns:
                    df[c] = None
            bad_svc = df["service_school_code"].notna() & ~df["service_school_code"].isin(valid_codes)
            for _, r in df[bad_svc].iterrows():
                log.note(spec.file, spec.sheet, int(r["_row"]), raw.headers["service_school_code"],
                         r["service_school_code"], "服务学校标识码不在学校名录中 / unknown service school",
                         "该项置空 / set to missing")
            df.loc[bad_svc, "service_school_code"] = None
        if table == "satisfaction":
            _note_form_input(df, raw, "issued", "问卷发放数", log, rows=df.get("survey_kind").eq("问卷调查")
                             if "survey_kind" in df else None)
        for c, col in schemas.TABLES[table].columns.items():
            if c not in df.columns:
                df[c] = None  # optional raw column absent → missing, never zero
        df = _apply_bounds(table, df, raw, log)
        df = _apply_cross_rules(table, df, raw, log)
        valid = checked = _validate(table, df, spec, raw, log)
        if table == "county_items":
            valid = _county_item_values(valid, raw, log)
        before = len(valid)
        if table in ("facilities", "finance"):
            valid = _lost_campuses(valid, raw, campus_map, log)
        valid = _merge_campuses(table, valid, campus_map, spec, log)
        counts[table]["merged"] = before - len(valid)
        if table == "teacher_counts":
            _compare_teacher_counts(valid, tables["teachers"], raw, log, standards)
        elif table == "class_bands":
            _compare_class_bands(valid, tables["classes"], raw, log)
        changed = valid is not checked  # units converted or campuses merged: a new frame
        valid = valid[list(schemas.TABLES[table].columns)].reset_index(drop=True)
        if not changed:
            tables[table] = valid
        elif table in RECHECKED_AFTER_MERGE:
            tables[table] = schemas.validate(table, valid)
        else:  # sums per unique key, rows re-pointed or dropped: the declared dtypes again
            tables[table] = schemas.coerce(table, valid)

    _check_quota_total(tables, raws, log)
    _check_county_items(tables["county_items"], raws.get("county_items"), log)
    _check_schools_present(tables, raws, log)
    for q in log.quarantine:  # a campus's lost rows make its parent's table incomplete
        if q["school_code"] in campus_map:
            q["school_code"] = campus_map[q["school_code"]]

    listed = set(schools["school_code"])
    log.lines.extend(report_lines(folder))  # the statistics import's problems, at their source
    for line in log.lines:
        line["severity"] = severity(line["action"])
        code = _none_if_na(line.get("school_code")) or log.school_of(line, listed)
        line["school_code"] = campus_map.get(code, code) if code is not None else None
    dq = pd.DataFrame(log.lines, columns=list(schemas.TABLES["data_quality"].columns))
    order = {spec.file: i for i, spec in reversed(list(enumerate(RAW_SHEETS)))}
    sheet_order = {(spec.file, spec.sheet): i for i, spec in enumerate(RAW_SHEETS)}
    dq = (dq.assign(_f=dq["file"].map(order), _s=[sheet_order.get(k, 99) for k in
                                                   zip(dq["file"], dq["sheet"])],
                    _r=pd.to_numeric(dq["row"]).fillna(0))
          .sort_values(["_f", "_s", "_r"], kind="stable").drop(columns=["_f", "_s", "_r"])
          .reset_index(drop=True))
    tables["data_quality"] = schemas.validate("data_quality", dq)
    qt = pd.DataFrame(log.quarantine, columns=list(schemas.TABLES["quarantine"].columns))
    tables["quarantine"] = schemas.validate("quarantine", qt)

    qcount = qt.groupby(["file", "sheet"]).size()
    rows = []
    for table in INPUT_TABLES:
        c = counts[table]
        q = int(qcount.get((c["file"], c["sheet"]), 0)) if c["file"] else 0
        rows.append(dict(c, quarantined=q, rows_out=len(tables[table])))
    summary = pd.DataFrame(rows, columns=["table", "file", "sheet", "total_rows_dropped", "rows_in",
                                          "quarantined", "merged", "rows_out"])
    out_path = _write_atomic(tables, out_dir, period, csv) if out_dir is not None else None
    return CleanResult(period, out_path, tables, summary)


def _check_quota_total(tables: dict[str, pd.DataFrame], raws: dict[str, RawSheet], log: _Log) -> None:
    """The places allocated to schools cannot exceed the county's total of places: on a breach
    the total is read as missing (G14 无数据), never a share above 100%."""
    items, quota = tables["county_items"], tables["quota"]
    row = items[items["item"] == "quota_total_places"]
    if row.empty or pd.isna(row["value"].iloc[0]) or quota.empty:
        return
    total, allocated = float(row["value"].iloc[0]), quota["allocated_places"].sum(min_count=1)
    if pd.isna(allocated) or allocated <= total:
        return
    raw = raws.get("county_items")
    log.note(raw.spec.file if raw else "县级数据.xlsx", raw.spec.sheet if raw else "县级数据项", None,
             "quota_total_places", f"{total:g}",
             f"各校分配名额合计 {allocated:g} 多于优质高中招生总名额 {total:g} / allocated places exceed "
             "the total", READ_AS_MISSING)
    items = items.copy()
    items.loc[items["item"] == "quota_total_places", "value"] = pd.NA
    tables["county_items"] = schemas.validate("county_items", items)


def _lost_campuses(valid: pd.DataFrame, raw: RawSheet, campus_map: dict[str, str],
                   log: _Log) -> pd.DataFrame:
    """A campus whose row here was quarantined: its parent's summed totals become missing.

    Summing the parent alone would read the campus's rooms or money as zero. A row of missing
    values is added for the campus, so the NA-propagating sum of the merge gives missing.
    """
    if not campus_map:
        return valid
    code_col = next(c for c in raw.spec.columns if c.target == "school_code")
    written, _, _ = parse_column(raw.frame["school_code"], code_col, None)
    lost = written.isin(list(campus_map)) & ~written.isin(valid["school_code"])
    if not lost.any():
        return valid
    gap = pd.DataFrame({"school_code": written[lost].values,
                        "_row": raw.frame.loc[lost, "_row"].astype(int).values})
    for _, r in gap.iterrows():
        parent = campus_map[r["school_code"]]
        log.note(raw.spec.file, raw.spec.sheet, int(r["_row"]), raw.headers["school_code"],
                 r["school_code"], f"不计校数校区 {r['school_code']} 的记录已隔离 / the campus row is "
                 "quarantined", f"所属学校 {parent} 的合计记为缺失（不按 0 计）/ totals of parent "
                 f"{parent} set to missing, not summed without the campus")
    return pd.concat([valid, gap], ignore_index=True)


def _merge_campuses(table: str, df: pd.DataFrame, campus_map: dict[str, str], spec: SheetSpec,
                    log: _Log) -> pd.DataFrame:
    """Fold 不计校数 campuses into their parents (students and resources summed)."""
    if not campus_map or "school_code" not in df.columns:
        return df
    is_campus = df["school_code"].isin(list(campus_map))
    if not is_campus.any():
        return df
    df = df.copy()
    if table == "ratings":
        for _, r in df[is_campus].iterrows():
            log.note(spec.file, spec.sheet, int(r["_row"]), "学校标识码", r["school_code"],
                     "不计校数校区的评级 / rating of a campus",
                     "采用所属学校的评级 / parent's rating used")
        return df[~is_campus]
    if table == "classes":
        df.loc[is_campus, "class_id"] = df.loc[is_campus, "school_code"] + "-" + \
            df.loc[is_campus, "class_id"]
    df["school_code"] = df["school_code"].replace(campus_map)
    if table == "teachers":
        df["service_school_code"] = df["service_school_code"].replace(campus_map)
    if table in ("enrolment",):
        keys = ["school_code", "grade"]
        out = _na_sum(df, keys, ["students"])  # an unknown grade count stays unknown
        g = df.groupby(keys, sort=False)
        out["stage"] = g["stage"].first().values
        out["_row"] = g["_row"].first().values
        return out
    if table == "teacher_counts":  # counts of a school and stage: summed (a blank one stays blank)
        keys = ["school_code", "stage"]
        out = _na_sum(df, keys, [c for c in schemas.TABLES[table].columns if c not in keys])
        out["_row"] = df.groupby(keys, sort=False)["_row"].first().values
        return out
    if table == "class_bands":
        keys = ["school_code", "stage", "size_min"]
        out = _na_sum(df, keys, ["classes"])
        g = df.groupby(keys, sort=False)
        out["size_max"] = g["size_max"].first().values
        out["_row"] = g["_row"].first().values
        return out
    if table in ("facilities", "finance", "quota", "catchment"):
        keys = ["school_code", "stage"] if table == "catchment" else ["school_code"]
        num = [c for c in schemas.TABLES[table].columns if c not in keys]
        out = _na_sum(df, keys, num)
        out["_row"] = df.groupby(keys, sort=False)["_row"].first().values
        return out
    if table == "homework":
        keys = ["school_code", "grade"]
        df["_w"] = df["written_minutes"].astype("Float64") * df["respondents"].astype("Float64")
        out = _na_sum(df, keys, ["respondents", "_w"])  # a missing part makes the mean missing
        out["written_minutes"] = out["_w"] / out["respondents"].where(out["respondents"] > 0)
        out["_row"] = df.groupby(keys, sort=False)["_row"].first().values
        return out.drop(columns="_w")
    return df  # teachers, special_rooms, classes, monitoring_scores: rows re-pointed


#: the tables validated again after their campuses are merged: a merge may break one of their
#: rules (a campus's class ids, prefixed with its code, could repeat one of its parent's). The
#: other merges (sums per unique key, rows re-pointed to the parent or dropped) and the county
#: items' unit conversion keep every rule by construction: their frames are only coerced to the
#: declared dtypes (schemas.coerce)
RECHECKED_AFTER_MERGE = ("classes",)

#: per-school tables every counted school is expected to have rows in
PER_SCHOOL_TABLES = ("enrolment", "classes", "teachers", "facilities", "finance", "ratings")
#: the counts form that may stand in for a per-row table (RAW_SHEETS ``alternative``)
ALTERNATIVE_TABLES = {"classes": "class_bands", "teachers": "teacher_counts"}


def _check_schools_present(tables: dict[str, pd.DataFrame], raws: dict[str, RawSheet],
                           log: _Log) -> None:
    """A school of the list with no row left in a per-school table gets a data-quality line
    (its rows were missing or quarantined): its indicators have no data, never zeros."""
    schools = tables["schools"].set_index("school_code")["school_name"]
    for table in PER_SCHOOL_TABLES:
        other = ALTERNATIVE_TABLES.get(table)
        raw = raws.get(table) or (raws.get(other) if other else None)
        if raw is None:
            continue
        present = set(tables[table]["school_code"])
        if other is not None:
            present |= set(tables[other]["school_code"])
        absent = schools[~schools.index.isin(present)]
        for code, name in absent.items():
            log.note(raw.spec.file, raw.spec.sheet, None, raw.headers.get("school_code", "学校标识码"),
                     code, f"学校名录中的“{name}”在本表中没有（可用的）记录 / school in the list has "
                     "no usable row here", "该校相关指标为“无数据”（不按 0 计）/ its indicators have no "
                     "data (not zero)")


#: what a blank input of the national form (申报表) leads to
FORM_BLANK = "记为缺失（不按 0 计），申报表中该格留空 / read as missing (never zero): left blank on the form"


def _note_form_input(df: pd.DataFrame, raw: RawSheet, column: str, header: str, log: _Log,
                     rows: pd.Series | None = None) -> None:
    """List a column only the national form needs (举办者类型, 问卷发放数): an absent column once, a
    blank cell (of ``rows``, default every row) per row. The column is added as missing when absent."""
    spec = raw.spec
    if column not in df.columns:
        df[column] = None
        log.note(spec.file, spec.sheet, raw.header_row, header, None,
                 f"未提供“{header}”列 / no “{header}” column", FORM_BLANK)
        return
    blank = df[column].isna()
    if rows is not None:
        blank &= rows.fillna(False).astype(bool)
    for i in df.index[blank.to_numpy(dtype=bool)]:
        log.note(spec.file, spec.sheet, int(df.at[i, "_row"]), raw.headers.get(column, header), None,
                 f"“{header}”为空 / “{header}” is blank", FORM_BLANK)


def _compare_teacher_counts(counts: pd.DataFrame, roster: pd.DataFrame, raw: RawSheet, log: _Log,
                            standards: dict) -> None:
    """A school in both the roster and the counts form: the roster is used; every count that
    differs from what the roster gives (with the standards' L1–L3 rules) is listed at its cell."""
    if roster.empty or counts.empty:
        return
    listed = set(roster["school_code"])
    both = counts[counts["school_code"].isin(listed)]
    if both.empty:
        return
    from_roster = roster_counts(roster, standards)
    spec = raw.spec
    for _, r in both.iterrows():
        key = (r["school_code"], r["stage"])
        have = from_roster.loc[key] if key in from_roster.index else None
        for field in (*COUNT_FIELDS, "serving_pe_art"):
            given = _none_if_na(r.get(field))
            if given is None:
                continue
            expected = 0 if have is None else int(have[field])
            if int(given) != expected:
                log.note(spec.file, spec.sheet, int(r["_row"]), raw.headers.get(field, field), given,
                         f"与教职工花名册不一致：花名册中{r['stage']}{'为' if expected else '没有'}"
                         f"{expected if expected else ''}{'人' if expected else '这类教师'} / differs from "
                         f"the roster ({expected})",
                         "以花名册为准 / the roster is used")


def _compare_class_bands(bands: pd.DataFrame, classes: pd.DataFrame, raw: RawSheet, log: _Log) -> None:
    """A school and stage in both the class list and the band counts: the class list is used;
    every band count that differs from the list's classes in that band is listed at its cell."""
    if classes.empty or bands.empty:
        return
    c = classes[classes["stage"].isin(bands["stage"].unique())]
    listed = set(zip(c["school_code"], c["stage"]))
    both = bands[[k in listed for k in zip(bands["school_code"], bands["stage"])]]
    if both.empty:
        return
    size = c["size"].astype("Float64")
    lows = np.array([lo for lo, _ in schemas.CLASS_BANDS], dtype=float)
    band_of = pd.Series(np.where(size.isna(), np.nan, lows[np.clip(np.searchsorted(
        lows, size.fillna(0).to_numpy(dtype=float), side="right") - 1, 0, None)]), index=c.index)
    per_band = c.assign(lo=band_of).dropna(subset=["lo"]).groupby(["school_code", "stage", "lo"]).size()
    unsized = c[size.isna().to_numpy()].groupby(["school_code", "stage"]).size()
    spec = raw.spec
    for _, r in both.iterrows():
        given = _none_if_na(r["classes"])
        if given is None:
            continue
        expected = int(per_band.get((r["school_code"], r["stage"], float(r["size_min"])), 0))
        if int(given) != expected:
            extra = unsized.get((r["school_code"], r["stage"]), 0)
            note = f"（另有 {extra} 个班班额缺失）" if extra else ""
            hi = _none_if_na(r["size_max"])
            log.note(spec.file, spec.sheet, int(r["_row"]),
                     schemas.band_label(int(r["size_min"]), None if hi is None else int(hi)), given,
                     f"与“班级”逐班名单不一致：名单中{r['stage']}该班额段有 {expected} 个班{note} / differs from "
                     f"the class list ({expected})", "以“班级”逐班名单为准 / the class list is used")


def _check_county_items(items: pd.DataFrame, raw: RawSheet | None, log: _Log) -> None:
    if raw is None:
        return
    spec = raw.spec
    known = set(schemas.COUNTY_ITEMS)
    for code in sorted(set(items["item"]) - known):
        log.note(spec.file, spec.sheet, None, raw.headers["item"], code,
                 "未知的县级数据项代码 / unknown county item code", "保留，不参与计算 / kept, unused")
    for code in schemas.COUNTY_ITEMS:
        if code not in set(items["item"]):
            log.note(spec.file, spec.sheet, None, raw.headers["item"], code,
                     f"缺少县级数据项“{schemas.COUNTY_ITEMS[code]}” / county item missing",
                     "相关指标为“无数据” / indicator has no data")


def _write_atomic(tables: dict[str, pd.DataFrame], out_dir: Path, period: str, csv: bool = True) -> Path:
    """Write every table (and its CSV copy unless ``csv`` is False) to a temporary folder, then
    swap it in with renames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / period
    tmp = out_dir / f".{period}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    old = None
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
            if csv:
                write_csv(df, tmp / f"{name}.csv")  # UTF-8 with BOM, formula-like text neutralised
        if final.exists():
            old = out_dir / f".{period}.old-{uuid.uuid4().hex[:8]}"
            final.rename(old)
        tmp.rename(final)
    except BaseException:
        if old is not None and old.exists() and not final.exists():
            old.rename(final)  # the swap failed half-way: the previous output goes back
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return final
