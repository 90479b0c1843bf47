"""``analysis import-stats``: the statistics' figures → the raw-contract workbooks of one period.

What the statistics hold is written in the contract's own workbooks and sheets
(:data:`analysis.ingest.rawdata.RAW_SHEETS`), in ``<out>/<period>/``:

- 学校基本情况.xlsx: 学校名录 (code, name, 城乡分类, 办学类型, 办学性质, 不计校数), 在校生 (by grade),
  班额分段 (classes by 班额 band);
- 教职工花名册.xlsx: 专任教师数 (per school and stage: 专任教师, 高于规定学历 by the standards'
  L1 rule, 县级及以上骨干, 体育/艺术);
- 办学条件.xlsx: 校舍场地装备 (教学及辅助用房; 室内体育用房 — in the 2018 scheme 体育馆 — as both
  the indoor rooms deducted for L4 and the gymnasium added for L5; 运动场地; equipment in 元;
  网络多媒体教室).

One period folder from two sources: when the folder already holds a contract workbook (from the
template, or an earlier import), the statistics' sheets are merged into it school by school and
field by field — a field the statistics hold takes their value, every other field and sheet is
kept — and every field both give with different values is listed. A workbook is replaced whole
(written to a temporary file, then renamed) after a copy of it is kept in
``<period>/导入前备份_backup/<time>/``; the user's file is never edited in place.

Campuses not counted as schools (是否计校数 = 0): the export does not name their parent. They are
written to 学校名录 with 不计校数 = 是 and an empty, highlighted 所属学校标识码 (the contract's
campus mapping) for the user to fill; until then the cleaning keeps them aside and never adds them
to a guessed parent. A mixed school (一贯制, 完全中学) whose teachers the sources do not split by
stage gets an empty row per stage and is listed: never guessed.

Everything found along the way is written to ``<period>/统计导入报告.xlsx`` (problems with file,
sheet, row and header path; conflicts; the campuses to map), which the cleaning adds to the period's
data-quality list.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from analysis.config.standards import load_standards
from analysis.errors import RawDataError, err
from analysis.config.county import COUNTY_FILE
from analysis.files import atomic_path, atomic_write
from analysis.ingest.rawdata import (
    BAND_TARGETS,
    GRADE_NAMES,
    NUMERIC_KINDS,
    RAW_SHEETS,
    UNIT_NAMES,
    SheetSpec,
    WorkbookCache,
    find_sheet,
    match_header,
    norm_text,
    parse_column,
    read_sheet,
    split_header,
    unit_factor,
)
from analysis.ingest.stats_export import Loc, Sources, Value, read_sources
from analysis.ingest.stats_report import IMPORT_REPORT, REPORT_CAMPUSES, REPORT_CONFLICTS, REPORT_ISSUES
from analysis.ingest.template import CODES_SHEET, build_workbook, county_yaml, workbooks
from analysis.schemas import ALL_STAGES, STAGES, TYPE_GRADES, stage_of_grade

BACKUP_DIR = "导入前备份_backup"
#: the contract sheets the statistics fill: (workbook, sheet)
OUTPUT_SHEETS = (("学校基本情况", "学校名录"), ("学校基本情况", "在校生"), ("学校基本情况", "班额分段"),
                 ("教职工花名册", "专任教师数"), ("办学条件", "校舍场地装备"))
ISSUE_COLUMNS = {"file": "来源文件", "sheet": "工作表", "row": "行", "column": "单元格", "header": "表头路径",
                 "value": "值", "problem": "问题", "action": "处理", "school_code": "学校标识码"}
CONFLICT_COLUMNS = {"file": "文件", "sheet": "工作表", "row": "行", "column": "列", "school_code": "学校标识码",
                    "existing": "原值", "statistics": "统计数据的值", "source": "统计数据来源", "action": "处理"}
NEEDS_FIX = "需更正"
_SPECS = {(s.workbook, s.sheet): s for s in RAW_SHEETS}
_KEYS = {"学校名录": ("school_code",), "在校生": ("school_code",), "班额分段": ("school_code", "stage"),
         "专任教师数": ("school_code", "stage"), "校舍场地装备": ("school_code",)}
_FILL = PatternFill("solid", fgColor="FFF2CC")


@dataclass
class ImportResult:
    folder: Path
    written: list[Path]
    backups: list[Path]
    issues: pd.DataFrame
    conflicts: pd.DataFrame
    campuses: pd.DataFrame
    n_schools: int
    files: list[tuple[str, str]] = field(default_factory=list)
    blank: list[Path] = field(default_factory=list)  # blank template workbooks written (the rest to fill)

    @property
    def exit_code(self) -> int:
        """0 nothing to correct; 1 something to fill in or correct (blanks, splits, campuses)."""
        return 1 if (self.issues["action"].str.contains("请填写|缺失|不按 0 计|暂不计入", regex=True).any()
                     if len(self.issues) else False) else 0


# ---------------------------------------------------------------------------- assembling
class _School:
    """One school's values from every source: the first known value of a field, by preference
    (per-school workbooks before the county export); a field several cells of one file give
    (博士 + 硕士) is their sum."""

    def __init__(self, code: str, values: dict[str, list[Value]], shapes: dict[str, str], sources: Sources):
        self.code, self.values, self.shapes, self.sources = code, values, shapes, sources

    def has(self, fld: str) -> bool:
        return fld in self.values

    def get(self, fld: str, canon=None) -> tuple[Any, list[Loc]]:
        """The field's value and where it came from; ``canon`` maps a value before two sources'
        values are compared (统计 "1" and "是" are the same 是否计校数)."""
        vals = self.values.get(fld)
        if not vals:
            return None, []
        by_file: dict[str, list[Value]] = {}
        for v in vals:
            by_file.setdefault(v.loc.file, []).append(v)
        results = []
        for file, vs in by_file.items():
            if len(vs) == 1:
                results.append((vs[0].value, [vs[0].loc], file))
            elif any(v.value is None for v in vs):
                results.append((None, [v.loc for v in vs], file))
            else:
                results.append((sum(v.value for v in vs), [v.loc for v in vs], file))
        results.sort(key=lambda r: self.shapes.get(r[2]) == "综合查询")  # per-school workbooks first
        known = [r for r in results if r[0] is not None]
        if not known:
            return None, results[0][1]
        first = known[0]
        canon = canon or (lambda v: v)
        for other in known[1:]:
            if not _same(canon(first[0]), canon(other[0])):
                self.sources.issue(other[1][0], other[0],
                                   f"与“{first[1][0].file}”{first[1][0].cell}的值“{first[0]}”不一致 / differs "
                                   f"from {first[1][0].file} {first[1][0].cell}",
                                   f"采用“{first[1][0].file}”的值 / the value of {first[1][0].file} is used", self.code)
        return first[0], first[1]


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)))
    return norm_text(a) == norm_text(b)


def _enum(spec_sheet: str, target: str, text: Any) -> Any:
    """A statistics text mapped onto the contract's values with the contract's aliases (leading
    codes "211 小学", "121镇中心区" dropped); None when it cannot be mapped."""
    if text is None:
        return None
    col = next(c for c in _SPECS[("学校基本情况", spec_sheet)].columns if c.target == target)
    t = norm_text(text)
    code = re.match(r"^(\d+)", t)
    t = re.sub(r"^\d+", "", t)
    if not t and code and target == "urban_rural":  # 统计用区划 城乡分类代码: 11x 城区, 12x 镇区, 2xx 乡村
        c = code.group(1)
        t = "城区" if c.startswith("11") else "镇区" if c.startswith("12") else "乡村" if c.startswith("2") else ""
    t = col.aliases.get(t, t)
    return t if col.values is None or t in col.values else None


def _counted(text: Any) -> bool | None:
    t = norm_text(text) if text is not None else ""
    if t in ("1", "是", "计校数"):
        return True
    if t in ("0", "否", "不计校数"):
        return False
    return None



def _listed(s: _School, key: str, column: str, problem: str, action: str) -> tuple[Any, Any]:
    """The school's 学校名录 vocabulary value (of ``column``) and where it was read; None, with an
    import issue naming the cell, when it is missing or not one of the vocabulary's values."""
    text, loc = s.get(key, lambda v: _enum("学校名录", column, v))
    value = _enum("学校名录", column, text)
    if value is None:
        s.sources.issue(loc[0] if loc else None, text, problem, action, s.code)
    return value, loc


