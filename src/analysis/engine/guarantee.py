"""Government guarantee (政府保障程度): the 15 indicators G1–G15.

Each ``g<k>(tables, standards)`` function returns an :class:`IndicatorResult`: the county figure,
the rule text, a status (达标 / 未达标 / 无数据 / 未提供), the failing schools or items as text, the
evidence text and, for per-school rules, a detail table (the schools or classes that fail and by
how much). ``evaluate_guarantee`` runs all fifteen.

Readings we chose (documented in ``docs/results.md``):

- Status of a multi-part indicator: any definite failure → 未达标; otherwise any missing
  attestation → 未提供; otherwise any missing number → 无数据; otherwise 达标. A missing
  attestation is never a pass and a missing number is never read as zero.
- Per-school rules judge the schools whose type is not in ``units.excluded_types`` (G3) or whose
  type has a size limit (G4); a school without the needed rows is 无数据, never a pass.
- A missing input (a NA value or a missing row of an in-scope school, class, room or teacher) is
  never read as zero: a unit is 达标 only when it passes whatever the missing values are, 未达标
  when it fails whatever they are, and 无数据 otherwise; the ``failing`` text names the school and
  the missing input. A count (pupils, entrants, places) is unbounded, so a missing count can
  never pass; it can only fail when the known part already fails (e.g. G4's known grades).
- Teacher shares (G9, G12) are over full-time teachers (专任教师) of the compulsory stages.

The result helpers (``IndicatorResult``, ``combine_status``, number formats) are shared by
``quality.py``, ``recognition.py`` and ``verdict.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.engine.classes import class_groups
from analysis.engine.shared import once
from analysis.numbers import half_up
from analysis.schemas import COUNTY_ITEMS, URBAN_RURAL

PASS, FAIL, NO_DATA, NOT_PROVIDED = "达标", "未达标", "无数据", "未提供"
RURAL = URBAN_RURAL[-1]  # "乡村"
AREA_GUARANTEE = "政府保障程度"


# ---------------------------------------------------------------------------------- result type
@dataclass
class IndicatorResult:
    """One indicator's verdict with everything behind it."""

    code: str
    name: str
    area: str
    standard: str
    status: str
    value: float | None = None
    value_text: str | None = None
    failing: str | None = None
    evidence: str | None = None
    detail: pd.DataFrame | None = None
    responsible: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == PASS


def combine_status(*statuses: str) -> str:
    """Combine part statuses: 未达标 > 未提供 > 无数据 > 达标 (an empty call is 无数据)."""
    if not statuses:
        return NO_DATA
    for s in (FAIL, NOT_PROVIDED, NO_DATA):
        if s in statuses:
            return s
    return PASS


_PRIORITY = {PASS: 0, NO_DATA: 1, NOT_PROVIDED: 2, FAIL: 3}
_BY_PRIORITY = {v: k for k, v in _PRIORITY.items()}


def combine_status_by(statuses: pd.Series, keys: pd.Series | list) -> pd.Series:
    """Vectorised :func:`combine_status` per group (e.g. per school)."""
    return statuses.map(_PRIORITY).groupby(keys).max().map(_BY_PRIORITY)


# Relative tolerance of "at least" comparisons between computed amounts (same as resources.py):
# a training spending of exactly 5% of a 10 004 元 budget is 500.2 元, but 10004 × 0.05 is
# 500.20000000000005 in binary floating point; without the tolerance it would fail by float noise.
REL_TOL = 1e-9


def at_least(value, threshold):
    """``value >= threshold`` up to ``REL_TOL`` (works on scalars, arrays and Series; NaN → False)."""
    return value >= threshold - REL_TOL * abs(threshold)


def responsible(spec: dict[str, Any]) -> str:
    return "、".join(spec.get("responsible", []))


# ---------------------------------------------------------------------------------- formatting
def fmt_num(x: Any, decimals: int = 2) -> str | None:
    """Half-up rounded number as text; ``None`` for a missing value (never "0")."""
    if x is None or pd.isna(x):
        return None
    return f"{half_up(x, decimals):f}"


def fmt_pct(x: Any, decimals: int = 2) -> str | None:
    """A share (0–1) as a percentage text, e.g. 0.97345 → "97.35%"."""
    if x is None or pd.isna(x):
        return None
    return f"{half_up(float(x) * 100, decimals):f}%"


def fmt_vs(x: Any, threshold: Any, decimals: int = 2, pct: bool = False, max_decimals: int = 10) -> str | None:
    """``x`` as text (``fmt_pct`` when ``pct``) with at least ``decimals`` decimals and as many more
    as it takes not to print the same as ``threshold`` unless the two are equal (up to ``REL_TOL``).

    A failing 84.996% next to an 85% rule prints "84.996%", not "85.00%"; a 校际差异率 of 0.1499
    against 0.15 prints "0.1499", not "0.150".
    """
    fmt = fmt_pct if pct else fmt_num
    text = fmt(x, decimals)
    if text is None or threshold is None or pd.isna(threshold):
        return text
    if math.isclose(float(x), float(threshold), rel_tol=REL_TOL, abs_tol=0.0):
        return text
    d = decimals
    while d < max_decimals and text == fmt(threshold, d):
        d += 1
        text = fmt(x, d)
    return text


def fmt_int(x: Any) -> str | None:
    if x is None or pd.isna(x):
        return None
    return str(int(x))


def join_text(parts: list[str] | pd.Series, limit: int | None = None) -> str | None:
    """Join failure texts with "；"; ``None`` when there is nothing to list."""
    items = [str(p) for p in parts if p is not None and not (isinstance(p, float) and math.isnan(p))]
    if not items:
        return None
    if limit is not None and len(items) > limit:
        return "；".join(items[:limit]) + f"；……共 {len(items)} 项，详见明细表"
    return "；".join(items)


