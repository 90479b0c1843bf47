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
import pyarrow as pa
import pyarrow.compute as pc

from ..schemas import ALL_STAGES, SCHOOL_TYPES, STAGES, TABLES
from ..standards import load_standards
from .inputs import excel_names, incomplete_schools

INDICATORS = [f"L{k}" for k in range(1, 8)]

# School types that hold a single compulsory stage (structure of the school system, not a
# threshold): a teaching point (教学点) is a primary-stage school.
SINGLE_STAGE_TYPES = {"小学": "小学", "教学点": "小学", "初中": "初中"}

# Relative tolerance when comparing a computed value with its standard, so that a value that
# is exactly at the standard in decimal arithmetic (e.g. 4.5 m²) is not failed by float noise.
_REL_TOL = 1e-9


# --------------------------------------------------------------------------- stage shares
def stage_weight_table(standards: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Weight of one pupil of each stage (columns 幼儿班/小学/初中/高中) per school type (rows).

    - Mixed types: ``units.stage_weights`` (e.g. 九年一贯制 小学 1.0 : 初中 1.1).
    - Kindergarten children (附设幼儿班): ``units.kindergarten_weights`` gives K : primary
      (default 1 : 1.1), so a kindergarten child weighs ``w_小学 × 1/1.1``. For a plain primary
      school this is the plan's reading "primary share = 1.1A/(K+1.1A)".
    - Single-stage types (小学, 教学点, 初中): their own stage only (plus kindergarten for primary).
    - Other types (特殊教育学校, 职业学校): plain head count (weight 1 for every stage).
    """
    standards = standards if standards is not None else load_standards()
    u = standards["units"]
    kw = u["kindergarten_weights"]
    k_rel = float(kw["幼儿班"]) / float(kw["小学"])
    rows: dict[str, dict[str, float]] = {}
    for school_type, weights in u["stage_weights"].items():
        row = {s: float(weights.get(s, 0.0)) for s in ALL_STAGES}
        row["幼儿班"] = row["小学"] * k_rel
        rows[school_type] = row
    for school_type in SCHOOL_TYPES:
        if school_type in rows:
            continue
        own = SINGLE_STAGE_TYPES.get(school_type)
        if own is None:
            rows[school_type] = {s: 1.0 for s in ALL_STAGES}
        else:
            row = {s: 0.0 for s in ALL_STAGES}
            row[own] = 1.0
            if own == "小学":  # K : A exactly as configured (default 1 : 1.1)
                row["幼儿班"] = float(kw["幼儿班"])
                row["小学"] = float(kw["小学"])
            rows[school_type] = row
    return pd.DataFrame.from_dict(rows, orient="index")[ALL_STAGES]


def stage_shares(
    primary,
    junior,
    senior=0,
    kindergarten=0,
    school_type="九年一贯制",
    standards: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Each stage's share of a school's L4–L7 resources (学段资源拆分比例).

    With A primary, B junior, C senior pupils and K kindergarten children, weights from
    ``standards.units``: 九年一贯制 A/(A+1.1B) and 1.1B/(A+1.1B); 完全中学 B/(B+1.2C);
    十二年一贯制 1 : 1.1 : 1.32; a primary school with kindergarten classes 1.1A/(K+1.1A).

    Scalar in, floats out: ``stage_shares(300, 200)["小学"]`` → 300/(300+220) ≈ 0.5769.
    Arrays or Series in (``school_type`` may be an array too), arrays or Series out (same
    index). Returns ``{"幼儿班": …, "小学": …, "初中": …, "高中": …}``; the shares of a school sum
    to 1. A school whose weighted head count is 0 gets NaN shares (never a made-up split).
    """
    table = stage_weight_table(standards)
    index = None
    for arg in (primary, junior, senior, kindergarten, school_type):
        if isinstance(arg, pd.Series):
            index = arg.index
            break
    counts = {
        "幼儿班": kindergarten,
        "小学": primary,
        "初中": junior,
        "高中": senior,
    }
    arrays = {s: np.asarray(pd.Series(v).to_numpy(dtype=float, na_value=np.nan)
                            if isinstance(v, pd.Series) else v, dtype=float)
              for s, v in counts.items()}
    types = school_type.to_numpy(dtype=object) if isinstance(school_type, pd.Series) else school_type
    scalar = all(np.ndim(a) == 0 for a in arrays.values()) and np.ndim(types) == 0
    if np.ndim(types) == 0:
        if types not in table.index:
            raise ValueError(
                f"未知的办学类型“{types}”，应为 {list(table.index)} 之一。 / "
                f"Unknown school_type {types!r}; expected one of {list(table.index)}."
            )
        w = {s: np.float64(table.at[types, s]) for s in ALL_STAGES}
    else:
        pos = table.index.get_indexer(np.asarray(types, dtype=object))
        if (pos < 0).any():
            bad = sorted({str(t) for t in np.asarray(types, dtype=object)[pos < 0]})
            raise ValueError(
                f"未知的办学类型 {bad}，应为 {list(table.index)} 之一。 / "
                f"Unknown school_type values {bad}; expected one of {list(table.index)}."
            )
        w = {s: table[s].to_numpy(dtype=float)[pos] for s in ALL_STAGES}
    weighted = {s: w[s] * arrays[s] for s in ALL_STAGES}
    total = sum(weighted.values())
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = {s: np.where(total > 0, weighted[s] / np.where(total > 0, total, 1.0), np.nan)
                  for s in ALL_STAGES}
    if scalar:
        return {s: float(v) for s, v in shares.items()}
    if index is not None:
        return {s: pd.Series(np.broadcast_to(v, (len(index),)), index=index, name=s)
                for s, v in shares.items()}
    return shares


# --------------------------------------------------------------------------- helpers
def _arrow_strings(series: pd.Series):
    """The pyarrow array behind an Arrow-backed string column (zero copy), else None."""
    dtype = series.dtype
    arrow_backed = (isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow") or (
        isinstance(dtype, pd.ArrowDtype) and pa.types.is_string(dtype.pyarrow_dtype))
    if not arrow_backed:
        return None
    return pa.array(series.array)


def _positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position of each value in ``index`` (−1 if absent or NA).

    Fast paths: categorical columns (look up the categories only) and Arrow-backed strings
    (``pyarrow.compute.index_in``, no conversion to Python objects).
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        cat_pos = index.get_indexer(values.cat.categories)
        codes = values.cat.codes.to_numpy()
        return np.where(codes >= 0, cat_pos[codes], -1)
    arr = _arrow_strings(values)
    if arr is not None:
        keys = pa.array(index.astype(str).to_numpy(dtype=object), pa.string())
        pos = pc.index_in(arr, value_set=keys)
        if isinstance(pos, pa.ChunkedArray):
            pos = pos.combine_chunks()
        return pos.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    return index.get_indexer(values)


def _float(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan)


def _bool(series: pd.Series) -> np.ndarray:
    """Boolean array; NA → False (callers track NA separately where it matters)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    return series.fillna(False).to_numpy(dtype=bool)


def _isin(series: pd.Series, allowed) -> np.ndarray:
    return series.isin(list(allowed)).to_numpy(dtype=bool)


def _col_label(table: str, column: str) -> str:
    doc = TABLES[table].columns[column].doc if table in TABLES else column
    return f"{doc}（{table}.{column}）"


def join_labels(masks: list[tuple[str, np.ndarray]], n: int) -> pd.Series:
    """Join the labels whose mask is True per row with "；" (vectorised over rows); NA if none."""
    out = np.full(n, "", dtype=object)
    for label, mask in masks:
        out = np.where(mask, out + label + "；", out)
    series = pd.Series(out, dtype="string").str.rstrip("；")
    return series.mask(series == "")


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
    from .units import build_units

    standards = standards if standards is not None else load_standards()
    if units is None:
        units = build_units(tables, standards)
    res = standards["resources"]
    ind = res["indicators"]
    out = units.reset_index(drop=True).copy()
    n = len(out)
    students = _float(out["students"])
    stage = out["stage"].astype(object).to_numpy()
    stage_idx = np.full(n, -1, dtype=np.int64)
    for k, s in enumerate(STAGES):
        stage_idx[stage == s] = k

    # unit position lookup: (school position, stage index) → row of `out`
    school_index = pd.Index(pd.unique(out["school_code"].astype(object)))
    upos = np.full((len(school_index) + 1, len(STAGES) + 1), -1, dtype=np.int64)
    upos[_positions(school_index, out["school_code"]), stage_idx] = np.arange(n)

    def unit_of(codes: pd.Series, stages: pd.Series) -> np.ndarray:
        sp = _positions(school_index, codes)
        st = _positions(pd.Index(STAGES), stages)
        return upos[sp, st]  # index −1 lands on the padding row/column → −1

    def count(unit_pos: np.ndarray, mask: np.ndarray) -> np.ndarray:
        sel = mask & (unit_pos >= 0)
        return np.bincount(unit_pos[sel], minlength=n)[:n].astype(float)

    values: dict[str, np.ndarray] = {}
    missing: list[tuple[str, np.ndarray]] = []
    # students unknown (NA) or zero: no per-student value can be computed (never a zero or ∞)
    no_students = ~(students > 0)
    missing.append(("L1–L7：本学段在校生数缺失或为0（enrolment）", no_students))

    # ---- L1–L3: each stage's own full-time teachers
    teachers = tables.get("teachers")
    if teachers is None:
        for k in ("L1", "L2", "L3"):
            values[k] = np.full(n, np.nan)
        missing.append(("L1–L3：教职工花名册缺失（teachers）", np.ones(n, dtype=bool)))
    else:
        tu = unit_of(teachers["school_code"], teachers["stage"])
        full_time = _bool(teachers["full_time"])
        t_stage = teachers["stage"]
        degree = teachers["degree"]
        qualifying = np.zeros(len(teachers), dtype=bool)
        for s, degrees in ind["L1"]["qualifying_degrees"].items():
            qualifying |= (t_stage == s).to_numpy(dtype=bool) & _isin(degree, degrees)
        l1_count = count(tu, full_time & qualifying)
        degree_na = count(tu, full_time & degree.isna().to_numpy(dtype=bool)) > 0
        l2_count = count(tu, full_time & _isin(teachers["backbone_level"], ind["L2"]["backbone_levels"]))
        subject_ok = _isin(teachers["subject"], ind["L3"]["subjects"])
        subject_na = count(tu, full_time & teachers["subject"].isna().to_numpy(dtype=bool)) > 0
        l3_count = count(tu, full_time & subject_ok)
        # a school with no teacher in the roster, or with roster rows kept aside (quarantined):
        # its teacher counts are unknown, never zero or smaller
        unit_codes = out["school_code"].astype(object)
        in_roster = pd.concat([teachers["school_code"], teachers["service_school_code"]]).dropna()
        no_roster = ~unit_codes.isin(in_roster.astype(object)).to_numpy(dtype=bool)
        partial = unit_codes.isin(incomplete_schools(tables, "teachers")).to_numpy(dtype=bool)
        teachers_na = no_roster | partial

        relax = res.get("small_rural_l3_relaxation") or {}
        if relax.get("enabled", False):
            eligible = (
                out["urban_rural"].isin(relax["urban_rural"]).to_numpy(dtype=bool)
                & (students >= relax["min_students"])
                & (students <= relax["max_students"])
            )
            svc_code = teachers["service_school_code"]
            serving = (
                full_time
                & subject_ok
                & _isin(teachers["service_mode"], relax["service_modes"])
                & svc_code.notna().to_numpy(dtype=bool)
                & (svc_code != teachers["school_code"]).fillna(False).to_numpy(dtype=bool)
            )
            rows = np.flatnonzero(serving)  # look up only the serving teachers' host schools
            su = unit_of(svc_code.iloc[rows], teachers["stage"].iloc[rows])
            l3_count = l3_count + np.where(eligible, count(su, np.ones(len(rows), dtype=bool)), 0.0)

        with np.errstate(divide="ignore", invalid="ignore"):
            values["L1"] = np.where(degree_na | teachers_na, np.nan, l1_count / students * 100.0)
            values["L2"] = np.where(teachers_na, np.nan, l2_count / students * 100.0)
            values["L3"] = np.where(subject_na | teachers_na, np.nan, l3_count / students * 100.0)
        missing.append((f"L1：{_col_label('teachers', 'degree')}有缺失", degree_na))
        missing.append((f"L3：{_col_label('teachers', 'subject')}有缺失", subject_na))
        missing.append(("L1–L3：教职工花名册中没有该校的教师（teachers）", no_roster))
        missing.append(("L1–L3：该校有花名册记录被隔离，教师数不完整（见隔离表）", partial & ~no_roster))

    # ---- L4–L7: the school's facilities × this stage's share
    share = _float(out["resource_share"])
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
        fpos = _positions(pd.Index(facilities["school_code"].astype(object)), out["school_code"])
        absent = fpos < 0
        fac = {}
        for c in fac_cols:
            arr = _float(facilities[c]) if c in facilities.columns else np.full(len(facilities), np.nan)
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
        values["L4"] = (fac["teaching_aux_area_m2"] - fac["indoor_sports_area_m2"]) * per_student
        values["L5"] = (fac["sports_ground_m2"] + fac["gymnasium_m2"]) * per_student
        values["L6"] = fac["equipment_value_yuan"] * per_student
        values["L7"] = fac["multimedia_classrooms"] * per_student * 100.0

    # ---- ratios, met flags, the per-unit rule
    floor = float(res["floor_ratio"])
    met_all = np.zeros((n, 7), dtype=bool)
    na_all = np.zeros((n, 7), dtype=bool)
    below_floor = np.zeros(n, dtype=bool)
    for j, k in enumerate(INDICATORS):
        standard = out["stage"].astype(object).map(ind[k]["standard"]).to_numpy(dtype=float)
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
    included = _bool(out["included"])
    out["n_met"] = pd.array(n_met, dtype="Int64")
    unit_pass = pd.array(passes, dtype="boolean")
    unit_pass[~passes & ~fails] = pd.NA
    out["unit_pass"] = unit_pass
    out.loc[~included, "unit_pass"] = pd.NA  # excluded units are shown, not judged
    out["missing_inputs"] = join_labels([(excel_names(label), mask) for label, mask in missing], n).to_numpy()
    out["missing_inputs"] = out["missing_inputs"].astype("string")

    schema_cols = list(TABLES["units"].columns)
    extra = [c for c in units.columns if c not in schema_cols]
    return out[extra + schema_cols]