def assemble(sources: Sources, standards: dict) -> tuple[dict[str, list[dict]], dict[str, list[dict]], pd.DataFrame]:
    """The contract sheets' rows (sheet → rows of target → value), the source of each value
    (sheet → rows of target → Loc) and the campuses to map."""
    qual = standards["resources"]["indicators"]["L1"]["qualifying_degrees"]
    shapes = dict(sources.files)
    rows: dict[str, list[dict]] = {sheet: [] for _, sheet in OUTPUT_SHEETS}
    locs: dict[str, list[dict]] = {sheet: [] for _, sheet in OUTPUT_SHEETS}
    campuses = []
    for code in sources.order:
        s = _School(code, sources.values[code], shapes, sources)
        name, name_loc = s.get("name", norm_text)
        school_type, type_loc = _listed(s, "type", "school_type", "办学类型无法识别 / school type not recognised",
                                       "请在学校名录中填写办学类型 / fill in the school type")
        urban, urban_loc = _listed(s, "urban", "urban_rural",
                                  "城乡分类缺失或无法识别 / urban-rural class missing or not recognised",
                                  "请在学校名录中填写城乡分类 / fill it in")
        owner, owner_loc = _listed(s, "owner", "ownership", "举办者无法判断为公办或民办 / ownership not recognised",
                                  "请在学校名录中填写办学性质（公办/民办）/ fill it in")
        counted_text, counted_loc = s.get("counted", _counted)
        counted = _counted(counted_text)
        if counted is None:
            sources.issue(counted_loc[0] if counted_loc else None, counted_text,
                          "是否计校数缺失或无法识别 / 是否计校数 missing", "请在学校名录中填写“不计校数”（是/否）/ fill it in",
                          code)
        rows["学校名录"].append(dict(school_code=code, school_name=name, urban_rural=urban, school_type=school_type,
                                   ownership=owner, not_counted=None if counted is None else not counted,
                                   parent_code=None, town=None, is_boarding=None, is_village_school=None))
        locs["学校名录"].append(dict(school_name=name_loc, urban_rural=urban_loc, school_type=type_loc,
                                   ownership=owner_loc, not_counted=counted_loc))
        if counted is False:
            campuses.append(dict(school_code=code, school_name=name))

        # 在校生 by grade: blank inside the type's grades is unknown (listed), outside "no such grade"
        grades = TYPE_GRADES.get(school_type or "", tuple(range(1, 13)))
        enrol, enrol_loc = {"school_code": code}, {}
        for g in range(13):
            v, loc = s.get(f"g{g}")
            enrol[f"g{g}"] = v
            enrol_loc[f"g{g}"] = loc
            if v is None and g in grades:
                sources.issue(loc[0] if loc else None, None,
                              f"在校生：没有{GRADE_NAMES[g]}人数 / no pupils count of grade {g}",
                              "记为未知（不按 0 计），请在“在校生”中填写 / unknown, fill it in", code)
        rows["在校生"].append(enrol)
        locs["在校生"].append(enrol_loc)

        # stages the school teaches (by type; a stage whose pupils are known to be 0 is left out)
        def pupils(stage):
            vals = [enrol[f"g{g}"] for g in range(13) if stage_of_grade(g) == stage and g in grades]
            return None if any(v is None for v in vals) else sum(vals)

        stages = [st for st in STAGES if any(stage_of_grade(g) == st for g in grades) and pupils(st) != 0]
        # 班额分段
        for st in stages:
            fields = [f"band:{st}:{lo}" for lo, _ in BAND_TARGETS.values()]
            if not any(s.has(f) for f in fields):
                continue
            row, loc = {"school_code": code, "stage": st}, {}
            for (target, (lo, _)), f in zip(BAND_TARGETS.items(), fields):
                row[target], loc[target] = s.get(f)
            rows["班额分段"].append(row)
            locs["班额分段"].append(loc)
        # 专任教师数
        other = [st for st in ALL_STAGES if st not in stages and (pupils(st) or 0) > 0
                 or (st not in STAGES and any(enrol[f"g{g}"] for g in range(13) if stage_of_grade(g) == st))]
        for st in stages:
            prefix = f"t:{st}:"
            if not s.has(prefix + "total") and s.has("t:*:total") and len(stages) == 1 and not other:
                prefix = "t:*:"  # the export's school totals: one stage only, nothing to split
            row, loc = {"school_code": code, "stage": st}, {}
            if not s.has(prefix + "total"):
                sources.issue(None, f"{name}（{st}）",
                              f"缺少分学段的专任教师数：{school_type or ''}有多个学段（或附设幼儿班），统计导出只有全校合计 / "
                              "teachers not split by stage",
                              "该学段教师数为空（未知，不按 0 计、不估算）；请提供逐校基层表的小学、中学专任教师表（教基4155/4156 或 "
                              "基础基423/424），或在“专任教师数”中填写 / left blank, never guessed: give the "
                              "per-stage teacher sheets or fill it in", code, file=next(iter(shapes), None))
                for t in ("full_time", "qualifying", "backbone", "pe_art", "serving_pe_art"):
                    row[t] = None
            else:
                row["full_time"], loc["full_time"] = s.get(prefix + "total")
                degs = {d: s.get(f"{prefix}deg:{d}") for d in ("研究生", "本科", "专科", "高中及以下")}
                q = [degs[d][0] for d in qual[st]]
                row["qualifying"] = None if any(v is None for v in q) else sum(q)
                loc["qualifying"] = [lc for d in qual[st] for lc in degs[d][1]]
                pe, pe_loc = s.get(prefix + "pe")
                art, art_loc = s.get(prefix + "art")
                row["pe_art"] = None if pe is None or art is None else pe + art
                loc["pe_art"] = pe_loc + art_loc
                row["backbone"], loc["backbone"] = s.get(f"bb:{st}")
                row["serving_pe_art"] = None
                all_deg = [v for v, _ in degs.values()]
                if row["full_time"] is not None and all(v is not None for v in all_deg) and sum(all_deg) != row["full_time"]:
                    lc = loc["full_time"][0] if loc["full_time"] else None
                    sources.issue(lc, row["full_time"],
                                  f"各学历人数之和（{sum(all_deg)}）与专任教师数不一致 / degrees do not add up",
                                  "请核对 / please check", code)
                for t in ("qualifying", "backbone", "pe_art"):
                    if row[t] is None:
                        lc = loc[t][0] if loc.get(t) else None
                        sources.issue(lc, None, f"专任教师数（{st}）：{_LABEL[t]}缺失 / {t} missing",
                                      "记为未知（不按 0 计），请填写 / unknown, fill it in", code)
            rows["专任教师数"].append(row)
            locs["专任教师数"].append(loc)
        # 校舍场地装备
        if any(s.has(f) for f in ("aux", "indoor", "ground", "equip", "mm")):
            row, loc = {"school_code": code}, {}
            for target, fld in (("teaching_aux_area_m2", "aux"), ("indoor_sports_area_m2", "indoor"),
                                ("sports_ground_m2", "ground"), ("gymnasium_m2", "indoor"),
                                ("equipment_value_yuan", "equip"), ("multimedia_classrooms", "mm")):
                row[target], loc[target] = s.get(fld)
            rows["校舍场地装备"].append(row)
            locs["校舍场地装备"].append(loc)
    return rows, locs, pd.DataFrame(campuses, columns=["school_code", "school_name"])


