"""Projections to the target year (预测到目标年份).

A projection produces the **processed tables of a future year** (same schemas as cleaning writes:
enrolment, classes, teachers, facilities, special_rooms, …) and the indicator engine evaluates
them. Nothing here computes an indicator: ``trajectory`` calls the engine once per year.

Model (documented assumptions, see ``docs/projection.md``)
---------------------------------------------------------
- **Enrolment**: grade progression. For each school and stage the survival/transfer rate is the
  pooled ratio Σ students(grade g+1, year t+1) / Σ students(grade g, year t) over every pair of
  consecutive past periods and every grade g → g+1 inside the compulsory grades 1–9 (a school's
  rate; a school without history uses the county's pooled rate of that stage; with a single
  period every rate is 1). Grade 9 leaves. The entry grade of each stage (grade 1; grade 7 where
  the school has no grade 6) gets new entrants: a linear trend of the school's entry-grade
  enrolment over the past periods (``entrants: trend``, floored at 0), the last value
  (``constant``), or the county's births six years earlier (``births``: entrants scaled by
  births[y−6] / births[current−6]). Kindergarten (grade 0) and senior grades (10–12) stay as now.
  ``scale`` multiplies every projected compulsory grade (sensitivity ±10%).
- **Classes** are re-derived each projected year: per school and grade,
  n = ceil(students / s) classes of near-equal size, where s = the school-stage's current mean
  class size, capped at the G5 maximum class size of the stage.
- **Teachers**: a teacher leaves in the year their age (year − birth_year) reaches the
  retirement age; a missing birth year never retires (listed in ``notes``). Hires, moves and
  backbone designations come from the scenario.
- **Facilities**: construction m², equipment 元, multimedia classrooms and music/art rooms are
  added in their year; a missing (NA) value stays missing (never read as zero). No depreciation.
- Every other table (schools, finance, catchment, …) is carried forward unchanged.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_origin

import numpy as np
import pandas as pd
from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from analysis import paths, schemas
from analysis.config.models import Number, Strict
from analysis.config.standards import load_standards, period_year
from analysis.config.validation import format_errors, read_yaml
from analysis.engine import evaluate, resource_tables
from analysis.engine.copies import ORIGINAL_CODE, SCHOOL_CODE_COLUMNS, stack_copies
from analysis.engine.cv import cv_table
from analysis.engine.resources import evaluate_resources
from analysis.engine.teachers import RESOURCE_TEACHER_COLUMNS
from analysis.engine.units import build_units
from analysis.planning import counts_actions as ca
from analysis.errors import ConfigError
from analysis.files import write_frame
from analysis.ingest.cleaning import clean_period
from analysis.ingest.tables import load_period
from analysis.numbers import half_up_array
from analysis.schemas import RESOURCE_CODES, stage_of_grade

SCENARIO_DIR = paths.SCENARIO_DIR
NOT_BY_TARGET = "到{year}年仍未达标"

COMPULSORY = range(1, 10)


# ---------------------------------------------------------------- scenarios
def _code(value: Any) -> Any:
    """A school code written as a number in YAML is still a code (text)."""
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


SchoolCode = Annotated[str, BeforeValidator(_code), Field(min_length=1)]
Stage = Literal[tuple(schemas.STAGES)]
Level = Literal[tuple(schemas.BACKBONE_LEVELS)]
NonNeg = Annotated[Number, Field(ge=0)]
Count = Annotated[int, Field(ge=0)]
OneOrMany = Annotated[str, Field(min_length=1)] | list[Annotated[str, Field(min_length=1)]]


class _Item(Strict):
    year: Annotated[int, Field(ge=2000, le=2100)]
    note: str | None = None


class Hire(_Item):
    school: SchoolCode
    stage: Stage
    subject: Annotated[str, Field(min_length=1)]
    count: Count
    degree: str | None = None


class Move(_Item):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: SchoolCode = Field(alias="from")
    to: SchoolCode
    stage: Stage
    count: Count
    subject: OneOrMany | None = None
    exclude_subject: OneOrMany | None = None
    degree: OneOrMany | None = None
    backbone: bool | None = None
    backbone_only: bool | None = None
    backbone_level: Level | list[Level] | None = None


class Designation(_Item):
    school: SchoolCode
    stage: Stage
    count: Count
    level: Literal[tuple(schemas.BACKBONE_LEVELS[1:])] | None = None


class Construction(_Item):
    school: SchoolCode
    teaching_aux_m2: NonNeg | None = None
    indoor_sports_m2: NonNeg | None = None
    sports_ground_m2: NonNeg | None = None
    gymnasium_m2: NonNeg | None = None


class Equipment(_Item):
    school: SchoolCode
    yuan: NonNeg


class Multimedia(_Item):
    school: SchoolCode
    rooms: Count


class SpecialRoom(_Item):
    school: SchoolCode
    room_type: Literal[tuple(schemas.ROOM_TYPES)]
    count: Count
    area_m2: NonNeg


class _Section(Strict):
    @model_validator(mode="before")
    @classmethod
    def _blank_is_default(cls, data: Any) -> Any:
        """``births:`` left empty in the file means the default, as before."""
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


class Enrolment(_Section):
    entrants: Literal["trend", "constant", "births"] = "trend"
    births: dict[Annotated[int, Field(ge=1900, le=2100)], NonNeg] = {}
    entrant_overrides: dict[SchoolCode, dict[Annotated[int, Field(ge=2000, le=2100)], NonNeg]] = {}
    scale: Annotated[Number, Field(gt=0)] = 1.0
    rate_bounds: Annotated[list[NonNeg], Field(min_length=2, max_length=2)] = [0.5, 1.5]

    @model_validator(mode="after")
    def _consistent(self) -> "Enrolment":
        if self.rate_bounds[0] > self.rate_bounds[1]:
            raise ValueError("rate_bounds 应为 [下限, 上限]，下限不大于上限 / rate_bounds must be [low, high]")
        if self.entrants == "births" and not self.births:
            raise ValueError("entrants: births 时须填写 births（{出生年份: 全县出生人数}） / entrants: births "
                             "needs births {year: births}")
        return self


class TeacherActions(_Section):
    retirement_age: Annotated[Number, Field(ge=40, le=80)] = 60
    hire_age: Annotated[Number, Field(ge=18, le=70)] = 24
    hire_defaults: dict[str, Any] = {}
    hires: list[Hire] = []
    moves: list[Move] = []
    designations: list[Designation] = []


class FacilityActions(_Section):
    construction: list[Construction] = []
    equipment: list[Equipment] = []
    multimedia: list[Multimedia] = []
    special_rooms: list[SpecialRoom] = []


class ScenarioFile(Strict):
    """A scenario YAML (``config/scenarios/*.yaml`` or ``--scenarios DIR``)."""

    name: Annotated[str, Field(min_length=1)]
    description: str | None = ""
    enrolment: Enrolment = Enrolment()
    teachers: TeacherActions = TeacherActions()
    facilities: FacilityActions = FacilityActions()

    @model_validator(mode="before")
    @classmethod
    def _blank_sections(cls, data: Any) -> Any:
        return {k: v for k, v in data.items() if v is not None} if isinstance(data, dict) else data


#: the action lists of a scenario (teachers and facilities), each item taken in its year
_ITEM_KEYS = tuple(k for section in (TeacherActions, FacilityActions) for k, f in section.model_fields.items()
                   if get_origin(f.annotation) is list)


class ScenarioError(ConfigError):
    """A scenario file does not say what is expected (names file, key and expectation)."""


@dataclass
class Scenario:
    name: str
    description: str
    enrolment: dict[str, Any]
    teachers: dict[str, Any]
    facilities: dict[str, Any]
    source: str = "<dict>"
    notes: list[str] = field(default_factory=list)

    def with_scale(self, scale: float) -> "Scenario":
        """A copy whose projected compulsory enrolment is multiplied by ``scale``."""
        new = copy.deepcopy(self)
        new.enrolment["scale"] = float(scale) * float(self.enrolment["scale"])
        new.name = f"{self.name}（在校生×{scale:g}）"
        return new


def _fail(source: str, key: str, expected: str) -> ScenarioError:
    """A scenario that cannot be applied to this county (found while projecting)."""
    return ScenarioError(
        f"情景文件 {source}：键 “{key}” 不符合要求，应为 {expected}。 / "
        f"Scenario file {source}: key '{key}' is invalid; expected {expected}."
    )


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a scenario mapping (``ScenarioFile``) and fill defaults; errors name the file,
    the key, the value and what is allowed."""
    if not isinstance(data, dict):
        raise ScenarioError(f"情景文件 {source} 应为键值表（name, enrolment, teachers, facilities） / "
                            f"scenario file {source} must be a mapping (name, enrolment, teachers, facilities)")
    try:
        model = ScenarioFile.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(format_errors(exc, source, ScenarioFile)) from None
    dumped = model.model_dump(by_alias=True, exclude_none=True)
    return Scenario(
        name=model.name.strip(),
        description=str(model.description or ""),
        source=source,
        enrolment=dumped["enrolment"], teachers=dumped["teachers"], facilities=dumped["facilities"],
    )


def load_scenario(path_or_name: str | Path) -> Scenario:
    """Read a scenario YAML: a path, or the name of a bundled one (``baseline``, ``county_plan``)."""
    path = Path(path_or_name)
    if not path.suffix:
        path = SCENARIO_DIR / f"{path_or_name}.yaml"
    if not path.is_file():
        raise ScenarioError(f"找不到情景文件 {path}。 / Scenario file not found: {path}.")
    try:
        data = read_yaml(path, "情景文件 scenario file")
    except ConfigError as exc:
        raise ScenarioError(str(exc)) from None
    return scenario_from_dict(data, source=str(path))


def load_scenarios(scenario_dir: str | Path | None = None) -> dict[str, Scenario]:
    """Every ``*.yaml`` scenario in ``scenario_dir`` ("" / None → the bundled ones), by file stem."""
    folder = Path(scenario_dir) if scenario_dir else SCENARIO_DIR
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise ScenarioError(f"文件夹 {folder} 中没有情景文件（*.yaml）。 / No scenario files in {folder}.")
    return {f.stem: load_scenario(f) for f in files}


# ---------------------------------------------------------------- helpers


def unknown_schools(tables: dict[str, pd.DataFrame], scenario: Scenario) -> list[tuple[str, str]]:
    """Every (key, school code) of ``scenario`` naming a school the county's ``schools`` table does
    not have: action items (``teachers.hires[0].school`` …) and ``enrolment.entrant_overrides``."""
    known = set(tables["schools"]["school_code"].astype(str))
    bad: list[tuple[str, str]] = []
    for code in scenario.enrolment.get("entrant_overrides") or {}:
        if str(code) not in known:
            bad.append((f"enrolment.entrant_overrides.{code}", str(code)))
    for section in ("teachers", "facilities"):
        for key, items in getattr(scenario, section).items():
            if key not in _ITEM_KEYS:
                continue
            for i, item in enumerate(items):
                for code_key in ("school", "from", "to"):
                    if code_key in item and str(item[code_key]) not in known:
                        bad.append((f"{section}.{key}[{i}].{code_key}", str(item[code_key])))
    return bad


def _check_schools(tables: dict[str, pd.DataFrame], scenario: Scenario) -> None:
    """A scenario naming schools the county does not have is an error that lists every such key
    and code (a plan with some actions silently dropped would give a misleading projection)."""
    bad = unknown_schools(tables, scenario)
    if bad:
        listed = "；".join(f"{key} = {code}" for key, code in bad)
        raise ScenarioError(
            f"情景文件 {scenario.source}：{len(bad)} 处学校标识码不是本县学校（{listed}）。"
            f"请改为本县 schools 表中的学校标识码，或删除这些举措。 / "
            f"Scenario file {scenario.source}: {len(bad)} key(s) name a school code the county does not have "
            f"({listed}); use a school_code of the county's schools table or remove the action."
        )


# ---------------------------------------------------------------- enrolment
def progression_rates(history: dict[str, dict[str, pd.DataFrame]], bounds=(0.5, 1.5)) -> pd.DataFrame:
    """Per school and stage: pooled grade-to-next-grade survival/transfer rate from past periods.

    Returns columns school_code, stage (of the *arriving* grade), rate, source
    ("本校" own history, "全县" county pooled, "无历史" no pair of periods → 1).
    """
    years = sorted(history, key=period_year)
    pairs = []
    for a, b in zip(years[:-1], years[1:]):
        if period_year(b) - period_year(a) != 1:
            continue
        ea = history[a]["enrolment"][["school_code", "grade", "students"]]
        eb = history[b]["enrolment"][["school_code", "grade", "students"]]
        ea = ea[ea["grade"].between(1, 8)].assign(grade=lambda d: d["grade"] + 1)
        m = ea.merge(eb, on=["school_code", "grade"], suffixes=("_prev", "_next"))
        pairs.append(m)
    schools = pd.concat([h["schools"][["school_code"]] for h in history.values()]).drop_duplicates()
    grid = schools.merge(pd.DataFrame({"stage": schemas.STAGES}), how="cross")
    if not pairs:
        return grid.assign(rate=1.0, source="无历史")
    p = pd.concat(pairs, ignore_index=True)
    p["stage"] = stage_of_grade(p["grade"])
    p = p.astype({"students_prev": float, "students_next": float})
    p = p.dropna(subset=["students_prev", "students_next"])  # an unknown count tells no rate
    own = p.groupby(["school_code", "stage"], as_index=False)[["students_prev", "students_next"]].sum()
    own = own[own["students_prev"] > 0]
    own["rate"] = own["students_next"] / own["students_prev"]
    county = p.groupby("stage")[["students_prev", "students_next"]].sum()
    county_rate = (county["students_next"] / county["students_prev"]).rename("county_rate")
    out = grid.merge(own[["school_code", "stage", "rate"]], on=["school_code", "stage"], how="left")
    out = out.merge(county_rate, left_on="stage", right_index=True, how="left")
    out["source"] = np.where(out["rate"].notna(), "本校", "全县")
    out["rate"] = out["rate"].fillna(out["county_rate"]).fillna(1.0).clip(*bounds)
    return out[["school_code", "stage", "rate", "source"]]


def _entrant_projection(history, entry: pd.DataFrame, years: list[int], scenario: Scenario) -> pd.DataFrame:
    """Entrants per (school, entry grade, year) for the projected years."""
    cur_year = max(period_year(p) for p in history)
    obs = pd.concat(
        [h["enrolment"][["school_code", "grade", "students"]].assign(year=period_year(p))
         for p, h in history.items()], ignore_index=True,
    ).merge(entry, on=["school_code", "grade"])
    obs["students"] = obs["students"].astype(float)
    g = obs.groupby(["school_code", "grade"])
    stats = g.agg(n=("year", "size"), ym=("year", "mean"), sm=("students", "mean"))
    obs = obs.join(stats, on=["school_code", "grade"])
    obs["dy"] = obs["year"] - obs["ym"]
    obs["cov"] = obs["dy"] * (obs["students"] - obs["sm"])
    obs["var"] = obs["dy"] ** 2
    agg = obs.groupby(["school_code", "grade"]).agg(cov=("cov", "sum"), var=("var", "sum"))
    stats = stats.join(agg)
    stats["slope"] = np.where(stats["var"] > 0, stats["cov"] / stats["var"].where(stats["var"] > 0, 1), 0.0)
    last = obs[obs["year"] == cur_year].set_index(["school_code", "grade"])["students"].rename("last")
    stats = stats.join(last)
    stats["last"] = stats["last"].fillna(0.0)
    out = stats.reset_index().merge(pd.DataFrame({"year": years}), how="cross")
    mode = scenario.enrolment["entrants"]
    if mode == "trend":
        value = out["sm"] + out["slope"] * (out["year"] - out["ym"])
    elif mode == "constant":
        value = out["last"]
    else:  # births
        births = {int(k): float(v) for k, v in scenario.enrolment["births"].items()}
        base = births.get(cur_year - 6)
        if base is None or base <= 0:
            raise _fail(scenario.source, f"enrolment.births.{cur_year - 6}",
                        "当前年份前6年的出生人口（正数） births six years before the current year")
        factor = out["year"].map(lambda y: births.get(int(y) - 6, np.nan)) / base
        if factor.isna().any():
            y = int(out.loc[factor.isna(), "year"].iloc[0]) - 6
            raise _fail(scenario.source, f"enrolment.births.{y}", "该年出生人口 births of that year")
        value = out["last"] * factor
    out["students"] = np.clip(value.to_numpy(dtype=float), 0, None)
    overrides = scenario.enrolment["entrant_overrides"]
    if overrides:
        ov = pd.DataFrame(
            [(str(s), int(y), float(n)) for s, d in overrides.items() for y, n in d.items()],
            columns=["school_code", "year", "override"],
        )
        out = out.merge(ov, on=["school_code", "year"], how="left")
        out["students"] = out["override"].fillna(out["students"])
    return out[["school_code", "grade", "year", "students"]]


def entry_grades(enrolment: pd.DataFrame) -> pd.DataFrame:
    """The grades that take new entrants (``enrolment.entrants`` / ``entrant_overrides``), per school
    of the current period's ``enrolment``: 1 for a school with primary grades; 7 for one with
    junior grades and no grade 6. Columns school_code, grade."""
    comp = enrolment[enrolment["grade"].between(1, 9)]
    has_p = comp[comp["grade"] <= 6]["school_code"].unique()
    has_j = comp[comp["grade"] >= 7]["school_code"].unique()
    has_6 = comp[comp["grade"] == 6]["school_code"].unique()
    return pd.concat([
        pd.DataFrame({"school_code": has_p, "grade": 1}),
        pd.DataFrame({"school_code": np.setdiff1d(has_j, has_6), "grade": 7}),
    ], ignore_index=True)


def project_enrolment(history, scenario: Scenario, years: list[int]) -> dict[int, pd.DataFrame]:
    """Projected enrolment tables (schema ``enrolment``) for each of ``years`` (after the current)."""
    cur = max(history, key=period_year)
    cur_enr = history[cur]["enrolment"][["school_code", "stage", "grade", "students"]].copy()
    rates = progression_rates(history, tuple(scenario.enrolment["rate_bounds"]))
    comp = cur_enr[cur_enr["grade"].between(1, 9)]
    entry = entry_grades(cur_enr)
    entrants = _entrant_projection(history, entry, years, scenario)
    # a cohort only moves on into a stage the school teaches now (grade 6 → 7 in 九年一贯制)
    offered = comp[["school_code"]].assign(stage=stage_of_grade(comp["grade"])).drop_duplicates()
    state = comp[["school_code", "grade", "students"]].astype({"students": float})
    fixed = cur_enr[~cur_enr["grade"].between(1, 9)]
    scale = float(scenario.enrolment["scale"])
    out: dict[int, pd.DataFrame] = {}
    for year in years:  # loop over years only; every school moves at once
        moved = state[state["grade"] < 9].assign(grade=lambda d: d["grade"] + 1)
        moved = moved.merge(entry.assign(is_entry=True), on=["school_code", "grade"], how="left")
        moved = moved[moved["is_entry"].isna()].drop(columns="is_entry")
        moved["stage"] = stage_of_grade(moved["grade"])
        moved = moved.merge(offered, on=["school_code", "stage"], how="inner")
        moved = moved.merge(rates[["school_code", "stage", "rate"]], on=["school_code", "stage"], how="left")
        moved["students"] = moved["students"] * moved["rate"].fillna(1.0)
        new = entrants[entrants["year"] == year][["school_code", "grade", "students"]]
        state = pd.concat([moved[["school_code", "grade", "students"]], new], ignore_index=True)
        state = state.groupby(["school_code", "grade"], as_index=False)["students"].sum()
        shown = state.assign(students=half_up_array(state["students"] * scale))
        shown = shown[(shown["students"] > 0) | shown["students"].isna()]  # unknown stays unknown
        table = pd.concat([
            shown.assign(stage=stage_of_grade(shown["grade"])),
            fixed,
        ], ignore_index=True)[["school_code", "stage", "grade", "students"]]
        out[year] = table.sort_values(["school_code", "grade"]).reset_index(drop=True)
    return out


# ---------------------------------------------------------------- classes
def derive_classes(enrolment: pd.DataFrame, current_classes: pd.DataFrame, standards: dict,
                   current_bands: pd.DataFrame | None = None,
                   current_enrolment: pd.DataFrame | None = None) -> pd.DataFrame:
    """Classes of a projected year: n = ceil(students / s) per school-grade, near-equal sizes.

    s = the school-stage's current mean class size, capped at the G5 maximum of the stage
    (幼儿班/高中: current mean; no current classes → the G5 maximum of the stage, or the largest G5
    maximum where the stage has none). A school and stage given as class counts by band
    (``current_bands``) without class rows: its current pupils ÷ its classes (both known), the
    mean size of its classes.
    """
    max_size = standards["guarantee"]["G5"]["max_class_size"]
    mean = current_classes.groupby(["school_code", "stage"], as_index=False)["size"].mean()
    if current_bands is not None and len(current_bands) and current_enrolment is not None:
        n = current_bands.groupby(["school_code", "stage"])["classes"].sum(min_count=1)
        n = n[current_bands["classes"].isna().groupby(
            [current_bands["school_code"], current_bands["stage"]]).sum() == 0]
        pupils = current_enrolment.groupby(["school_code", "stage"])["students"].sum(min_count=1)
        pupils = pupils[current_enrolment["students"].isna().groupby(
            [current_enrolment["school_code"], current_enrolment["stage"]]).sum() == 0]
        band_mean = (pupils.astype(float) / n.astype(float).where(n > 0)).dropna().rename("size").reset_index()
        key = mean.set_index(["school_code", "stage"]).index
        band_mean = band_mean[~band_mean.set_index(["school_code", "stage"]).index.isin(key)]
        mean = pd.concat([mean, band_mean], ignore_index=True)
    e = enrolment.merge(mean.rename(columns={"size": "mean_size"}), on=["school_code", "stage"], how="left")
    cap = e["stage"].map(max_size).astype(float)
    default = cap.fillna(float(max(max_size.values())))
    size = e["mean_size"].astype(float).fillna(default)
    size = np.minimum(size, cap.fillna(np.inf))
    size = np.maximum(size, 1.0)
    known = e["students"].notna().to_numpy()  # an unknown count gives no classes (G5: 无数据)
    e, size = e[known], size[known]
    e["n"] = np.ceil(e["students"].astype(float) / size - 1e-9).astype(int)
    e = e[e["n"] > 0]
    rep = e.loc[e.index.repeat(e["n"])].copy()
    rep["k"] = rep.groupby(["school_code", "grade"]).cumcount()
    st = rep["students"].astype(int).to_numpy()
    n = rep["n"].to_numpy()
    rep["size"] = st // n + (rep["k"].to_numpy() < st % n)
    rep["class_id"] = rep["grade"].astype(str) + "-" + (rep["k"] + 1).astype(str)
    return rep[["school_code", "class_id", "stage", "grade", "size"]].reset_index(drop=True)


# ---------------------------------------------------------------- actions (scenario or plan)
def apply_actions(tables: dict[str, pd.DataFrame], actions: dict[str, list[dict]], year: int,
                  defaults: dict[str, Any] | None = None, source: str = "<plan>",
                  standards: dict | None = None) -> dict[str, pd.DataFrame]:
    """Apply the actions dated ``year`` (hires, moves, designations, construction, equipment,
    multimedia, special_rooms) to a copy of ``tables``. Used for scenarios and optimiser plans.

    A school whose teachers are given only as counts (``teacher_counts``) has its counts changed
    instead of roster rows (:mod:`analysis.planning.counts_actions`, by ``standards``' L1–L3 rules)."""
    defaults = defaults or {}
    standards = standards if standards is not None else load_standards()
    t = {k: v.copy() for k, v in tables.items()}
    pick = {k: [a for a in actions.get(k, []) if int(a["year"]) == year] for k in _ITEM_KEYS}
    teachers = t["teachers"]
    only_counts = ca.counts_schools(t)
    counts = ca.empty_like_counts(t["teacher_counts"]) if only_counts else None
    hd = {"degree": "本科", "full_time": True, "backbone_level": "无", "has_certificate": True,
          "training_hours_5y": None, "rotation_eligible": False, "rotated": False}
    hd.update(defaults.get("hire_defaults") or {})
    # hires: new rows (or added to a counts-only school's counts)
    for h in pick["hires"]:
        if str(h["school"]) in only_counts:
            counts = ca.hire(counts, str(h["school"]), h["stage"], int(h["count"]), standards,
                             h.get("degree", hd["degree"]), h["subject"], hd["backbone_level"])
    roster_hires = [(i, h) for i, h in enumerate(pick["hires"]) if str(h["school"]) not in only_counts]
    if roster_hires:
        rows = []
        for i, h in roster_hires:
            for k in range(int(h["count"])):
                rows.append({
                    "teacher_id": f"NEW{year}-{h['school']}-{i + 1}-{k + 1}",
                    "school_code": h["school"], "stage": h["stage"],
                    "degree": h.get("degree", hd["degree"]), "subject": h["subject"],
                    "full_time": hd["full_time"], "backbone_level": hd["backbone_level"],
                    "has_certificate": hd["has_certificate"],
                    "training_hours_5y": hd["training_hours_5y"],
                    "rotation_eligible": hd["rotation_eligible"], "rotated": hd["rotated"],
                    "service_school_code": None, "service_mode": None,
                    "birth_year": year - int(defaults.get("hire_age", 24)),
                })
        new = schemas.validate("teachers", pd.DataFrame(rows))
        teachers = pd.concat([teachers, new], ignore_index=True)
    # moves: the first `count` matching full-time teachers (by teacher_id) change school
    def _as_list(v):
        return v if isinstance(v, list) else [v]

    for i, m in enumerate(pick["moves"]):
        n = int(m["count"])
        if str(m["from"]) in only_counts:
            attrs = ca.move_filter(m, standards)
            try:
                counts = ca.move_out(counts, str(m["from"]), m["stage"], n, attrs)
                if str(m["to"]) in only_counts:
                    counts = ca.move_in(counts, str(m["to"]), m["stage"], n, attrs)
                else:
                    fields = ca.as_roster_rows(attrs, m["stage"], m, standards, ca.OTHER_SUBJECT)
                    moved = pd.DataFrame([{
                        "teacher_id": f"MOVE{year}-{m['from']}-{i + 1}-{k + 1}", "school_code": m["to"],
                        "stage": m["stage"], **fields, "full_time": True, "has_certificate": None,
                        "training_hours_5y": None, "rotation_eligible": None, "rotated": None,
                        "service_school_code": None, "service_mode": None, "birth_year": None,
                    } for k in range(n)])
                    teachers = pd.concat([teachers, schemas.validate("teachers", moved)], ignore_index=True)
            except ca.CountsActionError as exc:
                raise _fail(source, f"moves[{i}]", str(exc)) from exc
            continue
        mask = ((teachers["school_code"] == m["from"]) & (teachers["stage"] == m["stage"])
                & teachers["full_time"].fillna(False).astype(bool))
        if m.get("subject"):
            mask &= teachers["subject"].isin(_as_list(m["subject"]))
        if m.get("exclude_subject"):
            mask &= ~teachers["subject"].isin(_as_list(m["exclude_subject"]))
        if m.get("degree"):
            mask &= teachers["degree"].isin(_as_list(m["degree"])).fillna(False)
        backbone = m.get("backbone", True if m.get("backbone_only") else None)
        if backbone is True:
            mask &= teachers["backbone_level"] != "无"
        elif backbone is False:
            mask &= teachers["backbone_level"] == "无"
        if m.get("backbone_level"):
            mask &= teachers["backbone_level"].isin(_as_list(m["backbone_level"]))
        cand = teachers[mask.fillna(False).astype(bool)].sort_values("teacher_id")
        if len(cand) < n:
            raise _fail(source, f"moves[{i}]",
                        f"学校 {m['from']} 只有 {len(cand)} 名符合条件的教师可调出 (only {len(cand)} eligible)")
        if str(m["to"]) in only_counts:  # into a counts-only school: the movers join its counts
            for attrs in ca.roster_attributes(cand.iloc[:n], standards):
                counts = ca.move_in(counts, str(m["to"]), m["stage"], 1, attrs)
            teachers = teachers.drop(index=cand.index[:n])
        else:
            teachers.loc[cand.index[:n], "school_code"] = m["to"]
    # designations: teachers of the school-stage without a backbone level, full-time first
    for i, d in enumerate(pick["designations"]):
        n = int(d["count"])
        if str(d["school"]) in only_counts:
            try:
                counts = ca.designate(counts, str(d["school"]), d["stage"], n, d.get("level", "县级"), standards)
            except ca.CountsActionError as exc:
                raise _fail(source, f"designations[{i}]", str(exc)) from exc
            continue
        cand = teachers[(teachers["school_code"] == d["school"]) & (teachers["stage"] == d["stage"])
                        & (teachers["backbone_level"] == "无")]
        cand = cand.assign(_pt=~cand["full_time"].fillna(False).astype(bool)).sort_values(["_pt", "teacher_id"])
        if len(cand) < n:
            raise _fail(source, f"designations[{i}]",
                        f"学校 {d['school']} {d['stage']} 至多 {len(cand)} 名非骨干教师可认定 "
                        f"(at most {len(cand)} non-backbone teachers there)")
        teachers.loc[cand.index[:n], "backbone_level"] = d.get("level", "县级")
    if counts is not None:
        t["teacher_counts"] = schemas.validate("teacher_counts", counts)
    t["teachers"] = teachers
    # facilities (NA stays NA: a missing value is never read as zero)
    f = t["facilities"].set_index("school_code")
    add_cols = {"teaching_aux_m2": "teaching_aux_area_m2", "indoor_sports_m2": "indoor_sports_area_m2",
                "sports_ground_m2": "sports_ground_m2", "gymnasium_m2": "gymnasium_m2"}
    adds = []
    for c in pick["construction"]:
        for k, col in add_cols.items():
            if c.get(k):
                adds.append((c["school"], col, float(c[k])))
    adds += [(e["school"], "equipment_value_yuan", float(e["yuan"])) for e in pick["equipment"]]
    adds += [(m["school"], "multimedia_classrooms", float(m["rooms"])) for m in pick["multimedia"]]
    if adds:
        a = pd.DataFrame(adds, columns=["school_code", "col", "v"]).pivot_table(
            index="school_code", columns="col", values="v", aggfunc="sum")
        for col in a.columns:
            inc = a[col].reindex(f.index).fillna(0.0).astype("Float64")
            f[col] = f[col] + inc
    t["facilities"] = f.reset_index()
    if pick["special_rooms"]:
        rows = [{"school_code": r["school"], "room_type": r["room_type"], "area_m2": float(r["area_m2"]),
                 "build_year": year} for r in pick["special_rooms"] for _ in range(int(r["count"]))]
        t["special_rooms"] = pd.concat([t["special_rooms"], pd.DataFrame(rows)], ignore_index=True)
    return t


def scenario_actions(s: Scenario) -> dict[str, list[dict]]:
    return {k: list(v) for sec in (s.teachers, s.facilities) for k, v in sec.items() if k in _ITEM_KEYS}


# ---------------------------------------------------------------- projection
def project(history: dict[str, dict[str, pd.DataFrame]], scenario: Scenario, target_year: int,
            standards: dict | None = None) -> dict[int, dict[str, pd.DataFrame]]:
    """Processed tables for every year from the current period's year to ``target_year``.

    ``history``: period → tables (as ``analysis.ingest.tables.load_period`` returns). The current year
    is the latest period, returned unchanged (with the scenario's actions of that year applied
    only if dated later). Returns year → tables with the same schemas. A target year at or
    before the current year (the period has reached it: 已到目标年) gives the current year only.
    """
    standards = standards or load_standards()
    if not history:
        raise ValueError("没有历史数据（history 为空）。 / history is empty.")
    cur_period = max(history, key=period_year)
    cur_year = period_year(cur_period)
    base = history[cur_period]
    _check_schools(base, scenario)
    years = list(range(cur_year + 1, int(target_year) + 1))
    enrol = project_enrolment(history, scenario, years)
    actions = scenario_actions(scenario)
    out: dict[int, dict[str, pd.DataFrame]] = {cur_year: base}
    prev = base
    ret_age = float(scenario.teachers["retirement_age"])
    no_birth = base["teachers"]["birth_year"].isna().sum()
    if no_birth:
        scenario.notes.append(f"{no_birth} 名教师无出生年份，预测中不退休。 / {no_birth} teachers without birth year never retire.")
    only_counts = ca.counts_schools(base)
    if only_counts:
        scenario.notes.append(f"{len(only_counts)} 所学校只有专任教师数（没有出生年份），预测中其教师不退休。 / "
                              f"{len(only_counts)} schools given as teacher counts: no retirements projected.")
    for year in years:
        # shallow copies: with pandas' copy-on-write a change to a year's table never reaches the
        # year before it, and the tables a year does not change are not copied
        t = {k: v.copy(deep=False) for k, v in prev.items()}
        tch = t["teachers"]
        age = year - tch["birth_year"].astype("Float64")
        t["teachers"] = tch[~(age >= ret_age).fillna(False).astype(bool)].reset_index(drop=True)
        t["enrolment"] = enrol[year]
        t = apply_actions(t, actions, year, defaults=scenario.teachers, source=scenario.source,
                          standards=standards)
        t["classes"] = derive_classes(t["enrolment"], base["classes"], standards,
                                      base.get("class_bands"), base["enrolment"])
        if "class_bands" in t:
            t["class_bands"] = schemas.empty("class_bands")  # the derived class rows replace them
        for name in ("enrolment", "classes", "teachers", "teacher_counts", "facilities", "special_rooms"):
            if name in t:
                t[name] = schemas.validate(name, t[name])
        out[year] = t
        prev = t
    return out


# ---------------------------------------------------------------- trajectory (engine per year)
def _engine_run(tables: dict[str, pd.DataFrame], standards: dict, verdict: bool,
                evaluated: dict | None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(units, cv, verdict or None) of ``tables`` by the engine; with ``evaluated`` (a dict shared
    by the calls of one step, same standards) a tables dict already judged — the very same object,
    e.g. the current year of every scenario — is not judged again."""
    hit = evaluated.get(id(tables)) if evaluated is not None else None
    if hit is not None and hit[0] is tables and (hit[3] is not None or not verdict):
        return hit[1], hit[2], hit[3] if verdict else None
    if verdict:
        results = evaluate(tables, standards)
        units, cv, vt = results.units, results.cv, results.verdict
    else:
        (units, cv), vt = resource_tables(tables, standards), None
    if evaluated is not None:
        evaluated[id(tables)] = (tables, units, cv, vt)  # the tables kept: their id stays theirs
    return units, cv, vt


def trajectory(projected: dict[int, dict[str, pd.DataFrame]], standards: dict,
               scenario_name: str = "", verdict: bool = False, evaluated: dict | None = None) -> pd.DataFrame:
    """Per unit and year: L1–L7 values, standards, met flags, unit pass; per county: every CV.

    Long format, columns: scenario, year, level ("学校"/"县"), school_code, school_name, stage,
    indicator, value, standard, ratio, met, included. With ``verdict=True`` the whole engine
    (``engine.evaluate``) runs per year and the 32 county indicators are added with level "县指标"
    (indicator = code L1…S1, met = passed, NA when 无数据/未提供; value/standard NA).
    ``evaluated``: an empty dict shared by the calls of one step (same standards), so that a
    year's tables judged by an earlier call (the current year is the same tables object in every
    scenario) are not judged again.
    """
    res = standards["resources"]
    frames = []
    for year, tables in sorted(projected.items()):
        units, cv, vt = _engine_run(tables, standards, verdict, evaluated)
        ids = ["school_code", "school_name", "stage", "included"]
        vals = units.melt(id_vars=ids, value_vars=RESOURCE_CODES,
                          var_name="indicator", value_name="value")
        ratio = units.melt(id_vars=["school_code", "stage"], value_vars=[f"{k}_ratio" for k in RESOURCE_CODES],
                           var_name="indicator", value_name="ratio")
        ratio["indicator"] = ratio["indicator"].str.replace("_ratio", "", regex=False)
        met = units.melt(id_vars=["school_code", "stage"], value_vars=[f"{k}_met" for k in RESOURCE_CODES],
                         var_name="indicator", value_name="met")
        met["indicator"] = met["indicator"].str.replace("_met", "", regex=False)
        u = vals.merge(ratio, on=["school_code", "stage", "indicator"]).merge(
            met, on=["school_code", "stage", "indicator"])
        std = pd.DataFrame([(k, s, v) for k, d in res["indicators"].items() for s, v in d["standard"].items()],
                           columns=["indicator", "stage", "standard"])
        u = u.merge(std, on=["indicator", "stage"], how="left")
        p = units[ids + ["unit_pass", "n_met"]].rename(columns={"unit_pass": "met", "n_met": "value"})
        p = p.assign(indicator="每校达标", standard=float(res["min_met"]), ratio=np.nan)
        c = cv.rename(columns={"cv_shown": "value", "limit": "standard", "passed": "met"})
        c = c.assign(school_code="", school_name="全县", included=True,
                     indicator="CV_" + c["indicator"].astype(str),
                     ratio=c["cv"].astype(float) / c["standard"].astype(float))
        level = ["学校"] * (len(u) + len(p)) + ["县"] * len(c)
        cols = ["school_code", "school_name", "stage", "indicator", "value", "standard", "ratio", "met", "included"]
        f = pd.concat([u[cols].astype({"value": float}), p[cols].astype({"value": float}),
                       c[cols].astype({"value": float})], ignore_index=True)
        f.insert(0, "level", level)
        if vt is not None:
            known = vt["status"].isin(["达标", "未达标"])
            v = pd.DataFrame({
                "level": "县指标", "school_code": "", "school_name": "全县", "stage": "",
                "indicator": vt["code"].astype(str), "value": np.nan, "standard": np.nan, "ratio": np.nan,
                "met": pd.array(np.where(known, vt["passed"].astype(bool), pd.NA), dtype="boolean"),
                "included": True,
            })
            f = pd.concat([f, v], ignore_index=True)
        f.insert(0, "year", int(year))
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "scenario", scenario_name)
    out["met"] = out["met"].astype("boolean")
    for col in ("value", "standard", "ratio"):
        out[col] = out[col].astype("Float64")
    return out


def first_met_year(traj: pd.DataFrame, target_year: int) -> pd.DataFrame:
    """First year from which each school/county indicator meets its standard through the target
    year; "到2022年仍未达标" when it does not meet it in the target year.

    Columns: scenario, level, school_code, school_name, stage, indicator, first_met_year (str),
    met_in_target (bool).
    """
    key = ["scenario", "level", "school_code", "school_name", "stage", "indicator"]
    t = traj[traj["included"].fillna(False).astype(bool)].sort_values(key + ["year"]).copy()
    t["ok"] = t["met"].fillna(False).astype(bool)
    # a year counts when it and every later year are met: reverse cumulative AND
    t["later_all"] = t.iloc[::-1].groupby(key, sort=False)["ok"].cummin().iloc[::-1]
    first = t[t["later_all"]].groupby(key, as_index=False)["year"].min()
    allk = t[key].drop_duplicates()
    out = allk.merge(first, on=key, how="left")
    out["met_in_target"] = out["year"].notna()
    last = t[t["year"] == t["year"].max()].set_index(key)["met"]
    no_data = out.set_index(key).index.map(last).isna() if len(out) else np.array([], dtype=bool)
    out["first_met_year"] = np.where(
        out["year"].notna(), out["year"].astype("Float64").astype(str).str.replace(".0", "", regex=False),
        np.where(no_data, "无数据", NOT_BY_TARGET.format(year=target_year)))
    return out.drop(columns="year").reset_index(drop=True)


# ---------------------------------------------------------------- sensitivity
#: columns (and dtypes) of ``sensitivity``'s frame, also of the empty frame at the target year
SENSITIVITY_COLUMNS = {"scenario": "object", "enrolment_scale": "float64", "level": "object",
                       "school_code": "object", "school_name": "object", "stage": "object",
                       "indicator": "object", "value": "Float64", "standard": "Float64", "met": "boolean"}
#: columns (and dtypes) of ``monte_carlo``'s frame
#: at most this many rows of the largest stacked table (teachers) per engine run of the Monte Carlo
#: draws: 200 draws of a 35-school county (~500 teachers) in one run, of a 600-school county
#: (~10 000 teachers) in four (memory ~0.3 GB instead of ~0.8 GB)
MC_BATCH_ROWS = 500_000
PASS_PROBABILITY_COLUMNS = {"scenario": "object", "level": "object", "school_code": "object",
                            "school_name": "object", "stage": "object", "indicator": "object",
                            "draws": "int64", "pass_probability": "float64"}


def sensitivity(history: dict[str, dict[str, pd.DataFrame]], scenario: Scenario, target_year: int,
                standards: dict, scales=(0.9, 1.0, 1.1), projected: dict[int, dict[str, pd.DataFrame]] | None = None,
                evaluated: dict | None = None) -> pd.DataFrame:
    """Target-year verdicts when projected compulsory enrolment is scaled (default ±10%).

    Re-projects with ``scenario.with_scale(s)`` and evaluates the target year with the engine.
    ``projected``: ``project(history, scenario, target_year, standards)`` when the caller has it;
    the scale 1 then uses it instead of projecting again (the same tables: ``with_scale(1)``
    changes only the name). ``evaluated``: as in :func:`trajectory`.
    Columns: scenario, enrolment_scale, level, school_code, school_name, stage, indicator, value,
    standard, met (target year only; included units and every CV), plus one row per scale with
    indicator "全部达标" (level "县"): every unit passes and every CV within its limit.
    """
    if int(target_year) <= max(period_year(p) for p in history):
        # 已到目标年: nothing is projected, so there is no projected enrolment to scale
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in SENSITIVITY_COLUMNS.items()})
    frames = []
    for s in scales:
        if projected is not None and float(s) == 1.0:
            proj = projected
        else:
            proj = project(history, scenario.with_scale(s), target_year, standards)
        tr = trajectory({int(target_year): proj[int(target_year)]}, standards, scenario.name, evaluated=evaluated)
        tr = tr[tr["included"].fillna(False).astype(bool)].drop(columns=["year", "included", "ratio"])
        judged = tr[tr["indicator"].isin(["每校达标"]) | (tr["level"] == "县")]
        overall = bool(judged["met"].fillna(False).astype(bool).all())
        tr = pd.concat([tr, pd.DataFrame([{
            "scenario": scenario.name, "level": "县", "school_code": "", "school_name": "全县", "stage": "",
            "indicator": "全部达标", "value": float(judged["met"].fillna(False).astype(bool).sum()),
            "standard": float(len(judged)), "met": overall}])], ignore_index=True)
        tr.insert(1, "enrolment_scale", float(s))
        frames.append(tr)
    out = pd.concat(frames, ignore_index=True)
    out["met"] = out["met"].astype("boolean")
    return out


# ---------------------------------------------------------------- notebook I/O
def load_history(period: str, data_dir: str | Path, processed_dir: str | Path) -> dict[str, dict[str, pd.DataFrame]]:
    """Every processed period ≤ ``period`` (the raw folder's periods), cleaning any that is missing.

    Returns period → tables (``analysis.ingest.tables.load_period``). Periods are the raw data
    sub-folders whose names start with a year not after ``period``'s.
    """
    data_dir, processed_dir = Path(data_dir), Path(processed_dir)
    cur = period_year(period)
    raw = sorted((p.name for p in data_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()
                  and period_year(p.name) <= cur), key=period_year) if data_dir.is_dir() else []
    done = {p.name for p in processed_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()
            and period_year(p.name) <= cur} if processed_dir.is_dir() else set()
    periods = sorted(set(raw) | done | {str(period)}, key=period_year)
    history = {}
    for p in periods:
        if not (processed_dir / p).is_dir():
            clean_period(data_dir, p, processed_dir)
        history[p] = load_period(processed_dir, p)
    return history


def write_results(frames: dict[str, pd.DataFrame], folder: str | Path) -> list[Path]:
    """Write each frame as ``<name>.parquet`` and ``<name>.csv`` (UTF-8 with BOM) into ``folder``;
    each file is written to a temporary name and renamed into place (``analysis.files``)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [path for name, df in frames.items() for path in write_frame(df, folder / name)]


def monte_carlo(tables: dict[str, pd.DataFrame], standards: dict, years_ahead: int, n: int = 40,
                sd_per_year: float = 0.05, seed: int = 0, scenario_name: str = "") -> pd.DataFrame:
    """Probability that each unit passes (每校达标) and each CV is within its limit in the target year.

    ``tables``: the projected target-year tables. Each draw multiplies every school's compulsory
    enrolment by its own factor ~ Normal(1, sd_per_year·√years_ahead), clipped at 0.1 (an
    assumption: the error of the projection grows with the horizon), rounds half-up (an unknown
    count stays unknown; rows that reach 0 are dropped). The draws are evaluated by the engine in
    ONE run: ``engine.copies.stack_copies`` gives each draw its own school codes, then
    ``build_units`` → ``evaluate_resources`` → ``cv_table(by=["draw"])``. A unit absent from a
    draw (e.g. a teaching point below the threshold) is not counted in that draw, neither as a
    pass nor as a fail. Columns: scenario, level, school_code, school_name, stage, indicator
    (每校达标 / CV_Lk / 全部达标), draws, pass_probability. With ``years_ahead`` ≤ 0 (已到目标年:
    the tables are the period's own counts, not a projection) the frame is empty.
    """
    if int(years_ahead) <= 0:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in PASS_PROBABILITY_COLUMNS.items()})
    n = int(n)
    rng = np.random.default_rng(seed)
    sd = float(sd_per_year) * float(np.sqrt(int(years_ahead)))
    enr = tables["enrolment"].reset_index(drop=True)
    codes = pd.Index(pd.unique(enr["school_code"].astype(object)))
    pos = codes.get_indexer(enr["school_code"].astype(object))
    comp = enr["grade"].between(1, 9).to_numpy()
    base = enr["students"].to_numpy(dtype=float)
    # row d: draw d's factor per school (the same numbers as one rng.normal call per draw)
    f = np.clip(rng.normal(1.0, sd, (n, len(codes))), 0.1, None)
    # the draws in batches of at most MC_BATCH_ROWS rows of the largest stacked table (a large
    # county's 200 draws of its teachers would otherwise be millions of rows at once); the
    # results are those of one run, batch by batch
    rows = max(len(t) for name, t in tables.items() if name in SCHOOL_CODE_COLUMNS)
    if "teachers" in tables:  # the largest table: the draws copy only the columns L1–L3 read, its
        # few-valued texts (stage, degree, subject …) as categories (the same values and comparisons;
        # copying and comparing codes instead of texts); the school codes are stack_copies' own
        roster = tables["teachers"]
        roster = roster[[c for c in RESOURCE_TEACHER_COLUMNS if c in roster.columns]]
        texts = [c for c in roster.columns if c not in SCHOOL_CODE_COLUMNS["teachers"]
                 and pd.api.types.is_string_dtype(roster[c].dtype)]
        tables = {**tables, "teachers": roster.astype({c: "category" for c in texts})}
    batch = max(1, MC_BATCH_ROWS // max(rows, 1))
    unit_parts, cv_parts = [], []
    for start in range(0, n, batch):
        k = min(batch, n - start)
        students = np.where(comp, half_up_array(base * f[start:start + k, pos]), base).ravel()  # draw-major
        stacked = stack_copies(tables, k, key="draw")
        e = stacked["enrolment"].assign(students=pd.array(students, dtype="Int64"))
        keep = (e["students"] > 0).fillna(True).to_numpy(dtype=bool)  # NA: unknown, kept
        stacked["enrolment"] = e[keep].reset_index(drop=True)
        part = build_units(stacked, standards, keys=("draw", ORIGINAL_CODE))
        part = evaluate_resources(stacked, standards, part)
        cv_part = cv_table(part, standards, by=["draw"])
        unit_parts.append(part.assign(draw=part["draw"] + start))
        cv_parts.append(cv_part.assign(draw=cv_part["draw"] + start))
        del stacked, e
    units = pd.concat(unit_parts, ignore_index=True)
    cv = pd.concat(cv_parts, ignore_index=True)

    ids = ["school_code", "school_name", "stage"]
    inc = units.loc[units["included"].fillna(False).astype(bool).to_numpy(),
                    [*ids, ORIGINAL_CODE, "unit_pass", "draw"]]  # the columns read below
    inc = inc.assign(school_code=inc[ORIGINAL_CODE].astype("string"),
                     ok=inc["unit_pass"].fillna(False).astype(bool))
    g = inc.groupby(ids, sort=False, observed=True)["ok"]
    up = pd.DataFrame({"pass_probability": g.mean(), "draws": g.size()}).reset_index()
    up = up.assign(level="学校", indicator="每校达标")
    cv = cv.assign(ok=cv["passed"].fillna(False).astype(bool))
    cp = cv.groupby(["stage", "indicator"], sort=False, observed=True)["ok"].mean()
    cp = cp.rename("pass_probability").reset_index()
    cp = cp.assign(level="县", school_code="", school_name="全县", draws=n,
                   indicator="CV_" + cp["indicator"].astype(str))
    # every unit passes and every CV is within its limit
    failed = np.union1d(inc.loc[~inc["ok"], "draw"].to_numpy(), cv.loc[~cv["ok"], "draw"].to_numpy())
    ap = pd.DataFrame([{"level": "县", "school_code": "", "school_name": "全县", "stage": "",
                        "indicator": "全部达标", "draws": n, "pass_probability": (n - len(failed)) / n}])
    out = pd.concat([up, cp, ap], ignore_index=True)
    out.insert(0, "scenario", scenario_name)
    return out[list(PASS_PROBABILITY_COLUMNS)]
