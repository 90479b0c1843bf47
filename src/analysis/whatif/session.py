"""What-if (假设分析): change a period's inputs for picked schools and see every indicator again.

A :class:`WhatIf` holds a county's tables for one year (the baseline) and a list of changes, each
one item of a scenario file (``planning/projection.py``'s ``ScenarioFile``): teachers hired
(``hires``), moved between schools (``moves``) or designated backbone (``designations``) — by
subject, degree, backbone level —, areas built (``construction``), equipment (``equipment``),
multimedia rooms (``multimedia``), music/art rooms (``special_rooms``) and the pupils of a school's
entry grade (``entrants``, the scenario's ``enrolment.entrant_overrides``). The changes are applied
with the projection's own ``apply_actions`` (and ``derive_classes`` for the entry grade's classes),
and the tables are judged by the engine (:mod:`analysis.whatif.incremental`: the engine's own
functions, rerun only where a change reaches). :class:`Outcome` shows L1–L7 per unit, the per-unit
verdicts, the CVs and the 32 statuses, each beside the baseline.

The baseline is either the period's own data (``base="now"``) or, before the target year, the
baseline scenario's projection for the target year (``base="target"``, the tables the plan and the
tasks work on). A what-if is saved as a scenario YAML (:meth:`WhatIf.save_scenario`): the baseline
scenario with the changes added, dated the what-if's year, so that ``project`` gives the same
tables for that year — the what-if becomes a plan. Changes of a ``now`` what-if are dated the year
after the period (the projection starts there), which the file's description says.

Plain code::

    from analysis import whatif
    w = whatif.open_period("2021")                  # the demo county, baseline: the target year
    w.move_teachers("2104210015", "2104210001", stage="小学", count=1, subject="体育")
    out = w.add_area("2104210004", sports_ground_m2=1000)
    out.statuses()                                  # the 32 indicators, baseline and what-if
    w.save_scenario("my_plan.yaml", name="体育教师交流与运动场扩建")
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import yaml
from pydantic import ValidationError

from analysis import schemas
from analysis.config.standards import period_year, resource_codes
from analysis.config.validation import format_errors
from analysis.engine.verdict import Results
from analysis.errors import ConfigError
from analysis.files import atomic_write
from analysis.ingest.tables import load_period
from analysis.numbers import half_up_array
from analysis.pipeline.results import results as period_results
from analysis.pipeline.steps import horizon_tables
from analysis.planning.projection import (
    Construction,
    Designation,
    Equipment,
    Hire,
    Move,
    Multimedia,
    Scenario,
    ScenarioError,
    SpecialRoom,
    apply_actions,
    derive_classes,
    entry_grades,
    load_scenario,
    load_scenarios,
    scenario_from_dict,
)
from analysis.whatif.incremental import Reevaluator

#: where an item of each kind goes in a scenario file (section) and its model there
SECTIONS: dict[str, tuple[str, Any]] = {
    "hires": ("teachers", Hire), "moves": ("teachers", Move), "designations": ("teachers", Designation),
    "construction": ("facilities", Construction), "equipment": ("facilities", Equipment),
    "multimedia": ("facilities", Multimedia), "special_rooms": ("facilities", SpecialRoom),
}
ENTRANTS = "entrants"
KINDS = (*SECTIONS, ENTRANTS)
#: the tables each kind changes (teacher_counts: schools whose teachers are given only as counts)
CHANGED_TABLES = {"hires": ("teachers", "teacher_counts"), "moves": ("teachers", "teacher_counts"),
                  "designations": ("teachers", "teacher_counts"),
                  "construction": ("facilities",), "equipment": ("facilities",), "multimedia": ("facilities",),
                  "special_rooms": ("special_rooms",), ENTRANTS: ("enrolment", "classes")}
#: what each kind is called in the notebook and in messages
KIND_NAMES = {"moves": "教师交流（调出→调入）", "hires": "招聘教师", "designations": "认定骨干教师",
              "construction": "新建校舍/场地面积", "equipment": "购置教学仪器设备", "multimedia": "新增网络多媒体教室",
              "special_rooms": "新增音乐/美术专用教室", ENTRANTS: "新生数（入学年级在校生）"}
SOURCE = "假设分析 / what-if"
#: the areas of ``construction``, as the workbooks name them
AREA_NAMES = {"teaching_aux_m2": "教学及辅助用房", "indoor_sports_m2": "室内体育用房", "sports_ground_m2": "体育运动场",
              "gymnasium_m2": "体育馆"}


class WhatIfError(ConfigError):
    """A change that cannot be made (unknown school, not enough teachers to move …): names the
    change and what is expected, in Chinese and English (a usage error, exit code 2 in scripts)."""


@dataclass
class Change:
    """One change: its kind (a key of :data:`KINDS`) and its scenario item (without ``year``)."""

    kind: str
    item: dict[str, Any]

    def text(self, names: Mapping[str, str] | None = None) -> str:
        """The change in words (Chinese), e.g. “教师交流（调出→调入）：甲校 → 乙校 小学 体育 1 人”."""
        names = names or {}
        i = self.item

        def n(code: Any) -> str:
            return names.get(str(code), str(code))

        label = KIND_NAMES[self.kind]
        if self.kind == "moves":
            what = "、".join(_as_list(i.get("subject"))) or "任意学科"
            return f"{label}：{n(i['from'])} → {n(i['to'])} {i['stage']} {what} {i['count']} 人"
        if self.kind == "hires":
            return f"{label}：{n(i['school'])} {i['stage']} {i['subject']} {i['count']} 人"
        if self.kind == "designations":
            return f"{label}：{n(i['school'])} {i['stage']} {i['count']} 人（{i.get('level', '县级')}）"
        if self.kind == "construction":
            parts = "、".join(f"{AREA_NAMES[k]} +{v:g}㎡" for k, v in i.items() if k in AREA_NAMES and v)
            return f"{label}：{n(i['school'])} {parts}"
        if self.kind == "equipment":
            return f"{label}：{n(i['school'])} +{i['yuan']:,.0f} 元"
        if self.kind == "multimedia":
            return f"{label}：{n(i['school'])} +{i['rooms']} 间"
        if self.kind == "special_rooms":
            return f"{label}：{n(i['school'])} {i['room_type']} {i['count']} 间 × {i['area_m2']:g}㎡"
        return f"{label}：{n(i['school'])} 入学年级 {i['count']} 人"


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@dataclass
class Outcome:
    """The indicators with the changes, beside the baseline (every frame a plain DataFrame)."""

    results: Results
    baseline: Results
    changes: list[Change]
    standards: dict
    seconds: float = 0.0
    rerun: list[str] = field(default_factory=list)

    # ---- the 32 statuses
    def statuses(self) -> pd.DataFrame:
        """One row per indicator: no, code, area, name, baseline value/status, what-if value/status,
        changed (the status differs)."""
        b = self.baseline.verdict.set_index("code")
        w = self.results.verdict.set_index("code")
        out = pd.DataFrame({
            "no": w["no"], "area": w["area"], "name": w["name"],
            "value_base": b["value"].reindex(w.index), "status_base": b["status"].reindex(w.index),
            "value": w["value"], "status": w["status"],
        }).reset_index()
        out["changed"] = out["status"].ne(out["status_base"])
        return out.sort_values("no").reset_index(drop=True)

    # ---- CVs
    def cvs(self) -> pd.DataFrame:
        """One row per stage and indicator: the CV (full and as shown), baseline and what-if, the
        change of the full value, the limit and both verdicts."""
        keys = ["stage", "indicator"]
        b = self.baseline.cv.set_index(keys)
        w = self.results.cv.set_index(keys)
        out = pd.DataFrame({
            "indicator_name": w["indicator_name"], "mean_base": b["mean"].reindex(w.index), "mean": w["mean"],
            "cv_base": b["cv"].reindex(w.index), "cv": w["cv"],
            "cv_shown_base": b["cv_shown"].reindex(w.index), "cv_shown": w["cv_shown"],
            "limit": w["limit"], "passed_base": b["passed"].reindex(w.index), "passed": w["passed"],
        }).reset_index()
        out["cv_change"] = (out["cv"].astype("Float64") - out["cv_base"].astype("Float64"))
        return out

    # ---- units
    def units(self, schools: list[str] | None = None) -> pd.DataFrame:
        """L1–L7 per unit in long form: school_code, school_name, stage, indicator, standard, value
        (baseline and what-if), change, ratio, met (both). ``schools``: only these codes (default:
        the schools the changes name and those whose per-unit verdict changed)."""
        codes = resource_codes(self.standards)
        schools = self.picked_schools() if schools is None else [str(s) for s in schools]
        keys = ["school_code", "stage"]
        frames = []
        for res, suffix in ((self.baseline, "_base"), (self.results, "")):
            u = res.units[res.units["school_code"].astype(str).isin(schools)]
            vals = u.melt(id_vars=keys + ["school_name", "included"], value_vars=codes, var_name="indicator",
                          value_name="value")
            met = u.melt(id_vars=keys, value_vars=[f"{c}_met" for c in codes], var_name="indicator", value_name="met")
            met["indicator"] = met["indicator"].str.removesuffix("_met")
            v = vals.merge(met, on=keys + ["indicator"])
            frames.append(v.rename(columns={"value": f"value{suffix}", "met": f"met{suffix}",
                                            "included": f"included{suffix}", "school_name": f"school_name{suffix}"}))
        out = frames[1].merge(frames[0], on=keys + ["indicator"], how="outer")
        out["school_name"] = out["school_name"].fillna(out["school_name_base"])
        std = pd.DataFrame([(k, s, float(v)) for k, d in self.standards["resources"]["indicators"].items()
                            for s, v in d["standard"].items()], columns=["indicator", "stage", "standard"])
        out = out.merge(std, on=["indicator", "stage"], how="left")
        out["change"] = out["value"].astype("Float64") - out["value_base"].astype("Float64")
        out["ratio"] = out["value"].astype("Float64") / out["standard"]
        order = {c: i for i, c in enumerate(codes)}
        out = out.assign(_o=out["indicator"].map(order), _s=out["stage"].map({s: i for i, s in enumerate(schemas.STAGES)}))
        cols = ["school_code", "school_name", "stage", "indicator", "standard", "value_base", "value", "change",
                "ratio", "met_base", "met"]
        return out.sort_values(["school_code", "_s", "_o"])[cols].reset_index(drop=True)

    def unit_verdicts(self, only_changed: bool = False) -> pd.DataFrame:
        """Per included unit: n_met and the per-unit verdict (每校达标), baseline and what-if."""
        keys = ["school_code", "stage"]
        b = self.baseline.units.set_index(keys)
        w = self.results.units.set_index(keys)
        idx = w.index.union(b.index)
        out = pd.DataFrame({
            "school_name": w["school_name"].reindex(idx).fillna(b["school_name"].reindex(idx)),
            "students_base": b["students"].reindex(idx), "students": w["students"].reindex(idx),
            "n_met_base": b["n_met"].reindex(idx), "n_met": w["n_met"].reindex(idx),
            "unit_pass_base": b["unit_pass"].reindex(idx).astype("boolean"),
            "unit_pass": w["unit_pass"].reindex(idx).astype("boolean"),
            "included": w["included"].reindex(idx).fillna(False).astype(bool)
            | b["included"].reindex(idx).fillna(False).astype(bool),
        }).reset_index()
        out = out[out["included"]].drop(columns="included")
        same = (out["unit_pass"] == out["unit_pass_base"]).fillna(out["unit_pass"].isna() & out["unit_pass_base"].isna())
        out["changed"] = ~same.astype(bool)
        if only_changed:
            out = out[out["changed"]]
        return out.reset_index(drop=True)

    def picked_schools(self) -> list[str]:
        """The schools the changes name, then those whose per-unit verdict changed."""
        named = [str(c.item[k]) for c in self.changes for k in ("school", "from", "to") if k in c.item]
        moved = self.unit_verdicts(only_changed=True)["school_code"].astype(str).tolist()
        return list(dict.fromkeys(named + moved))

    def summary(self) -> dict[str, Any]:
        """Counts, baseline and what-if: indicators passed (of 32), units passing, CVs within limits."""
        def counts(res: Results) -> dict[str, int]:
            inc = res.units[res.units["included"].fillna(False).astype(bool)]
            return {"passed": int(res.verdict["passed"].sum()), "indicators": len(res.verdict),
                    "units_pass": int(inc["unit_pass"].fillna(False).astype(bool).sum()), "units": len(inc),
                    "cv_pass": int(res.cv["passed"].fillna(False).astype(bool).sum()), "cvs": len(res.cv)}
        return {"baseline": counts(self.baseline), "whatif": counts(self.results), "changes": len(self.changes),
                "seconds": self.seconds, "rerun": list(self.rerun)}

    def summary_text(self) -> str:
        s = self.summary()
        b, w = s["baseline"], s["whatif"]
        return (f"{s['changes']} 项改动：32 项指标达标 {w['passed']}/{w['indicators']}（基准 {b['passed']}）；"
                f"每校达标 {w['units_pass']}/{w['units']} 个单位（基准 {b['units_pass']}）；差异系数达标 "
                f"{w['cv_pass']}/{w['cvs']} 项（基准 {b['cv_pass']}）；重算用时 {s['seconds']:.2f} 秒。")


class WhatIf:
    """A county's tables for one year, a list of changes, and their outcome through the engine.

    ``tables``: the baseline (the period's tables, or a projected year's); ``period_tables``: the
    period's own (their entry grades and class sizes, as the projection uses them; default:
    ``tables``); ``year``: the baseline's year; ``period``: the period's name; ``scenario``: the
    scenario the baseline was projected with (its enrolment and teacher settings are kept when
    saving; default the bundled ``baseline.yaml``).
    """

    def __init__(self, tables: Mapping[str, pd.DataFrame], standards: dict, *, period: str, year: int | None = None,
                 period_tables: Mapping[str, pd.DataFrame] | None = None, scenario: Scenario | None = None):
        self.standards = standards
        self.period = str(period)
        self.period_year = period_year(self.period)
        self.year = int(year) if year is not None else self.period_year
        self.tables = dict(tables)
        self.period_tables = dict(period_tables) if period_tables is not None else self.tables
        self.scenario = scenario if scenario is not None else load_scenario("baseline")
        self.engine = Reevaluator(self.tables, standards)
        self.baseline: Results = self.engine.baseline
        self.changes: list[Change] = []
        self._outcome: Outcome | None = None
        schools = self.tables["schools"]
        self.school_names = dict(zip(schools["school_code"].astype(str), schools["school_name"].astype(str)))
        self._entry = entry_grades(self.period_tables["enrolment"])

    # ------------------------------------------------------------- the changes
    def school(self, school: str) -> str:
        """The code of ``school`` (a code, or a name that only one school has)."""
        s = str(school).strip()
        if s in self.school_names:
            return s
        by_name = [c for c, n in self.school_names.items() if n == s]
        if len(by_name) == 1:
            return by_name[0]
        hint = "、".join(f"{c} {n}" for c, n in list(self.school_names.items())[:5])
        raise WhatIfError(
            f"没有学校 {s!r}（{'名称重复，请用学校标识码' if by_name else '应为本县学校的标识码或名称'}，如 {hint} …） / "
            f"no school {s!r} ({'the name is not unique, use the code' if by_name else 'expected a code or name of the county'})")

    def add(self, kind: str, **fields: Any) -> Outcome:
        """Add one change and return the new outcome. ``kind``: hires, moves, designations,
        construction, equipment, multimedia, special_rooms or entrants; ``fields``: the scenario
        item's keys (``from``/``to`` for moves may be given as ``from_school``/``to_school``)."""
        change = self._change(kind, fields)
        self.changes.append(change)
        try:
            return self.outcome(refresh=True)
        except ScenarioError as exc:  # e.g. not enough teachers of that kind to move
            self.changes.pop()
            self._outcome = None
            raise WhatIfError(f"改动未采用：{change.text(self.school_names)}。{exc} / change not made") from None

    def _change(self, kind: str, fields: dict[str, Any]) -> Change:
        if kind not in KINDS:
            raise WhatIfError(f"改动类型 {kind!r} 不存在，应为 {'、'.join(KINDS)} / unknown kind {kind!r}; "
                              f"expected one of {', '.join(KINDS)}")
        fields = {k: v for k, v in fields.items() if v is not None and v != "" and v != []}
        if "from_school" in fields:
            fields["from"] = fields.pop("from_school")
        if "to_school" in fields:
            fields["to"] = fields.pop("to_school")
        for key in ("school", "from", "to"):
            if key in fields:
                fields[key] = self.school(fields[key])
        if kind == "moves" and fields.get("from") is not None and fields.get("from") == fields.get("to"):
            raise WhatIfError(f"调出和调入的是同一所学校（{self.school_names[fields['from']]}），请另选调入学校 / "
                              "a move needs two different schools")
        if kind == ENTRANTS:
            count = fields.get("count")
            if set(fields) != {"school", "count"} or not isinstance(count, (int, float, np.integer)) \
                    or isinstance(count, bool) or count < 0:
                raise WhatIfError("新生数改动须给出 school 与 count（不小于 0 的人数） / entrants needs school and "
                                  f"count (a number ≥ 0); got {fields}")
            if not (self._entry["school_code"].astype(str) == fields["school"]).any():
                raise WhatIfError(f"{self.school_names[fields['school']]} 没有入学年级（1 或 7 年级）的学生，不能改新生数 / "
                                  f"school {fields['school']} has no entry grade (1 or 7)")
            return Change(kind, {"school": fields["school"], "count": int(count) if float(count).is_integer()
                                 else float(count)})
        model = SECTIONS[kind][1]
        try:
            item = model.model_validate({**fields, "year": self.year})
        except ValidationError as exc:
            raise WhatIfError(format_errors(exc, f"{SOURCE} {KIND_NAMES[kind]}", model)) from None
        dumped = item.model_dump(by_alias=True, exclude_none=True)
        dumped.pop("year")
        return Change(kind, dumped)

    def undo(self) -> Outcome:
        """Drop the last change."""
        if self.changes:
            self.changes.pop()
        return self.outcome(refresh=True)

    def reset(self) -> Outcome:
        """Drop every change (back to the baseline)."""
        self.changes.clear()
        return self.outcome(refresh=True)

    # convenience names, one per kind (the same as ``add``)
    def move_teachers(self, from_school: str, to_school: str, stage: str, count: int, subject=None,
                      exclude_subject=None, degree=None, backbone: bool | None = None, backbone_level=None) -> Outcome:
        """Move ``count`` full-time teachers of ``stage`` (of these subjects / degrees / backbone
        levels, the first by teacher id) from one school to another."""
        return self.add("moves", from_school=from_school, to_school=to_school, stage=stage, count=count,
                        subject=subject, exclude_subject=exclude_subject, degree=degree, backbone=backbone,
                        backbone_level=backbone_level)

    def hire_teachers(self, school: str, stage: str, subject: str, count: int, degree: str | None = None) -> Outcome:
        return self.add("hires", school=school, stage=stage, subject=subject, count=count, degree=degree)

    def designate_backbone(self, school: str, stage: str, count: int, level: str | None = None) -> Outcome:
        return self.add("designations", school=school, stage=stage, count=count, level=level)

    def add_area(self, school: str, teaching_aux_m2: float | None = None, indoor_sports_m2: float | None = None,
                 sports_ground_m2: float | None = None, gymnasium_m2: float | None = None) -> Outcome:
        return self.add("construction", school=school, teaching_aux_m2=teaching_aux_m2,
                        indoor_sports_m2=indoor_sports_m2, sports_ground_m2=sports_ground_m2, gymnasium_m2=gymnasium_m2)

    def add_equipment(self, school: str, yuan: float) -> Outcome:
        return self.add("equipment", school=school, yuan=yuan)

    def add_multimedia(self, school: str, rooms: int) -> Outcome:
        return self.add("multimedia", school=school, rooms=rooms)

    def add_special_rooms(self, school: str, room_type: str, count: int, area_m2: float) -> Outcome:
        return self.add("special_rooms", school=school, room_type=room_type, count=count, area_m2=area_m2)

    def set_entrants(self, school: str, count: int) -> Outcome:
        """The pupils of the school's entry grade (grade 1; grade 7 for a school without grade 6)."""
        return self.add(ENTRANTS, school=school, count=count)

    # ------------------------------------------------------------- applying and judging
    def changed_tables(self) -> dict[str, pd.DataFrame]:
        """The baseline tables with the changes applied (unchanged tables are the baseline's frames)."""
        actions: dict[str, list[dict]] = {}
        for c in self.changes:
            if c.kind != ENTRANTS:
                actions.setdefault(c.kind, []).append({**c.item, "year": self.year})
        out = dict(self.tables)
        if actions:
            applied = apply_actions(self.tables, actions, self.year, defaults=self.scenario.teachers, source=SOURCE,
                                    standards=self.standards)
            for kind in actions:  # a table left as it was stays the baseline's own frame (the engine's cache)
                for name in CHANGED_TABLES[kind]:
                    if name in applied and not applied[name].equals(self.tables.get(name)):
                        out[name] = applied[name]
        entrants = {c.item["school"]: c.item["count"] for c in self.changes if c.kind == ENTRANTS}
        if entrants:
            out.update(self._with_entrants(out, entrants))
        return out

    def _with_entrants(self, tables: dict[str, pd.DataFrame], entrants: dict[str, float]) -> dict[str, pd.DataFrame]:
        """The entry grades' pupils set as the projection sets ``entrant_overrides`` (× the scenario's
        ``scale``, rounded half up; 0 pupils → no row), and their classes derived again as the
        projection derives every class (``derive_classes`` on the period's class sizes)."""
        scale = float(self.scenario.enrolment.get("scale", 1.0))
        entry = self._entry[self._entry["school_code"].astype(str).isin(list(entrants))]
        new = entry.assign(students=half_up_array(entry["school_code"].astype(str).map(entrants).astype(float) * scale))
        new["stage"] = schemas.stage_of_grade(new["grade"])
        enr = tables["enrolment"]
        key = pd.MultiIndex.from_frame(enr[["school_code", "grade"]].astype({"school_code": str}))
        hit = key.isin(pd.MultiIndex.from_frame(new[["school_code", "grade"]].astype({"school_code": str})))
        enr = pd.concat([enr[~hit], new.loc[new["students"] > 0, ["school_code", "stage", "grade", "students"]]],
                        ignore_index=True)
        enr = _in_order(enr, tables["enrolment"], ["school_code", "grade"])
        derived = derive_classes(new.loc[new["students"] > 0, ["school_code", "stage", "grade", "students"]],
                                 self.period_tables["classes"], self.standards)
        cls = tables["classes"]
        ckey = pd.MultiIndex.from_frame(cls[["school_code", "grade"]].astype({"school_code": str}))
        chit = ckey.isin(pd.MultiIndex.from_frame(new[["school_code", "grade"]].astype({"school_code": str})))
        cls = _in_order(pd.concat([cls[~chit], derived], ignore_index=True), tables["classes"], ["school_code", "grade"])
        return {"enrolment": enr.astype(tables["enrolment"].dtypes.to_dict()),
                "classes": cls.astype(tables["classes"].dtypes.to_dict())}

    def outcome(self, refresh: bool = False) -> Outcome:
        """The indicators with the current changes (computed again when ``refresh``)."""
        if self._outcome is None or refresh:
            t0 = time.perf_counter()
            res = self.engine.evaluate(self.changed_tables())
            self._outcome = Outcome(res, self.baseline, list(self.changes), self.standards,
                                    seconds=time.perf_counter() - t0, rerun=list(self.engine.last_rerun))
        return self._outcome

    # ------------------------------------------------------------- saving as a scenario
    def scenario_year(self) -> int:
        """The year the saved scenario dates the changes: the what-if's year, or the year after the
        period for a what-if on the period's own data (the projection starts there)."""
        return self.year if self.year > self.period_year else self.period_year + 1

    def to_scenario(self, name: str, description: str = "") -> dict[str, Any]:
        """The baseline scenario with the changes added (a scenario file's mapping, validated)."""
        if not str(name).strip():
            raise WhatIfError("情景名称不能为空 / the scenario needs a name")
        year = self.scenario_year()
        base = self.scenario
        note = (f"由假设分析保存：{self.period} 期数据，基准为“{base.name}”，{len(self.changes)} 项改动，记在 {year} 年"
                + ("" if year == self.year else f"（假设分析按 {self.year} 年现状计算；预测从 {year} 年起施加改动，"
                   "结果可能与假设分析不同）") + "。")
        data: dict[str, Any] = {"name": str(name).strip(), "description": (description.strip() + " " if description
                                                                          else "") + note,
                                "enrolment": copy.deepcopy(base.enrolment), "teachers": copy.deepcopy(base.teachers),
                                "facilities": copy.deepcopy(base.facilities)}
        for c in self.changes:
            if c.kind == ENTRANTS:
                data["enrolment"].setdefault("entrant_overrides", {}).setdefault(c.item["school"], {})[year] = \
                    c.item["count"]
            else:
                section = SECTIONS[c.kind][0]
                data[section].setdefault(c.kind, []).append({"year": year, **c.item,
                                                             "note": c.text(self.school_names)})
        scenario_from_dict(copy.deepcopy(data), source=f"{SOURCE}: {name}")  # the projection reads it
        return data

    def save_scenario(self, path: str | Path, name: str, description: str = "", overwrite: bool = False) -> Path:
        """Write :meth:`to_scenario` as a scenario YAML (``*.yaml``) that ``analysis run --scenarios``
        and ``planning.projection.load_scenario`` read; written whole or not at all."""
        path = Path(path)
        if path.suffix.lower() != ".yaml":
            raise WhatIfError(f"情景文件名应以 .yaml 结尾（预测只读取 *.yaml）：{path} / a scenario file must end in .yaml: {path}")
        if path.exists() and not overwrite:
            raise WhatIfError(f"文件已存在，未覆盖：{path}（如需覆盖，用 overwrite=True） / {path} exists, not overwritten "
                              "(overwrite=True replaces it)")
        data = self.to_scenario(name, description)
        header = (f"# 情景文件（由 analysis.whatif 保存）：{data['name']}\n# {data['description']}\n"
                  "# 可用 analysis run --scenarios <文件夹> 或 planning.projection.load_scenario 读取。\n")
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=120)
        return atomic_write(path, header + body)