_LABEL = {"qualifying": "高于规定学历", "backbone": "县级及以上骨干教师", "pe_art": "体育、艺术专任教师"}


# ---------------------------------------------------------------------------- merging
def _header(col) -> str:
    family = col.unit or ("money" if col.kind == "money" else None)
    if family in ("area", "money") and col.kind in NUMERIC_KINDS:
        return f"{col.headers[0]}（{UNIT_NAMES[family]}）"
    return col.headers[0]


def _key(row: dict, keys) -> tuple:
    return tuple(norm_text(row.get(k)) for k in keys)


def _existing(cache: WorkbookCache, spec: SheetSpec) -> tuple[list[dict], list[int], dict[str, str]] | None:
    """The sheet as it is in the folder: rows of target → value (parsed into the contract's unit;
    a cell that cannot be parsed keeps its text), their Excel rows and headers; None when absent."""
    path = cache.path(spec.file)
    if path is None:
        return None
    wb = cache.get(spec)
    if find_sheet(wb.sheetnames, spec.sheet) is None:
        return None
    raw = read_sheet(cache, spec)
    if raw is None:
        return None
    frame = raw.frame
    out = {}
    cols = {c.target: c for c in spec.columns}
    for t in frame.columns:
        if t == "_row":
            continue
        parsed, errors, _ = parse_column(frame[t], cols[t], raw.units.get(t))
        keep = frame[t].where(errors.notna(), parsed)
        out[t] = keep.tolist()
    records = [{t: out[t][i] for t in out} for i in range(len(frame))]
    return records, frame["_row"].astype(int).tolist(), raw.headers


