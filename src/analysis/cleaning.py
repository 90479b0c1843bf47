"""Cleaning (数据清洗): raw workbooks of one period → validated tidy tables.

``clean_period(raw_dir, period, out_dir)`` reads every sheet of :data:`analysis.rawdata.RAW_SHEETS`
from ``raw_dir/<period>/``, parses values by kind, validates each table against
:mod:`analysis.schemas` (pandera, ``lazy=True``), merges 不计校数 campuses into their parents and
writes ``out_dir/<period>/<table>.parquet`` and ``.csv`` (utf-8-sig) atomically.

Nothing disappears silently: a row that cannot be used goes to ``quarantine`` (file, sheet,
Excel row, reason, the original record) and gets a line in ``data_quality``; every repair made
(合计 row dropped, merged cells, full-width digits, stray spaces, 万元 → 元, campus merged) is a
line in ``data_quality``. ``summary`` counts, per table, rows in = rows out + quarantined +
merged into a parent.

A missing required workbook, sheet or column raises :class:`analysis.rawdata.RawDataError`
naming it. Raw files are only read.
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

from . import schemas
from .files import write_csv
from .rawdata import (
    GRADE_NAMES,
    RAW_SHEETS,
    RawDataError,
    RawSheet,
    SheetSpec,
    WorkbookCache,
    err,
    parse_column,
    read_sheet,
)

INPUT_TABLES = [
    "schools", "enrolment", "classes", "teachers", "facilities", "special_rooms", "finance",
    "catchment", "quota", "ratings", "homework", "monitoring", "monitoring_scores",
    "satisfaction", "county_items",
]
OUTPUT_TABLES = [*INPUT_TABLES, "data_quality", "quarantine"]
QUARANTINED = "已隔离，见隔离表 / quarantined"


def stage_of_grade(grade: pd.Series) -> pd.Series:
    """学段 from 年级: 0 幼儿班, 1–6 小学, 7–9 初中, 10–12 高中."""
    g = pd.to_numeric(grade, errors="coerce")
    out = pd.Series(pd.NA, index=grade.index, dtype="string")
    out[g == 0] = "幼儿班"
    out[(g >= 1) & (g <= 6)] = "小学"
    out[(g >= 7) & (g <= 9)] = "初中"
    out[(g >= 10) & (g <= 12)] = "高中"
    return out


@dataclass
class CleanResult:
    """What :func:`clean_period` produced."""

    period: str
    out_path: Path
    tables: dict[str, pd.DataFrame]
    summary: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def data_quality(self) -> pd.DataFrame:
        return self.tables["data_quality"]

    @property
    def quarantine(self) -> pd.DataFrame:
        return self.tables["quarantine"]


class _Log:
    """Collects data-quality lines and quarantined rows."""

    def __init__(self):
        self.lines: list[dict] = []
        self.quarantine: list[dict] = []
        self.records: dict[tuple[str, str], dict[int, str]] = {}

    def note(self, file, sheet, row, column, value, problem, action):
        self.lines.append(dict(file=file, sheet=sheet, row=row, column=column,
                               value=None if value is None else str(value),
                               problem=problem, action=action))

    def register(self, raw: RawSheet) -> None:
        headers = raw.headers
        recs = {}
        for rec in raw.frame.to_dict("records"):
            row = rec.pop("_row")
            recs[row] = json.dumps(
                {headers.get(k, k): (None if v is None or (isinstance(v, float) and np.isnan(v))
                                     else v if isinstance(v, (int, float, str, bool)) else str(v))
                 for k, v in rec.items()}, ensure_ascii=False)
        self.records[(raw.spec.file, raw.spec.sheet)] = recs

    def quarantine_rows(self, spec: SheetSpec, rows, reasons, columns=None, values=None) -> None:
        """Quarantine rows; each also gets a data-quality line naming its column and value."""
        for i, (row, reason) in enumerate(zip(rows, reasons)):
            row = int(row)
            self.quarantine.append(dict(
                file=spec.file, sheet=spec.sheet, row=row, reason=reason,
                record=self.records.get((spec.file, spec.sheet), {}).get(row, "{}")))
            value = None if values is None else values[i]
            if value is not None and not isinstance(value, str) and pd.isna(value):
                value = None
            self.note(spec.file, spec.sheet, row, None if columns is None else columns[i],
                      "（空 / blank）" if value is None and values is not None else value,
                      reason, QUARANTINED)


# ---------------------------------------------------------------------------- parsing
def _parse_sheet(raw: RawSheet, log: _Log) -> pd.DataFrame:
    """Parse every column by kind; rows with an unparseable value are quarantined.

    For the wide 在校生 sheet one bad cell quarantines that grade of that school only.
    """
    spec, frame = raw.spec, raw.frame
    out = pd.DataFrame({"_row": frame["_row"].astype(int)}, index=frame.index)
    bad = pd.Series("", index=frame.index, dtype=object)
    bad_cols = pd.Series("", index=frame.index, dtype=object)
    bad_vals = pd.Series(None, index=frame.index, dtype=object)  # first bad value of the row
    bad_first = pd.Series(None, index=frame.index, dtype=object)  # and its column
    blanks: list[tuple[str, pd.Series]] = []  # (header, blank mask) of required nullable columns
    schema_cols = schemas.TABLES[spec.table].columns
    cols = {c.target: c for c in spec.columns}
    for target in [c for c in frame.columns if c != "_row"]:
        col = cols[target]
        header = raw.headers[target]
        unit = raw.units.get(target)
        if col.kind == "money" and unit not in (None, "元", "万元", "千元"):
            raise RawDataError(err(
                f"“{spec.file}”工作表“{spec.sheet}”列“{header}”：无法识别的金额单位“{unit}”（应为元或万元）",
                f"'{spec.file}' sheet '{spec.sheet}' column '{header}': unknown money unit "
                f"'{unit}' (expected 元 or 万元)"))
        if col.kind == "money" and unit is None:
            log.note(spec.file, spec.sheet, raw.header_row, header, None,
                     "金额列表头未注明单位 / no unit in the header of an amount column",
                     "按元计；若为万元请在表头写明“（万元）” / read as 元; write （万元） in the header "
                     "if the amounts are in 万元")
        if col.kind == "money" and unit in ("万元", "千元"):
            log.note(spec.file, spec.sheet, raw.header_row, header, unit,
                     f"金额单位为{unit} / amounts in {unit}",
                     f"已乘以{int(1e4 if unit == '万元' else 1e3)}换算为元 / converted to 元")
        parsed, errors, notes = parse_column(frame[target], col, unit)
        for pos, problem in notes.items():
            idx = frame.index[pos]
            log.note(spec.file, spec.sheet, int(frame.at[idx, "_row"]), header,
                     frame.at[idx, target], problem,
                     "已规范为半角、去除空格 / normalised")
        has_err = errors.notna()
        if spec.wide_grades and target.startswith("g"):
            for idx in frame.index[has_err]:
                log.quarantine_rows(spec, [frame.at[idx, "_row"]], [
                    f"列“{header}”的值“{frame.at[idx, target]}”{errors[idx]} / "
                    f"column '{header}' value {frame.at[idx, target]!r}: {errors[idx]}"
                    "；该校此年级人数未计入在校生数，请更正后重跑 / this grade is left out of the "
                    "school's pupil count until corrected"], [header],
                    [frame.at[idx, target]])
            parsed[has_err] = "__bad__"  # counted as read, excluded from the long table
        else:
            msg = (f"列“{header}”的值“" + frame[target].astype(str) + "”" + errors.fillna("")
                   + "; ")
            bad = bad.where(~has_err, bad + msg)
            bad_cols = bad_cols.where(~has_err, bad_cols + header + " ")
            first = has_err & bad_first.isna()
            bad_vals = bad_vals.where(~first, frame[target])
            bad_first = bad_first.where(~first, header)
        if col.required and target in schema_cols and schema_cols[target].nullable:
            # a blank required cell the schema lets through: kept as missing, and listed
            blanks.append((header, parsed.isna() & errors.isna()))
        out[target] = parsed
    rejected = bad != ""
    if rejected.any():
        log.quarantine_rows(spec, out.loc[rejected, "_row"].tolist(),
                            [b.rstrip("; ") for b in bad[rejected]],
                            bad_first[rejected].tolist(),
                            bad_vals[rejected].tolist())
    for header, blank in blanks:
        for idx in frame.index[blank & ~rejected]:
            log.note(spec.file, spec.sheet, int(frame.at[idx, "_row"]), header, None,
                     "必填项为空 / required cell is blank",
                     "记为缺失（不按 0 计），相关指标为“无数据” / kept as missing, never read as zero")
    out = out.loc[~rejected].reset_index(drop=True)
    if spec.wide_grades:
        out = _grades_long(out, raw, log)
    return out


def _grades_long(wide: pd.DataFrame, raw: RawSheet, log: _Log) -> pd.DataFrame:
    """在校生 one column per grade → one row per school and grade (blank cells: no row)."""
    spec = raw.spec
    gcols = [c for c in wide.columns if c.startswith("g") and c[1:].isdigit()]
    long = wide.melt(id_vars=["school_code", "_row"], value_vars=gcols, var_name="g",
                     value_name="students")
    long = long[long["students"].notna()]
    empty = wide[gcols].isna().all(axis=1)  # "__bad__" cells are not blank: already quarantined
    for idx in wide.index[empty]:
        log.note(spec.file, spec.sheet, int(wide.at[idx, "_row"]), raw.headers["school_code"],
                 wide.at[idx, "school_code"], "各年级在校生均为空 / every grade cell is blank",
                 "该校无在校生数据（不按 0 计）/ no enrolment for this school (not read as zero)")
    n_bad = int((long["students"] == "__bad__").sum())
    long = long[long["students"] != "__bad__"].copy()
    long["grade"] = long["g"].str[1:].astype(int)
    long["stage"] = stage_of_grade(long["grade"])
    long["_excel_col"] = long["grade"].map(lambda g: GRADE_NAMES[g])
    if "row_total" in wide.columns:
        sums = wide[gcols].replace("__bad__", None).apply(pd.to_numeric).sum(axis=1, min_count=1)
        mismatch = wide["row_total"].notna() & (sums != pd.to_numeric(wide["row_total"]))
        for idx in wide.index[mismatch]:
            log.note(spec.file, spec.sheet, int(wide.at[idx, "_row"]), raw.headers["row_total"],
                     wide.at[idx, "row_total"],
                     f"合计列与各年级之和（{sums[idx]:.0f}）不符 / row total differs from the sum "
                     "of grades", "以各年级数为准 / grade counts used")
    long.attrs["n_bad_cells"] = n_bad
    return long.drop(columns=["g"]).sort_values(["_row", "grade"]).reset_index(drop=True)


# ---------------------------------------------------------------------------- validation
_CHECK_TEXT = {
    "not_nullable": "必填，不能为空 / required, must not be blank",
    "field_uniqueness": "重复 / duplicated",
    "multiple_fields_uniqueness": "重复 / duplicated",
}


def _check_text(check: str) -> str:
    if check in _CHECK_TEXT:
        return _CHECK_TEXT[check]
    if check.startswith("isin"):
        return f"不是允许的取值 / not an allowed value {check[4:]}"
    if check.startswith("greater_than_or_equal_to"):
        return f"应不小于 {check[len('greater_than_or_equal_to('):-1]} / must be ≥ that"
    if check.startswith("less_than_or_equal_to"):
        return f"应不大于 {check[len('less_than_or_equal_to('):-1]} / must be ≤ that"
    if check.startswith("coerce_dtype"):
        return f"类型不符 / wrong type {check}"
    return check


def _keys(name: str) -> list[str]:
    table = schemas.TABLES[name]
    if table.unique:
        return list(table.unique)
    uniq = [c for c, col in table.columns.items() if col.unique]
    return uniq[:1]


def _validate(name: str, df: pd.DataFrame, spec: SheetSpec, raw: RawSheet, log: _Log,
              extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """Quarantine duplicates and rows failing the schema; return the rest (coerced) + extras."""
    df = df.reset_index(drop=True)
    # derived columns are reported under the raw column they come from
    headers = {**raw.headers}
    for derived, source in (("is_public", "ownership"), ("stage", "grade")):
        if derived not in headers and source in raw.headers:
            headers[derived] = raw.headers[source]
    keys = _keys(name)
    if keys:
        # rows with a blank key are left to the schema check (required, must not be blank)
        dup = df.duplicated(keys, keep="first") & df[keys].notna().all(axis=1)
        if dup.any():
            first = df[~dup & df[keys].notna().all(axis=1)].drop_duplicates(keys).set_index(keys)["_row"]
            reasons = []
            for idx in df.index[dup]:
                k = tuple(df.loc[idx, keys])
                k1 = k[0] if len(k) == 1 else k
                keytxt = "、".join(f"{headers.get(c, c)}={v}" for c, v in zip(keys, k))
                reasons.append(f"重复记录（{keytxt}），与第{int(first.loc[k1])}行相同，保留第一行 / "
                               f"duplicate of row {int(first.loc[k1])}, first one kept")
            log.quarantine_rows(spec, df.loc[dup, "_row"].tolist(), reasons,
                                [headers.get(keys[0], keys[0])] * int(dup.sum()),
                                df.loc[dup, keys[0]].tolist())
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
            col = headers.get(f["column"], f["column"]) if isinstance(f["column"], str) else ""
            val = f["failure_case"]
            blank = val is None or (not isinstance(val, str) and bool(pd.isna(val)))
            shown = "空" if blank else val
            # show the cell as written (e.g. -5 in a 万元 column), with the converted value
            row = int(df.at[idx, "_row"]) if idx in df.index else None
            if (not blank and f["column"] in raw_cells.columns and row in raw_cells.index
                    and raw.units.get(f["column"]) not in (None, "元")):
                written = raw_cells.at[row, f["column"]]
                if not isinstance(written, pd.Series):
                    shown = f"{written}（{raw.units[f['column']]}，折合 {val} 元）"
                    val = written
            by_row.setdefault(idx, []).append(
                f"列“{col}”（{f['column']}）的值“{shown}”：{_check_text(str(f['check']))}")
            col_of.setdefault(idx, col)
            val_of.setdefault(idx, None if blank else val)
        idxs = sorted(by_row)
        log.quarantine_rows(spec, df.loc[idxs, "_row"].tolist(),
                            ["; ".join(dict.fromkeys(by_row[i])) for i in idxs],
                            [col_of[i] for i in idxs], [val_of[i] for i in idxs])
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


# ---------------------------------------------------------------------------- main
def clean_period(raw_dir: Path, period: str, out_dir: Path) -> CleanResult:
    """Clean one reporting period: ``raw_dir/<period>/*.xlsx`` → ``out_dir/<period>/``."""
    raw_dir, period, out_dir = Path(raw_dir), str(period), Path(out_dir)
    folder = raw_dir / period
    if not folder.is_dir():
        raise RawDataError(err(f"找不到原始数据文件夹 {folder}（应包含该期的各工作簿）",
                               f"raw data folder {folder} not found (expected the period's workbooks)"))
    cache = WorkbookCache(folder)
    log = _Log()
    raws: dict[str, RawSheet] = {}
    for spec in RAW_SHEETS:
        raw = read_sheet(cache, spec)
        if raw is None:
            log.note(spec.file, spec.sheet, None, None, None,
                     "可选工作表缺失 / optional sheet absent", "该表为空 / table left empty")
            continue
        raws[spec.table] = raw
        log.register(raw)
        for line in raw.issues:
            log.lines.append(line)

    if raws["schools"].frame.empty:
        spec = raws["schools"].spec
        raise RawDataError(err(
            f"“{spec.file}”工作表“{spec.sheet}”第{raws['schools'].header_row}行表头下没有任何学校记录"
            "（每所学校、校区应占一行）",
            f"'{spec.file}' sheet '{spec.sheet}': no school rows below the header on row "
            f"{raws['schools'].header_row} (expected one row per school or campus)"))
    counts: dict[str, dict] = {}
    parsed: dict[str, pd.DataFrame] = {}
    for table, raw in raws.items():
        n_q = len(log.quarantine)
        df = _parse_sheet(raw, log)
        n_in = len(df) + (len(log.quarantine) - n_q)
        counts[table] = dict(table=table, file=raw.spec.file, sheet=raw.spec.sheet,
                             total_rows_dropped=raw.dropped_total_rows, rows_in=n_in)
        parsed[table] = df

    tables: dict[str, pd.DataFrame] = {}
    # ---- schools first: they define the valid codes and the campus map
    spec = raws["schools"].spec
    s = parsed["schools"].copy()
    s["is_public"] = s["ownership"].map({"公办": True, "民办": False}).astype(object)
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
            f"不计校数校区的所属学校标识码“{p}”不在学校名录中（或为空）/ parent school code {p!r} "
            "of this campus is not a counted school in the list"
            for p in schools.loc[bad_parent, "parent_code"]],
            [raws["schools"].headers.get("parent_code", "所属学校标识码")] * int(bad_parent.sum()),
            schools.loc[bad_parent, "parent_code"].tolist())
        schools = schools[~bad_parent].reset_index(drop=True)
        campus = schools["not_counted"].fillna(False).astype(bool)
    campus_map = dict(zip(schools.loc[campus, "school_code"], schools.loc[campus, "parent_code"]))
    for _, r in schools[campus].iterrows():
        log.note(spec.file, spec.sheet, int(r["_row"]), "不计校数", r["school_name"],
                 f"不计校数校区 {r['school_code']}（{r['school_name']}）/ campus not counted as a school",
                 f"学生、资源并入所属学校 {r['parent_code']} / merged into parent {r['parent_code']}")
    valid_codes = set(schools["school_code"])
    merged_lists = (pd.Series(list(campus_map.keys()), dtype=object)
                    .groupby(pd.Series(list(campus_map.values()), dtype=object)).agg("、".join))
    out_schools = schools[~campus].copy()
    out_schools["merged_campuses"] = out_schools["school_code"].map(merged_lists)
    tables["schools"] = schemas.validate("schools", out_schools[list(schemas.TABLES["schools"].columns)])
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
            if unknown.any():
                log.quarantine_rows(spec, df.loc[unknown, "_row"].tolist(), [
                    f"学校标识码“{c}”不在学校名录中 / school code {c!r} is not in the school list"
                    for c in df.loc[unknown, "school_code"]],
                    [raw.headers["school_code"]] * int(unknown.sum()),
                    df.loc[unknown, "school_code"].tolist())
                df = df[~unknown]
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
        for c, col in schemas.TABLES[table].columns.items():
            if c not in df.columns:
                df[c] = None  # optional raw column absent → missing, never zero
        valid = _validate(table, df, spec, raw, log)
        before = len(valid)
        if table in ("facilities", "finance"):
            valid = _lost_campuses(valid, raw, campus_map, log)
        valid = _merge_campuses(table, valid, campus_map, spec, log)
        counts[table]["merged"] = before - len(valid)
        tables[table] = schemas.validate(table, valid[list(schemas.TABLES[table].columns)]
                                         .reset_index(drop=True))

    _check_county_items(tables["county_items"], raws.get("county_items"), log)
    _check_schools_present(tables, raws, log)

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
    out_path = _write_atomic(tables, out_dir, period)
    return CleanResult(period, out_path, tables, summary)


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
        out = df.groupby(["school_code", "grade"], sort=False).agg(
            stage=("stage", "first"), students=("students", "sum"), _row=("_row", "first"))
        return out.reset_index()
    if table in ("facilities", "finance", "quota", "catchment"):
        keys = ["school_code", "stage"] if table == "catchment" else ["school_code"]
        num = [c for c in schemas.TABLES[table].columns if c not in keys]
        out = _na_sum(df, keys, num)
        out["_row"] = df.groupby(keys, sort=False)["_row"].first().values
        return out
    if table == "homework":
        df["_w"] = df["written_minutes"] * df["respondents"]
        out = df.groupby(["school_code", "grade"], sort=False).agg(
            respondents=("respondents", "sum"), _w=("_w", "sum"), _row=("_row", "first"))
        out["written_minutes"] = out["_w"] / out["respondents"].where(out["respondents"] > 0)
        return out.drop(columns="_w").reset_index()
    return df  # teachers, special_rooms, classes, monitoring_scores: rows re-pointed


#: per-school tables every counted school is expected to have rows in
PER_SCHOOL_TABLES = ("enrolment", "classes", "teachers", "facilities", "finance", "ratings")


def _check_schools_present(tables: dict[str, pd.DataFrame], raws: dict[str, RawSheet],
                           log: _Log) -> None:
    """A school of the list with no row left in a per-school table gets a data-quality line
    (its rows were missing or quarantined): its indicators have no data, never zeros."""
    schools = tables["schools"].set_index("school_code")["school_name"]
    for table in PER_SCHOOL_TABLES:
        raw = raws.get(table)
        if raw is None:
            continue
        absent = schools[~schools.index.isin(tables[table]["school_code"])]
        for code, name in absent.items():
            log.note(raw.spec.file, raw.spec.sheet, None, raw.headers.get("school_code", "学校标识码"),
                     code, f"学校名录中的“{name}”在本表中没有（可用的）记录 / school in the list has "
                     "no usable row here", "该校相关指标为“无数据”（不按 0 计）/ its indicators have no "
                     "data (not zero)")


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


def _write_atomic(tables: dict[str, pd.DataFrame], out_dir: Path, period: str) -> Path:
    """Write every table to a temporary folder, then swap it in with renames."""
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / period
    tmp = out_dir / f".{period}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    old = None
    try:
        for name, df in tables.items():
            df.to_parquet(tmp / f"{name}.parquet", index=False)
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
