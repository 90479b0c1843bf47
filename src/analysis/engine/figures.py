"""The numbers the national form asks for (申报表所需的数): one engine computes them.

The form's 表Ⅰ counts schools, classes, pupils and staff; 表Ⅱ-2 adds each unit's 举办者类型, 年级数 and
班级数 and a note counting the units; the fill-in sentences of 表Ⅳ and 表Ⅴ ask for counts and shares
behind the indicators (超过2000人的小学＿所 …). The indicator functions put the numbers behind their
verdict into ``IndicatorResult.extra`` under the names of :func:`figure_catalogue`; this module adds
the county's basic counts, and :func:`figures_table` turns them into the ``figures`` result table
(name, value): one row per name of the catalogue, NA where an input is missing (never 0).

The same names are what a county's own narrative sections may cite (``{{ 在校生总数 }}``), together
with the names the reports derive from the ``cv``, ``units`` and ``verdict`` tables
(``analysis.reporting.narrative``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.engine.classes import class_groups
from analysis.schemas import SPONSOR_TYPES, validate

#: kinds of a figure: how it is shown (count and money as integers, a ratio as a percentage with
#: 1 decimal: the form's "比例数值保留一位小数，其余保留整数")
FIGURE_KINDS = ("count", "ratio", "money")


@dataclass(frozen=True)
class Figure:
    """One named number: what it is (Chinese) and its kind (:data:`FIGURE_KINDS`)."""

    doc: str
    kind: str = "count"


#: school types of 表Ⅰ's 普通中小学校数 columns (L9–L13), in the form's order
FORM_SCHOOL_TYPES = ("小学", "九年一贯制", "初中", "完全中学", "十二年一贯制")
#: mixed schools whose 小学部 / 初中部 the form's 表Ⅱ-2 note counts as 一贯制学校
THROUGH_TYPES = ("九年一贯制", "十二年一贯制")


def figure_catalogue(standards: Mapping[str, Any]) -> dict[str, Figure]:
    """Every name of the ``figures`` table, in order, with its meaning and kind.

    Names depending on the standards (the stages, the school types with a size limit) are
    generated from them.
    """
    g = standards["guarantee"]
    stages = list(standards["stages"])
    cat: dict[str, Figure] = {}

    def add(name: str, doc: str, kind: str = "count") -> None:
        cat[name] = Figure(doc, kind)

    # ---- 表Ⅰ and the county's basic counts (普通中小学: 特殊教育学校、职业学校 not counted)
    for t in FORM_SCHOOL_TYPES:
        add(f"{t}学校数", f"办学类型为“{t}”的学校数（所，不计校数的校区已并入）")
    add("特殊教育学校数", "特殊教育学校数（所）")
    add("教学点数", "小学教学点数（个）")
    add("50人及以上教学点数", "在校生 50 人及以上的教学点数（个）")
    for st in stages:
        add(f"{st}教学班数", f"普通中小学{st}教学班数（个，不含特殊教育学校）")
    for st in stages:
        add(f"{st}在校生数", f"普通中小学{st}在校生数（人，不含特殊教育学校；任一年级人数不详则为空）")
    add("在校生总数", "普通中小学义务教育阶段在校生数（人）")
    for st in stages:
        add(f"{st}教职工数", f"任教{st}的教职工数（人，教职工花名册；不含特殊教育学校）")
        add(f"{st}专任教师数", f"其中{st}专任教师数（人）")
    add("专任教师总数", "义务教育阶段专任教师数（人）")
    # ---- 表Ⅱ-2 note: the evaluated units
    add("评估小学数", "纳入资源配置评估的小学评估单位数（表Ⅱ-2 小学学校总数）")
    add("一贯制学校小学部数", "其中一贯制学校的小学部数")
    add("评估教学点数", "其中教学点数（在校生达到纳入评估下限的教学点）")
    add("评估初中数", "纳入资源配置评估的初中评估单位数（表Ⅱ-2 初中学校总数）")
    add("一贯制学校初中部数", "其中一贯制学校的初中部数")
    add("完全中学初中部数", "其中完全中学的初中部数")
    # ---- 表Ⅳ
    for t, limit in g["G4"]["max_students"].items():
        add(f"G4.{t}超规模数", f"义务教育阶段在校生超过 {limit} 人的{t}数（所；有学校规模不详时为空）")
    for st, limit in g["G5"]["max_class_size"].items():
        add(f"G5.{st}超标班级数", f"超过 {limit} 人的{st}班级数（个；有班额不详时为空）")
    n = g["G6"]["funded_students"]
    add("G6.学生数", f"不足 {n} 人的村小学和教学点的学生数（人）")
    add("G6.公用经费", f"不足 {n} 人的村小学和教学点的全年公用经费（元）", "money")
    add("G7.公用经费", "特殊教育学校全年公用经费（元）", "money")
    add("G7.学生数", "特殊教育学校在校生数（人）")
    add("G7.生均公用经费", "特殊教育学校生均公用经费（元）", "money")
    add("G8.教师年平均工资", "全县义务教育学校教师年平均工资收入（元）", "money")
    add("G8.公务员年平均工资", "当地公务员年平均工资收入（元）", "money")
    add("G9.完成人数", f"近 5 年培训达到 {g['G9']['min_hours']} 学时的专任教师数（人）")
    add("G9.专任教师数", "义务教育阶段专任教师数（人）")
    add("G9.完成率", "教师培训完成率（不含学时不详的教师）", "ratio")
    add("G9.数据缺失人数", "培训学时不详的专任教师数（人；只有专任教师数、没有花名册的学校，其教师都不详，完成人数和"
                     "完成率为空）")
    add("G11.符合条件教师数", "符合交流轮岗条件的教师数（人）")
    add("G11.交流轮岗教师数", "交流轮岗教师数（人）")
    add("G11.交流轮岗比例", "交流轮岗教师占符合条件教师的比例", "ratio")
    add("G11.交流轮岗骨干教师数", "交流轮岗的骨干教师数（人）")
    add("G11.骨干教师比例", "骨干教师占交流轮岗教师的比例", "ratio")
    add("G11.数据缺失人数", "是否符合条件或是否交流轮岗不详的教师数（人）")
    add("G12.专任教师数", "在岗专任教师数（人）")
    add("G12.持证人数", "持有教师资格证的专任教师数（人）")
    add("G12.持证比例", "持证专任教师占比（不含是否持证不详的教师）", "ratio")
    add("G12.数据缺失人数", "是否持证不详的专任教师数（人）")
    for st in g["G13"]["min_share"]:
        add(f"G13.{st}比例", f"城区和镇区公办{st}（不含寄宿制学校）就近划片入学比例（有学校数据缺失时为空）", "ratio")
    add("G14.招生名额总数", "优质高中招生名额总数（个）")
    add("G14.分配名额数", "分配到初中学校的名额数（个；有学校数据缺失时为空）")
    add("G14.分配比例", "分配名额占招生名额总数的比例", "ratio")
    add("G14.农村名额数", "分配到农村初中的名额数（个）")
    add("G14.农村名额占比", "农村初中名额占分配名额的比例", "ratio")
    add("G15.符合条件随迁子女数", "符合条件的随迁子女数（人）")
    add("G15.公办学校就读数", "在公办学校就读的随迁子女数（人）")
    add("G15.购买服务就读数", "在政府购买服务的民办学校就读的随迁子女数（人）")
    add("G15.合计", "在公办学校和政府购买服务的民办学校就读的随迁子女数（人）")
    add("G15.比例", "随迁子女在公办学校和政府购买服务的民办学校就读的比例", "ratio")
    # ---- 表Ⅴ
    add("Q1.毕业班学生数", "本年初中毕业班学生数（人）")
    add("Q1.三年前入学数", "三年前该年级入学学生数（人）")
    add("Q1.转入数", "毕业年级三年转入学生数（人）")
    add("Q1.死亡数", "三年内死亡学生数（人）")
    add("Q1.转出数", "三年内转出学生数（人）")
    add("Q1.巩固率", "初中三年巩固率", "ratio")
    add("Q2.残疾儿童少年数", "适龄残疾儿童少年数（人）")
    add("Q2.入学数", "入学的残疾儿童少年数（人）")
    add("Q2.入学率", "残疾儿童少年入学率", "ratio")
    add("Q2.特教学校就读数", "在特殊教育学校就读的残疾儿童少年数（人）")
    add("Q2.特教学校就读占比", "在特殊教育学校就读的占入学人数的比例", "ratio")
    return cat


def _count(mask: pd.Series | np.ndarray) -> int:
    return int(np.asarray(mask, dtype=bool).sum())


def _sum_or_na(values: pd.Series) -> float | None:
    """The sum of ``values``; None (unknown, never a smaller sum) when any is missing."""
    v = pd.to_numeric(values, errors="coerce").astype(float)
    if v.isna().any():
        return None
    return float(v.sum())


def county_basics(tables: Mapping[str, pd.DataFrame], units: pd.DataFrame,
                  standards: Mapping[str, Any]) -> dict[str, float | None]:
    """表Ⅰ's counts (L9–L24) and 表Ⅱ-2's note, from the processed tables and the ``units`` table.

    普通中小学: schools of ``units.excluded_types`` (特殊教育学校, 职业学校) are counted apart (特殊
    教育学校数) and left out of the classes, pupils and staff. A count that needs a missing number
    (an unknown grade count) is None, never the smaller sum. Staff are the rows of the 教职工花名册
    by the stage they teach; 专任教师 those marked full-time.
    """
    stages = list(standards["stages"])
    excluded = list(standards["units"]["excluded_types"])
    out: dict[str, float | None] = {}
    schools = tables.get("schools")
    if schools is None:
        return out
    types = schools["school_type"].astype("string")
    for t in FORM_SCHOOL_TYPES:
        out[f"{t}学校数"] = _count(types == t)
    out["特殊教育学校数"] = _count(types == "特殊教育学校")
    regular = set(schools.loc[~types.isin(excluded).fillna(False), "school_code"])
    enrol = tables.get("enrolment")
    points = schools[types == "教学点"]
    out["教学点数"] = len(points)
    if enrol is not None:
        e = enrol[enrol["school_code"].isin(regular)]
        comp = e[e["stage"].isin(stages)]
        for st in stages:
            out[f"{st}在校生数"] = _sum_or_na(comp.loc[comp["stage"] == st, "students"])
        known = [out[f"{st}在校生数"] for st in stages]
        out["在校生总数"] = None if any(v is None for v in known) else float(sum(known))
        per_point = comp[comp["school_code"].isin(points["school_code"])]
        n = per_point["students"].astype("Float64")
        sizes = n.groupby(per_point["school_code"]).sum().where(~n.isna().groupby(per_point["school_code"]).any())
        sizes = sizes.reindex(points["school_code"])
        min_tp = standards["units"]["teaching_point_min_students"]
        # a point of unknown size may be on either side of the line: unknown, not counted
        out["50人及以上教学点数"] = None if sizes.isna().any() else _count(sizes >= min_tp)
    groups = class_groups(tables, stages)  # the class list, or the band counts of a school without one
    if groups is not None:
        g = groups[groups["school_code"].isin(regular)]
        for st in stages:
            out[f"{st}教学班数"] = _sum_or_na(g.loc[g["stage"] == st, "n"])
    teachers = tables.get("teachers")
    if teachers is not None:
        t = teachers.loc[teachers["school_code"].isin(regular).to_numpy(dtype=bool), ["school_code", "stage", "full_time"]]
        ft = t["full_time"].astype("boolean").fillna(False).astype(bool)
        # schools given only as counts (专任教师数, no roster): their full-time teachers are counted,
        # their other staff are unknown
        counts = tables.get("teacher_counts")
        only = (counts[counts["school_code"].isin(regular) & ~counts["school_code"].isin(set(t["school_code"]))]
                if counts is not None else None)
        for st in stages:
            staff, full = _count(t["stage"] == st), float(_count((t["stage"] == st) & ft))
            extra = only[only["stage"] == st] if only is not None else None
            if extra is not None and len(extra):
                more = _sum_or_na(extra["full_time"])
                out[f"{st}教职工数"] = None
                out[f"{st}专任教师数"] = None if more is None else full + more
            else:
                out[f"{st}教职工数"], out[f"{st}专任教师数"] = staff, full
        parts = [out[f"{st}专任教师数"] for st in stages]
        out["专任教师总数"] = None if any(v is None for v in parts) else float(sum(parts))
    inc = units.loc[units["included"].fillna(False).astype(bool).to_numpy(), ["stage", "school_type"]]
    utype = inc["school_type"].astype("string")
    primary, junior = inc["stage"] == stages[0], inc["stage"] == stages[-1]
    out["评估小学数"] = _count(primary)
    out["一贯制学校小学部数"] = _count(primary & utype.isin(THROUGH_TYPES))
    out["评估教学点数"] = _count(primary & (utype == "教学点"))
    out["评估初中数"] = _count(junior)
    out["一贯制学校初中部数"] = _count(junior & utype.isin(THROUGH_TYPES))
    out["完全中学初中部数"] = _count(junior & (utype == "完全中学"))
    return out


def unit_profile(tables: Mapping[str, pd.DataFrame], units: pd.DataFrame) -> pd.DataFrame:
    """表Ⅱ-2's columns beside the indicators, one row per unit (``units`` order): 举办者类型 and its
    code, 年级数 (grades of the unit's stage with pupils; None when a grade's count is unknown) and
    班级数 (class rows of the unit's stage; None when the school has no class row of that stage)."""
    key = ["school_code", "stage"]
    out = units[key].copy()
    schools = tables.get("schools")
    if schools is not None and "sponsor_type" in schools.columns:
        out = out.merge(schools[["school_code", "sponsor_type"]], on="school_code", how="left")
    else:
        out["sponsor_type"] = pd.NA
    out["sponsor_type"] = out["sponsor_type"].astype("string")
    out["sponsor_code"] = out["sponsor_type"].map(SPONSOR_TYPES).astype("Int64")
    enrol = tables.get("enrolment")
    if enrol is not None:
        n = enrol["students"].astype("Float64")
        g = enrol.assign(_pupils=(n > 0).fillna(False).astype(int), _na=n.isna()).groupby(key)
        grades = g["_pupils"].sum().where(~g["_na"].any())
        out["grades"] = pd.array(grades.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy(), dtype="Float64")
    else:
        out["grades"] = pd.array([pd.NA] * len(out), dtype="Float64")
    groups = class_groups(tables, list(units["stage"].dropna().unique()))
    if groups is not None and len(groups):
        n = groups["n"].astype("Float64")
        counts = n.groupby([groups["school_code"], groups["stage"]]).sum().where(
            ~n.isna().groupby([groups["school_code"], groups["stage"]]).any())
        out["classes"] = pd.array(counts.reindex(pd.MultiIndex.from_frame(out[key])).to_numpy(), dtype="Float64")
    else:
        out["classes"] = pd.array([pd.NA] * len(out), dtype="Float64")
    for c in ("grades", "classes"):
        out[c] = out[c].round().astype("Int64")
    return validate("unit_profile", out.reset_index(drop=True))


def figures_table(values: Mapping[str, Any], standards: Mapping[str, Any]) -> pd.DataFrame:
    """The ``figures`` result table: every name of the catalogue with its value (NA when missing).

    A name not in the catalogue is a programming error (a typo in an indicator's ``extra``).
    """
    cat = figure_catalogue(standards)
    unknown = sorted(set(values) - set(cat))
    if unknown:
        raise ValueError(f"未登记的数的名称 (figures not in the catalogue): {', '.join(unknown)}")

    def num(v: Any) -> float | None:
        if v is None:
            return None
        try:
            f = float(v)
        except (TypeError, ValueError):
            return None
        return None if np.isnan(f) else f

    df = pd.DataFrame({"name": list(cat), "value": [num(values.get(k)) for k in cat],
                       "kind": [f.kind for f in cat.values()]})
    df["value"] = pd.array(df["value"], dtype="Float64")
    return validate("figures", df)


__all__ = ["FIGURE_KINDS", "FORM_SCHOOL_TYPES", "THROUGH_TYPES", "Figure", "county_basics", "figure_catalogue",
           "figures_table", "unit_profile"]