def _display(value) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def merge_sheet(spec: SheetSpec, new_rows: list[dict], new_locs: list[dict],
                existing: tuple[list[dict], list[int], dict[str, str]] | None,
                conflicts: list[dict]) -> list[dict]:
    """The merged rows of one sheet: the existing rows in their order with the statistics' values
    filled in (a different existing value is listed and replaced), then the schools only the
    statistics have."""
    keys = _KEYS[spec.sheet]
    stats = {}
    for r, lc in zip(new_rows, new_locs):
        stats.setdefault(_key(r, keys), (r, lc))
    if existing is None:
        return [dict(r) for r in new_rows]
    records, excel_rows, headers = existing
    out, used = [], set()
    for rec, xrow in zip(records, excel_rows):
        k = _key(rec, keys)
        merged = dict(rec)
        if k in stats and k not in used:
            used.add(k)
            new, lc = stats[k]
            for t, v in new.items():
                if v is None or t in keys:
                    continue
                old = rec.get(t)
                if old is not None and not (isinstance(old, str) and old.strip() == "") and not _same(old, v):
                    src = (lc.get(t) or [None])[0]
                    conflicts.append(dict(
                        file=spec.file, sheet=spec.sheet, row=xrow,
                        column=headers.get(t, t), school_code=k[0], existing=str(_display(old)),
                        statistics=str(_display(v)),
                        source=f"{src.file}·{src.sheet}·{src.cell}（{src.path}）" if src else "",
                        action="采用统计数据；原文件已备份 / the statistics' value is written; the old file is kept"))
                merged[t] = v
        out.append(merged)
    for k, (r, _) in stats.items():
        if k not in used:
            out.append(dict(r))
    return out


