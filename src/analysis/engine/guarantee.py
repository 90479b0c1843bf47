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
- Teacher shares (G9, G12) are over full-time teachers (专任教师) of the compulsory stages.

The result helpers (``IndicatorResult``, ``combine_status``, number formats) are shared by
``quality.py``, ``recognition.py`` and ``verdict.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

from ..schemas import COUNTY_ITEMS, URBAN_RURAL

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
def _half_up(x: float, decimals: int) -> Decimal:
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(x))).quantize(q, rounding=ROUND_HALF_UP)


def fmt_num(x: Any, decimals: int = 2) -> str | None:
    """Half-up rounded number as text; ``None`` for a missing value (never "0")."""
    if x is None or pd.isna(x):
        return None
    return f"{_half_up(x, decimals):f}"


def fmt_pct(x: Any, decimals: int = 2) -> str | None:
    """A share (0–1) as a percentage text, e.g. 0.97345 → "97.35%"."""
    if x is None or pd.isna(x):
        return None
    return f"{_half_up(float(x) * 100, decimals):f}%"


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


def _county_item(tables: dict[str, pd.DataFrame], item: str) -> pd.Series | None:
    items = table(tables, "county_items")
    if items is None or items.empty:
        return None
    rows = items[items["item"] == item]
    if rows.empty:
        return None
    return rows.iloc[0]


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
    """Students per school and stage, wide (one column per stage, 0 where the stage is absent)."""
    enrol = table(tables, "enrolment")
    if enrol is None:
        return None
    e = enrol[enrol["stage"].isin(stages)]
    wide = e.pivot_table(index="school_code", columns="stage", values="students", aggfunc="sum")
    wide = wide.reindex(columns=stages).fillna(0).astype("int64")
    wide.columns = [str(c) for c in wide.columns]
    wide["total"] = wide[stages].sum(axis=1)
    return wide.reset_index()


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
    ``small_rural_max_class_size``. A room without a build year gets no old-room relaxation.
    """
    spec = standards["guarantee"]["G3"]
    stages = standards["stages"]
    per_room = spec["classes_per_room"]
    room_types = list(spec["min_area"])
    std_text = (
        f"每校每{per_room}个班配备音乐、美术专用教室各1间以上（所需间数 = ⌈班数/{per_room}⌉）；"
        f"面积 音乐≥{spec['min_area']['音乐']}㎡、美术≥{spec['min_area']['美术']}㎡；"
        f"{spec['relaxed_before_year']}年前建成 音乐≥{spec['relaxed_area_old']['音乐']}㎡、"
        f"美术≥{spec['relaxed_area_old']['美术']}㎡；最大班额<{spec['small_rural_max_class_size']}人的乡村小规模学校 "
        f"小学≥{spec['small_rural_area']['小学']}㎡、初中≥{spec['small_rural_area']['初中']}㎡"
    )
    res = IndicatorResult("G3", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    info = _school_info(tables)
    classes = table(tables, "classes")
    rooms = table(tables, "special_rooms")
    missing = [n for n, t in (("schools", info), ("classes", classes), ("special_rooms", rooms)) if t is None]
    if missing:
        res.failing = f"缺少数据表 (missing tables): {', '.join(missing)}"
        return res

    excluded = standards["units"]["excluded_types"]
    schools = info[~info["school_type"].isin(excluded)].copy()
    c = classes[classes["stage"].isin(stages)]
    per_school = c.assign(is_junior=c["stage"] == "初中").groupby("school_code").agg(
        classes=("class_id", "size"), max_class_size=("size", "max"), has_junior=("is_junior", "max")
    )
    schools = schools.merge(per_school, left_on="school_code", right_index=True, how="left")
    no_classes = schools["classes"].isna()
    schools["classes"] = schools["classes"].fillna(0).astype("int64")
    schools["rooms_needed"] = -(-schools["classes"] // per_room)  # ceil for non-negative ints
    small_rural = (schools["urban_rural"] == RURAL) & (
        schools["max_class_size"] < spec["small_rural_max_class_size"]
    ).fillna(False)
    school_stage = np.where(schools["has_junior"].fillna(False).astype(bool), "初中", "小学")
    schools["small_rural_min"] = np.where(
        small_rural, pd.Series(school_stage).map(spec["small_rural_area"]).to_numpy(), np.nan
    )

    r = rooms.merge(schools[["school_code", "small_rural_min"]], on="school_code", how="inner").copy()
    base = r["room_type"].map(spec["min_area"]).astype(float)
    old_min = r["room_type"].map(spec["relaxed_area_old"]).astype(float)
    built_before = (r["build_year"] < spec["relaxed_before_year"]).fillna(False).astype(bool)
    r["min_area"] = np.fmin(np.fmin(base, np.where(built_before, old_min, np.nan)), r["small_rural_min"])
    r["qualifies"] = r["area_m2"].astype(float) >= r["min_area"]
    year_text = r["build_year"].astype("string").fillna("建成年份不详")
    r["too_small_text"] = (
        r["room_type"] + "教室 " + r["area_m2"].astype(float).round(1).astype(str) + "㎡ < "
        + r["min_area"].astype(str) + "㎡（" + year_text + "）"
    )
    counts = r.groupby(["school_code", "room_type"]).agg(
        rooms_total=("qualifies", "size"), rooms_qualifying=("qualifies", "sum")
    )
    too_small = r[~r["qualifies"]].groupby(["school_code", "room_type"])["too_small_text"].agg("；".join)

    grid = schools.merge(pd.DataFrame({"room_type": room_types}), how="cross")
    grid = grid.merge(counts, left_on=["school_code", "room_type"], right_index=True, how="left")
    grid = grid.merge(too_small.rename("rooms_too_small"), left_on=["school_code", "room_type"],
                      right_index=True, how="left")
    grid[["rooms_total", "rooms_qualifying"]] = grid[["rooms_total", "rooms_qualifying"]].fillna(0).astype("int64")
    grid["rooms_missing"] = (grid["rooms_needed"] - grid["rooms_qualifying"]).clip(lower=0)
    grid["no_data"] = grid["school_code"].isin(schools.loc[no_classes, "school_code"])
    grid["status"] = np.where(grid["no_data"], NO_DATA, np.where(grid["rooms_missing"] > 0, FAIL, PASS))

    cols = ["school_code", "school_name", "room_type", "classes", "rooms_needed", "rooms_total",
            "rooms_qualifying", "rooms_missing", "rooms_too_small", "status"]
    detail = grid.loc[grid["status"] != PASS, cols].reset_index(drop=True)
    detail["rooms_too_small"] = detail["rooms_too_small"].astype("string")
    school_status = combine_status_by(grid["status"], grid["school_code"])
    n_ok = int((school_status == PASS).sum())
    res.status = combine_status(*school_status.unique()) if len(school_status) else NO_DATA
    res.value = n_ok / len(school_status) if len(school_status) else None
    res.value_text = f"{n_ok}/{len(school_status)} 所学校达标"
    fails = detail[detail["status"] == FAIL]
    too_small_note = ("（面积不足：" + fails["rooms_too_small"] + "）").fillna("")
    res.failing = join_text(
        (fails["school_name"] + " " + fails["room_type"] + "教室 需" + fails["rooms_needed"].astype(str)
         + "间、合格" + fails["rooms_qualifying"].astype(str) + "间、缺" + fails["rooms_missing"].astype(str)
         + "间" + too_small_note).tolist()
        + (detail.loc[detail["status"] == NO_DATA, "school_name"] + " 无班级数据").drop_duplicates().tolist(),
        limit=20,
    )
    res.evidence = f"按 classes、special_rooms 表逐校计算；{len(school_status)} 所学校参评"
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G4
def g4(tables, standards) -> IndicatorResult:
    """School size: compulsory-stage pupils ≤ the limit of the school type."""
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
    s["students"] = s["total"].astype("Int64")
    s["excess"] = s["students"] - s["limit"]
    s["status"] = np.where(s["students"].isna(), NO_DATA, np.where(s["excess"].fillna(0) > 0, FAIL, PASS))
    detail = s.loc[s["status"] != PASS, ["school_code", "school_name", "school_type", "students", "limit",
                                         "excess", "status"]].reset_index(drop=True)
    res.status = combine_status(*s["status"].unique()) if len(s) else NO_DATA
    res.value = float(s["students"].max()) if s["students"].notna().any() else None
    res.value_text = f"最大规模 {fmt_int(res.value)} 人；超规模 {int((s['status'] == FAIL).sum())} 所"
    fails = detail[detail["status"] == FAIL]
    res.failing = join_text(
        (fails["school_name"] + " " + fails["students"].astype(str) + "人，超" + fails["excess"].astype(str)
         + "人").tolist()
        + (detail.loc[detail["status"] == NO_DATA, "school_name"] + " 无在校生数据").tolist(),
        limit=20,
    )
    res.evidence = f"{len(s)} 所学校参评（enrolment 表 1–9 年级）"
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G5
def g5(tables, standards) -> IndicatorResult:
    """Class size: every class within the stage limit; every oversize class is listed."""
    spec = standards["guarantee"]["G5"]
    limits = spec["max_class_size"]
    std_text = "所有班级 " + "、".join(f"{k}≤{v}人" for k, v in limits.items())
    res = IndicatorResult("G5", spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    classes = table(tables, "classes")
    info = _school_info(tables)
    if classes is None:
        res.failing = "缺少数据表 (missing table): classes"
        return res
    c = classes[classes["stage"].isin(list(limits))].copy()
    c["limit"] = c["stage"].map(limits).astype("int64")
    c["excess"] = c["size"].astype("int64") - c["limit"]
    over = c[c["excess"] > 0]
    if info is not None:
        over = over.merge(info[["school_code", "school_name"]], on="school_code", how="left")
    else:
        over = over.assign(school_name=over["school_code"])
    detail = over[["school_code", "school_name", "class_id", "stage", "grade", "size", "limit", "excess"]]
    detail = detail.sort_values(["excess", "school_code", "class_id"], ascending=[False, True, True])
    detail = detail.reset_index(drop=True)
    res.status = (FAIL if len(detail) else PASS) if len(c) else NO_DATA
    res.value = float(len(detail))
    res.value_text = f"超标班额 {len(detail)} 个（共 {len(c)} 个班；最大班额 {fmt_int(c['size'].max())} 人）"
    res.failing = join_text(
        (detail["school_name"].astype(str) + " " + detail["class_id"].astype(str) + " " + detail["size"].astype(str)
         + "人（限" + detail["limit"].astype(str) + "，超" + detail["excess"].astype(str) + "）").tolist(),
        limit=30,
    )
    res.evidence = "classes 表逐班判断"
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G6
def g6(tables, standards) -> IndicatorResult:
    """Village schools and teaching points under 100 pupils funded as if they had 100.

    Required funds = funded_students × the school's per-student norm; a school with both
    stages uses the pupil-weighted mean of the primary and junior norms.
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
    s = s[s["total"].fillna(0) < n]
    if s.empty:
        res.status, res.value_text = PASS, "无不足100人的村小学和教学点"
        res.evidence = "schools、enrolment 表"
        res.detail = pd.DataFrame(columns=["school_code", "school_name", "students", "public_funds_yuan",
                                           "required_yuan", "shortfall_yuan", "status"])
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
    s["students"] = s["total"].astype("Int64")
    s["required_yuan"] = n * mean_norm
    s["public_funds_yuan"] = s["public_funds_yuan"].astype(float)
    s["shortfall_yuan"] = (s["required_yuan"] - s["public_funds_yuan"]).clip(lower=0)
    known = s["public_funds_yuan"].notna() & s["required_yuan"].notna() & s["total"].notna()
    s["status"] = np.where(~known, NO_DATA,
                           np.where(at_least(s["public_funds_yuan"], s["required_yuan"]), PASS, FAIL))
    detail = s[["school_code", "school_name", "students", "public_funds_yuan", "required_yuan",
                "shortfall_yuan", "status"]].reset_index(drop=True)
    res.status = combine_status(*detail["status"].unique())
    n_ok = int((detail["status"] == PASS).sum())
    res.value = n_ok / len(detail)
    res.value_text = f"{n_ok}/{len(detail)} 所足额核定"
    fails = detail[detail["status"] == FAIL]
    res.failing = join_text(
        (fails["school_name"] + " 拨付" + fails["public_funds_yuan"].map(fmt_num).astype("string") + "元，应≥"
         + fails["required_yuan"].map(fmt_num).astype("string") + "元，差" + fails["shortfall_yuan"].map(fmt_num).astype("string") + "元").tolist()
        + (detail.loc[detail["status"] == NO_DATA, "school_name"] + " 缺经费数据").tolist()
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
    miss = [i for i, v in (("special_school_public_funds", funds), ("special_school_students", pupils)) if v is None]
    if miss:
        res.failing = missing_number_text(miss)
        return res
    if pupils <= 0:
        res.failing = "特殊教育学校在校生数为0，无法计算生均 (no pupils: per-student funds undefined)"
        return res
    per = funds / pupils
    res.value, res.value_text = per, f"{fmt_num(per)} 元"
    res.status = PASS if per >= minimum else FAIL
    if res.status == FAIL:
        res.failing = f"生均 {fmt_num(per)} 元，低于 {minimum} 元，差 {fmt_num(minimum - per)} 元"
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
            failing.append(f"教师平均工资 {fmt_num(teacher)} 元 低于公务员 {fmt_num(civil)} 元，差 {fmt_num(civil - teacher)} 元")
    if att_status != PASS:
        failing.append(att_text)
    res.status = combine_status(pay_status, att_status)
    res.value_text = f"教师 {fmt_num(teacher) or '—'} 元 / 公务员 {fmt_num(civil) or '—'} 元"
    res.failing = join_text(failing)
    res.evidence = att_text
    res.detail = pd.DataFrame({"part": ["工资比较", "绩效工资认定"], "status": [pay_status, att_status],
                               "text": [res.value_text, att_text]})
    return res


# ---------------------------------------------------------------------------------- teacher shares
def _compulsory_full_time(tables, standards) -> pd.DataFrame | None:
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


def _teacher_share(code, spec, tables, standards, flag: pd.Series | None, t: pd.DataFrame | None,
                   std_text: str, extra_cols: list[str], what: str) -> IndicatorResult:
    """Shared logic of G9 / G12: share of full-time teachers meeting a flag; NA flag → 无数据."""
    res = IndicatorResult(code, spec["name"], AREA_GUARANTEE, std_text, NO_DATA, responsible=responsible(spec))
    if t is None or flag is None:
        res.failing = "缺少数据表 (missing table): teachers"
        return res
    if t.empty:
        res.failing = "无专任教师记录 (no full-time teachers)"
        return res
    known = flag.notna()
    ok = flag.fillna(False).astype(bool)
    share = ok[known].mean() if known.any() else None
    t = t.assign(status=np.where(~known, NO_DATA, np.where(ok, PASS, FAIL)))
    detail = t.loc[t["status"] != PASS, ["teacher_id", "school_code", "school_name", *extra_cols, "status"]]
    detail = detail.reset_index(drop=True)
    n_fail, n_na = int((t["status"] == FAIL).sum()), int((t["status"] == NO_DATA).sum())
    min_share = spec["min_share"]
    if share is None:
        res.status = NO_DATA
    elif n_fail and (len(t) - n_fail) / len(t) < min_share:
        res.status = FAIL  # fails even if every missing value were a pass
    elif n_na:
        res.status = NO_DATA
    else:
        res.status = PASS if share >= min_share else FAIL
    res.value = share
    res.value_text = fmt_pct(share)
    failed = detail[detail["status"] == FAIL]
    by_school = failed.groupby("school_name").size()
    gap = (failed.groupby("school_name")["shortfall_hours"].sum().map(lambda v: f"（共缺 {fmt_num(v, 1)} 学时）")
           if "shortfall_hours" in failed.columns else pd.Series(dtype=object))
    res.failing = join_text(
        [f"{k} {v}人{what}{gap.get(k, '')}" for k, v in by_school.items()]
        + ([f"{n_na} 名教师数据缺失" ] if n_na else []),
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
                          ["training_hours_5y", "shortfall_hours"], f"不足{spec['min_hours']}学时")


def g12(tables, standards) -> IndicatorResult:
    """Share of full-time teachers holding a teacher certificate."""
    spec = standards["guarantee"]["G12"]
    t = _compulsory_full_time(tables, standards)
    flag = None if t is None else t["has_certificate"].astype("boolean")
    std = f"专任教师持证上岗率 ≥ {fmt_pct(spec['min_share'], 0)}"
    return _teacher_share("G12", spec, tables, standards, flag, t, std, ["subject"], "无教师资格证")


# ---------------------------------------------------------------------------------- G11
def g11(tables, standards) -> IndicatorResult:
    """Rotation of compulsory-stage teachers: rotated ÷ eligible ≥ 10%; backbone (县级及以上)
    among rotated ≥ 20%."""
    spec = standards["guarantee"]["G11"]
    backbone_levels = standards["resources"]["indicators"]["L2"]["backbone_levels"]
    std = (f"交流轮岗教师 ÷ 符合交流条件教师 ≥ {fmt_pct(spec['min_rotated_share'], 0)}；"
           f"其中骨干教师占交流轮岗教师 ≥ {fmt_pct(spec['min_backbone_share'], 0)}")
    res = IndicatorResult("G11", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    teachers = table(tables, "teachers")
    if teachers is None:
        res.failing = "缺少数据表 (missing table): teachers"
        return res
    # compulsory-education teachers only (小学、初中), as in G9/G12: the senior section of a
    # 完全中学 and kindergarten classes are not part of the assessment
    teachers = teachers[teachers["stage"].isin(standards["stages"])]
    eligible = int(teachers["rotation_eligible"].fillna(False).astype(bool).sum())
    rotated_mask = teachers["rotated"].fillna(False).astype(bool)
    rotated = int(rotated_mask.sum())
    backbone = int((rotated_mask & teachers["backbone_level"].isin(backbone_levels)).sum())
    if eligible == 0:
        res.failing = "无符合交流条件的教师记录，无法计算比例 (no eligible teachers)"
        return res
    rot_share = rotated / eligible
    bb_share = backbone / rotated if rotated else None
    s1 = PASS if rot_share >= spec["min_rotated_share"] else FAIL
    s2 = NO_DATA if bb_share is None else (PASS if bb_share >= spec["min_backbone_share"] else FAIL)
    res.status = combine_status(s1, s2)
    res.value = rot_share
    res.value_text = f"交流轮岗 {fmt_pct(rot_share)}；骨干占比 {fmt_pct(bb_share) or '—'}"
    failing = []
    if s1 == FAIL:
        need = math.ceil(spec["min_rotated_share"] * eligible - 1e-9)
        failing.append(f"交流轮岗 {rotated}/{eligible} = {fmt_pct(rot_share)}，至少需 {need} 人，差 {need - rotated} 人")
    if s2 == FAIL:
        need = math.ceil(spec["min_backbone_share"] * rotated - 1e-9)
        failing.append(f"骨干教师 {backbone}/{rotated} = {fmt_pct(bb_share)}，至少需 {need} 人，差 {need - backbone} 人")
    if s2 == NO_DATA:
        failing.append("无交流轮岗教师，骨干占比无法计算")
    res.failing = join_text(failing)
    res.evidence = f"符合条件 {eligible} 人，交流轮岗 {rotated} 人，其中骨干（{'、'.join(backbone_levels)}）{backbone} 人"
    res.detail = pd.DataFrame({"eligible": [eligible], "rotated": [rotated], "backbone_rotated": [backbone],
                               "rotated_share": [rot_share], "backbone_share": [bb_share]})
    return res


# ---------------------------------------------------------------------------------- G13
def g13(tables, standards) -> IndicatorResult:
    """Nearby enrolment of urban/town public non-boarding schools, per stage (county totals)."""
    spec = standards["guarantee"]["G13"]
    mins = spec["min_share"]
    std = ("、".join(spec["urban_rural"]) + "公办非寄宿制学校就近划片入学比例 "
           + "、".join(f"{k}≥{fmt_pct(v, 0)}" for k, v in mins.items()))
    res = IndicatorResult("G13", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    schools, catch = table(tables, "schools"), table(tables, "catchment")
    if schools is None or catch is None:
        res.failing = "缺少数据表 (missing tables): schools / catchment"
        return res
    sel = schools[schools["urban_rural"].isin(spec["urban_rural"]) & schools["is_public"].fillna(False).astype(bool)
                  & ~schools["is_boarding"].fillna(True).astype(bool)]
    c = catch.merge(sel[["school_code", "school_name"]], on="school_code", how="inner")
    c = c[c["stage"].isin(list(mins))].copy()
    c["share"] = (c["entrants_in_catchment"] / c["entrants"].where(c["entrants"] > 0)).astype(float)
    c["min_share"] = c["stage"].map(mins).astype(float)
    agg = c.groupby("stage")[["entrants", "entrants_in_catchment"]].sum()
    agg = agg.reindex([st for st in mins if st in agg.index])  # 小学 before 初中, as in the standards
    agg["share"] = agg["entrants_in_catchment"] / agg["entrants"].where(agg["entrants"] > 0)
    agg["min_share"] = agg.index.map(mins).astype(float)
    agg["status"] = np.where(agg["share"].isna(), NO_DATA, np.where(agg["share"] >= agg["min_share"], PASS, FAIL))
    if agg.empty:
        res.failing = "无城区、镇区公办非寄宿制学校的招生数据"
        return res
    res.status = combine_status(*agg["status"])
    res.value = float(agg["share"].min())
    res.value_text = "；".join(f"{st} {fmt_pct(row.share) or '—'}" for st, row in agg.iterrows())
    below = c[c["share"] < c["min_share"]]
    detail = below[["school_code", "school_name", "stage", "entrants", "entrants_in_catchment", "share",
                    "min_share"]].reset_index(drop=True)
    detail["outside_catchment"] = detail["entrants"] - detail["entrants_in_catchment"]
    failing = [f"{st} 全县 {fmt_pct(row.share)} < {fmt_pct(row.min_share, 0)}"
               for st, row in agg[agg["status"] == FAIL].iterrows()]
    if failing:
        failing += (detail["school_name"] + "（" + detail["stage"] + "）" + detail["share"].map(fmt_pct).astype("string")
                    + "，片外" + detail["outside_catchment"].astype(str) + "人").tolist()
    res.failing = join_text(failing, limit=20)
    res.evidence = "；".join(f"{st} 片内 {int(r.entrants_in_catchment)} / 招生 {int(r.entrants)}"
                            for st, r in agg.iterrows())
    res.detail = detail
    return res


# ---------------------------------------------------------------------------------- G14
def g14(tables, standards) -> IndicatorResult:
    """Quota allocation ≥ 50% of places, tilted to rural junior schools.

    Tilt: rural schools' share of the allocated places ≥ their share of junior graduates.
    """
    spec = standards["guarantee"]["G14"]
    std = (f"分配到校名额 ÷ 优质高中招生总名额 ≥ {fmt_pct(spec['min_share'], 0)}；"
           f"农村初中所得名额占比 ≥ 其毕业生占比")
    res = IndicatorResult("G14", spec["name"], AREA_GUARANTEE, std, NO_DATA, responsible=responsible(spec))
    quota, schools = table(tables, "quota"), table(tables, "schools")
    total = county_number(tables, "quota_total_places")
    if quota is None or schools is None:
        res.failing = "缺少数据表 (missing tables): quota / schools"
        return res
    q = quota.merge(schools[["school_code", "school_name", "urban_rural"]], on="school_code", how="left")
    allocated, grads = int(q["allocated_places"].sum()), int(q["graduates"].sum())
    rural = q["urban_rural"] == RURAL
    r_alloc, r_grads = int(q.loc[rural, "allocated_places"].sum()), int(q.loc[rural, "graduates"].sum())
    failing = []
    if total is None or total <= 0:
        s1, share = NO_DATA, None
        failing.append(missing_number_text(["quota_total_places"]))
    else:
        share = allocated / total
        s1 = PASS if share >= spec["min_share"] else FAIL
        if s1 == FAIL:
            failing.append(f"分配比例 {fmt_pct(share)} < {fmt_pct(spec['min_share'], 0)}，"
                           f"至少还需 {math.ceil(spec['min_share'] * total - allocated - 1e-9)} 个名额")
    if allocated == 0 or grads == 0:
        s2, r_place_share, r_grad_share = NO_DATA, None, None
        failing.append("无分配名额或毕业生数据，无法判断向农村倾斜")
    else:
        r_place_share, r_grad_share = r_alloc / allocated, r_grads / grads
        s2 = PASS if r_place_share >= r_grad_share else FAIL
        if s2 == FAIL:
            failing.append(f"农村初中名额占比 {fmt_pct(r_place_share)} < 毕业生占比 {fmt_pct(r_grad_share)}")
    res.status = combine_status(s1, s2)
    res.value = share
    res.value_text = (f"分配比例 {fmt_pct(share) or '—'}；农村初中名额占比 {fmt_pct(r_place_share) or '—'}"
                      f" / 毕业生占比 {fmt_pct(r_grad_share) or '—'}")
    res.failing = join_text(failing)
    res.evidence = (f"分配到校 {allocated} 个 / 总名额 {fmt_int(total) or '—'} 个；农村初中 {r_alloc} 个名额、"
                    f"{r_grads} 名毕业生（全县 {grads} 名）")
    q["places_per_graduate"] = q["allocated_places"] / q["graduates"].where(q["graduates"] > 0)
    res.detail = q[["school_code", "school_name", "urban_rural", "graduates", "allocated_places",
                    "places_per_graduate"]].reset_index(drop=True)
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
    failing = []
    if eligible is None or served is None or eligible <= 0:
        s2, share = NO_DATA, None
        miss = [i for i, v in (("migrant_eligible", eligible), ("migrant_in_public_or_bought", served)) if v is None]
        failing.append(missing_number_text(miss) if miss else "符合条件的随迁子女数为0，比例无法计算")
    else:
        share = served / eligible
        s2 = PASS if share >= spec["min_share"] else FAIL
        if s2 == FAIL:
            failing.append(f"随迁子女就读比例 {fmt_pct(share)} < {fmt_pct(spec['min_share'], 0)}")
    if att_status != PASS:
        failing.append(att_text)
    res.status = combine_status(s2, att_status)
    res.value = share
    res.value_text = f"随迁子女就读比例 {fmt_pct(share) or '—'}；关爱体系认定 {'是' if att_status == PASS else ('否' if att_status == FAIL else '未提供')}"
    res.failing = join_text(failing)
    res.evidence = f"{att_text}；随迁子女 {fmt_int(served) or '—'} / {fmt_int(eligible) or '—'} 人"
    return res


GUARANTEE_FUNCTIONS = [g1, g2, g3, g4, g5, g6, g7, g8, g9, g10, g11, g12, g13, g14, g15]


def evaluate_guarantee(tables: dict[str, pd.DataFrame], standards: dict) -> dict[str, IndicatorResult]:
    """All 15 government-guarantee indicators, keyed G1–G15."""
    return {r.code: r for r in (f(tables, standards) for f in GUARANTEE_FUNCTIONS)}
