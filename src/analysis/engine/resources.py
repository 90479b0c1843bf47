"""Resource allocation (资源配置): the seven indicators L1–L7 per assessment unit.

- L1–L3 count each stage's own full-time teachers (``teachers.stage``); they are not split.
- L4–L7 use the school's facilities, shared between its stages by ``stage_shares`` (weighted
  head count, weights from ``standards.units``).
- Per-unit rule (每校达标): at least ``resources.min_met`` indicators reach the standard and every
  other one is at least ``resources.floor_ratio`` of it.
- A missing input never becomes a zero: the value, ratio and met flag are NA (no data), the
  indicator does not count towards ``n_met``, the unit cannot pass, and ``missing_inputs``
  names the input.

Everything is vectorised over units (numpy index arithmetic, ``np.bincount``), so the same
function serves one county, the projections, the optimiser and a national benchmark.
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from analysis.config.standards import load_standards, resource_codes, teacher_codes
from analysis.engine.arrays import bools, codes_of, floats, join_labels, map_blocks, positions
from analysis.engine.inputs import excel_names, incomplete_schools
from analysis.engine.shares import stage_shares  # noqa: F401  (public: analysis.stage_shares)
from analysis.engine.teachers import RESOURCE_TEACHER_COLUMNS, serving_mask, teacher_masks
from analysis.engine.units import build_units
from analysis.schemas import STAGES, TABLES

# Relative tolerance when comparing a computed value with its standard, so that a value that
# is exactly at the standard in decimal arithmetic (e.g. 4.5 m²) is not failed by float noise.
_REL_TOL = 1e-9


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame | None:
    """A processed table, or None when absent or empty (an alternative form not given)."""
    t = tables.get(name)
    return None if t is None or (name == "teacher_counts" and len(t) == 0) else t


def _col_label(table: str, column: str) -> str:
    doc = TABLES[table].columns[column].doc if table in TABLES else column
    return f"{doc}（{table}.{column}）"


# --------------------------------------------------------------------------- the engine
def evaluate_resources(
    tables: Mapping[str, pd.DataFrame],
    standards: Mapping[str, Any] | None = None,
    units: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The seven resource indicators for every assessment unit (申报表Ⅱ-2).

    ``tables`` holds the processed tables (``schools``, ``enrolment``, ``teachers``,
    ``facilities``); ``units`` defaults to ``build_units(tables, standards)`` (pass it to reuse
    or to evaluate modified units, e.g. in projections). Returns the ``units`` result table
    (schemas.py) plus any pass-through key columns of the units (e.g. ``county``).
    """

    standards = standards if standards is not None else load_standards()
    if units is None:
        units = build_units(tables, standards)
    res = standards["resources"]
    ind = res["indicators"]
    out = units.reset_index(drop=True).copy()
    n = len(out)
    students = floats(out["students"])
    stage_idx = codes_of(out["stage"], STAGES)  # −1: a stage without a unit's standards (never judged)

    # unit position lookup: (school position, stage index) → row of `out`
    # the units' schools in order of first appearance, and each unit's position among them (one
    # pass; school codes of units are never NA)
    unit_school, uniques = pd.factorize(out["school_code"])
    school_index = pd.Index(uniques)
    upos = np.full((len(school_index) + 1, len(STAGES) + 1), -1, dtype=np.int64)
    upos[unit_school, stage_idx] = np.arange(n)

    def school_positions(codes: pd.Series) -> np.ndarray:
        """Position of each code's school among the units' schools (−1: no unit, or NA)."""
        return positions(school_index, codes)

    def listed_units(codes: pd.Series | np.ndarray) -> np.ndarray:
        """Units whose school appears in ``codes`` (codes or their school positions; NA codes name
        no school)."""
        seen = np.zeros(len(school_index) + 1, dtype=bool)
        # −1 (absent, NA) lands on the padding
        seen[codes if isinstance(codes, np.ndarray) else school_positions(pd.Series(codes))] = True
        return seen[unit_school]

    def unit_rows(school_pos: np.ndarray, stage_pos: np.ndarray) -> np.ndarray:
        """Row of ``out`` of each (school position, stage index) pair; −1 where either is −1. One
        flat look-up (10 M rows nationally): with ``mode="wrap"`` a −1 in either lands on the
        padding row or column of ``upos`` (school −1 → the last row; stage −1 → the previous
        row's last column), which holds −1."""
        return upos.ravel().take(school_pos * upos.shape[1] + stage_pos, mode="wrap")

    values: dict[str, np.ndarray] = {}
    missing: list[tuple[str, np.ndarray]] = []
    codes = resource_codes(standards)
    # "每百名学生…" (per_hundred in the standards file): × 100; otherwise per pupil
    scale = {k: 100.0 if ind[k].get("per_hundred") else 1.0 for k in codes}
    # students unknown (NA) or zero: no per-student value can be computed (never a zero or ∞)
    no_students = ~(students > 0)
    missing.append(("L1–L7：本学段在校生数缺失或为0（enrolment）", no_students))

    # ---- L1–L3: each stage's own full-time teachers, from the roster (one row per teacher) or,
    # for a school without roster rows, from the counts form (teacher_counts)
    teachers = _table(tables, "teachers")
    counts_tab = _table(tables, "teacher_counts")
    relax = res.get("small_rural_l3_relaxation") or {}
    eligible = np.zeros(n, dtype=bool)
    if relax.get("enabled", False):
        eligible = (
            out["urban_rural"].isin(relax["urban_rural"]).to_numpy(dtype=bool)
            & (students >= relax["min_students"])
            & (students <= relax["max_students"])
        )
    if teachers is None and counts_tab is None:
        for k in teacher_codes(standards):
            values[k] = np.full(n, np.nan)
        missing.append(("L1–L3：教职工花名册缺失（teachers）", np.ones(n, dtype=bool)))
    else:
        l1_count = l2_count = l3_count = np.zeros(n)
        degree_na = subject_na = np.zeros(n, dtype=bool)
        roster_school = np.zeros(n, dtype=bool)
        in_roster = np.zeros(n, dtype=bool)
        partial = np.zeros(n, dtype=bool)
        if teachers is not None:
            serving_counted = bool(eligible.any())

            def roster_block(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
                """For the roster's rows lo…hi: full-time teachers per unit with each of the five
                flags (unit × flag), the schools with rows / named as service school (by school
                position, + padding), and the PE/art teachers serving at each unit."""
                part = roster.iloc[lo:hi]
                school_pos = school_positions(part["school_code"])
                m = teacher_masks(part, standards)  # the stage read once there, for the masks and here
                tu = unit_rows(school_pos, m.stage)  # each teacher's unit (−1: none)
                full_time = m.full_time & (tu >= 0)
                flags = (m.qualifying, m.degree_unknown, m.backbone, m.subject_unknown, m.pe_art)
                per_flag = np.stack([np.bincount(tu[full_time & f], minlength=n)[:n] if f.any()
                                     else np.zeros(n, dtype=np.int64) for f in flags], axis=1)
                listed = np.zeros(len(school_index) + 1, dtype=bool)
                listed[school_pos] = True  # −1 (absent, NA) lands on the padding
                # the teachers serving at a school (2% nationally): their rows and schools' positions
                service = part["service_school_code"]
                serves = service.notna().to_numpy(dtype=bool)
                service_pos = school_positions(service[serves])
                named = np.zeros(len(school_index) + 1, dtype=bool)
                named[service_pos] = True
                hosted = np.zeros(n, dtype=np.int64)
                if serving_counted:
                    rows = np.flatnonzero(serving_mask(part, m, relax["service_modes"]))  # all with a service school
                    su = unit_rows(service_pos[np.searchsorted(np.flatnonzero(serves), rows)], m.stage[rows])
                    hosted = np.bincount(su[su >= 0], minlength=n)[:n]
                return per_flag, listed, named, hosted

            # the roster in blocks (10 M rows nationally), each column looked up once per row
            roster = teachers[[c for c in RESOURCE_TEACHER_COLUMNS if c in teachers.columns]]
            blocks = map_blocks(roster_block, len(roster))
            per_flag = sum(b[0] for b in blocks).astype(float)
            l1_count, l2_count, l3_count = per_flag[:, 0], per_flag[:, 2], per_flag[:, 4]
            degree_na, subject_na = per_flag[:, 1] > 0, per_flag[:, 3] > 0
            # a school with no teacher in the roster, or with roster rows kept aside (quarantined):
            # its teacher counts are unknown, never zero or smaller
            roster_school = np.logical_or.reduce([b[1] for b in blocks])[unit_school]
            in_roster = roster_school | np.logical_or.reduce([b[2] for b in blocks])[unit_school]
            partial = listed_units(pd.Series(sorted(incomplete_schools(tables, "teachers")), dtype=object))
            if serving_counted:
                l3_count = l3_count + np.where(eligible, sum(b[3] for b in blocks), 0.0)
        # the counts form: for the schools the roster does not list (the roster wins where both are)
        use_counts = np.zeros(n, dtype=bool)
        if counts_tab is not None:
            use_counts = ~roster_school & listed_units(counts_tab["school_code"])
        if use_counts.any():
            cu = unit_rows(school_positions(counts_tab["school_code"]), codes_of(counts_tab["stage"], STAGES))
            ok = cu >= 0

            def from_counts(field: str) -> np.ndarray:
                arr = np.full(n, np.nan)  # no row for the stage: unknown
                arr[cu[ok]] = floats(counts_tab[field])[ok]
                return arr

            c_l1, c_l2, c_l3 = from_counts("qualifying"), from_counts("backbone"), from_counts("pe_art")
            if eligible.any():
                c_l3 = c_l3 + np.where(eligible, from_counts("serving_pe_art"), 0.0)  # NA: unknown
            no_row = np.ones(n, dtype=bool)
            no_row[cu[ok]] = False
            c_partial = listed_units(pd.Series(sorted(incomplete_schools(tables, "teacher_counts")), dtype=object))
            c_na = c_partial | no_row
            l1_count = np.where(use_counts, np.where(c_na, np.nan, c_l1), l1_count)
            l2_count = np.where(use_counts, np.where(c_na, np.nan, c_l2), l2_count)
            l3_count = np.where(use_counts, np.where(c_na, np.nan, c_l3), l3_count)
            degree_na = np.where(use_counts, False, degree_na)
            subject_na = np.where(use_counts, False, subject_na)
            missing.append(("L1–L3：专任教师数中没有该校该学段的记录（teacher_counts）", use_counts & no_row))
            missing.append(("L1–L3：该校有专任教师数记录被隔离，教师数不完整（见隔离表）", use_counts & c_partial))
            for field, code in (("qualifying", "L1"), ("backbone", "L2"), ("pe_art", "L3")):
                missing.append((f"{code}：{_col_label('teacher_counts', field)}缺失",
                                use_counts & ~c_na & np.isnan(from_counts(field))))
            missing.append((f"L3：{_col_label('teacher_counts', 'serving_pe_art')}缺失（小规模乡村学校放宽）",
                            use_counts & eligible & ~c_na & np.isnan(from_counts("serving_pe_art"))))
        no_roster = ~in_roster & ~use_counts
        teachers_na = no_roster | (partial & ~use_counts)

        with np.errstate(divide="ignore", invalid="ignore"):
            values["L1"] = np.where(degree_na | teachers_na, np.nan, l1_count / students * scale["L1"])
            values["L2"] = np.where(teachers_na, np.nan, l2_count / students * scale["L2"])
            values["L3"] = np.where(subject_na | teachers_na, np.nan, l3_count / students * scale["L3"])
        missing.append((f"L1：{_col_label('teachers', 'degree')}有缺失", degree_na & ~use_counts))
        missing.append((f"L3：{_col_label('teachers', 'subject')}有缺失", subject_na & ~use_counts))
        missing.append(("L1–L3：教职工花名册中没有该校的教师（teachers）", no_roster))
        missing.append(("L1–L3：该校有花名册记录被隔离，教师数不完整（见隔离表）",
                        partial & ~no_roster & ~use_counts))

    # ---- L4–L7: the school's facilities × this stage's share
    share = floats(out["resource_share"])
    missing.append(("L4–L7：学段资源份额（resource_share）无法计算", np.isnan(share)))
    facilities = tables.get("facilities")
    fac_cols = [
        "teaching_aux_area_m2", "indoor_sports_area_m2", "sports_ground_m2",
        "gymnasium_m2", "equipment_value_yuan", "multimedia_classrooms",
    ]
    if facilities is None:
        fac = {c: np.full(n, np.nan) for c in fac_cols}
        missing.append(("L4–L7：校舍场地装备表缺失（facilities）", np.ones(n, dtype=bool)))
    else:
        fpos = positions(pd.Index(facilities["school_code"].astype(object)), out["school_code"])
        absent = fpos < 0
        fac = {}
        for c in fac_cols:
            arr = floats(facilities[c]) if c in facilities.columns else np.full(len(facilities), np.nan)
            fac[c] = np.where(absent, np.nan, arr[np.where(absent, 0, fpos)] if len(arr) else np.nan)
        missing.append(("L4–L7：该校无校舍场地装备记录（facilities）", absent))
        which = {
            "teaching_aux_area_m2": "L4", "indoor_sports_area_m2": "L4", "sports_ground_m2": "L5",
            "gymnasium_m2": "L5", "equipment_value_yuan": "L6", "multimedia_classrooms": "L7",
        }
        for c in fac_cols:
            missing.append((f"{which[c]}：{_col_label('facilities', c)}", ~absent & np.isnan(fac[c])))
    with np.errstate(divide="ignore", invalid="ignore"):
        per_student = np.where(no_students, np.nan, share / students)
        values["L4"] = (fac["teaching_aux_area_m2"] - fac["indoor_sports_area_m2"]) * per_student * scale["L4"]
        values["L5"] = (fac["sports_ground_m2"] + fac["gymnasium_m2"]) * per_student * scale["L5"]
        values["L6"] = fac["equipment_value_yuan"] * per_student * scale["L6"]
        values["L7"] = fac["multimedia_classrooms"] * per_student * scale["L7"]

    # ---- ratios, met flags, the per-unit rule
    floor = float(res["floor_ratio"])
    met_all = np.zeros((n, len(codes)), dtype=bool)
    na_all = np.zeros((n, len(codes)), dtype=bool)
    below_floor = np.zeros(n, dtype=bool)
    for j, k in enumerate(codes):
        # the stage's standard per unit (NaN for a stage the standards file does not list)
        by_stage = np.array([float(ind[k]["standard"].get(s, np.nan)) for s in STAGES] + [np.nan])
        standard = by_stage[stage_idx]
        v = np.where(no_students, np.nan, values[k])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = v / standard
        no_value = np.isnan(v)
        met = ~no_value & (v >= standard * (1 - _REL_TOL))
        below_floor |= ~no_value & (ratio < floor * (1 - _REL_TOL))
        met_all[:, j] = met
        na_all[:, j] = no_value
        out[k] = pd.array(v, dtype="Float64")
        out[f"{k}_ratio"] = pd.array(ratio, dtype="Float64")
        met_flag = pd.array(met, dtype="boolean")
        met_flag[no_value] = pd.NA  # no data: neither met nor "not met" (docs/results.md)
        out[f"{k}_met"] = met_flag
    # the per-unit rule in three values: passes (every value known), fails whatever the missing
    # values are (one below the floor, or too few met even if every missing one were met), or
    # cannot be decided (NA: a missing input never passes and never fails a unit)
    n_met = met_all.sum(axis=1)
    n_na = na_all.sum(axis=1)
    min_met = int(res["min_met"])
    passes = (n_met >= min_met) & ~below_floor & (n_na == 0)
    fails = below_floor | (n_met + n_na < min_met)
    included = bools(out["included"])
    out["n_met"] = pd.array(n_met, dtype="Int64")
    unit_pass = pd.array(passes, dtype="boolean")
    unit_pass[~passes & ~fails] = pd.NA
    out["unit_pass"] = unit_pass
    out.loc[~included, "unit_pass"] = pd.NA  # excluded units are shown, not judged
    out["missing_inputs"] = join_labels([(excel_names(label), mask) for label, mask in missing], n).array

    schema_cols = list(TABLES["units"].columns)
    extra = [c for c in units.columns if c not in schema_cols]
    return out[extra + schema_cols]