# ---------------------------------------------------------------------------- writing
def _locate(ws, spec: SheetSpec) -> tuple[int, dict[str, int], dict[str, str | None], int | None] | None:
    """The header row of ``ws`` (among the first 20), the column of each contract column found in
    it, the unit written in each header and the column of a 学校名称 side column; None when no
    header of the sheet is found."""
    best, best_hits = None, {}
    for r in range(1, min(ws.max_row, 20) + 1):
        hits: dict[str, int] = {}
        for c in range(1, ws.max_column + 1):
            v = ws.cell(r, c).value
            col = match_header(spec, v) if v is not None and str(v).strip() else None
            if col is not None and col.target not in hits:
                hits[col.target] = c
        if len(hits) > len(best_hits):
            best, best_hits = r, hits
    if best is None or len(best_hits) < 2:
        return None
    units = {t: split_header(ws.cell(best, c).value)[1] for t, c in best_hits.items()}
    name_col = next((c for c in range(1, ws.max_column + 1)
                     if split_header(ws.cell(best, c).value or "")[0] == "学校名称" and c not in best_hits.values()),
                    None)
    return best, best_hits, units, name_col


def _writable(ws, row: int, col: int):
    """The cell, unmerged first when it lies in a merged range (every cell of the range keeps the
    range's value)."""
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        rng = next(r for r in ws.merged_cells.ranges if cell.coordinate in r)
        top = ws.cell(rng.min_row, rng.min_col).value
        ws.unmerge_cells(str(rng))
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                ws.cell(r, c).value = top
        cell = ws.cell(row, col)
    return cell


