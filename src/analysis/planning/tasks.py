"""Rectification tasks (整改任务清单) from the gaps now and in the projection.

Each task: school, indicator, shortfall in natural units (teachers of which subject, m², 元,
classrooms, music/art rooms, classes to split), responsible units (standards ``responsible``,
the plan's 附件3), deadline (standards ``timeline``) and estimated cost (``costs.yaml``).

Gaps are read from the engine's results (the units table, the CV table, the G3/G5 detail
tables); nothing here recomputes an indicator. The shortfall of a per-hundred indicator is the
number of teachers/classrooms that closes it: ceil((standard − value) × students / 100); of a
per-student indicator the m²/元 the unit lacks, divided by the unit's resource share for the
amount the whole school must add (a mixed school's addition is shared between its stages).

Deadlines: a gap that exists now must be closed by ``timeline.application_deadline``; a gap that
appears only in the projection, by the end of the ``整改提升`` phase (``RECTIFICATION_PHASE``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.config.standards import facility_codes, resource_codes, teacher_codes
from analysis.engine.cv import cv_floor, cv_margin
from analysis.engine.guarantee import FAIL, g3, g5
from analysis.planning.costs import cost_of

RECTIFICATION_PHASE = "整改提升"



def what_closes(standards: dict) -> dict[str, tuple[str, str]]:
    """What closes each indicator's gap: (natural unit, wording). The qualifying degrees, backbone
    levels and PE/art subjects are read from the standards (never written here)."""
    ind = standards["resources"]["indicators"]
    degrees = "；".join(f"{s}：{'、'.join(d)}" for s, d in ind["L1"]["qualifying_degrees"].items())
    return {
        "L1": ("人", f"具备规定学历的专任教师（任一学科；{degrees}）"),
        "L2": ("人", f"骨干教师（{'、'.join(ind['L2']['backbone_levels'])}；认定或调入）"),
        "L3": ("人", f"{'、'.join(ind['L3']['subjects'])}专任教师"),
        "L4": ("㎡", "教学及辅助用房面积"),
        "L5": ("㎡", "体育运动场馆面积"),
        "L6": ("元", "教学仪器设备值"),
        "L7": ("间", "网络多媒体教室"),
    }


TASK_COLUMNS = [
    "school_code", "school_name", "stage", "indicator", "indicator_name", "when", "value", "standard",
    "what", "shortfall", "natural_unit", "cost_yuan", "cost_kind", "responsible", "deadline",
]


def resource_shortfalls(units: pd.DataFrame, standards: dict) -> pd.DataFrame:
    """Per included unit and L1–L7 indicator below its standard: the shortfall in natural units.

    Columns: school_code, school_name, stage, indicator, value, standard, students,
    resource_share, shortfall (the unit's own need: teachers, m², 元, classrooms),
    school_shortfall (what the school must add: = shortfall for teachers; ÷ resource share for
    L4–L7, rounded up to whole m²/元/classrooms), natural_unit, what. A missing value (NA) gives
    no shortfall row here: it is a data gap (``missing_inputs``), not a zero.
    """
    ind = standards["resources"]["indicators"]
    inc = units[units["included"].fillna(False).astype(bool)]
    long = inc.melt(id_vars=["school_code", "school_name", "stage", "students", "resource_share"],
                    value_vars=resource_codes(standards), var_name="indicator", value_name="value")
    long["standard"] = [float(ind[k]["standard"][s]) for k, s in zip(long["indicator"], long["stage"])]
    v = long["value"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    std = long["standard"].to_numpy(dtype=float)
    keep = v < std * (1 - 1e-9)
    long = long[keep].copy()
    v, std = v[keep], std[keep]
    P = long["students"].to_numpy(dtype=float)
    share = long["resource_share"].to_numpy(dtype=float, na_value=np.nan)
    per100 = np.array([bool(ind[k]["per_hundred"]) for k in long["indicator"]])
    need = (std - v) * P / np.where(per100, 100.0, 1.0)
    teacher = long["indicator"].isin(teacher_codes(standards)).to_numpy()
    # whole teachers / classrooms / m² / 元, always rounded up
    unit_need = np.ceil(need - 1e-9)
    school_need = np.where(teacher, unit_need, np.ceil(need / np.where(teacher, 1.0, share) - 1e-9))
    long["value"] = v
    long["shortfall"] = unit_need
    long["school_shortfall"] = school_need
    what = what_closes(standards)
    long["natural_unit"] = long["indicator"].map(lambda k: what[k][0])
    long["what"] = long["indicator"].map(lambda k: what[k][1])
    return long.reset_index(drop=True)


def _deadline(standards: dict, phase: str | None) -> str:
    tl = standards["timeline"]
    if phase:
        for p in tl["phases"]:
            if p["phase"] == phase:
                return str(p["end"])
    return str(tl["application_deadline"])


def rectification_tasks(units_now: pd.DataFrame, units_target: pd.DataFrame | None, standards: dict,
                        costs: dict, target_year: int, cv_now: pd.DataFrame | None = None,
                        cv_target: pd.DataFrame | None = None, tables_now: dict | None = None,
                        tables_target: dict | None = None) -> pd.DataFrame:
    """The task list (columns ``TASK_COLUMNS``), sorted by school, stage and indicator.

    - L1–L7 gaps of every included unit now (``when`` = "现状") and in the target-year projection
      (``when`` = "{target}年预测", only where the projected shortfall is larger);
    - each CV above its limit (school_code "", ``what`` lists the units below the CV floor);
    - G3 music/art rooms missing and G5 oversize classes, from the engine's detail tables, when
      ``tables_now`` / ``tables_target`` are given.
    Cost: teachers 元 per year (``cost_kind`` "每年"), everything else one-off ("一次性").
    """
    ind = standards["resources"]["indicators"]
    codes = resource_codes(standards)
    item_cost = {k: cost_of(costs, costs["indicator_cost"][k]["item"]) for k in codes}
    recurring = {k: bool(costs["indicator_cost"][k]["recurring"]) for k in codes}
    dl_now = _deadline(standards, None)
    dl_later = _deadline(standards, RECTIFICATION_PHASE)
    frames = []
    now = resource_shortfalls(units_now, standards).assign(when="现状", deadline=dl_now)
    frames.append(now)
    if units_target is not None:
        tgt = resource_shortfalls(units_target, standards).assign(when=f"{target_year}年预测", deadline=dl_later)
        key = ["school_code", "stage", "indicator"]
        tgt = tgt.merge(now[key + ["school_shortfall"]].rename(columns={"school_shortfall": "_now"}),
                        on=key, how="left")
        tgt = tgt[tgt["school_shortfall"] > tgt["_now"].fillna(0)].drop(columns="_now")
        frames.append(tgt)
    res = pd.concat(frames, ignore_index=True)
    # L4–L7 are school resources: one task per school (the largest need of its units), not per unit
    school_level = res["indicator"].isin(facility_codes(standards))
    if school_level.any():
        sl = res[school_level].sort_values("school_shortfall", ascending=False)
        stages = sl.groupby(["school_code", "indicator", "when"])["stage"].agg(
            lambda s: "、".join(sorted(s.astype(str))))
        sl = sl.drop_duplicates(["school_code", "indicator", "when"]).copy()
        sl["stage"] = sl.set_index(["school_code", "indicator", "when"]).index.map(stages)
        res = pd.concat([res[~school_level], sl], ignore_index=True)
    res["indicator_name"] = res["indicator"].map({k: v["name"] for k, v in ind.items()})
    res["shortfall"] = res["school_shortfall"]
    res["cost_yuan"] = res["shortfall"].astype(float) * res["indicator"].map(item_cost).astype(float)
    res["cost_kind"] = np.where(res["indicator"].map(recurring), "每年", "一次性")
    res["responsible"] = res["indicator"].map({k: "、".join(v["responsible"]) for k, v in ind.items()})
    # L4–L7 are school resources: say so for a mixed school's unit
    res["what"] = np.where(res["indicator"].isin(facility_codes(standards)),
                           res["what"] + "（学校新增量，按学段份额分摊）", res["what"])
    out = [res[TASK_COLUMNS]]

    # CV tasks
    res_cfg = standards["resources"]
    for cv, units, when, dl in ((cv_now, units_now, "现状", dl_now),
                                (cv_target, units_target, f"{target_year}年预测", dl_later)):
        if cv is None or units is None:
            continue
        bad = cv[cv["passed"].fillna(True).astype(bool) == False]  # noqa: E712
        inc = units[units["included"].fillna(False).astype(bool)]
        rows = []
        for _, r in bad.iterrows():  # at most 14 rows (stages × indicators)
            st, k = str(r["stage"]), str(r["indicator"])
            sel = inc[inc["stage"] == st]
            vals = sel[k].to_numpy(dtype=float, na_value=np.nan)
            f = cv_floor(vals, sel["students"].to_numpy(dtype=float), float(res_cfg["cv_limit"][st]) - cv_margin(standards))
            low = sel.loc[vals < f, "school_name"].astype(str).tolist()
            rows.append({
                "school_code": "", "school_name": "全县", "stage": st, "indicator": f"CV_{k}",
                "indicator_name": f"{ind[k]['name']}校际差异系数", "when": when,
                "value": float(r["cv_shown"]), "standard": float(r["limit"]),
                "what": f"将低于 {f:.2f} 的学校提升至 {f:.2f}（{len(low)} 所：{'、'.join(low[:10])}"
                        f"{'……' if len(low) > 10 else ''}）",
                "shortfall": float(r["cv_shown"]) - float(r["limit"]), "natural_unit": "差异系数",
                "cost_yuan": np.nan, "cost_kind": "见各校任务", "responsible": "、".join(ind[k]["responsible"]),
                "deadline": dl,
            })
        if rows:
            out.append(pd.DataFrame(rows))

    # G3 rooms and G5 classes, from the engine's detail tables
    g = standards["guarantee"]
    for tables, when, dl in ((tables_now, "现状", dl_now), (tables_target, f"{target_year}年预测", dl_later)):
        if tables is None:
            continue
        d3 = g3(tables, standards).detail
        if d3 is not None and len(d3):
            d3 = d3[d3["rooms_missing"] > 0]
            room_cost = d3["room_type"].map({"音乐": cost_of(costs, "rooms.music_room"),
                                             "美术": cost_of(costs, "rooms.art_room")})
            out.append(pd.DataFrame({
                "school_code": d3["school_code"], "school_name": d3["school_name"], "stage": "",
                "indicator": "G3", "indicator_name": g["G3"]["name"], "when": when,
                "value": d3["rooms_qualifying"].astype(float), "standard": d3["rooms_needed"].astype(float),
                "what": d3["room_type"] + "专用教室（面积达标）", "shortfall": d3["rooms_missing"].astype(float),
                "natural_unit": "间", "cost_yuan": d3["rooms_missing"].astype(float) * room_cost,
                "cost_kind": "一次性", "responsible": "、".join(g["G3"]["responsible"]), "deadline": dl,
            }))
        d5 = g5(tables, standards).detail
        d5 = d5[d5["status"] == FAIL] if d5 is not None else None  # oversize classes, not missing sizes
        if d5 is not None and len(d5):
            # classes to split: each oversize class needs ceil(size / limit) − 1 extra classes (a
            # band of the class counts: its classes at the band's lower edge, the least it takes)
            limit = d5["limit"].astype(float)
            size = d5["size"].astype("Float64").fillna(limit + d5["excess"].astype(float)).astype(float)
            extra = (np.ceil(size / limit) - 1) * d5["classes"].astype(float)
            per = d5.assign(extra=extra, size=size).groupby(["school_code", "school_name", "stage"],
                                                            as_index=False).agg(
                extra=("extra", "sum"), worst=("size", "max"), limit=("limit", "first"))
            out.append(pd.DataFrame({
                "school_code": per["school_code"], "school_name": per["school_name"], "stage": per["stage"],
                "indicator": "G5", "indicator_name": g["G5"]["name"], "when": when,
                "value": per["worst"].astype(float), "standard": per["limit"].astype(float),
                "what": "拆分超大班额（增设教学班）", "shortfall": per["extra"].astype(float),
                "natural_unit": "个班", "cost_yuan": per["extra"].astype(float) * cost_of(costs, "classes.split_class"),
                "cost_kind": "一次性", "responsible": "、".join(g["G5"]["responsible"]), "deadline": dl,
            }))
    tasks = pd.concat([o for o in out if len(o)], ignore_index=True) if any(len(o) for o in out) else \
        pd.DataFrame(columns=TASK_COLUMNS)
    tasks = tasks[TASK_COLUMNS]
    # a projected gap is listed only where it is larger than the gap now
    key = ["school_code", "indicator", "what"]
    now_gap = tasks[tasks["when"] == "现状"].set_index(key)["shortfall"]
    later = tasks["when"] != "现状"
    prev = pd.Series(tasks[key].itertuples(index=False, name=None)).map(now_gap.to_dict()).to_numpy()
    drop = later.to_numpy() & ~pd.isna(prev) & (tasks["shortfall"].to_numpy(dtype=float) <= np.nan_to_num(
        prev.astype(float), nan=-np.inf))
    tasks = tasks[~drop]
    for c in ("school_code", "school_name", "stage", "indicator", "indicator_name", "when", "what",
              "natural_unit", "cost_kind", "responsible", "deadline"):
        tasks[c] = tasks[c].astype("string")
    for c in ("value", "standard", "shortfall", "cost_yuan"):
        tasks[c] = tasks[c].astype("Float64")
    return tasks.sort_values(["school_code", "stage", "indicator", "when"]).reset_index(drop=True)
