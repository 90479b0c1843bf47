"""Assessment units (评估单位): one row per school and compulsory stage.

Rules (standards ``units``, spec §0):
- A mixed school is split per ``units.split`` (九年一贯制 → 小学 + 初中; 十二年一贯制 → 小学 + 初中,
  senior dropped; 完全中学 → 初中). A campus of a mixed school whose pupils are all in one of
  those stages is treated as a school of that stage: only that unit, with resource share 1
  (apart from kindergarten classes).
- 小学 and 教学点 give a 小学 unit, 初中 an 初中 unit. Excluded types (特殊教育学校, 职业学校) are
  listed with the compulsory stages they have pupils in, marked excluded; a school of those
  types without compulsory-stage pupils has no unit.
- Excluded, with the reason in Chinese: ``units.excluded_types``; 教学点 under
  ``units.teaching_point_min_students`` pupils; private schools when ``units.include_private``
  is off.
- ``resource_share``: the stage's share of the school's L4–L7 resources (``stage_shares``).
- Students unknown (a school without 在校生 rows, or an unknown grade count in a stage): the unit
  is formed by its type with ``students`` NA; the resource indicators say 无数据 for it (a missing
  input is never a zero) and the period runs on. A unit with zero students is an input error, not
  an infinite ratio: its values are NA too, and ``missing_inputs`` says so.

Columns of ``schools`` other than the contract's (e.g. ``county`` in the national benchmark)
are passed through when listed in ``keys``.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards
from analysis.engine.arrays import codes_of, positions
from analysis.engine.shares import SINGLE_STAGE_TYPES, stage_shares
from analysis.schemas import ALL_STAGES, STAGES

UNIT_COLUMNS = [
    "school_code", "school_name", "stage", "school_type", "urban_rural", "students",
    "resource_share", "included", "exclusion_reason",
]


class ZeroStudentsError(ValueError):
    """Kept for callers that catch it; :func:`build_units` no longer raises it (a unit without
    students is reported as missing data, and the period runs on)."""


def stage_students(schools: pd.DataFrame, enrolment: pd.DataFrame) -> np.ndarray:
    """Students per school (rows, in ``schools`` order) and stage (columns: ``ALL_STAGES``).

    Enrolment rows of schools not in ``schools`` are ignored (cleaning reports them). A missing
    count (NA) makes that school's stage total NaN, never 0; a school without any enrolment row
    has NaN in every stage (unknown, not zero).
    """
    index = pd.Index(schools["school_code"])
    pos = positions(index, enrolment["school_code"])
    st = codes_of(enrolment["stage"], ALL_STAGES)
    n_stage = len(ALL_STAGES)
    ok = (pos >= 0) & (st >= 0)
    flat = pos[ok] * n_stage + st[ok]
    counts = enrolment["students"].to_numpy(dtype=float, na_value=np.nan)[ok]
    size = len(index) * n_stage
    total = np.bincount(flat, weights=np.nan_to_num(counts), minlength=size)[:size].astype(float)
    na = np.bincount(flat, weights=np.isnan(counts), minlength=size)[:size] > 0
    total[na] = np.nan
    total = total.reshape(len(index), n_stage)
    has_rows = np.bincount(pos[pos >= 0], minlength=len(index))[:len(index)] > 0
    total[~has_rows] = np.nan
    return total


def build_units(
    tables: Mapping[str, pd.DataFrame],
    standards: Mapping[str, Any] | None = None,
    keys: Iterable[str] = ("county",),
) -> pd.DataFrame:
    """Assessment units from the processed ``schools`` and ``enrolment`` tables.

    Returns one row per school and stage with ``UNIT_COLUMNS`` (the first columns of the
    ``units`` result table) preceded by any of ``keys`` found in ``schools``. A unit whose
    students are unknown has ``students`` NA (see the module docstring).
    """
    standards = standards if standards is not None else load_standards()
    cfg = standards["units"]
    schools = tables["schools"].reset_index(drop=True)
    enrolment = tables["enrolment"]
    counts = stage_students(schools, enrolment)  # (n_schools, 4): 幼儿班 小学 初中 高中
    comp = counts[:, [ALL_STAGES.index(s) for s in STAGES]]  # 小学, 初中
    # the school types as codes: position in `names` (−1: a type no rule below names)
    names = list(dict.fromkeys([*cfg["split"], *SINGLE_STAGE_TYPES, *cfg["excluded_types"], "教学点"]))
    types = codes_of(schools["school_type"], names)

    def of_type(*type_names: str) -> np.ndarray:
        return np.isin(types, [names.index(t) for t in type_names])

    # which compulsory stages each school forms a unit for: boolean (n_schools, 2)
    has = np.zeros(comp.shape, dtype=bool)
    with_pupils = np.nan_to_num(comp, nan=1.0) > 0  # NA counts still form a unit (→ error below)
    for school_type, stages in cfg["split"].items():
        rows = of_type(school_type)
        allowed = np.array([s in stages for s in STAGES])
        unit = with_pupils[rows] & allowed
        unit[~unit.any(axis=1)] = allowed  # no pupils at all: keep the units so the error names it
        has[rows] = unit
    for school_type, stage in SINGLE_STAGE_TYPES.items():
        if school_type in cfg["split"]:
            continue
        has[of_type(school_type), STAGES.index(stage)] = True
    other = ~of_type(*cfg["split"], *SINGLE_STAGE_TYPES)
    has[other] = with_pupils[other] & (np.nan_to_num(comp[other]) > 0)

    school_pos, stage_pos = np.nonzero(has)
    stage_names = np.array(STAGES, dtype=object)[stage_pos]
    students = comp[school_pos, stage_pos]
    utypes = types[school_pos]

    def column(name: str) -> pd.api.extensions.ExtensionArray:
        """The units' rows of a column of ``schools`` (a take, no round trip through objects)."""
        return schools[name].array.take(school_pos)

    school_type = column("school_type")
    k = counts[school_pos]
    shares = stage_shares(
        primary=k[:, 1], junior=k[:, 2], senior=k[:, 3], kindergarten=k[:, 0],
        school_type=school_type, standards=standards,
    )
    share = np.where(stage_pos == STAGES.index("小学"), shares["小学"], shares["初中"])

    # inclusion and the reason for each exclusion (first applicable reason)
    reason = np.full(len(school_pos), None, dtype=object)
    for t in cfg["excluded_types"]:
        reason[utypes == names.index(t)] = f"{t}不纳入资源配置评估"
    min_tp = cfg["teaching_point_min_students"]
    small_tp = (utypes == names.index("教学点")) & (students < min_tp) & (reason == None)  # noqa: E711  (NaN: unknown, kept)
    reason[small_tp] = [f"教学点在校生 {int(v)} 人，不足 {min_tp} 人" for v in students[small_tp]]
    if not cfg.get("include_private", True):
        public = schools["is_public"].array.take(school_pos)
        private = ~pd.Series(public).fillna(True).to_numpy(dtype=bool) & (reason == None)  # noqa: E711
        reason[private] = "民办学校（按设置不纳入评估）"

    unknown = np.isnan(students)
    out = pd.DataFrame({
        "school_code": column("school_code").astype("string"),
        "school_name": column("school_name").astype("string"),
        "stage": pd.array(np.array(STAGES, dtype=object), dtype="string").take(stage_pos),
        "school_type": school_type.astype("string"),
        "urban_rural": column("urban_rural").astype("string"),
        "students": pd.arrays.IntegerArray(np.where(unknown, 0, students).astype(np.int64), unknown),
        "resource_share": pd.array(share, dtype="Float64"),
        "included": pd.array(reason == None, dtype="boolean"),  # noqa: E711
        "exclusion_reason": pd.array(reason, dtype="string"),
    })
    passthrough = [c for c in keys if c in schools.columns]
    for c in reversed(passthrough):
        out.insert(0, c, _passthrough(schools[c], school_pos))
    return out


def _passthrough(column: pd.Series, rows: np.ndarray):
    """``column.to_numpy()[rows]`` as the units' column: an object array, whose dtype the frame
    infers (a text column becomes the frame's text dtype). A text column already of that dtype
    with a value is taken as it is (the same column, without converting each text to an object
    and back: a national set has 200,000 units)."""
    inferred_text = pd.StringDtype(na_value=np.nan)  # what the frame infers for texts
    if column.dtype == inferred_text and column.notna().any():
        return column.array.take(rows)
    return column.to_numpy()[rows]