def _as_written(col, value, unit: str | None) -> Any:
    """A contract value as the sheet writes it: in the header's unit (万元 for a 万元 column), 是/否,
    whole numbers without ".0"."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if col.kind in NUMERIC_KINDS and isinstance(value, (int, float)):
        factor = unit_factor(col, unit) or 1.0
        value = value / factor if factor != 1.0 else value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    return value


def fill_sheet(wb, spec: SheetSpec, rows: list[dict], campus_codes: set[str], names: dict[str, Any]) -> None:
    """Write the statistics' rows into the sheet in place: a school (and stage) already listed gets
    the statistics' values in its row (blank statistics leave the cell as it is), a new one a new
    row under the last; every other cell, the title rows, the formats, drop-down lists and input
    messages stay. A sheet that is not there (or has no header of the contract) is added with the
    contract's headers."""
    ws = wb[spec.sheet] if spec.sheet in wb.sheetnames else None
    found = _locate(ws, spec) if ws is not None else None
    if found is None:
        if ws is not None:
            idx = wb.sheetnames.index(spec.sheet)
            del wb[spec.sheet]
            ws = wb.create_sheet(spec.sheet, idx)
        else:
            ws = wb.create_sheet(spec.sheet)
        headers = [_header(c) for c in spec.columns]
        if spec.sheet != "学校名录":
            headers.insert(1, "学校名称")
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
        found = _locate(ws, spec)
    header_row, positions, units, name_col = found
    cols = {c.target: c for c in spec.columns}
    keys = _KEYS[spec.sheet]
    # columns of the contract the sheet lacks and the statistics fill: added after the last
    for c in spec.columns:
        if c.target not in positions and any(r.get(c.target) is not None for r in rows):
            positions[c.target] = ws.max_column + 1
            ws.cell(header_row, positions[c.target], _header(c)).font = Font(bold=True)
            units[c.target] = split_header(_header(c))[1]
    listed: dict[tuple, int] = {}
    last = header_row
    for r in range(header_row + 1, ws.max_row + 1):
        values = [ws.cell(r, c).value for c in positions.values()]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        last = r
        k = tuple(norm_text(ws.cell(r, positions[t]).value) if t in positions else "" for t in keys)
        listed.setdefault(k, r)
    for rec in rows:
        k = _key(rec, keys)
        row = listed.get(k)
        if row is None:
            last += 1
            row = last
            listed[k] = row
            if name_col is not None:
                _writable(ws, row, name_col).value = names.get(norm_text(rec.get("school_code")))
        for t, v in rec.items():
            if v is None or t not in positions:
                continue
            cell = _writable(ws, row, positions[t])
            cell.value = _as_written(cols[t], v, units.get(t))
            if cols[t].kind == "code":
                cell.number_format = "@"
        if (spec.sheet == "学校名录" and norm_text(rec.get("school_code")) in campus_codes
                and "parent_code" in positions):
            cell = _writable(ws, row, positions["parent_code"])
            if cell.value is None or not str(cell.value).strip():
                cell.fill = _FILL
                cell.comment = Comment("不计校数校区：请填写所属学校的学校标识码（统计导出不含此项）", "analysis")


def _fill_codes_sheet(wb, schools: list[dict]) -> None:
    """The template's 学校代码 helper sheet (school codes for the drop-down checks), when empty."""
    if CODES_SHEET not in wb.sheetnames:
        return
    ws = wb[CODES_SHEET]
    if ws.cell(2, 1).value not in (None, ""):
        return
    for i, r in enumerate(schools, start=2):
        ws.cell(i, 1, r.get("school_code")).number_format = "@"
        ws.cell(i, 2, r.get("school_name"))