# ---------------------------------------------------------------------------------- inputs
def table(tables: dict[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """The processed table ``name`` or ``None`` when the county did not provide it."""
    df = tables.get(name)
    return None if df is None else df


def _first_rows(items: pd.DataFrame) -> dict[str, int]:
    """Position of each item's first row in ``county_items`` (rows without an item are skipped)."""
    first: dict[str, int] = {}
    for pos, item in enumerate(items["item"].tolist()):
        if isinstance(item, str) and item not in first:
            first[item] = pos
    return first


def _county_item(tables: dict[str, pd.DataFrame], item: str) -> pd.Series | None:
    """The first row of ``county_items`` for ``item``; ``None`` when there is none."""
    items = table(tables, "county_items")
    if items is None or items.empty:
        return None
    pos = once(tables, "county_item_rows", lambda: _first_rows(items)).get(item)
    return None if pos is None else items.iloc[pos]


def county_number(tables: dict[str, pd.DataFrame], item: str) -> float | None:
    """A county-level number; ``None`` when the row or its value is missing (never 0)."""
    row = _county_item(tables, item)
    if row is None or pd.isna(row["value"]):
        return None
    return float(row["value"])


def attestation(tables: dict[str, pd.DataFrame], item: str) -> tuple[str, str]:
    """(status, text) of an attested item: 是 → 达标, 否 → 未达标, missing → 未提供."""
    label = COUNTY_ITEMS.get(item, item)
    row = _county_item(tables, item)
    if row is None or pd.isna(row["attested"]):
        return NOT_PROVIDED, f"{label}：未提供认定 (attestation not provided)"
    ok = bool(row["attested"])
    ev = row.get("evidence")
    ev_text = f"；佐证：{ev}" if ev is not None and not pd.isna(ev) and str(ev).strip() else "；无佐证材料说明"
    return (PASS if ok else FAIL), f"{label}：{'是' if ok else '否'}{ev_text}"


def missing_number_text(items: list[str]) -> str:
    return "缺少数值 (missing): " + "、".join(COUNTY_ITEMS.get(i, i) for i in items)


def _school_info(tables: dict[str, pd.DataFrame]) -> pd.DataFrame | None:
    schools = table(tables, "schools")
    if schools is None:
        return None
    return schools[["school_code", "school_name", "school_type", "urban_rural"]]


def _stage_students(tables: dict[str, pd.DataFrame], stages: list[str]) -> pd.DataFrame | None:
    """See :func:`_stage_students_of` (computed once per engine run, ``engine.shared``)."""
    return once(tables, ("stage_students", tuple(stages)), lambda: _stage_students_of(tables, stages))


def _stage_students_of(tables: dict[str, pd.DataFrame], stages: list[str]) -> pd.DataFrame | None:
    """Students per school and stage, wide: one column per stage, ``total``, ``known_total`` and
    ``missing_grades``.

    A stage without rows has 0 pupils; a stage with a NA row (a grade whose count is unknown) is
    NaN, and so is ``total`` — never the smaller sum of the known grades. ``known_total`` is that
    smaller sum (a lower bound, for a definite failure only); ``missing_grades`` names the grades
    whose count is unknown ("3年级、4年级"), NA when none is.
    """
    enrol = table(tables, "enrolment")
    if enrol is None:
        return None
    e = enrol[enrol["stage"].isin(stages)]
    n = e["students"].astype("Float64").astype(float)
    key = [e["school_code"], e["stage"]]
    known = n.groupby(key).sum().unstack(fill_value=0.0).reindex(columns=stages, fill_value=0.0)
    na = n.isna().groupby(key).any().unstack(fill_value=False)
    na = na.reindex(index=known.index, columns=stages, fill_value=False).astype(bool)
    wide = known.mask(na)
    wide["total"] = wide[stages].sum(axis=1, skipna=False)
    wide["known_total"] = known[stages].sum(axis=1)
    miss = e.loc[n.isna().to_numpy(), ["school_code", "grade"]].sort_values("grade")
    grades = miss.groupby("school_code")["grade"].agg(lambda g: "、".join(f"{int(x)}年级" for x in g))
    wide["missing_grades"] = grades.reindex(wide.index).astype("string")
    wide.columns = [str(c) for c in wide.columns]
    wide.columns.name = None
    return wide.rename_axis("school_code").reset_index()


def reasons(conditions: list, texts: list[str], index: pd.Index) -> pd.Series:
    """The text of the first true condition per row (a nullable string Series; NA where none is)."""
    out = np.select([np.asarray(c, dtype=bool) for c in conditions], texts, "")
    return pd.Series(out, index=index, dtype="string").replace("", pd.NA)


def pupils_missing_text(missing_grades: Any) -> str:
    """Why a school's pupil count is unknown: the grades whose count is missing, or no rows."""
    if missing_grades is None or pd.isna(missing_grades):
        return "无在校生记录（enrolment）"
    return f"在校生数缺失（{missing_grades}人数不详，enrolment.students）"


def compulsory_scope(tables: dict[str, pd.DataFrame], standards: dict, by: str = "stage",
                     exclude_types: bool = True, grades: list[int] | None = None) -> pd.DataFrame | None:
    """The in-scope units of a per-school rule: schools with pupils in the compulsory stages.

    One row per school (``by="school"``), school and stage (``"stage"``) or school and grade
    (``"grade"``) whose enrolment row says pupils > 0 **or is NA** (a count that is unknown may
    be pupils: the unit is in scope, not silently absent). ``grades`` keeps only those grades
    (e.g. the entry grades 1 and 7). Schools of ``units.excluded_types`` are left out when
    ``exclude_types``. Columns: school_code, school_name, [stage], [grade]. ``None`` when the
    enrolment or schools table is missing.
    """
    enrol, schools = table(tables, "enrolment"), table(tables, "schools")
    if enrol is None or schools is None:
        return None
    e = once(tables, "scope_enrolment", lambda: _pupil_rows(enrol, standards))
    if grades is not None:
        e = e[e["grade"].isin(grades)]
    s = schools
    if exclude_types:
        s = once(tables, "scope_schools", lambda: schools[~schools["school_type"].isin(
            standards["units"]["excluded_types"])])
    cols = {"school": [], "stage": ["stage"], "grade": ["stage", "grade"]}[by]
    units = e[["school_code", *cols]].drop_duplicates()
    out = units.merge(s[["school_code", "school_name"]], on="school_code", how="inner")
    return out[["school_code", "school_name", *cols]].sort_values(["school_code", *cols]).reset_index(drop=True)


def _pupil_rows(enrol: pd.DataFrame, standards: dict) -> pd.DataFrame:
    """The enrolment rows of the compulsory stages that say pupils > 0 or NA (may be pupils)."""
    e = enrol[enrol["stage"].isin(standards["stages"])]
    n = e["students"].astype("Float64")
    return e[(n > 0).fillna(True).to_numpy(dtype=bool)]


def _attested_result(code: str, spec: dict, tables, items: list[str]) -> IndicatorResult:
    parts = [attestation(tables, i) for i in items]
    status = combine_status(*[p[0] for p in parts])
    detail = pd.DataFrame(
        {
            "item": items,
            "label": [COUNTY_ITEMS.get(i, i) for i in items],
            "status": [p[0] for p in parts],
            "text": [p[1] for p in parts],
        }
    )
    n_yes = sum(p[0] == PASS for p in parts)
    value_text = "是" if n_yes == len(items) and len(items) == 1 else f"{n_yes}/{len(items)} 项认定为“是”"
    if len(items) == 1:
        value_text = {PASS: "是", FAIL: "否", NOT_PROVIDED: None}[parts[0][0]]
    failing = join_text([p[1] for p in parts if p[0] != PASS])
    return IndicatorResult(
        code, spec["name"], AREA_GUARANTEE, "县级认定为“是”并附佐证材料", status,
        value=None, value_text=value_text, failing=failing,
        evidence=join_text([p[1] for p in parts]), detail=detail, responsible=responsible(spec),
    )


# ---------------------------------------------------------------------------------- G1, G2, G10
def g1(tables, standards) -> IndicatorResult:
    """规划布局合理: county attestation."""
    return _attested_result("G1", standards["guarantee"]["G1"], tables, ["G1_layout"])


def g2(tables, standards) -> IndicatorResult:
    """城乡“四统一”: four attestations, all must be 是."""
    items = ["G2_building", "G2_staffing", "G2_funding", "G2_equipment"]
    return _attested_result("G2", standards["guarantee"]["G2"], tables, items)


def g10(tables, standards) -> IndicatorResult:
    """统筹分配编制和岗位: county attestation."""
    return _attested_result("G10", standards["guarantee"]["G10"], tables, ["G10_post_allocation"])


# ---------------------------------------------------------------------------------- G3
def g3(tables, standards) -> IndicatorResult:
    """Music and fine-art rooms: per school, rooms ≥ ceil(classes / 12) of each type.

    Only rooms at least the applicable minimum area count. The minimum of a room is the most
    relaxed that applies: the normal minimum; the old-room minimum if built before
    ``relaxed_before_year``; the small-rural minimum (by the school's stage: 初中 if it has
    junior classes, else 小学) if the school is rural and its largest class is under
    ``small_rural_max_class_size``.

    A relaxation that hangs on a missing input — a blank build year; a NA class size in a rural
    school whose known classes are all under the limit — is neither granted nor refused: a room
    whose area lies between the minimum with and without it is undecided (无数据), and the
    failing text gives the minimum under each reading. Per school and room type: 达标 when the
    rooms that qualify whatever the missing inputs are reach the number needed; 未达标 when even
    every undecided room counted does not; otherwise 无数据. A school without class rows is 无数据.
    """
    spec = standards["guarantee"]["G3"]
    stages = standards["stages"]
    per_room = spec["classes_per_room"]
    room_types = list(spec["min_area"])
    old_year = spec["relaxed_before_year"]
    small_max = spec["small_rural_max_class_size"]
    std_text = (
        f"每校每{per_room}个班配备音乐、美术专用教室各1间以上（所需间数 = ⌈班数/{per_room}⌉）；"
        f"面积 音乐≥{spec['min_area']['音乐']}㎡、美术≥{spec['min_area']['美术']}㎡；"
        f"{old_year}年前建成 音乐≥{spec['relaxed_area_old']['音乐']}㎡、"
        f"美术≥{spec['relaxed_area_old']['美术']}㎡；最大班额<{small_max}人的乡村小规模学校 "
        f"小学≥{spec['small_rural_area']['小学']}㎡、初中≥{spec['small_rural_area']['初中']}㎡"
    )
    res = IndicatorResult("G3", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    info = _school_info(tables)
    groups = class_groups(tables, stages)
    rooms = table(tables, "special_rooms")
    missing = [n for n, t in (("schools", info), ("classes", groups), ("special_rooms", rooms)) if t is None]
    if missing:
        res.failing = f"缺少数据表 (missing tables): {', '.join(missing)}"
        return res

    excluded = standards["units"]["excluded_types"]
    schools = info[~info["school_type"].isin(excluded)].copy()
    # per school: its classes (a band's blank count: unknown), the largest size that may be and
    # the largest that surely is (bounds of each group; a class of unknown size is 0 … ∞)
    g = groups[(groups["n"] != 0).fillna(True).to_numpy(dtype=bool)]
    per_school = g.assign(is_junior=g["stage"] == "初中", n_na=g["n"].isna().to_numpy(),
                          n0=g["n"].fillna(0).astype("int64")).groupby("school_code").agg(
        classes=("n0", "sum"), counts_missing=("n_na", "sum"), largest_hi=("hi", "max"),
        largest_lo=("lo", "max"), has_junior=("is_junior", "max"))
    schools = schools.merge(per_school, left_on="school_code", right_index=True, how="left")
    no_classes = schools["classes"].isna() | (schools["counts_missing"].fillna(0) > 0)
    schools["classes"] = schools["classes"].fillna(0).astype("int64")
    schools["rooms_needed"] = -(-schools["classes"] // per_room)  # ceil for non-negative ints
    # small rural school: yes (every class surely under the limit) / unknown (a class of unknown
    # size or a band across the limit could be the largest) / no (one class surely at the limit)
    rural = (schools["urban_rural"] == RURAL).to_numpy() & ~no_classes.to_numpy()
    known_small = ~(schools["largest_lo"].to_numpy(dtype=float) >= small_max)
    sizes_na = ~(schools["largest_hi"].to_numpy(dtype=float) < small_max)
    sr_yes = rural & known_small & ~sizes_na
    sr_unknown = rural & known_small & sizes_na
    school_stage = np.where(schools["has_junior"].fillna(False).astype(bool), "初中", "小学")
    schools["sr_min"] = np.where(sr_yes | sr_unknown,
                                 pd.Series(school_stage).map(spec["small_rural_area"]).to_numpy(), np.nan)
    schools["sr_known"] = sr_yes | ~sr_unknown

    r = rooms.merge(schools[["school_code", "sr_min", "sr_known"]], on="school_code", how="inner").copy()
    area = r["area_m2"].astype(float).to_numpy()
    base = r["room_type"].map(spec["min_area"]).astype(float).to_numpy()
    old_min = r["room_type"].map(spec["relaxed_area_old"]).astype(float).to_numpy()
    year = r["build_year"].astype("Float64")
    old_yes = (year < old_year).fillna(False).to_numpy(dtype=bool)
    year_na = year.isna().to_numpy()
    sr_min = r["sr_min"].to_numpy(dtype=float)
    sr_known = r["sr_known"].to_numpy(dtype=bool)
    # the minimum that surely applies (pessimistic) and the most relaxed one that may (optimistic)
    sure = np.fmin(np.fmin(base, np.where(old_yes, old_min, np.nan)), np.where(sr_known, sr_min, np.nan))
    maybe = np.fmin(np.fmin(base, np.where(old_yes | year_na, old_min, np.nan)), sr_min)
    r["qualifies"] = area >= sure
    r["undecided"] = ~r["qualifies"] & (area >= maybe)
    r["min_area"] = np.where(r["undecided"], sure, maybe)  # a room too small even at the most relaxed
    year_text = r["build_year"].astype("string").fillna("建成年份不详")
    r["too_small_text"] = (
        r["room_type"] + "教室 " + r["area_m2"].astype(float).round(1).astype(str) + "㎡ < "
        + r["min_area"].astype(str) + "㎡（" + year_text + "）"
    )
    und = r[r["undecided"]]
    und_text = pd.Series(
        [_undecided_room_text(t, a, s_min, o_min, srm, yna, not srk, old_year, small_max)
         for t, a, s_min, o_min, srm, yna, srk in zip(
            und["room_type"], und["area_m2"].astype(float), r.loc[r["undecided"], "min_area"],
            und["room_type"].map(spec["relaxed_area_old"]).astype(float), und["sr_min"],
            und["build_year"].isna(), und["sr_known"])],
        index=und.index, dtype="string")
    r["undecided_text"] = und_text.reindex(r.index)
    counts = r.groupby(["school_code", "room_type"]).agg(
        rooms_total=("qualifies", "size"), rooms_qualifying=("qualifies", "sum"),
        rooms_unknown=("undecided", "sum"))
    too_small = r[~r["qualifies"] & ~r["undecided"]].groupby(["school_code", "room_type"])["too_small_text"].agg(
        "；".join)
    undecided = und.assign(t=und_text).groupby(["school_code", "room_type"])["t"].agg("；".join)

    grid = schools.merge(pd.DataFrame({"room_type": room_types}), how="cross")
    keys = ["school_code", "room_type"]
    grid = grid.merge(counts, left_on=keys, right_index=True, how="left")
    grid = grid.merge(too_small.rename("rooms_too_small"), left_on=keys, right_index=True, how="left")
    grid = grid.merge(undecided.rename("undecided"), left_on=keys, right_index=True, how="left")
    cnt = ["rooms_total", "rooms_qualifying", "rooms_unknown"]
    grid[cnt] = grid[cnt].fillna(0).astype("int64")
    # definite shortfall: rooms missing even if every undecided room qualifies
    grid["rooms_missing"] = (grid["rooms_needed"] - grid["rooms_qualifying"] - grid["rooms_unknown"]).clip(lower=0)
    grid["no_data"] = grid["school_code"].isin(schools.loc[no_classes, "school_code"])
    grid["status"] = np.select(
        [grid["no_data"], grid["rooms_missing"] > 0, grid["rooms_qualifying"] < grid["rooms_needed"]],
        [NO_DATA, FAIL, NO_DATA], PASS)
    grid["missing_input"] = np.where(grid["no_data"], "无班级记录（classes）",
                                     np.where(grid["status"] == PASS, None, grid["undecided"]))

    cols = ["school_code", "school_name", "room_type", "classes", "rooms_needed", "rooms_total",
            "rooms_qualifying", "rooms_unknown", "rooms_missing", "rooms_too_small", "status", "missing_input"]
    detail = grid.loc[grid["status"] != PASS, cols].reset_index(drop=True)
    detail["rooms_too_small"] = detail["rooms_too_small"].astype("string")
    detail["missing_input"] = detail["missing_input"].astype("string")
    school_status = combine_status_by(grid["status"], grid["school_code"])
    n_ok = int((school_status == PASS).sum())
    res.status = combine_status(*school_status.unique()) if len(school_status) else NO_DATA
    res.value = n_ok / len(school_status) if len(school_status) else None
    res.value_text = f"{n_ok}/{len(school_status)} 所学校达标"
    fails = detail[detail["status"] == FAIL]
    too_small_note = ("（面积不足：" + fails["rooms_too_small"] + "）").fillna("")
    unknown_note = np.where(fails["rooms_unknown"] > 0, "、未定" + fails["rooms_unknown"].astype(str) + "间、至少", "、")
    undecided_rows = detail[(detail["status"] == NO_DATA) & detail["missing_input"].notna()
                            & (detail["rooms_unknown"] > 0)]
    res.failing = join_text(
        (fails["school_name"] + " " + fails["room_type"] + "教室 需" + fails["rooms_needed"].astype(str)
         + "间、合格" + fails["rooms_qualifying"].astype(str) + "间" + unknown_note + "缺"
         + fails["rooms_missing"].astype(str) + "间" + too_small_note).tolist()
        + (undecided_rows["school_name"] + " " + undecided_rows["room_type"] + "教室 需"
           + undecided_rows["rooms_needed"].astype(str) + "间、合格" + undecided_rows["rooms_qualifying"].astype(str)
           + "间，无数据：" + undecided_rows["missing_input"]).tolist()
        + (detail.loc[detail["missing_input"].eq("无班级记录（classes）").fillna(False).to_numpy(dtype=bool),
                      "school_name"] + " 无班级数据（classes）").drop_duplicates().tolist(),
        limit=20,
    )
    res.evidence = f"按 classes、special_rooms 表逐校计算；{len(school_status)} 所学校参评"
    res.detail = detail
    return res


def _undecided_room_text(room_type: str, area: float, sure_min: float, old_min: float, sr_min: float,
                         year_missing: bool, size_missing: bool, old_year: int, small_max: int) -> str:
    """Why a room is undecided and the minimum area under each reading (Chinese, for ``failing``)."""
    def verdict(minimum: float) -> str:
        return "合格" if area >= minimum else "不合格"

    parts = []
    if year_missing:
        with_old = min(sure_min, old_min)
        parts.append(f"建成年份不详，由建成年份决定：若{old_year}年前建成，最低 {with_old:.1f}㎡（{verdict(with_old)}），"
                     f"否则最低 {sure_min:.1f}㎡（不合格）")
    if size_missing and not np.isnan(sr_min):
        with_sr = min(sure_min, sr_min)
        parts.append(f"班额缺失，由是否为最大班额<{small_max}人的乡村小规模学校决定：若是，最低 {with_sr:.1f}㎡"
                     f"（{verdict(with_sr)}），否则最低 {sure_min:.1f}㎡（不合格）")
    return f"{room_type}教室 {area:.1f}㎡：" + "；".join(parts)


# ---------------------------------------------------------------------------------- G4
def g4(tables, standards) -> IndicatorResult:
    """School size: compulsory-stage pupils ≤ the limit of the school type.

    A school whose count of some grade is unknown has an unknown size (无数据), not the smaller
    sum of its known grades; it is 未达标 only when the known grades alone exceed the limit.
    """
    spec = standards["guarantee"]["G4"]
    limits = spec["max_students"]
    std_text = "；".join(f"{k}≤{v}人" for k, v in limits.items()) + "（义务教育阶段在校生）"
    res = IndicatorResult("G4", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    info = _school_info(tables)
    students = _stage_students(tables, standards["stages"])
    if info is None or students is None:
        res.failing = "缺少数据表 (missing tables): schools / enrolment"
        return res
    s = info[info["school_type"].isin(list(limits))].merge(students, on="school_code", how="left")
    s["limit"] = s["school_type"].map(limits).astype("int64")
    known = s["total"].notna()
    lower = s["known_total"].fillna(0.0)
    s["students"] = s["total"].astype("Int64")
    # known size: its excess; unknown size: the excess of the known grades alone (a lower bound)
    s["excess"] = pd.array(np.where(known, s["total"], lower) - s["limit"], dtype="Int64")
    s["status"] = np.where(s["excess"].fillna(0) > 0, FAIL, np.where(known, PASS, NO_DATA))
    s["missing_input"] = pd.array(
        [None if k else pupils_missing_text(m) for k, m in zip(known, s["missing_grades"])], dtype="string")
    detail = s.loc[s["status"] != PASS, ["school_code", "school_name", "school_type", "students", "limit",
                                         "excess", "status", "missing_input"]].reset_index(drop=True)
    res.status = combine_status(*s["status"].unique()) if len(s) else NO_DATA
    res.value = float(s["students"].max()) if s["students"].notna().any() else None
    for t in limits:  # per type: a school of unknown size may be over the limit → unknown count
        of_type = s[s["school_type"] == t]
        res.extra[f"G4.{t}超规模数"] = (None if (of_type["status"] == NO_DATA).any()
                                      else int((of_type["status"] == FAIL).sum()))
    res.value_text = f"最大规模 {fmt_int(res.value)} 人；超规模 {int((s['status'] == FAIL).sum())} 所"
    if (~known).any():
        res.value_text += f"；规模不详 {int((~known).sum())} 所"
    fails = detail[detail["status"] == FAIL]
    fk = fails[fails["missing_input"].isna()]
    fu = fails[fails["missing_input"].notna()]
    nd = detail[detail["status"] == NO_DATA]
    res.failing = join_text(
        (fk["school_name"] + " " + fk["students"].astype(str) + "人，超" + fk["excess"].astype(str) + "人").tolist()
        + (fu["school_name"] + " 已知年级合计" + (fu["excess"] + fu["limit"]).astype(str) + "人，至少超"
           + fu["excess"].astype(str) + "人（" + fu["missing_input"] + "）").tolist()
        + (nd["school_name"] + " 无数据：" + nd["missing_input"]).tolist(),
        limit=20,
    )
    res.evidence = f"{len(s)} 所学校参评（enrolment 表 1–9 年级）"
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G5
def g5(tables, standards) -> IndicatorResult:
    """Class size: every class within the stage limit; every oversize class is listed.

    In scope: every class of the compulsory stages (one per row of ``classes``, or counted per 班额
    band in ``class_bands`` — :func:`analysis.engine.classes.class_groups`), and every school and
    stage with pupils in ``enrolment`` (not of ``units.excluded_types``), which must have classes.
    A class whose size is NA, a band that straddles the limit or whose count is blank while it could
    hold oversize classes, or a school and stage with pupils but no classes is 无数据 (never a
    pass); an oversize class anywhere (a band wholly above the limit counts all its classes) makes
    G5 未达标.
    """
    spec = standards["guarantee"]["G5"]
    limits = spec["max_class_size"]
    std_text = "所有班级 " + "、".join(f"{k}≤{v}人" for k, v in limits.items())
    res = IndicatorResult("G5", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    groups = class_groups(tables, list(limits))
    info = _school_info(tables)
    if groups is None:
        res.failing = "缺少数据表 (missing table): classes"
        return res
    c = groups.copy()
    c["limit"] = c["stage"].map(limits).astype("int64")
    n = c["n"]
    is_band = c["band"].notna().to_numpy()
    over = c["lo"].to_numpy() > c["limit"].to_numpy()
    within = c["hi"].to_numpy() <= c["limit"].to_numpy()
    none = (n == 0).fillna(False).to_numpy(dtype=bool)
    some = (n > 0).fillna(False).to_numpy(dtype=bool)
    c["status"] = np.select([within | none, over & some], [PASS, FAIL], NO_DATA)
    # a class of known size: its excess; a band wholly over the limit: at least its lower edge's
    c["excess"] = pd.array(np.where(over, c["lo"].to_numpy() - c["limit"].to_numpy(), np.nan), dtype="Float64"
                           ).round().astype("Int64")
    no_size = c["size"].isna().to_numpy() & ~is_band
    c["missing_input"] = pd.array(np.select(
        [no_size, is_band & n.isna().to_numpy(), is_band],
        ["班额缺失（classes.size）", "该班额段的班数缺失（class_bands.classes）",
         "班额段跨越班额上限，无法判断（class_bands）"], ""), dtype="string")
    c["missing_input"] = c["missing_input"].mask(c["status"] != NO_DATA)
    c["classes"] = c["n"]
    c["class_id"] = c["class_id"].astype("string").fillna(("班额" + c["band"].astype("string")).astype("string"))
    scope = compulsory_scope(tables, standards, by="stage")
    if scope is not None:
        have = c[["school_code", "stage"]].drop_duplicates().assign(_has=True)
        absent = scope.merge(have, on=["school_code", "stage"], how="left")
        absent = absent[absent["_has"].isna()].drop(columns=["_has", "school_name"])
        absent = absent.assign(status=NO_DATA, missing_input="无班级记录（classes）", limit=absent["stage"].map(limits))
        c = pd.concat([c, absent], ignore_index=True)
    n_classes = int(groups["n"].sum())  # known classes (a blank band count is not one)
    sizes = groups["size"].astype("Int64")
    top_band = groups[groups["band"].notna() & (groups["n"] > 0).fillna(False)]
    c = c[c["status"] != PASS]
    if info is not None:
        c = c.merge(info[["school_code", "school_name"]], on="school_code", how="left")
    else:
        c = c.assign(school_name=c["school_code"])
    cols = ["school_code", "school_name", "class_id", "stage", "grade", "size", "classes", "limit", "excess",
            "status", "missing_input"]
    detail = c[cols].astype({"size": "Int64", "classes": "Int64", "limit": "Int64", "excess": "Int64",
                             "grade": "Int64"})
    detail = detail.assign(_o=detail["status"].map({FAIL: 0, NO_DATA: 1}))
    detail = detail.sort_values(["_o", "excess", "school_code", "class_id"], ascending=[True, False, True, True],
                                na_position="last").drop(columns="_o").reset_index(drop=True)
    over_rows = detail[detail["status"] == FAIL]
    n_over = int(over_rows["classes"].sum())
    nd = detail[detail["status"] == NO_DATA]
    for st in limits:  # a class (or band) of unknown size, or a school without class rows, may be oversize
        res.extra[f"G5.{st}超标班级数"] = (None if (nd["stage"] == st).any()
                                         else int(over_rows.loc[over_rows["stage"] == st, "classes"].sum()))
    n_na_classes = int(nd["classes"].fillna(0).sum())
    n_no_rows = int(nd["classes"].isna().sum())
    if len(over_rows):
        res.status = FAIL
    elif len(nd):
        res.status = NO_DATA
    else:
        res.status = PASS if n_classes else NO_DATA
    res.value = float(n_over)
    largest = fmt_int(sizes.max()) or "—"
    if len(top_band) and (sizes.isna().all() or top_band["lo"].max() > float(sizes.max())):
        largest = str(top_band.loc[top_band["lo"].idxmax(), "band"])
    res.value_text = f"超标班额 {n_over} 个（共 {n_classes} 个班；最大班额 {largest}" + (
        "" if largest.endswith("人") else " 人") + "）"
    if n_na_classes or n_no_rows:
        res.value_text += f"；无法判断班额 {n_na_classes} 个班、无班级记录或班数不详 {n_no_rows} 处"
    one = over_rows["classes"] == 1
    res.failing = join_text(
        (over_rows["school_name"].astype(str) + " " + over_rows["class_id"].astype(str) + " "
         + np.where(one, over_rows["size"].astype(str) + "人（限" + over_rows["limit"].astype(str) + "，超"
                    + over_rows["excess"].astype(str) + "）",
                    over_rows["classes"].astype(str) + "个班（限" + over_rows["limit"].astype(str) + "，至少超"
                    + over_rows["excess"].astype(str) + "）")).tolist()
        + (nd["school_name"].astype(str) + np.where(nd["class_id"].isna(), "（" + nd["stage"].astype(str) + "）",
                                                     " " + nd["class_id"].astype("string").fillna(""))
           + " 无数据：" + nd["missing_input"]).tolist(),
        limit=30,
    )
    res.evidence = ("classes 表逐班判断（或 class_bands 按班额段判断）；enrolment 表中有在校生的学校学段须有班级记录")
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G6
def g6(tables, standards) -> IndicatorResult:
    """Village schools and teaching points under 100 pupils funded as if they had 100.

    Required funds = funded_students × the school's per-student norm; a school with both
    stages uses the pupil-weighted mean of the primary and junior norms. A village school whose
    pupil count is unknown is in scope unless its known grades already reach 100; its required
    funds are unknown (无数据).
    """
    spec = standards["guarantee"]["G6"]
    n = spec["funded_students"]
    std_text = f"不足{n}名学生的村小学和教学点，全年公用经费 ≥ {n} × 生均公用经费基准定额"
    res = IndicatorResult("G6", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    schools = table(tables, "schools")
    students = _stage_students(tables, standards["stages"])
    finance = table(tables, "finance")
    if schools is None or students is None or finance is None:
        res.failing = "缺少数据表 (missing tables): schools / enrolment / finance"
        return res
    norm_p = county_number(tables, "norm_per_student_primary")
    norm_j = county_number(tables, "norm_per_student_junior")
    target = schools[schools["is_village_school"].fillna(False).astype(bool)
                     | (schools["school_type"] == "教学点")]
    s = target.merge(students, on="school_code", how="left")
    # under 100 for sure, or unknown (known grades below 100, some grade's count missing)
    s = s[s["known_total"].fillna(0) < n]
    if s.empty:
        res.extra.update({"G6.学生数": 0, "G6.公用经费": 0})
        res.status, res.value_text = PASS, "无不足100人的村小学和教学点"
        res.evidence = "schools、enrolment 表"
        res.detail = pd.DataFrame(columns=["school_code", "school_name", "students", "public_funds_yuan",
                                           "required_yuan", "shortfall_yuan", "status", "missing_input"])
        return res
    s = s.merge(finance[["school_code", "public_funds_yuan"]], on="school_code", how="left")
    p, j, tot = s["小学"].fillna(0), s["初中"].fillna(0), s["total"].fillna(0)
    missing_norm = []
    if norm_p is None and (p > 0).any() or norm_p is None and (tot == 0).any():
        missing_norm.append("norm_per_student_primary")
    if norm_j is None and (j > 0).any():
        missing_norm.append("norm_per_student_junior")
    npv = np.nan if norm_p is None else norm_p
    njv = np.nan if norm_j is None else norm_j
    # a stage without pupils needs no norm (NaN × 0 would be NaN: a primary-only school must not
    # become "no data" because the junior norm is missing)
    funded_p = np.where(p > 0, p * npv, 0.0)
    funded_j = np.where(j > 0, j * njv, 0.0)
    mean_norm = np.where(tot > 0, (funded_p + funded_j) / tot.where(tot > 0, 1), npv)
    pupils_known = s["total"].notna()
    s["students"] = s["total"].astype("Int64")
    s["required_yuan"] = np.where(pupils_known, n * mean_norm, np.nan)
    s["public_funds_yuan"] = s["public_funds_yuan"].astype(float)
    s["shortfall_yuan"] = (s["required_yuan"] - s["public_funds_yuan"]).clip(lower=0)
    known = s["public_funds_yuan"].notna() & s["required_yuan"].notna()
    s["status"] = np.where(~known, NO_DATA,
                           np.where(at_least(s["public_funds_yuan"], s["required_yuan"]), PASS, FAIL))
    why = [pupils_missing_text(m) if not pk else ("公用经费缺失（finance.public_funds_yuan）" if pd.isna(f) else
                                                 ("基准定额缺失" if pd.isna(r) else None))
           for pk, m, f, r in zip(pupils_known, s["missing_grades"], s["public_funds_yuan"], s["required_yuan"])]
    s["missing_input"] = pd.array(why, dtype="string")
    detail = s[["school_code", "school_name", "students", "public_funds_yuan", "required_yuan",
                "shortfall_yuan", "status", "missing_input"]].reset_index(drop=True)
    res.status = combine_status(*detail["status"].unique())
    res.extra["G6.学生数"] = None if detail["students"].isna().any() else int(detail["students"].sum())
    res.extra["G6.公用经费"] = (None if detail["public_funds_yuan"].isna().any()
                              else float(detail["public_funds_yuan"].sum()))
    n_ok = int((detail["status"] == PASS).sum())
    res.value = n_ok / len(detail)
    res.value_text = f"{n_ok}/{len(detail)} 所足额核定"
    fails = detail[detail["status"] == FAIL]
    nd = detail[(detail["status"] == NO_DATA) & detail["missing_input"].ne("基准定额缺失").fillna(True)]
    res.failing = join_text(
        [f"{name} 拨付{fmt_vs(f, r)}元，应≥{fmt_num(r)}元，差{fmt_num(g)}元"
         for name, f, r, g in zip(fails["school_name"], fails["public_funds_yuan"], fails["required_yuan"],
                                  fails["shortfall_yuan"])]
        + (nd["school_name"] + " 无数据：" + nd["missing_input"]).tolist()
        + ([missing_number_text(missing_norm)] if missing_norm else []),
        limit=20,
    )
    res.evidence = f"生均公用经费基准定额 小学 {fmt_num(norm_p)} 元、初中 {fmt_num(norm_j)} 元；finance 表"
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G7
def g7(tables, standards) -> IndicatorResult:
    """Special-education school public funds per student ≥ the minimum."""
    spec = standards["guarantee"]["G7"]
    minimum = spec["min_per_student_yuan"]
    res = IndicatorResult("G7", spec["name"], AREA_GUARANTEE, f"生均公用经费 ≥ {minimum} 元", NO_DATA,
                          responsible=responsible(spec))
    funds = county_number(tables, "special_school_public_funds")
    pupils = county_number(tables, "special_school_students")
    res.extra.update({"G7.公用经费": funds, "G7.学生数": pupils})
    miss = [i for i, v in (("special_school_public_funds", funds), ("special_school_students", pupils)) if v is None]
    if miss:
        res.failing = missing_number_text(miss)
        return res
    if pupils <= 0:
        res.failing = "特殊教育学校在校生数为0，无法计算生均 (no pupils: per-student funds undefined)"
        return res
    per = funds / pupils
    res.extra["G7.生均公用经费"] = per
    res.value, res.value_text = per, f"{fmt_num(per)} 元"
    res.status = PASS if per >= minimum else FAIL
    res.value_text = f"{fmt_vs(per, minimum)} 元"
    if res.status == FAIL:
        res.failing = f"生均 {fmt_vs(per, minimum)} 元，低于 {minimum} 元，差 {fmt_num(minimum - per)} 元"
    res.evidence = f"全年公用经费 {fmt_num(funds)} 元 ÷ 在校生 {fmt_int(pupils)} 人"
    return res


# ---------------------------------------------------------------------------------- G8
def g8(tables, standards) -> IndicatorResult:
    """Teacher pay ≥ civil servants' pay, and performance pay fully set (attested)."""
    spec = standards["guarantee"]["G8"]
    res = IndicatorResult("G8", spec["name"], AREA_GUARANTEE,
                          "教师年平均工资收入 ≥ 当地公务员年平均工资收入；足额核定绩效工资总量（认定）",
                          NO_DATA, responsible=responsible(spec))
    teacher = county_number(tables, "teacher_avg_pay")
    civil = county_number(tables, "civil_servant_avg_pay")
    res.extra.update({"G8.教师年平均工资": teacher, "G8.公务员年平均工资": civil})
    att_status, att_text = attestation(tables, "G8_performance_pay")
    failing = []
    if teacher is None or civil is None:
        pay_status = NO_DATA
        failing.append(missing_number_text([i for i, v in (("teacher_avg_pay", teacher),
                                                           ("civil_servant_avg_pay", civil)) if v is None]))
    else:
        pay_status = PASS if teacher >= civil else FAIL
        res.value = teacher / civil if civil else None
        if pay_status == FAIL:
            failing.append(f"教师平均工资 {fmt_vs(teacher, civil)} 元 低于公务员 {fmt_num(civil)} 元，"
                           f"差 {fmt_num(civil - teacher)} 元")
    if att_status != PASS:
        failing.append(att_text)
    res.status = combine_status(pay_status, att_status)
    res.value_text = f"教师 {fmt_vs(teacher, civil) or '—'} 元 / 公务员 {fmt_num(civil) or '—'} 元"
    res.failing = join_text(failing)
    res.evidence = att_text
    res.detail = pd.DataFrame({"part": ["工资比较", "绩效工资认定"], "status": [pay_status, att_status],
                               "text": [res.value_text, att_text]})
    return res


# ---------------------------------------------------------------------------------- teacher shares
def _compulsory_full_time(tables, standards) -> pd.DataFrame | None:
    """The roster's full-time teachers of the compulsory stages with their school's name (computed
    once per engine run, ``engine.shared``)."""
    return once(tables, "compulsory_full_time", lambda: _compulsory_full_time_of(tables, standards))


def _compulsory_full_time_of(tables, standards) -> pd.DataFrame | None:
    teachers = table(tables, "teachers")
    if teachers is None:
        return None
    t = teachers[teachers["stage"].isin(standards["stages"]) & teachers["full_time"].fillna(False).astype(bool)]
    info = _school_info(tables)
    if info is not None:
        t = t.merge(info[["school_code", "school_name"]], on="school_code", how="left")
    else:
        t = t.assign(school_name=t["school_code"])
    return t


def _counts_only(tables, standards) -> tuple[list[str], float | None]:
    """Schools whose teachers are given only as counts (``teacher_counts``, no roster row): their
    names and their compulsory-stage full-time teachers (None when a count is blank). Their
    teachers' training, rotation and certificates are unknown: G9, G11, G12 cannot pass."""
    counts = table(tables, "teacher_counts")
    if counts is None or counts.empty:
        return [], 0.0
    teachers = table(tables, "teachers")
    listed = set() if teachers is None else set(teachers["school_code"].astype(str))
    c = counts[~counts["school_code"].astype(str).isin(listed) & counts["stage"].isin(standards["stages"])]
    info = _school_info(tables)
    names = dict(zip(info["school_code"].astype(str), info["school_name"].astype(str))) if info is not None else {}
    codes = list(dict.fromkeys(c["school_code"].astype(str)))
    total = c["full_time"].astype("Float64").sum(min_count=0, skipna=False) if len(c) else 0.0
    return [names.get(k, k) for k in codes], (None if pd.isna(total) else float(total))


def _counts_only_text(names: list[str], total: float | None) -> str:
    who = "、".join(names[:10]) + ("等" if len(names) > 10 else "")
    n = f"共 {int(total)} 名专任教师" if total is not None else "专任教师人数不详"
    return (f"{len(names)} 所学校只有专任教师数（{who}；{n}），没有逐人的教职工花名册，本项需要逐人数据"
            "（teachers）")


def _teacher_share(code, spec, tables, standards, flag: pd.Series | None, t: pd.DataFrame | None,
                   std_text: str, extra_cols: list[str], what: str, missing_what: str,
                   names: tuple[str, str, str] = ("达标人数", "专任教师数", "比例")) -> IndicatorResult:
    """Shared logic of G9 / G12: share of full-time teachers meeting a flag.

    A teacher whose flag is NA is unknown: 未达标 when the share fails even if every unknown
    teacher met the requirement, 达标 only when it passes even if none did, otherwise 无数据.
    Schools given only as counts (``teacher_counts``) have teachers whose flags are unknown: the
    indicator cannot pass (a failure among the listed teachers still fails it).
    """
    res = IndicatorResult(code, spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    only, only_total = _counts_only(tables, standards)
    if t is None or flag is None:
        res.failing = "缺少数据表 (missing table): teachers"
        return res
    if t.empty:
        res.failing = _counts_only_text(only, only_total) if only else "无专任教师记录 (no full-time teachers)"
        return res
    known = flag.notna()
    ok = flag.fillna(False).astype(bool)
    share = ok[known].mean() if known.any() else None
    t = t.assign(status=np.where(~known, NO_DATA, np.where(ok, PASS, FAIL)))
    detail = t.loc[t["status"] != PASS, ["teacher_id", "school_code", "school_name", *extra_cols, "status"]]
    detail = detail.reset_index(drop=True)
    n_fail, n_na = int((t["status"] == FAIL).sum()), int((t["status"] == NO_DATA).sum())
    n_ok_name, n_name, share_name = (f"{code}.{x}" for x in names)
    res.extra.update({n_ok_name: int(ok.sum()), n_name: len(t), share_name: share, f"{code}.数据缺失人数": n_na})
    if only:  # the counts-only schools' teachers: counted in the total, their flags unknown
        res.extra.update({n_ok_name: None, share_name: None,
                          n_name: None if only_total is None else len(t) + int(only_total),
                          f"{code}.数据缺失人数": None if only_total is None else n_na + int(only_total)})
    min_share = spec["min_share"]
    best, worst = (len(t) - n_fail) / len(t), int(ok.sum()) / len(t)
    if not at_least(best, min_share):
        res.status = FAIL  # fails even if every missing value were a pass
    elif at_least(worst, min_share):
        res.status = PASS  # passes even if every missing value were a fail
    else:
        res.status = NO_DATA
    if only and res.status == PASS:
        res.status = NO_DATA  # the teachers of the counts-only schools may not meet it
    res.value = share
    res.value_text = fmt_vs(share, min_share, pct=True)
    if n_na and res.value_text:
        res.value_text += f"（不含数据缺失的 {n_na} 人）"
    if only and res.value_text:
        res.value_text += f"（不含只有专任教师数的 {len(only)} 所学校）"
    failed = detail[detail["status"] == FAIL]
    by_school = failed.groupby("school_name", sort=False).size()
    gap = (failed.groupby("school_name")["shortfall_hours"].sum().map(lambda v: f"（共缺 {fmt_num(v, 1)} 学时）")
           if "shortfall_hours" in failed.columns else pd.Series(dtype=object))
    na_by_school = detail[detail["status"] == NO_DATA].groupby("school_name", sort=False).size()
    res.failing = join_text(
        [f"{k} {v}人{what}{gap.get(k, '')}" for k, v in by_school.items()]
        + [f"{k} {v}名教师{missing_what}" for k, v in na_by_school.items()]
        + ([_counts_only_text(only, only_total)] if only else []),
        limit=20,
    )
    res.evidence = f"专任教师 {len(t)} 人，其中有数据 {int(known.sum())} 人、达到要求 {int(ok.sum())} 人"
    res.detail = detail
    return res


def g9(tables, standards) -> IndicatorResult:
    """Share of full-time teachers with ≥ 360 training hours in five years."""
    spec = standards["guarantee"]["G9"]
    t = _compulsory_full_time(tables, standards)
    flag = None
    if t is not None:
        hours = t["training_hours_5y"].astype("Float64")
        flag = (hours >= spec["min_hours"]).astype("boolean")
        t = t.assign(training_hours_5y=hours, shortfall_hours=(spec["min_hours"] - hours).clip(lower=0))
    std = f"专任教师5年培训学时 ≥ {spec['min_hours']} 学时的比例 ≥ {fmt_pct(spec['min_share'], 0)}"
    return _teacher_share("G9", spec, tables, standards, flag, t, std,
                          ["training_hours_5y", "shortfall_hours"], f"不足{spec['min_hours']}学时",
                          "近5年培训学时缺失（teachers.training_hours_5y）", ("完成人数", "专任教师数", "完成率"))


def g12(tables, standards) -> IndicatorResult:
    """Share of full-time teachers holding a teacher certificate."""
    spec = standards["guarantee"]["G12"]
    t = _compulsory_full_time(tables, standards)
    flag = None if t is None else t["has_certificate"].astype("boolean")
    std = f"专任教师持证上岗率 ≥ {fmt_pct(spec['min_share'], 0)}"
    return _teacher_share("G12", spec, tables, standards, flag, t, std, ["subject"], "无教师资格证",
                          "是否持有教师资格证缺失（teachers.has_certificate）", ("持证人数", "专任教师数", "持证比例"))


# ---------------------------------------------------------------------------------- G11
def g11(tables, standards) -> IndicatorResult:
    """Rotation of compulsory-stage teachers: rotated ÷ eligible ≥ 10%; backbone (县级及以上)
    among rotated ≥ 20%.

    A NA ``rotation_eligible`` or ``rotated`` flag is unknown: each share is bounded by reading
    the unknown teachers both ways; a part is 未达标 when even its best case fails, 达标 when even
    its worst case passes, otherwise 无数据.
    """
    spec = standards["guarantee"]["G11"]
    backbone_levels = standards["resources"]["indicators"]["L2"]["backbone_levels"]
    min_rot, min_bb = spec["min_rotated_share"], spec["min_backbone_share"]
    std = (f"交流轮岗教师 ÷ 符合交流条件教师 ≥ {fmt_pct(min_rot, 0)}；"
           f"其中骨干教师占交流轮岗教师 ≥ {fmt_pct(min_bb, 0)}")
    res = IndicatorResult("G11", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    teachers = table(tables, "teachers")
    if teachers is None:
        res.failing = "缺少数据表 (missing table): teachers"
        return res
    only, only_total = _counts_only(tables, standards)
    if only and not teachers["stage"].isin(standards["stages"]).any():
        res.failing = _counts_only_text(only, only_total)
        return res
    # compulsory-education teachers only (小学、初中), as in G9/G12: the senior section of a
    # 完全中学 and kindergarten classes are not part of the assessment
    teachers = teachers[teachers["stage"].isin(standards["stages"])]
    el = teachers["rotation_eligible"].astype("boolean")
    ro = teachers["rotated"].astype("boolean")
    bb = teachers["backbone_level"].isin(backbone_levels).to_numpy(dtype=bool)
    rotated_mask = ro.fillna(False).to_numpy(dtype=bool)
    ro_na = ro.isna().to_numpy()
    eligible, el_na = int(el.fillna(False).sum()), int(el.isna().sum())
    rotated, backbone = int(rotated_mask.sum()), int((rotated_mask & bb).sum())
    ro_na_bb, ro_na_other = int((ro_na & bb).sum()), int((ro_na & ~bb).sum())
    if eligible + el_na == 0:
        res.failing = "无符合交流条件的教师记录，无法计算比例 (no eligible teachers)"
        return res
    # rotated ÷ eligible: best = most rotated over fewest eligible, worst the other way round
    rot_best = (rotated + ro_na_bb + ro_na_other) / eligible if eligible else math.inf
    rot_worst = rotated / (eligible + el_na)
    s1 = FAIL if not at_least(rot_best, min_rot) else (PASS if at_least(rot_worst, min_rot) else NO_DATA)
    # backbone ÷ rotated: best = unknown backbone teachers rotated, unknown others not; worst the reverse
    if rotated == 0:
        s2 = NO_DATA  # no rotated teacher known: the share may be undefined
    else:
        bb_best = (backbone + ro_na_bb) / (rotated + ro_na_bb)
        bb_worst = backbone / (rotated + ro_na_other)
        s2 = FAIL if not at_least(bb_best, min_bb) else (PASS if at_least(bb_worst, min_bb) else NO_DATA)
    rot_share = rotated / eligible if eligible else None
    bb_share = backbone / rotated if rotated else None
    res.extra.update({"G11.符合条件教师数": eligible, "G11.交流轮岗教师数": rotated, "G11.交流轮岗比例": rot_share,
                      "G11.交流轮岗骨干教师数": backbone, "G11.骨干教师比例": bb_share,
                      "G11.数据缺失人数": int((el.isna() | ro.isna()).sum())})
    if only:  # teachers of schools given only as counts: whether they rotated is unknown
        res.extra.update(dict.fromkeys(["G11.符合条件教师数", "G11.交流轮岗教师数", "G11.交流轮岗比例",
                                        "G11.交流轮岗骨干教师数", "G11.骨干教师比例", "G11.数据缺失人数"]))
    res.status = combine_status(s1, s2)
    if only and res.status == PASS:
        res.status = NO_DATA  # the teachers of the counts-only schools may change either share
    res.value = rot_share
    res.value_text = (f"交流轮岗 {fmt_vs(rot_share, min_rot, pct=True) or '—'}；"
                      f"骨干占比 {fmt_vs(bb_share, min_bb, pct=True) or '—'}")
    n_na = int((el.isna() | ro.isna()).sum())
    if n_na:
        res.value_text += f"（不含数据缺失的 {n_na} 人）"
    failing = []
    if s1 == FAIL and not (el_na or ro_na.any()):
        need = math.ceil(min_rot * eligible - 1e-9)
        failing.append(f"交流轮岗 {rotated}/{eligible} = {fmt_vs(rot_share, min_rot, pct=True)}，"
                       f"至少需 {need} 人，差 {need - rotated} 人")
    elif s1 == FAIL:
        failing.append(f"交流轮岗比例即使数据缺失的教师都按有利情形计算，最多 {fmt_vs(rot_best, min_rot, pct=True)}"
                       f" < {fmt_pct(min_rot, 0)}")
    if s2 == FAIL and not ro_na.any():
        need = math.ceil(min_bb * rotated - 1e-9)
        failing.append(f"骨干教师 {backbone}/{rotated} = {fmt_vs(bb_share, min_bb, pct=True)}，"
                       f"至少需 {need} 人，差 {need - backbone} 人")
    elif s2 == FAIL:
        failing.append(f"骨干教师占比即使数据缺失的教师都按有利情形计算，最多 {fmt_vs(bb_best, min_bb, pct=True)}"
                       f" < {fmt_pct(min_bb, 0)}")
    if s2 == NO_DATA and rotated + ro_na_bb + ro_na_other == 0:
        failing.append("无交流轮岗教师，骨干占比无法计算")
    info = _school_info(tables)
    names = (teachers["school_code"].map(info.set_index("school_code")["school_name"]).fillna(teachers["school_code"])
             if info is not None else teachers["school_code"])
    for mask, label in ((el.isna().to_numpy(), "“符合交流轮岗条件”缺失（teachers.rotation_eligible）"),
                        (ro_na, "“本年度已交流轮岗”缺失（teachers.rotated）")):
        if mask.any() and (s1 == NO_DATA or s2 == NO_DATA):
            failing += [f"{k} {v}名教师{label}" for k, v in names[mask].value_counts(sort=False).items()]
    if only:
        failing.append(_counts_only_text(only, only_total))
    res.failing = join_text(failing, limit=20)
    res.evidence = (f"符合条件 {eligible} 人，交流轮岗 {rotated} 人，其中骨干（{'、'.join(backbone_levels)}）{backbone} 人"
                    + (f"；是否符合条件不详 {el_na} 人、是否交流轮岗不详 {int(ro_na.sum())} 人" if n_na else ""))
    res.detail = pd.DataFrame({"eligible": [eligible], "rotated": [rotated], "backbone_rotated": [backbone],
                               "rotated_share": [rot_share], "backbone_share": [bb_share],
                               "eligible_unknown": [el_na], "rotated_unknown": [int(ro_na.sum())]})
    return res


# ---------------------------------------------------------------------------------- G13
def g13(tables, standards) -> IndicatorResult:
    """Nearby enrolment of urban/town public non-boarding schools, per stage (county totals).

    In scope, per stage: every such school (not of ``units.excluded_types``) with entry-grade
    pupils in ``enrolment`` (``entry_grade``: 1 for 小学, 7 for 初中; a NA count counts as
    possibly pupils), and every such school with a catchment row. A school in scope without a
    catchment row, or with a NA entrants figure, is missing — not absent: the stage's share is
    无数据 unless it fails whatever the missing figures are (an unknown number of entrants could
    all be in the catchment, so only a 100% rule with pupils outside the catchment fails for sure).
    """
    spec = standards["guarantee"]["G13"]
    mins = spec["min_share"]
    entry = spec["entry_grade"]
    std = ("、".join(spec["urban_rural"]) + "公办非寄宿制学校就近划片入学比例 "
           + "、".join(f"{k}≥{fmt_pct(v, 0)}" for k, v in mins.items()))
    res = IndicatorResult("G13", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    schools, catch = table(tables, "schools"), table(tables, "catchment")
    if schools is None or catch is None:
        res.failing = "缺少数据表 (missing tables): schools / catchment"
        return res
    sel = schools[schools["urban_rural"].isin(spec["urban_rural"]) & schools["is_public"].fillna(False).astype(bool)
                  & ~schools["is_boarding"].fillna(True).astype(bool)
                  & ~schools["school_type"].isin(standards["units"]["excluded_types"])]
    key = ["school_code", "stage"]
    rows = catch[catch["stage"].isin(list(mins))].merge(sel[["school_code"]], on="school_code", how="inner")
    units = rows[key]
    scope = compulsory_scope(tables, standards, by="grade", grades=sorted(set(entry.values())))
    if scope is not None:
        scope = scope[scope["grade"] == scope["stage"].map(entry)]
        units = pd.concat([units, scope[key]], ignore_index=True)
    units = units[units["stage"].isin(list(mins))].drop_duplicates()
    c = units.merge(sel[["school_code", "school_name"]], on="school_code", how="inner")
    c = c.merge(rows.assign(_row=True), on=key, how="left")
    if c.empty:
        res.failing = "无城区、镇区公办非寄宿制学校的招生数据"
        return res
    ent = c["entrants"].astype("Float64").astype(float)
    inn = c["entrants_in_catchment"].astype("Float64").astype(float)
    c["share"] = inn / ent.where(ent > 0)
    c["min_share"] = c["stage"].map(mins).astype(float)
    c["missing_input"] = reasons(
        [c["_row"].isna().to_numpy(), np.isnan(ent), np.isnan(inn)],
        ["无就近划片入学记录（catchment）", "招生数缺失（catchment.entrants）",
         "划片范围内入学人数缺失（catchment.entrants_in_catchment）"], c.index)
    c["status"] = np.where(c["missing_input"].notna(), NO_DATA,
                           np.where(c["share"].isna() | at_least(c["share"], c["min_share"]), PASS, FAIL))
    complete = ~np.isnan(ent) & ~np.isnan(inn)
    bounded = ~np.isnan(ent) & np.isnan(inn)  # entrants known: at most all of them in the catchment
    agg = pd.DataFrame({
        "stage": c["stage"], "k_ent": np.where(complete, ent, 0.0), "k_in": np.where(complete, inn, 0.0),
        "b_ent": np.where(bounded, ent, 0.0), "n_bounded": bounded, "n_unbounded": np.isnan(ent),
    }).groupby("stage").sum()
    agg = agg.reindex([st for st in mins if st in agg.index])  # 小学 before 初中, as in the standards
    agg["min_share"] = agg.index.map(mins).astype(float)
    agg["share"] = agg["k_in"] / agg["k_ent"].where(agg["k_ent"] > 0)
    best_ent = agg["k_ent"] + agg["b_ent"]
    best = (agg["k_in"] + agg["b_ent"]) / best_ent.where(best_ent > 0)
    worst = agg["k_in"] / best_ent.where(best_ent > 0)
    unbounded = agg["n_unbounded"] > 0
    # with unbounded rows the best share tends to 100% without reaching it if anyone is outside
    fails = np.where(unbounded, (agg["min_share"] >= 1 - REL_TOL) & (agg["k_in"] + agg["b_ent"] < best_ent),
                     best.notna() & ~at_least(best, agg["min_share"]))
    passes = ~unbounded & worst.notna() & at_least(worst, agg["min_share"])
    agg["status"] = np.where(fails, FAIL, np.where(passes, PASS, NO_DATA))
    agg["complete"] = ~unbounded & (agg["n_bounded"] == 0)
    for st in mins:  # a stage with schools' data missing has no complete share: unknown
        ok = st in agg.index and bool(agg.at[st, "complete"])
        res.extra[f"G13.{st}比例"] = float(agg.at[st, "share"]) if ok and pd.notna(agg.at[st, "share"]) else None
    res.status = combine_status(*agg["status"])
    res.value = float(agg["share"].min()) if agg["share"].notna().any() else None
    res.value_text = "；".join(
        f"{st} {fmt_vs(row.share, row.min_share, pct=True) or '—'}" if row.complete
        else f"{st} 无完整数据（已知 {fmt_vs(row.share, row.min_share, pct=True) or '—'}，"
             f"缺 {int(row.n_bounded + row.n_unbounded)} 所学校的数据）"
        for st, row in agg.iterrows())
    below = c[c["status"] != PASS]
    detail = below[["school_code", "school_name", "stage", "entrants", "entrants_in_catchment", "share",
                    "min_share", "status", "missing_input"]].reset_index(drop=True)
    detail["outside_catchment"] = detail["entrants"].astype("Int64") - detail["entrants_in_catchment"].astype("Int64")
    failing = [f"{st} 全县 {fmt_vs(row.share, row.min_share, pct=True)} < {fmt_pct(row.min_share, 0)}"
               if row.complete else f"{st} 已知学校片内入学 {int(row.k_in)}/{int(row.k_ent)} 人，有学校片外入学，"
                                    f"无论缺失的数据如何都达不到 {fmt_pct(row.min_share, 0)}"
               for st, row in agg[agg["status"] == FAIL].iterrows()]
    if failing:
        off = detail[detail["status"] == FAIL]
        failing += [f"{n}（{st}）{fmt_vs(sh, m, pct=True)}，片外{o}人" for n, st, sh, m, o in zip(
            off["school_name"], off["stage"], off["share"], off["min_share"], off["outside_catchment"])]
    nd_stages = agg.index[agg["status"] != PASS]
    nd = detail[(detail["status"] == NO_DATA) & detail["stage"].isin(nd_stages)]
    failing += (nd["school_name"] + "（" + nd["stage"] + "）无数据：" + nd["missing_input"]).tolist()
    res.failing = join_text(failing, limit=20)
    res.evidence = "；".join(f"{st} 片内 {int(r.k_in)} / 招生 {int(r.k_ent)}"
                            + ("" if r.complete else f"（另有 {int(r.n_bounded + r.n_unbounded)} 所学校数据缺失）")
                            for st, r in agg.iterrows())
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G14
def g14(tables, standards) -> IndicatorResult:
    """Quota allocation ≥ 50% of places, tilted to rural junior schools.

    Tilt: rural schools' share of the allocated places ≥ their share of junior graduates.
    In scope: every school in ``quota`` and every school (not of ``units.excluded_types``) with
    pupils in the graduating grade (``graduating_grade``), which must have a quota row. A missing
    row or a NA figure leaves the tilt 无数据; the 50% share passes on the known places alone
    when they already reach it (places are never negative), otherwise it is 无数据 too.
    """
    spec = standards["guarantee"]["G14"]
    min_share = spec["min_share"]
    std = (f"分配到校名额 ÷ 优质高中招生总名额 ≥ {fmt_pct(min_share, 0)}；"
           f"农村初中所得名额占比 ≥ 其毕业生占比")
    res = IndicatorResult("G14", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    quota, schools = table(tables, "quota"), table(tables, "schools")
    total = county_number(tables, "quota_total_places")
    if quota is None or schools is None:
        res.failing = "缺少数据表 (missing tables): quota / schools"
        return res
    q = quota.assign(_row=True)
    scope = compulsory_scope(tables, standards, by="school", grades=[spec["graduating_grade"]])
    if scope is not None:
        absent = scope[~scope["school_code"].isin(q["school_code"])][["school_code"]]
        q = pd.concat([q, absent], ignore_index=True)
    q = q.merge(schools[["school_code", "school_name", "urban_rural"]], on="school_code", how="left")
    g = q["graduates"].astype("Float64").astype(float)
    a = q["allocated_places"].astype("Float64").astype(float)
    q["missing_input"] = reasons(
        [q["_row"].isna().to_numpy(), np.isnan(g) & np.isnan(a), np.isnan(g), np.isnan(a)],
        ["无名额分配记录（quota）", "毕业生数和分配名额缺失（quota.graduates、quota.allocated_places）",
         "毕业生数缺失（quota.graduates）", "分配名额缺失（quota.allocated_places）"], q.index)
    has_na = bool(q["missing_input"].notna().any())
    allocated, grads = float(np.nansum(a)), float(np.nansum(g))
    rural = (q["urban_rural"] == RURAL).to_numpy()
    r_alloc, r_grads = float(np.nansum(a[rural])), float(np.nansum(g[rural]))
    failing = []
    if total is None or total <= 0:
        s1, share = NO_DATA, None
        failing.append(missing_number_text(["quota_total_places"]))
    else:
        share = allocated / total
        if at_least(share, min_share):
            s1 = PASS  # the known places alone reach it
        elif np.isnan(a).any():
            s1 = NO_DATA  # the missing places could make up the difference
        else:
            s1 = FAIL
            failing.append(f"分配比例 {fmt_vs(share, min_share, pct=True)} < {fmt_pct(min_share, 0)}，"
                           f"至少还需 {math.ceil(min_share * total - allocated - 1e-9)} 个名额")
    r_place_share = r_alloc / allocated if allocated else None
    r_grad_share = r_grads / grads if grads else None
    a_na = bool(np.isnan(a).any())  # a school's places unknown: the sums are unknown, not smaller
    res.extra.update({
        "G14.招生名额总数": total, "G14.分配名额数": None if a_na else allocated,
        "G14.分配比例": None if a_na else share, "G14.农村名额数": None if a_na else r_alloc,
        "G14.农村名额占比": None if a_na else r_place_share})
    if has_na:
        s2 = NO_DATA
    elif allocated == 0 or grads == 0:
        s2 = NO_DATA
        failing.append("无分配名额或毕业生数据，无法判断向农村倾斜")
    else:
        s2 = PASS if at_least(r_place_share, r_grad_share) else FAIL
        if s2 == FAIL:
            failing.append(f"农村初中名额占比 {fmt_vs(r_place_share, r_grad_share, pct=True)} < "
                           f"毕业生占比 {fmt_pct(r_grad_share)}")
    if has_na:
        nd = q[q["missing_input"].notna()]
        failing += (nd["school_name"].fillna(nd["school_code"]) + " 无数据：" + nd["missing_input"]).tolist()
    res.status = combine_status(s1, s2)
    res.value = share
    known = "" if not has_na else "（仅计有数据的学校）"
    res.value_text = (f"分配比例 {fmt_vs(share, min_share, pct=True) or '—'}；农村初中名额占比 "
                      f"{fmt_vs(r_place_share, r_grad_share, pct=True) or '—'} / 毕业生占比 {fmt_pct(r_grad_share) or '—'}"
                      + known)
    res.failing = join_text(failing, limit=20)
    res.evidence = (f"分配到校 {fmt_int(allocated)} 个 / 总名额 {fmt_int(total) or '—'} 个；农村初中 {fmt_int(r_alloc)} 个名额、"
                    f"{fmt_int(r_grads)} 名毕业生（全县 {fmt_int(grads)} 名）" + known)
    q["places_per_graduate"] = a / np.where(g > 0, g, np.nan)
    res.detail = q[["school_code", "school_name", "urban_rural", "graduates", "allocated_places",
                    "places_per_graduate", "missing_input"]].reset_index(drop=True)
    return res


# ---------------------------------------------------------------------------------- G15
def g15(tables, standards) -> IndicatorResult:
    """Care system attested; migrant children in public or bought places ÷ eligible ≥ 85%."""
    spec = standards["guarantee"]["G15"]
    std = f"留守儿童关爱体系健全（认定）；随迁子女在公办学校和政府购买服务的民办学校就读比例 ≥ {fmt_pct(spec['min_share'], 0)}"
    res = IndicatorResult("G15", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    att_status, att_text = attestation(tables, "G15_care_system")
    eligible = county_number(tables, "migrant_eligible")
    served = county_number(tables, "migrant_in_public_or_bought")
    res.extra.update({"G15.符合条件随迁子女数": eligible, "G15.合计": served,
                      "G15.公办学校就读数": county_number(tables, "migrant_in_public"),
                      "G15.购买服务就读数": county_number(tables, "migrant_in_bought")})
    failing = []
    if eligible is None or served is None or eligible <= 0:
        s2, share = NO_DATA, None
        miss = [i for i, v in (("migrant_eligible", eligible), ("migrant_in_public_or_bought", served)) if v is None]
        failing.append(missing_number_text(miss) if miss else "符合条件的随迁子女数为0，比例无法计算")
    else:
        share = served / eligible
        res.extra["G15.比例"] = share
        s2 = PASS if at_least(share, spec["min_share"]) else FAIL
        if s2 == FAIL:
            failing.append(f"随迁子女就读比例 {fmt_vs(share, spec['min_share'], pct=True)} < "
                           f"{fmt_pct(spec['min_share'], 0)}")
    if att_status != PASS:
        failing.append(att_text)
    res.status = combine_status(s2, att_status)
    res.value = share
    res.value_text = f"随迁子女就读比例 {fmt_vs(share, spec['min_share'], pct=True) or '—'}；关爱体系认定 {'是' if att_status == PASS else ('否' if att_status == FAIL else '未提供')}"
    res.failing = join_text(failing)
    res.evidence = f"{att_text}；随迁子女 {fmt_int(served) or '—'} / {fmt_int(eligible) or '—'} 人"
    res.detail = pd.DataFrame({"part": ["随迁子女就读比例", "留守儿童关爱体系认定"], "status": [s2, att_status],
                               "text": [f"随迁子女就读比例 {fmt_vs(share, spec['min_share'], pct=True) or '—'}", att_text]})
    return res


GUARANTEE_FUNCTIONS = [g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15]


def evaluate_guarantee(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    """All 15 government-guarantee indicators, keyed G1–G15."""
    return {r.code: r for r in (f(tables, standards) for f in GUARANTEE_FUNCTIONS)}