def _in_order(df: pd.DataFrame, like: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """``df`` with its schools in the order they had in ``like`` (rows within a school by ``keys``)."""
    order = {c: i for i, c in enumerate(pd.unique(like["school_code"].astype(str)))}
    pos = df["school_code"].astype(str).map(order).fillna(len(order))
    return df.assign(_o=pos).sort_values(["_o", *keys[1:]], kind="stable").drop(columns="_o").reset_index(drop=True)


def open_period(period: str, data_dir: str | Path = "", processed_dir: str | Path = "", out_dir: str | Path = "", *,
                base: str = "target", target_year: str | int = "", scenario_dir: str | Path = "",
                standards_file: str | Path = "") -> WhatIf:
    """A what-if on a period's results (the notebooks' parameters; "" = the defaults).

    ``base="target"``: the baseline scenario's projection for the target year (when the period is
    before it; at or after the target year the period itself); ``base="now"``: the period's data.
    The period's steps are brought up to date first (cheap when they are).
    """
    if base not in ("target", "now"):
        raise WhatIfError(f"base 应为 \"target\"（目标年预测）或 \"now\"（本期现状），收到 {base!r} / base must be "
                          f"'target' or 'now', got {base!r}")
    r = period_results(str(period), data_dir, processed_dir, out_dir, until="project", target_year=target_year,
                       scenario_dir=scenario_dir, standards_file=standards_file)
    ctx = r.ctx
    now = load_period(ctx.processed_dir, ctx.period, validate=False)
    meta = r.projection
    scenario = load_scenarios(ctx.scenario_dir).get(meta["baseline"]) or load_scenario("baseline")
    if base == "target" and not meta["at_target"]:
        return WhatIf(horizon_tables(ctx), ctx.standards, period=ctx.period, year=ctx.horizon, period_tables=now,
                      scenario=scenario)
    return WhatIf(now, ctx.standards, period=ctx.period, year=ctx.year, scenario=scenario)