def _county_name(sources: Sources) -> str | None:
    """The county named by the export's 统计三级 (the most frequent), if any."""
    names = [v.value for fields in sources.values.values() for v in fields.get("county", []) if v.value]
    return max(set(names), key=names.count) if names else None


def _backup(path: Path, stamp: str) -> Path:
    dest = path.parent / BACKUP_DIR / stamp / path.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        shutil.copyfile(path, tmp)
    return dest


def _frame(records: list[dict], columns: dict[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=list(columns))
    return df.rename(columns=columns)


def _write_report(path: Path, sources: Sources, issues: pd.DataFrame, conflicts: pd.DataFrame,
                  campuses: pd.DataFrame, period: str, written: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "说明"
    lines = [
        ["统计数据导入报告 / statistics import report"],
        ["报告期 / period", period],
        ["导入时间 / imported", datetime.now().strftime("%Y-%m-%d %H:%M")],
        ["来源文件 / sources", "；".join(f"{f}（{shape}）" for f, shape in sources.files)],
        ["写入的工作簿 / written", "、".join(written)],
        ["问题 / problems", f"{len(issues)} 条，见“{REPORT_ISSUES}”"],
        ["与已有工作簿不同的数据 / conflicts", f"{len(conflicts)} 处，见“{REPORT_CONFLICTS}”（采用统计数据）"],
        ["不计校数校区 / campuses", f"{len(campuses)} 个，见“{REPORT_CAMPUSES}”：请在 学校基本情况.xlsx·学校名录 的"
                                   "“所属学校标识码”列填写"],
        ["下一步 / next", "填写统计数据没有的内容：期文件夹中原来没有的工作簿已按填报模板写出（空白，见各工作簿的"
                         "“填表说明”）——经费、督导与质量、招生与升学、社会认可度调查、县级数据、办学条件的“专用教室”；"
                         "学校名录的所在乡镇、寄宿制学校、村小学和不计校数校区的所属学校标识码；专任教师数的“外校来本校任教的"
                         "体育、艺术教师”；需要 G9、G11、G12 时的“教职工”花名册；county.yaml 的县域基本情况。然后运行 "
                         "analysis check，再运行 analysis run。 / Fill in what the statistics do not hold (the "
                         "workbooks that were missing are written as blank templates), then analysis check, "
                         "then analysis run."],
    ]
    for line in lines:
        ws.append(line)
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 100
    for title, df in ((REPORT_ISSUES, issues), (REPORT_CONFLICTS, conflicts), (REPORT_CAMPUSES, campuses)):
        sheet = wb.create_sheet(title)
        sheet.append(list(df.columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for rec in df.itertuples(index=False):
            sheet.append([None if (not isinstance(v, str) and pd.isna(v)) else v for v in rec])
    with atomic_path(path) as tmp:
        wb.save(tmp)


def import_stats(paths: list[Path], raw_dir: Path, period: str, standards: dict | None = None) -> ImportResult:
    """Read the statistics ``paths`` and write (or merge into) ``raw_dir/<period>/``'s contract
    workbooks; see the module docstring. Raises :class:`RawDataError` (a workbook that cannot be
    read, a layout that differs) before anything is written."""
    standards = standards if standards is not None else load_standards()
    sources = read_sources([Path(p) for p in paths])
    if not sources.order:
        raise RawDataError(err("统计数据中没有任何学校记录", "no school found in the statistics"))
    rows, locs, campuses = assemble(sources, standards)
    folder = Path(raw_dir) / str(period)
    folder.mkdir(parents=True, exist_ok=True)
    cache = WorkbookCache(folder)
    conflicts: list[dict] = []
    merged: dict[str, list[dict]] = {}
    try:
        for wb_name, sheet in OUTPUT_SHEETS:
            spec = _SPECS[(wb_name, sheet)]
            merged[sheet] = merge_sheet(spec, rows[sheet], locs[sheet], _existing(cache, spec), conflicts)
    finally:
        cache.close()  # the workbooks are rewritten below: not held open (Windows cannot replace an open file)
    names = {norm_text(r.get("school_code")): r.get("school_name") for r in merged["学校名录"]}
    # campuses: the user's parent code (an earlier fill) is kept; the others are to be filled
    parents = {norm_text(r.get("school_code")): r.get("parent_code") for r in merged["学校名录"]}
    campuses["所属学校标识码"] = campuses["school_code"].map(lambda c: parents.get(norm_text(c)))
    campus_rows = {norm_text(r.get("school_code")): i + 2 for i, r in enumerate(merged["学校名录"])}
    campuses["位置"] = campuses["school_code"].map(
        lambda c: f"学校基本情况.xlsx·学校名录 第{campus_rows.get(norm_text(c))}行·所属学校标识码")
    for c in campuses.itertuples():
        if c.所属学校标识码 in (None, "") or pd.isna(c.所属学校标识码):
            sources.issue(None, c.school_code,
                          f"不计校数校区“{c.school_name}”：统计导出不含所属学校 / the export does not name the "
                          "campus's parent school",
                          f"请在{c.位置}填写；未填写前该校区暂不计入任何学校（不猜测）/ fill it in; until then the "
                          "campus is kept aside", c.school_code, file=IMPORT_REPORT)
    campuses = campuses.rename(columns={"school_code": "校区标识码", "school_name": "校区名称"})

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    written, backups, blank = [], [], []
    campus_codes = {norm_text(c) for c in campuses["校区标识码"]}
    county = _county_name(sources)
    for file, group in workbooks().items():
        sheets = [spec for spec in group if (spec.workbook, spec.sheet) in OUTPUT_SHEETS]
        path = cache.path(file)
        if path is not None and not any(rows[s.sheet] for s in sheets):
            continue  # a workbook the statistics do not fill, already there: untouched
        if path is not None:
            wb = load_workbook(path)
            backups.append(_backup(path, stamp))
        else:  # the template's blank workbook: what the statistics hold is filled in below
            path = folder / file
            wb = build_workbook(file, group, county=county, period=str(period))
            if not sheets:
                blank.append(path)
        for spec in sheets:
            if rows[spec.sheet]:
                fill_sheet(wb, spec, rows[spec.sheet], campus_codes, names)
        _fill_codes_sheet(wb, merged["学校名录"])
        with atomic_path(path) as tmp:
            wb.save(tmp)
        written.append(path)
    county_file = Path(raw_dir) / COUNTY_FILE
    if not county_file.exists():
        atomic_write(county_file, county_yaml(county, str(period)))
        written.append(county_file)
    issues = _frame(sources.issues, ISSUE_COLUMNS)
    conflict_df = _frame(conflicts, CONFLICT_COLUMNS)
    report = folder / IMPORT_REPORT
    if report.is_file():
        backups.append(_backup(report, stamp))
    _write_report(report, sources, issues, conflict_df, campuses, str(period), [p.name for p in written])
    issues = pd.DataFrame(sources.issues, columns=list(ISSUE_COLUMNS))
    return ImportResult(folder, written + [report], backups, issues,
                        pd.DataFrame(conflicts, columns=list(CONFLICT_COLUMNS)), campuses,
                        len(sources.order), sources.files, blank)


def summary_lines(result: ImportResult) -> list[str]:
    """What ``analysis import-stats`` prints."""
    lines = [f"统计数据导入 / statistics imported: {result.n_schools} 所学校 / schools → {result.folder}"]
    for f, shape in result.files:
        lines.append(f"  读取 / read: {f}（{shape}）")
    for p in result.written:
        blank = "（空白模板，请填写 / blank template to fill in）" if p in result.blank else ""
        lines.append(f"  写入 / written: {p.name}{blank}")
    if result.backups:
        lines.append(f"  原文件已备份 / previous files kept: {result.backups[0].parent}")
    lines.append(f"  问题 / problems: {len(result.issues)}；与已有数据不同 / conflicts: {len(result.conflicts)}；"
                 f"不计校数校区 / campuses: {len(result.campuses)}（见 / see {IMPORT_REPORT}）")
    lines.append(f"下一步 / next: 填写统计数据没有的内容（见 {IMPORT_REPORT}“说明”），然后运行 analysis check --period "
                 f"{result.folder.name} --data {result.folder.parent} / fill in the rest, then run analysis check")
    return lines
